package warehouse_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse"
)

const exportYear = "2018-2019"

// loadExports loads the export fixture and builds both exports of exportYear.
func loadExports(t *testing.T) (*warehouse.DB, warehouse.Leerplichttelling, warehouse.Export, warehouse.Export) {
	t.Helper()
	ctx := context.Background()
	db := loadCase(t, exportFixture)
	telling, err := db.Leerplichttelling(ctx, exportYear)
	if err != nil {
		t.Fatal(err)
	}
	vsv, err := db.VSVExport(ctx, exportYear)
	if err != nil {
		t.Fatal(err)
	}
	return db, telling, warehouse.LeerplichtExport(telling), vsv
}

// TestLeerplichtExportCSV checks the machine form: the header, then one line per cell of
// every gemeente counted in the count's order, zeros included, and no region line; the
// gemeenten whose leerplicht the bureau does not run are left out and named in the note.
func TestLeerplichtExportCSV(t *testing.T) {
	_, telling, export, _ := loadExports(t)
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := []string{warehouse.LeerplichtCSVHeader}
	zeros := 0
	for _, c := range telling.Cells {
		if c.Gemeente == warehouse.RegioCode {
			continue
		}
		want = append(want, fmt.Sprintf("%s;%s;%s;%s;%d;", c.Schooljaar, c.Gemeente, c.Onderwijssoort, c.Indicator, c.Waarde))
		if c.Waarde == 0 {
			zeros++
		}
	}
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("csv:\ngot  %d lines, first %q\nwant %d lines, first %q", len(got), got[:min(3, len(got))], len(want), want[:min(3, len(want))])
	}
	// Zuid-Kennemerland's five gemeenten (Haarlemmerliede en Spaarnwoude existed until
	// 31 December 2018); IJmond runs leerplicht itself.
	if gemeenten := len(telling.Gebieden) - 1; len(got) != 1+gemeenten*29 || gemeenten != 5 {
		t.Errorf("got %d lines for %d gemeenten, want 1 + 5 × 29", len(got), gemeenten)
	}
	for _, code := range []string{"GM0375", "GM0396", "GM0453"} {
		if strings.Contains(buf.String(), ";"+code+";") {
			t.Errorf("csv has lines of %s, which runs leerplicht itself", code)
		}
	}
	if note := strings.Join(export.Toelichting(), "\n"); !strings.Contains(note, "Beverwijk (GM0375), Heemskerk (GM0396) en Velsen (GM0453)") {
		t.Errorf("the note does not name the gemeenten left out:\n%s", note)
	}
	if zeros == 0 {
		t.Errorf("no zero in the fixture's count; the check that zeros are written checks nothing")
	}
}

// TestVSVExportMatchesJaarverslag checks that the VSV export gives tabel7 as the annual
// report does, and that its Doorstroompunt tables per gemeente add up to the report's
// tabel9, which is counted by another query.
func TestVSVExportMatchesJaarverslag(t *testing.T) {
	db, _, _, export := loadExports(t)
	cells, err := db.Jaarverslag(context.Background(), exportYear)
	if err != nil {
		t.Fatal(err)
	}
	report := map[string]warehouse.Number{}
	for _, c := range cells {
		if c.Tabel == "tabel7" || c.Tabel == "tabel9" {
			report[c.Tabel+" "+c.Rij+"/"+c.Kolom] = c.Waarde
		}
	}
	got := map[string]warehouse.Number{}
	sumOfGemeenten := map[string]warehouse.Number{}
	gemeenten := 0
	for _, tab := range export.Tables {
		switch {
		case tab.Tabel == "tabel7" || tab.Gebied.Code == warehouse.RegioCode:
			for _, c := range tab.Cells {
				got[tab.Tabel+" "+c.Rij+"/"+c.Kolom] = c.Waarde
			}
		default:
			gemeenten++
			for _, c := range tab.Cells {
				k := tab.Tabel + " " + c.Rij + "/" + c.Kolom
				sumOfGemeenten[k] = sumOfGemeenten[k].Add(c.Waarde)
			}
		}
	}
	if gemeenten != 8 {
		t.Errorf("%d Doorstroompunt tables of gemeenten, want 8", gemeenten)
	}
	if len(got) != len(report) {
		t.Errorf("the export has %d tabel7 and region tabel9 cells, the report %d", len(got), len(report))
	}
	nonZero := 0
	for k, want := range report {
		if got[k] != want {
			t.Errorf("%s: export %s, report %s", k, got[k], want)
		}
		if strings.HasPrefix(k, "tabel9") {
			if sumOfGemeenten[k] != want {
				t.Errorf("%s: the gemeenten add up to %s, the report says %s", k, sumOfGemeenten[k], want)
			}
			if want != warehouse.Count(0) {
				nonZero++
			}
		}
	}
	if nonZero < 5 {
		t.Errorf("only %d non-zero tabel9 cells in the fixture", nonZero)
	}

	var buf bytes.Buffer
	if err := export.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != warehouse.VSVCSVHeader {
		t.Errorf("header %q, want %q", lines[0], warehouse.VSVCSVHeader)
	}
	for _, want := range []string{
		exportYear + ";tabel7;regio;vo_regio;vsvers;98;",
		exportYear + ";tabel7;landelijk;mbo_landelijk;deelnemers;499101;",
		exportYear + ";tabel7;regio;totaal_regio;vsvers;513;",
		exportYear + ";tabel7;landelijk;totaal_landelijk;vsv_pct;1.56;",
	} {
		if !strings.Contains(buf.String(), want+"\n") {
			t.Errorf("csv lacks the line %q", want)
		}
	}
}

// TestExportOpenbaar protects both exports and audits them with relations written down
// here from definitions.md (not taken from the export's layout): every small count is
// hidden as such, and no hidden figure follows from the totals beside it. Then it
// checks how the CSV and the workbook show what is hidden.
func TestExportOpenbaar(t *testing.T) {
	_, _, leerplicht, vsv := loadExports(t)
	for _, tc := range []struct {
		name   string
		export warehouse.Export
		rels   func(cellIndex func(sheet int, rij, kolom string) int, tables []warehouse.ExportTable) [][]int
	}{
		{"leerplichttelling", leerplicht, leerplichtRelations},
		{"vsv", vsv, vsvRelations},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.export
			if err := e.Protect(5); err != nil {
				t.Fatal(err)
			}
			if err := e.Protect(5); err == nil {
				t.Errorf("Protect twice: no error, want one")
			}
			auditExport(t, e, tc.rels)
			checkOpenbaarRendering(t, e)
		})
	}
}

// auditExport flattens the counts of a protected export (percentages aside) and audits
// them with the relations rels writes down: every small count hidden as such, no hidden
// figure recoverable.
func auditExport(t *testing.T, e warehouse.Export, rels func(func(int, string, string) int, []warehouse.ExportTable) [][]int) {
	t.Helper()
	// Flatten the counts (percentages aside) into one audit case.
	type at struct {
		sheet      int
		rij, kolom string
	}
	idx := map[at]int{}
	var c suppressCase
	var st []warehouse.Suppression
	small := 0
	for ti, tab := range e.Tables {
		for _, cell := range tab.Cells {
			if cell.Kolom == "vsv_pct" {
				continue
			}
			n, err := warehouse.ParseNumber(cell.Waarde.String())
			if err != nil || !n.IsInteger() {
				t.Fatalf("%s %s/%s = %s is not a count", tab.Sheet, cell.Rij, cell.Kolom, cell.Waarde)
			}
			v := int64(n.Float64())
			if v >= 1 && v < 5 {
				small++
			}
			idx[at{ti, cell.Rij, cell.Kolom}] = len(c.values)
			c.values = append(c.values, v)
			st = append(st, cell.Onderdrukt)
		}
	}
	if small == 0 {
		t.Fatal("the fixture has no small counts; the audit would check nothing")
	}
	cellIndex := func(sheet int, rij, kolom string) int {
		if i, ok := idx[at{sheet, rij, kolom}]; ok {
			return i
		}
		return -1
	}
	for _, r := range rels(cellIndex, e.Tables) {
		c.rels = append(c.rels, warehouse.Relation{Total: r[0], Parts: r[1:]})
	}
	if len(c.rels) == 0 {
		t.Fatal("no relations: the audit would check nothing")
	}
	audit(t, c, st, 5)
}

// leerplichtRelations: per gebied, for the three indicators given per school type, the
// total (alle) is the sum of the five groups; per cell, the region is the sum of the
// gemeenten (a person in two gemeenten makes it less; protected as if equal).
func leerplichtRelations(cellIndex func(int, string, string) int, tables []warehouse.ExportTable) [][]int {
	var out [][]int
	groups := []string{"po", "vso", "vo", "onbekend", "geen"}
	regio := len(tables) - 1
	for ti := range tables {
		for _, ind := range []string{"relatief_verzuim", "waarvan_herhaald", "luxe_verzuim"} {
			r := []int{cellIndex(ti, ind, "alle")}
			for _, g := range groups {
				r = append(r, cellIndex(ti, ind, g))
			}
			out = append(out, r)
		}
	}
	for _, ind := range warehouse.LeerplichtIndicatoren() {
		for _, g := range append(groups, "alle") {
			if cellIndex(regio, ind.Key, g) < 0 {
				continue
			}
			r := []int{cellIndex(regio, ind.Key, g)}
			for ti := 0; ti < regio; ti++ {
				r = append(r, cellIndex(ti, ind.Key, g))
			}
			out = append(out, r)
		}
	}
	return out
}

// vsvRelations: tabel7's total of a gebied is the sum of its sectors; tabel9's subtotals
// and total per definitions.md, its totaal column the sum of the other two, and the
// region the sum of the gemeenten.
func vsvRelations(cellIndex func(int, string, string) int, tables []warehouse.ExportTable) [][]int {
	var out [][]int
	present := func(r []int) bool {
		for _, i := range r {
			if i < 0 {
				return false
			}
		}
		return true
	}
	sums := map[string][]string{
		"subtotaal_scholing":      {"scholing", "werk_scholing", "stage_wet", "opvang"},
		"subtotaal_niet_scholing": {"werk", "niet_herplaatst"},
		"subtotaal_overig":        {"geen_rmc", "overig"},
		"subtotaal_monitoring":    {"monitoring", "in_traject"},
		"totaal":                  {"subtotaal_scholing", "subtotaal_niet_scholing", "subtotaal_overig", "subtotaal_monitoring"},
	}
	rows := []string{"scholing", "werk_scholing", "stage_wet", "opvang", "subtotaal_scholing", "werk", "niet_herplaatst",
		"subtotaal_niet_scholing", "geen_rmc", "overig", "subtotaal_overig", "monitoring", "in_traject", "subtotaal_monitoring", "totaal"}
	regio := -1
	var gemeenten []int
	for ti, tab := range tables {
		switch {
		case tab.Tabel == "tabel7":
			for _, g := range []string{"regio", "landelijk"} {
				for _, k := range []string{"deelnemers", "vsvers"} {
					r := []int{cellIndex(ti, "totaal_"+g, k)}
					for _, s := range []string{"vo", "mbo", "vavo"} {
						if i := cellIndex(ti, s+"_"+g, k); i >= 0 {
							r = append(r, i)
						}
					}
					if r[0] >= 0 && len(r) > 1 {
						out = append(out, r)
					}
				}
			}
			continue
		case tab.Gebied.Code == warehouse.RegioCode:
			regio = ti
		default:
			gemeenten = append(gemeenten, ti)
		}
		for total, parts := range sums {
			for _, k := range []string{"voor_verslagjaar", "nieuw", "totaal"} {
				r := []int{cellIndex(ti, total, k)}
				for _, p := range parts {
					r = append(r, cellIndex(ti, p, k))
				}
				if present(r) {
					out = append(out, r)
				}
			}
		}
		for _, row := range rows {
			r := []int{cellIndex(ti, row, "totaal"), cellIndex(ti, row, "voor_verslagjaar"), cellIndex(ti, row, "nieuw")}
			if present(r) {
				out = append(out, r)
			}
		}
	}
	for _, row := range rows {
		for _, k := range []string{"voor_verslagjaar", "nieuw", "totaal"} {
			r := []int{cellIndex(regio, row, k)}
			for _, g := range gemeenten {
				r = append(r, cellIndex(g, row, k))
			}
			if present(r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// checkOpenbaarRendering checks a protected export as people and machines get it: in the
// CSV a hidden value is empty with status onderdrukt, in the workbook "<5" or "x", and a
// Toelichting explains the method.
func checkOpenbaarRendering(t *testing.T, e warehouse.Export) {
	t.Helper()
	var buf bytes.Buffer
	if err := e.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := recs[0]
	if header[len(header)-2] != "waarde" || header[len(header)-1] != "status" {
		t.Errorf("csv header %v, want it to end in waarde;status", header)
	}
	flags := map[string]int{}
	for _, rec := range recs[1:] {
		value, status := rec[len(rec)-2], rec[len(rec)-1]
		flags[status]++
		switch status {
		case "":
			if value == "" {
				t.Errorf("csv %v: shown but empty", rec)
			}
			if n, err := warehouse.ParseNumber(value); err == nil && n.IsInteger() && n.Float64() >= 1 && n.Float64() < 5 && !strings.HasSuffix(rec[len(rec)-3], "pct") {
				t.Errorf("csv %v: a small count is shown", rec)
			}
		case string(warehouse.StatusOnderdrukt):
			if value != "" {
				t.Errorf("csv %v: hidden but the value is there", rec)
			}
		default:
			t.Errorf("csv %v: status %q, want empty or onderdrukt (the fixture has data for every figure)", rec, status)
		}
	}
	kinds := map[warehouse.Suppression]int{}
	for _, tab := range e.Tables {
		for _, c := range tab.Cells {
			kinds[c.Onderdrukt]++
		}
	}
	if flags[string(warehouse.StatusOnderdrukt)] == 0 || kinds[warehouse.SuppressedSmall] == 0 || kinds[warehouse.SuppressedComplementary] == 0 {
		t.Errorf("csv statuses %v, suppressions %v: want both small and complementary suppression in the fixture", flags, kinds)
	}

	buf.Reset()
	if err := e.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if sheets[len(sheets)-1] != warehouse.ToelichtingSheet {
		t.Errorf("sheets %v, want %s last", sheets, warehouse.ToelichtingSheet)
	}
	note, _ := f.GetCellValue(warehouse.ToelichtingSheet, "A3")
	rows, _ := f.GetRows(warehouse.ToelichtingSheet)
	if !strings.Contains(fmt.Sprint(rows), "<5") || note == "" {
		t.Errorf("the Toelichting does not explain \"<5\": %v", rows)
	}
	shown := map[string]int{}
	for i, tab := range e.Tables {
		for _, c := range tab.Cells {
			rowIdx, colIdx := -1, -1
			for j, r := range tab.Rows {
				if r.Key == c.Rij {
					rowIdx = j
				}
			}
			for j, k := range tab.Cols {
				if k.Key == c.Kolom {
					colIdx = j
				}
			}
			ref, _ := excelize.CoordinatesToCellName(colIdx+2, rowIdx+5)
			v, err := f.GetCellValue(sheets[i], ref)
			if err != nil {
				t.Fatal(err)
			}
			switch c.Onderdrukt {
			case warehouse.SuppressedSmall:
				if v != "<5" {
					t.Errorf("%s %s (%s/%s): %q, want <5", sheets[i], ref, c.Rij, c.Kolom, v)
				}
			case warehouse.SuppressedComplementary:
				if v != "x" {
					t.Errorf("%s %s (%s/%s): %q, want x", sheets[i], ref, c.Rij, c.Kolom, v)
				}
			default:
				if v == "" || v == "x" || strings.HasPrefix(v, "<") {
					t.Errorf("%s %s (%s/%s): %q, want the figure %s", sheets[i], ref, c.Rij, c.Kolom, v, c.Waarde)
				}
			}
			shown[v]++
		}
	}
	if shown["<5"] == 0 {
		t.Errorf("no \"<5\" in the workbook")
	}
}

// TestExportsNoBSN writes every export in every form, exact and public, and scans every
// field of the CSV, the explanation and every cell of every sheet of the workbook.
func TestExportsNoBSN(t *testing.T) {
	_, _, leerplicht, vsv := loadExports(t)
	raw := inputBSNs(t, exportFixture)
	for _, e := range []warehouse.Export{leerplicht, vsv} {
		for _, openbaar := range []bool{false, true} {
			e := e
			e.Tables = append([]warehouse.ExportTable(nil), e.Tables...)
			for i := range e.Tables {
				e.Tables[i].Cells = append([]warehouse.ExportCell(nil), e.Tables[i].Cells...)
			}
			if openbaar {
				if err := e.Protect(5); err != nil {
					t.Fatal(err)
				}
			}
			t.Run(fmt.Sprintf("%s_openbaar=%v", e.Name, openbaar), func(t *testing.T) {
				var buf bytes.Buffer
				if err := e.WriteCSV(&buf); err != nil {
					t.Fatal(err)
				}
				r := csv.NewReader(&buf)
				r.Comma = ';'
				recs, err := r.ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				fields := 0
				for i, rec := range recs {
					for j, v := range rec {
						checkNoBSN(t, fmt.Sprintf("csv line %d field %d", i+1, j+1), v, raw)
						fields++
					}
				}
				buf.Reset()
				if err := e.WriteToelichting(&buf); err != nil {
					t.Fatal(err)
				}
				for i, line := range strings.Split(buf.String(), "\n") {
					for _, word := range strings.Fields(line) {
						checkNoBSN(t, fmt.Sprintf("toelichting line %d", i+1), strings.Trim(word, ".,:;()\""), raw)
					}
				}
				buf.Reset()
				if err := e.WriteXLSX(&buf); err != nil {
					t.Fatal(err)
				}
				f, err := excelize.OpenReader(&buf)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				cells := 0
				for _, sheet := range f.GetSheetList() {
					rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
					if err != nil {
						t.Fatal(err)
					}
					for i, row := range rows {
						for j, v := range row {
							checkNoBSN(t, fmt.Sprintf("sheet %s row %d col %d", sheet, i+1, j+1), v, raw)
							cells++
						}
					}
				}
				if fields < 100 || cells < 100 {
					t.Errorf("scanned %d csv fields and %d cells: too few to mean anything", fields, cells)
				}
			})
		}
	}
}

// TestProtectErrors checks the thresholds Protect refuses.
func TestProtectErrors(t *testing.T) {
	e := warehouse.LeerplichtExport(warehouse.Leerplichttelling{Schooljaar: exportYear})
	for _, d := range []int{-1, 0, 1} {
		if err := e.Protect(d); err == nil {
			t.Errorf("Protect(%d): no error, want one", d)
		}
	}
}
