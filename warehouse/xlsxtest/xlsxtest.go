// Package xlsxtest checks, for tests, that a workbook the product writes is ready to
// print and to hand on: what warehouse.SetXLSXDocument and warehouse.SetXLSXPrint
// promise, read back from the bytes with excelize, as net/http/httptest serves tests
// of net/http. Every writer's test calls the same check, so no writer is left out.
package xlsxtest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Want is what a workbook must say beyond what every workbook says.
type Want struct {
	// Title is a part of the document title (Dutch), e.g. "schooljaar 2018-2019".
	Title string
	// Sheets are the sheets in order; each must be set up for print.
	Sheets []Sheet
}

// Sheet is what one sheet must be.
type Sheet struct {
	Name      string
	Landscape bool
	TitleRows int // rows 1 … TitleRows repeat on every printed page
	// Wrapped are cells holding a long text (a note) that must wrap.
	Wrapped []string
}

// maxDecimals is the most decimals a number may be stored with: a report holds two
// (a percentage as a fraction four); 0.050499999999999996 is a float artefact.
const maxDecimals = 10

// Check opens the workbook and reports every way it is not ready to print: document
// properties, page setup, print titles, wrapped notes, and numbers stored with float
// artefacts.
func Check(t testing.TB, workbook []byte, want Want) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(workbook))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Creator != warehouse.XLSXAuthor || props.LastModifiedBy != warehouse.XLSXAuthor {
		t.Errorf("document author %q, last modified by %q; want %q for both", props.Creator, props.LastModifiedBy, warehouse.XLSXAuthor)
	}
	if !strings.Contains(props.Title, want.Title) || want.Title == "" {
		t.Errorf("document title %q, want one containing %q", props.Title, want.Title)
	}
	if strings.HasPrefix(props.Created, "2006-") {
		t.Errorf("document created %s: excelize's template date", props.Created)
	}
	app, err := f.GetAppProps()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(app.Application, "Excelize") || app.Company != warehouse.XLSXAuthor {
		t.Errorf("application %q, company %q; want the bureau's", app.Application, app.Company)
	}
	var names []string
	for _, s := range want.Sheets {
		names = append(names, s.Name)
	}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(names, "|") {
		t.Errorf("sheets %q, want %q", got, names)
	}
	titles := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles[dn.Scope] = dn.RefersTo
		}
	}
	for _, s := range want.Sheets {
		checkSheet(t, f, s, titles[s.Name])
	}
}

func checkSheet(t testing.TB, f *excelize.File, s Sheet, printTitles string) {
	t.Helper()
	layout, err := f.GetPageLayout(s.Name)
	if err != nil {
		t.Errorf("%s: page layout: %v", s.Name, err)
		return
	}
	orientation := "portrait"
	if s.Landscape {
		orientation = "landscape"
	}
	if got := deref(layout.Orientation); got != orientation {
		t.Errorf("%s: orientation %q, want %q", s.Name, got, orientation)
	}
	if got := deref(layout.Size); got != 9 {
		t.Errorf("%s: paper size %d, want 9 (A4)", s.Name, got)
	}
	if w, h := layout.FitToWidth, layout.FitToHeight; w == nil || *w != 1 || h == nil || *h != 0 {
		t.Errorf("%s: fit to %s wide by %s tall, want 1 wide by 0 (as many as needed)", s.Name, ptr(w), ptr(h))
	}
	props, err := f.GetSheetProps(s.Name)
	if err != nil || !deref(props.FitToPage) {
		t.Errorf("%s: fit-to-page is off (%v): the fit-to sizes would be ignored", s.Name, err)
	}
	quoted := "'" + strings.ReplaceAll(s.Name, "'", "''") + "'"
	if want := fmt.Sprintf("%s!$1:$%d", quoted, s.TitleRows); printTitles != want {
		t.Errorf("%s: print titles %q, want %q", s.Name, printTitles, want)
	}
	for _, cell := range s.Wrapped {
		id, err := f.GetCellStyle(s.Name, cell)
		if err != nil {
			t.Errorf("%s!%s: %v", s.Name, cell, err)
			continue
		}
		style, err := f.GetStyle(id)
		if err != nil || style.Alignment == nil || !style.Alignment.WrapText {
			t.Errorf("%s!%s: the text does not wrap", s.Name, cell)
		}
		if v, _ := f.GetCellValue(s.Name, cell); v == "" {
			t.Errorf("%s!%s: empty; want the note there", s.Name, cell)
		}
	}
	rows, err := f.GetRows(s.Name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Errorf("%s: %v", s.Name, err)
		return
	}
	for r, row := range rows {
		for c, v := range row {
			if d := Decimals(v); d > maxDecimals {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				t.Errorf("%s!%s: number stored as %s (%d decimals), want the figure itself", s.Name, cell, v, d)
			}
		}
	}
}

// Decimals is how many digits follow the point of a number as it is stored ("0.0505":
// 4; "5.05E-2": 4); 0 for an integer or a text that is no number.
func Decimals(v string) int {
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return 0
	}
	mant, exp, _ := strings.Cut(strings.ToLower(v), "e")
	_, frac, _ := strings.Cut(mant, ".")
	n := len(frac)
	if exp != "" {
		e, _ := strconv.Atoi(exp)
		n -= e
	}
	return max(n, 0)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr(p *int) string {
	if p == nil {
		return "unset"
	}
	return strconv.Itoa(*p)
}
