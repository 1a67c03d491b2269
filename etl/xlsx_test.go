package etl

import (
	"archive/zip"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// Cell styles of the hand-written workbooks (indexes into cellXfs in fixtureStyles).
const (
	styleGeneral    = 0
	styleDate14     = 1 // built-in m/d/yy
	styleDateDMY    = 2 // custom dd-mm-yyyy
	styleDateSlash  = 3 // custom d/m/yyyy;@
	styleFixed2     = 4 // built-in 0.00
	styleThousands  = 5 // built-in #,##0
	stylePercent    = 6 // built-in 0.00%
	styleText       = 7 // built-in @
	styleDateLong   = 8 // custom [$-413]d mmmm yyyy
	styleTime       = 9 // built-in hh:mm
	styleDays       = 10
	styleDateTime22 = 11 // built-in m/d/yy h:mm
)

const fixtureStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="4">
<numFmt numFmtId="164" formatCode="dd\-mm\-yyyy"/>
<numFmt numFmtId="165" formatCode="d/m/yyyy;@"/>
<numFmt numFmtId="166" formatCode="[$-413]d\ mmmm\ yyyy"/>
<numFmt numFmtId="167" formatCode="#,##0.00\ &quot;dagen&quot;"/>
</numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="12">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="20" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
</styleSheet>`

// fixtureSheet is one worksheet of a hand-written workbook: a name and its <row> elements.
type fixtureSheet struct {
	name string
	rows []string
}

// fixtureWorkbook writes the parts of an XLSX workbook the way Excel does (shared
// strings, styles, raw cell values such as 12.499999999999998), so the tests see exactly
// what a real export holds. Cells are written with the helpers below.
type fixtureWorkbook struct {
	strings  []string
	sheets   []fixtureSheet
	date1904 bool
}

// s is a shared-string text cell.
func (w *fixtureWorkbook) s(ref, text string, style int) string {
	w.strings = append(w.strings, text)
	return fmt.Sprintf(`<c r="%s" s="%d" t="s"><v>%d</v></c>`, ref, style, len(w.strings)-1)
}

// fxNum is a number cell holding v exactly as written in the XML.
func fxNum(ref, v string, style int) string {
	return fmt.Sprintf(`<c r="%s" s="%d"><v>%s</v></c>`, ref, style, v)
}

// fxRow is a <row> element; r is its 1-based number.
func fxRow(r int, cells ...string) string {
	return fmt.Sprintf(`<row r="%d">%s</row>`, r, strings.Join(cells, ""))
}

func (w *fixtureWorkbook) write(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feed.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	add := func(name, body string) {
		fw, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	var types, sheets, rels strings.Builder
	for i, sh := range w.sheets {
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, html.EscapeString(sh.name), i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		add(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1),
			`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet `+ns+`><sheetData>`+strings.Join(sh.rows, "")+`</sheetData></worksheet>`)
	}
	count := len(w.sheets)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, count+1)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, count+2)
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`+
		types.String()+`</Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	pr := ""
	if w.date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook `+ns+`>`+pr+`<sheets>`+sheets.String()+`</sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
	add("xl/styles.xml", fixtureStyles)
	var sst strings.Builder
	for _, s := range w.strings {
		fmt.Fprintf(&sst, `<si><t xml:space="preserve">%s</t></si>`, html.EscapeString(s))
	}
	add("xl/sharedStrings.xml", fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>`,
		len(w.strings), len(w.strings), sst.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// xlsxRow is what readXLSX hands to its callback.
type xlsxRow struct {
	Row   int
	Cells []string
}

// collectXLSX reads a workbook and returns every callback.
func collectXLSX(t testing.TB, path string) (string, []xlsxRow, error) {
	t.Helper()
	var got []xlsxRow
	sheet, err := readXLSX(path, Limits{}, func(sheetRow int, cells []string) error {
		got = append(got, xlsxRow{sheetRow, append([]string(nil), cells...)})
		return nil
	})
	return sheet, got, err
}

func TestReadXLSX(t *testing.T) {
	tests := []struct {
		name      string
		build     func(w *fixtureWorkbook) []fixtureSheet
		date1904  bool
		wantSheet string
		want      []xlsxRow
	}{
		{
			name: "date cells in every format",
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{{"Meldingen", []string{
					fxRow(1, w.s("A1", "soort", 0), w.s("B1", "datum", 0)),
					fxRow(2, w.s("A2", "built-in 14", 0), fxNum("B2", "43374", styleDate14)),
					fxRow(3, w.s("A3", "custom dd-mm-yyyy", 0), fxNum("B3", "43374", styleDateDMY)),
					fxRow(4, w.s("A4", "custom d/m/yyyy;@", 0), fxNum("B4", "43739", styleDateSlash)),
					fxRow(5, w.s("A5", "dutch long date", 0), fxNum("B5", "36526", styleDateLong)),
					fxRow(6, w.s("A6", "date and time", 0), fxNum("B6", "43374.75", styleDateTime22)),
					fxRow(7, w.s("A7", "leap day", 0), fxNum("B7", "43890", styleDateDMY)),
				}}}
			},
			wantSheet: "Meldingen",
			want: []xlsxRow{
				{1, []string{"soort", "datum"}},
				{2, []string{"built-in 14", "2018-10-01"}},
				{3, []string{"custom dd-mm-yyyy", "2018-10-01"}},
				{4, []string{"custom d/m/yyyy;@", "2019-10-01"}},
				{5, []string{"dutch long date", "2000-01-01"}},
				{6, []string{"date and time", "2018-10-01"}},
				{7, []string{"leap day", "2020-02-29"}},
			},
		},
		{
			name:     "1904 date system",
			date1904: true,
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{{"Blad1", []string{
					fxRow(1, w.s("A1", "datum", 0)),
					fxRow(2, fxNum("A2", "41912", styleDateDMY)),
				}}}
			},
			wantSheet: "Blad1",
			want:      []xlsxRow{{1, []string{"datum"}}, {2, []string{"2018-10-01"}}},
		},
		{
			name: "numbers as written",
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{{"Blad1", []string{
					fxRow(1, w.s("A1", "waarde", 0)),
					fxRow(2, fxNum("A2", "12.499999999999998", styleGeneral)),
					fxRow(3, fxNum("A3", "43374", styleGeneral)),
					fxRow(4, fxNum("A4", "0.30000000000000004", styleGeneral)),
					fxRow(5, fxNum("A5", "12.5", styleFixed2)),
					fxRow(6, fxNum("A6", "1234567", styleThousands)),
					fxRow(7, fxNum("A7", "0.125", stylePercent)),
					fxRow(8, fxNum("A8", "-3", styleGeneral)),
					fxRow(9, fxNum("A9", "123456782", styleGeneral)),
					fxRow(10, fxNum("A10", "1E-3", styleGeneral)),
					fxRow(11, fxNum("A11", "0.5", styleTime)),
					fxRow(12, fxNum("A12", "7", styleDays)),
					fxRow(13, fxNum("A13", "2.4500000000000002", styleFixed2)),
				}}}
			},
			wantSheet: "Blad1",
			want: []xlsxRow{
				{1, []string{"waarde"}},
				{2, []string{"12.5"}},
				{3, []string{"43374"}},
				{4, []string{"0.3"}},
				{5, []string{"12.5"}},
				{6, []string{"1234567"}},
				{7, []string{"0.125"}},
				{8, []string{"-3"}},
				{9, []string{"123456782"}},
				{10, []string{"0.001"}},
				{11, []string{"0.5"}},
				{12, []string{"7"}},
				{13, []string{"2.45"}},
			},
		},
		{
			name: "text stays text",
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{{"Blad1", []string{
					fxRow(1, w.s("A1", "tekst", 0), w.s("B1", "bsn", 0)),
					fxRow(2, w.s("A2", "01-10-2018", styleGeneral), w.s("B2", "012345672", styleText)),
					fxRow(3, w.s("A3", "1-10-2018", styleDateDMY), w.s("B3", "12,5", styleGeneral)),
					fxRow(4, w.s("A4", "2018-10-01", styleDate14), w.s("B4", "  spaties  ", styleGeneral)),
					fxRow(5, w.s("A5", "43374", styleText), `<c r="B5" t="inlineStr"><is><t>inline</t></is></c>`),
					fxRow(6, `<c r="A6" t="b"><v>1</v></c>`, `<c r="B6" t="str"><f>A1</f><v>formule</v></c>`),
					fxRow(7, `<c r="A7" t="e"><v>#N/A</v></c>`, w.s("B7", "Zoë “x”", styleGeneral)),
				}}}
			},
			wantSheet: "Blad1",
			want: []xlsxRow{
				{1, []string{"tekst", "bsn"}},
				{2, []string{"01-10-2018", "012345672"}},
				{3, []string{"1-10-2018", "12,5"}},
				{4, []string{"2018-10-01", "  spaties  "}},
				{5, []string{"43374", "inline"}},
				{6, []string{"TRUE", "formule"}},
				{7, []string{"#N/A", "Zoë “x”"}},
			},
		},
		{
			name: "empty cells, short rows, empty rows",
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{{"Blad1", []string{
					fxRow(1, w.s("A1", "a", 0), w.s("B1", "b", 0), w.s("C1", "c", 0), w.s("D1", "d", 0)),
					fxRow(2, w.s("A2", "a2", 0), w.s("D2", "d2", 0)),
					fxRow(3, w.s("B3", "b3", 0)),
					fxRow(4, `<c r="A4" s="1"/>`, w.s("B4", "   ", 0)),
					fxRow(6, w.s("A6", "a6", 0), w.s("B6", "b6", 0), w.s("C6", "c6", 0), w.s("D6", "d6", 0), w.s("E6", "extra", 0)),
					fxRow(7, `<c r="A7" s="2"/>`),
					fxRow(9, w.s("C9", "  ", 0)),
					`<row r="12" ht="20" customHeight="1"/>`,
				}}}
			},
			wantSheet: "Blad1",
			want: []xlsxRow{
				{1, []string{"a", "b", "c", "d"}},
				{2, []string{"a2", "", "", "d2"}},
				{3, []string{"", "b3", "", ""}},
				{6, []string{"a6", "b6", "c6", "d6", "extra"}},
			},
		},
		{
			name: "header below empty rows",
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{{"Blad1", []string{
					fxRow(3, w.s("B3", "bsn", 0), w.s("C3", "naam", 0)),
					fxRow(4, w.s("B4", "1", 0)),
				}}}
			},
			wantSheet: "Blad1",
			want: []xlsxRow{
				{3, []string{"", "bsn", "naam"}},
				{4, []string{"", "1", ""}},
			},
		},
		{
			name: "rows without r attribute",
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{{"Blad1", []string{
					`<row>` + w.s("A1", "x", 0) + `</row>`,
					`<row>` + fxNum("A2", "1", 0) + `</row>`,
				}}}
			},
			wantSheet: "Blad1",
			want:      []xlsxRow{{1, []string{"x"}}, {2, []string{"1"}}},
		},
		{
			name: "only the first sheet is read",
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{
					{"Leerlingen 2018", []string{fxRow(1, w.s("A1", "bsn", 0)), fxRow(2, w.s("A2", "1", 0))}},
					{"Toelichting", []string{fxRow(1, w.s("A1", "niet lezen", 0)), fxRow(2, w.s("A2", "nee", 0))}},
				}
			},
			wantSheet: "Leerlingen 2018",
			want:      []xlsxRow{{1, []string{"bsn"}}, {2, []string{"1"}}},
		},
		{
			name: "header only",
			build: func(w *fixtureWorkbook) []fixtureSheet {
				return []fixtureSheet{{"Blad1", []string{fxRow(1, w.s("A1", "bsn", 0), w.s("B1", "naam", 0))}}}
			},
			wantSheet: "Blad1",
			want:      []xlsxRow{{1, []string{"bsn", "naam"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &fixtureWorkbook{date1904: tt.date1904}
			w.sheets = tt.build(w)
			sheet, got, err := collectXLSX(t, w.write(t))
			if err != nil {
				t.Fatalf("readXLSX() error = %v", err)
			}
			if sheet != tt.wantSheet {
				t.Errorf("readXLSX() sheet = %q, want %q", sheet, tt.wantSheet)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("readXLSX() rows\n got %v\nwant %v", fmtRows(got), fmtRows(tt.want))
			}
		})
	}
}

// TestReadXLSXExcelize reads a workbook written by excelize itself, as a second source of
// real date, number and text cells.
func TestReadXLSXExcelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Verzuim"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Codes"); err != nil {
		t.Fatal(err)
	}
	custom := "dd-mm-yyyy"
	dmy, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2018, 10, 1, 0, 0, 0, 0, time.UTC)
	cells := []struct {
		ref   string
		value any
		style int
	}{
		{"A1", "Melding-ID", 0}, {"B1", "Meldingsdatum", 0}, {"C1", "Uren", 0}, {"D1", "Opmerking", 0},
		{"A2", "M1", 0}, {"B2", day, dmy}, {"C2", 1234.5, fixed}, {"D2", "01-10-2018", 0},
		{"A3", "M2", 0}, {"B3", day.AddDate(0, 0, 30), 0}, {"C3", 12, 0},
		{"A4", "M3", 0}, {"D4", "alleen opmerking", 0},
	}
	for _, c := range cells {
		if err := f.SetCellValue("Verzuim", c.ref, c.value); err != nil {
			t.Fatal(err)
		}
		if c.style != 0 {
			if err := f.SetCellStyle("Verzuim", c.ref, c.ref, c.style); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SetCellValue("Codes", "A1", "niet lezen"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "verzuimmeldingen.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}

	sheet, got, err := collectXLSX(t, path)
	if err != nil {
		t.Fatalf("readXLSX() error = %v", err)
	}
	want := []xlsxRow{
		{1, []string{"Melding-ID", "Meldingsdatum", "Uren", "Opmerking"}},
		{2, []string{"M1", "2018-10-01", "1234.5", "01-10-2018"}},
		{3, []string{"M2", "2018-10-31", "12", ""}},
		{4, []string{"M3", "", "", "alleen opmerking"}},
	}
	if sheet != "Verzuim" {
		t.Errorf("readXLSX() sheet = %q, want %q", sheet, "Verzuim")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("readXLSX() rows\n got %v\nwant %v", fmtRows(got), fmtRows(want))
	}
}

func TestReadXLSXErrors(t *testing.T) {
	plainZip := func(t testing.TB) string {
		path := filepath.Join(t.TempDir(), "x.xlsx")
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(out)
		fw, _ := zw.Create("readme.txt")
		fw.Write([]byte("not a workbook"))
		zw.Close()
		out.Close()
		return path
	}
	tests := []struct {
		name    string
		path    func(t testing.TB) string
		wantErr error
		wantMsg string
	}{
		{
			name:    "empty file",
			path:    func(t testing.TB) string { return writeTempFile(t, "x.xlsx", nil) },
			wantErr: errEmptyFile,
			wantMsg: "het bestand is leeg",
		},
		{
			name:    "csv with xlsx extension",
			path:    func(t testing.TB) string { return writeTempFile(t, "x.xlsx", []byte("bsn;naam\n1;2\n")) },
			wantErr: errNotXLSX,
			wantMsg: "geen XLSX-bestand: het is geen Excel-werkboek (is het een CSV-export, geef het dan de extensie .csv)",
		},
		{
			name: "old xls",
			path: func(t testing.TB) string {
				return writeTempFile(t, "x.xlsx", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"))
			},
			wantErr: errNotXLSX,
		},
		{
			name:    "truncated zip",
			path:    func(t testing.TB) string { return writeTempFile(t, "x.xlsx", []byte("PK\x03\x04\x14\x00\x00\x00")) },
			wantErr: errNotXLSX,
		},
		{
			name:    "zip without a workbook",
			path:    plainZip,
			wantErr: errNotXLSX,
			wantMsg: "geen XLSX-bestand: het werkboek kan niet worden geopend (EOF); sla het opnieuw op vanuit Excel als .xlsx",
		},
		{
			name: "workbook without sheets",
			path: func(t testing.TB) string {
				return (&fixtureWorkbook{}).write(t)
			},
			wantErr: errNoSheets,
			wantMsg: "het werkboek heeft geen werkbladen",
		},
		{
			name: "empty first sheet",
			path: func(t testing.TB) string {
				w := &fixtureWorkbook{}
				w.sheets = []fixtureSheet{{"Leeg", nil}, {"Vol", []string{fxRow(1, w.s("A1", "bsn", 0))}}}
				return w.write(t)
			},
			wantErr: errNoHeader,
			wantMsg: "geen kopregel: werkblad 'Leeg' is leeg",
		},
		{
			name:    "missing file",
			path:    func(t testing.TB) string { return filepath.Join(t.TempDir(), "missing.xlsx") },
			wantErr: os.ErrNotExist,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := collectXLSX(t, tt.path(t))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("readXLSX() error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" && dutch(err) != tt.wantMsg {
				t.Errorf("readXLSX() error = %q, want %q", dutch(err), tt.wantMsg)
			}
			if len(got) != 0 {
				t.Errorf("readXLSX() called back %d times, want none", len(got))
			}
		})
	}
}

func TestReadXLSXCallbackError(t *testing.T) {
	w := &fixtureWorkbook{}
	w.sheets = []fixtureSheet{{"Blad1", []string{
		fxRow(1, w.s("A1", "bsn", 0)), fxRow(2, w.s("A2", "1", 0)), fxRow(3, w.s("A3", "2", 0)),
	}}}
	stop := errors.New("stop")
	calls := 0
	_, err := readXLSX(w.write(t), Limits{}, func(int, []string) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("readXLSX() error = %v, want the callback's error", err)
	}
	if calls != 2 {
		t.Errorf("readXLSX() made %d calls, want 2 (it must stop at the error)", calls)
	}
}

func TestIsDateFormat(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"dd-mm-yyyy", true},
		{`dd\-mm\-yyyy`, true},
		{"d/m/yyyy;@", true},
		{"[$-413]d mmmm yyyy", true},
		{"[$-F800]dddd, mmmm dd, yyyy", true},
		{"mmm-yy", true},
		{"yyyy", true},
		{"DD-MM-YYYY", true},
		{"d-m-yy h:mm", true},
		{"General", false},
		{"0.00", false},
		{"#,##0.00", false},
		{`#,##0.00\ "dagen"`, false},
		{`0" days"`, false},
		{`0\d`, false},
		{"hh:mm", false},
		{"[h]:mm:ss", false},
		{"mm:ss.0", false},
		{"0.00E+00", false},
		{"[Red][<=100]0;[Blue]0", false},
		{"[$€-413] #,##0.00", false},
		{`_-* #,##0_-;_-* #,##0-;_-* "-"_-;_-@_-`, false},
		{"@", false},
		{"0;d", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := isDateFormat(tt.code); got != tt.want {
				t.Errorf("isDateFormat(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

// fmtRows shows rows one per line with quoted cells, for got/want messages.
func fmtRows(rows []xlsxRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "\n  %d: %q", r.Row, r.Cells)
	}
	return b.String()
}

// BenchmarkReadXLSX reads a 20,000-row sheet of text, number and date cells.
func BenchmarkReadXLSX(b *testing.B) {
	f := excelize.NewFile()
	defer f.Close()
	custom := "dd-mm-yyyy"
	dmy, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	if err != nil {
		b.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	header := []any{"melding_id", "bsn", "geboortedatum", "gemeente", "verzuimsoort", "meldingsdatum", "uren"}
	if err := sw.SetRow("A1", header); err != nil {
		b.Fatal(err)
	}
	const rows = 20_000
	for i := range rows {
		row := []any{
			fmt.Sprintf("M%06d", i), "123456782",
			excelize.Cell{StyleID: dmy, Value: 37000 + i%3000}, "Haarlem", "RELATIEF",
			excelize.Cell{StyleID: dmy, Value: 43374 + i%300}, 12.5,
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "big.xlsx")
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		_, err := readXLSX(path, Limits{}, func(_ int, cells []string) error {
			n++
			if n == 2 && cells[2] != "2001-04-19" {
				return fmt.Errorf("date cell = %q", cells[2])
			}
			return nil
		})
		if err != nil || n != rows+1 {
			b.Fatalf("readXLSX() = %d rows, %v", n, err)
		}
	}
}
