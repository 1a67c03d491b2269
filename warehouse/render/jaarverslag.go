package render

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Jaarverslag is the annual report of one school year as `leerplein report jaarverslag`
// and GET /api/v1/reports/jaarverslag hand it out: exact, or protected for publication.
type Jaarverslag struct {
	schooljaar  string
	lopend      bool
	vandaag     time.Time
	cells       []warehouse.Cell
	layout      []warehouse.Table
	drempel     int // 0: exact
	protected   []warehouse.OpenbaarCell
	toelichting []string
}

// NewJaarverslag computes the report of schooljaar from db as of today (the real
// date); with drempel ≥ 2 its counts from 1 to drempel−1 are hidden
// (warehouse.JaarverslagOpenbaar), with 0 it is exact.
func NewJaarverslag(ctx context.Context, db *warehouse.DB, schooljaar string, drempel int) (*Jaarverslag, error) {
	return NewJaarverslagOn(ctx, db, schooljaar, drempel, warehouse.Today(time.Now()))
}

// NewJaarverslagOn is NewJaarverslag as the report stands on today: a school year not
// over on today is year-to-date (lopend), which the tables' remarks say.
func NewJaarverslagOn(ctx context.Context, db *warehouse.DB, schooljaar string, drempel int, today time.Time) (*Jaarverslag, error) {
	r, err := db.JaarverslagOn(ctx, schooljaar, today)
	if err != nil {
		return nil, err
	}
	j := &Jaarverslag{schooljaar: schooljaar, lopend: r.Lopend, vandaag: r.Vandaag, cells: r.Cells, layout: r.Layout, drempel: drempel}
	if drempel > 0 {
		if j.protected, err = warehouse.JaarverslagOpenbaar(r.Cells, j.layout, drempel); err != nil {
			return nil, err
		}
		j.toelichting = warehouse.JaarverslagToelichting(schooljaar, drempel)
	}
	return j, nil
}

// NewJaarverslagProtected is the report r with a protection decided elsewhere (the
// dashboard's, over the report and the KPIs at once): protected holds r.Cells in order
// with their suppression, toelichting the note on the method.
func NewJaarverslagProtected(r warehouse.AnnualReport, protected []warehouse.OpenbaarCell, drempel int, toelichting []string) (*Jaarverslag, error) {
	if drempel < 2 || len(protected) != len(r.Cells) {
		return nil, fmt.Errorf("render: jaarverslag: %d protected cells for %d, threshold %d", len(protected), len(r.Cells), drempel)
	}
	return &Jaarverslag{schooljaar: r.Schooljaar, lopend: r.Lopend, vandaag: r.Vandaag, cells: r.Cells, layout: r.Layout,
		drempel: drempel, protected: protected, toelichting: toelichting}, nil
}

// Openbaar reports whether the report is protected for publication.
func (j *Jaarverslag) Openbaar() bool { return j.drempel > 0 }

// WriteCSV writes the machine form; protected, with the column onderdrukt.
func (j *Jaarverslag) WriteCSV(w io.Writer) error {
	if j.Openbaar() {
		return WriteCSVOpenbaar(w, j.protected)
	}
	return WriteCSV(w, j.cells)
}

// WriteXLSX writes the workbook; protected, with "<5" and a sheet Toelichting.
func (j *Jaarverslag) WriteXLSX(w io.Writer) error {
	if j.Openbaar() {
		return WriteXLSXOpenbaar(w, j.layout, j.protected, j.drempel, j.toelichting)
	}
	return WriteXLSX(w, j.layout, j.cells)
}

// WriteToelichting writes the note on the method of a protected report.
func (j *Jaarverslag) WriteToelichting(w io.Writer) error {
	if !j.Openbaar() {
		return fmt.Errorf("render: the exact annual report has no note on suppression")
	}
	return WriteToelichting(w, j.toelichting)
}
