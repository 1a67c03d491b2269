package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// PageTable is one table of the report as a web page prints it: every figure already
// written the Dutch way ("1.234", "0,44%", "geen gegevens", "<5"), so the page
// template only lays it out.
type PageTable struct {
	Key     string // tabel1
	Nummer  string // "Tabel 1"
	Title   string
	Note    string
	Remarks []string
	Cols    []PageCol
	Rows    []PageRow
}

// PageCol is a column header of a PageTable.
type PageCol struct {
	Label string
	Total bool
}

// PageRow is one row of a PageTable: its label and a cell per column.
type PageRow struct {
	Label string
	Total bool
	Cells []PageCell
}

// PageCell is one figure as shown: Text, and for a figure that is not a value its
// Status (geen_gegevens, niet_van_toepassing, onderdrukt) with Uitleg, the reason in
// Dutch for a reader who hovers or reads the note.
type PageCell struct {
	Key    string // tabel/rij/kolom, the cell's address in the machine form
	Col    string // the column's label, which a phone shows beside the figure
	Text   string
	Total  bool
	Status string
	Uitleg string
}

// Schooljaar is the report's school year.
func (j *Jaarverslag) Schooljaar() string { return j.schooljaar }

// Lopend reports whether the school year was still in progress on the report's day:
// its figures are year-to-date.
func (j *Jaarverslag) Lopend() bool { return j.lopend }

// Vandaag is the day the report stands on.
func (j *Jaarverslag) Vandaag() time.Time { return j.vandaag }

// Drempel is the threshold of a protected report (counts from 1 to Drempel−1 hidden);
// 0 for the exact report.
func (j *Jaarverslag) Drempel() int { return j.drempel }

// Toelichting is the note on the method of a protected report; nil for the exact one.
func (j *Jaarverslag) Toelichting() []string { return j.toelichting }

// Page lays the report out for a web page: the tables of the layout in order, with
// the rows the cells hold (an undelivered tabel7 row is left out, as in the workbook),
// and a protected report's hidden figures as "<drempel>" or "x".
func (j *Jaarverslag) Page() []PageTable {
	type key struct{ tabel, rij, kolom string }
	figures := make(map[key]PageCell, len(j.cells))
	if j.Openbaar() {
		for _, c := range j.protected {
			figures[key{c.Tabel, c.Rij, c.Kolom}] = pageCell(c.Cell, c.Onderdrukt, j.drempel, j.percent(c.Tabel, c.Kolom))
		}
	} else {
		for _, c := range j.cells {
			figures[key{c.Tabel, c.Rij, c.Kolom}] = pageCell(c, warehouse.Shown, 0, j.percent(c.Tabel, c.Kolom))
		}
	}
	out := make([]PageTable, 0, len(j.layout))
	for _, t := range j.layout {
		pt := PageTable{Key: t.Key, Nummer: SheetName(t.Key), Title: t.Title, Note: t.Note, Remarks: t.Remarks}
		for _, c := range t.Cols {
			pt.Cols = append(pt.Cols, PageCol{Label: c.Label, Total: c.IsTotal()})
		}
		for _, r := range t.Rows {
			if _, ok := figures[key{t.Key, r.Key, t.Cols[0].Key}]; !ok {
				continue // not delivered (tabel7)
			}
			row := PageRow{Label: r.Label, Total: r.IsTotal()}
			for _, c := range t.Cols {
				cell := figures[key{t.Key, r.Key, c.Key}]
				cell.Key = t.Key + "/" + r.Key + "/" + c.Key
				cell.Col = c.Label
				cell.Total = row.Total || c.IsTotal()
				row.Cells = append(row.Cells, cell)
			}
			pt.Rows = append(pt.Rows, row)
		}
		out = append(out, pt)
	}
	return out
}

// percent reports whether a column of a table holds percentages.
func (j *Jaarverslag) percent(tabel, kolom string) bool {
	for _, t := range j.layout {
		if t.Key != tabel {
			continue
		}
		for _, c := range t.Cols {
			if c.Key == kolom {
				return c.Percent
			}
		}
	}
	return false
}

// pageCell is what a cell shows: its figure in Dutch, or its status in words.
func pageCell(c warehouse.Cell, hidden warehouse.Suppression, drempel int, percent bool) PageCell {
	switch {
	case hidden == warehouse.SuppressedSmall:
		return PageCell{Text: fmt.Sprintf("<%d", drempel), Status: string(warehouse.StatusOnderdrukt),
			Uitleg: fmt.Sprintf("Weggelaten: een aantal van 1 tot en met %d.", drempel-1)}
	case hidden.Hidden():
		return PageCell{Text: "x", Status: string(warehouse.StatusOnderdrukt),
			Uitleg: "Weggelaten, zodat een klein aantal elders in de tabel niet is terug te rekenen."}
	case !c.Status.IsValue():
		uitleg := "Geen gegevens: de aangeleverde bestanden dekken dit niet. Dit is geen 0."
		if c.Status == warehouse.StatusNietVanToepassing {
			uitleg = "Niet van toepassing: dit cijfer telt het bureau hier niet."
		}
		return PageCell{Text: c.Status.Label(), Status: string(c.Status), Uitleg: uitleg}
	}
	return PageCell{Text: Dutch(c.Waarde, percent)}
}

// Dutch writes a figure the Dutch way: a count with thousands separators ("1.234"), a
// percentage with two decimals after a comma ("0,44%"), as the workbook shows them.
func Dutch(n warehouse.Number, percent bool) string {
	s := n.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(whole[i])
	}
	out := sign + b.String()
	if percent {
		for len(frac) < 2 {
			frac += "0"
		}
		return out + "," + frac + "%"
	}
	if frac != "" {
		out += "," + frac
	}
	return out
}
