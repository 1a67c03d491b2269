package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
)

// ErrInvalidSchooljaar is returned for a school year that is not of the form 2018-2019
// or lies outside the calendar the warehouse knows (dim_schooljaar).
var ErrInvalidSchooljaar = errors.New("invalid school year")

// ErrNoRegion is returned when the warehouse holds no region configuration yet, so no
// report can be keyed by sub-region: nothing has been loaded.
var ErrNoRegion = errors.New("the warehouse has no region configuration (dim_gemeente is empty); load the feeds first with `leerplein etl run`")

// Cell is one figure of the annual report in its machine form
// (schooljaar;tabel;rij;kolom;waarde;status).
type Cell struct {
	Schooljaar string
	Tabel      string
	Rij        string
	Kolom      string
	Waarde     Number // zero when Status is not a value
	Status     Status
}

var schooljaarPattern = regexp.MustCompile(`^([0-9]{4})-([0-9]{4})$`)

// ValidateSchooljaar checks that s names a school year as the reports key it: two
// consecutive years joined by a hyphen, "2018-2019".
func ValidateSchooljaar(s string) error {
	m := schooljaarPattern.FindStringSubmatch(s)
	if m == nil {
		return fmt.Errorf("%w %q: write it as two consecutive years, e.g. 2018-2019", ErrInvalidSchooljaar, s)
	}
	first, _ := strconv.Atoi(m[1])
	second, _ := strconv.Atoi(m[2])
	if second != first+1 {
		return fmt.Errorf("%w %q: the second year must follow the first, e.g. %d-%d", ErrInvalidSchooljaar, s, first, first+1)
	}
	return nil
}

// jaarverslagBronnen are the feeds the annual report counts from: a school year none
// of them covers is refused.
var jaarverslagBronnen = []string{BronLeerlingen, BronVerzuimmeldingen, BronMaatregelen,
	BronVrijstellingen, BronThuiszitters, BronRMCTrajecten, BronVSVCijfers}

// AnnualReport is the annual report of one school year: its tables laid out with this
// year's remarks, and every cell.
type AnnualReport struct {
	Schooljaar string
	// Lopend is true when the school year was in progress on Vandaag (the day before its
	// last day, 31 July, or earlier): its values are year-to-date.
	Lopend  bool
	Vandaag time.Time
	// Layout is the report's tables with their Remarks for this year.
	Layout []Table
	// Cells holds every cell of the layout in print order (tabel7 only the delivered
	// rows, or all of them as geen_gegevens when nothing was delivered).
	Cells []Cell
}

// Jaarverslag computes tables 1 to 9 of the annual report for a school year as of today
// (the real date); see JaarverslagOn.
func (db *DB) Jaarverslag(ctx context.Context, schooljaar string) ([]Cell, error) {
	r, err := db.JaarverslagOn(ctx, schooljaar, Today(time.Now()))
	return r.Cells, err
}

// JaarverslagOn computes tables 1 to 9 of the annual report for a school year as it
// stands on today: every cell of the layout, in print order, with totals added from the
// layout. A cell is a value (zeros included) or, per sql/marts/04_figuur_status.sql,
// geen_gegevens or niet_van_toepassing; a total sums the parts for which it applies. A
// school year that no feed covers is refused (NotCoveredError).
func (db *DB) JaarverslagOn(ctx context.Context, schooljaar string, today time.Time) (AnnualReport, error) {
	if err := ValidateSchooljaar(schooljaar); err != nil {
		return AnnualReport{}, fmt.Errorf("warehouse: jaarverslag: %w", err)
	}
	// One transaction, so every table sees the same state while a load may be running.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return AnnualReport{}, fmt.Errorf("warehouse: jaarverslag: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to undo
	return jaarverslagIn(ctx, tx, schooljaar, today)
}

// ErrStateChanged: the warehouse took a new load since the state a caller read.
var ErrStateChanged = errors.New("the warehouse changed since it was read")

// JaarverslagenAt computes the annual report of each of years as it stands on today,
// all in one transaction that must see the load state state (KPISnapshot.State.Key), so
// that they count exactly what a snapshot of that state counts; ErrStateChanged when a
// load committed since. A year that no feed covers is left out.
func (db *DB) JaarverslagenAt(ctx context.Context, years []string, today time.Time, state string) (map[string]AnnualReport, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("warehouse: jaarverslagen: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to undo
	st, err := loadState(ctx, tx)
	if err != nil {
		return nil, err
	}
	if st.Key != state {
		return nil, fmt.Errorf("warehouse: jaarverslagen: %w", ErrStateChanged)
	}
	out := make(map[string]AnnualReport, len(years))
	for _, y := range years {
		r, err := jaarverslagIn(ctx, tx, y, today)
		switch {
		case errors.Is(err, ErrNotCovered):
			continue
		case err != nil:
			return nil, err
		}
		out[y] = r
	}
	return out, nil
}

// jaarverslagIn is JaarverslagOn inside the transaction tx.
func jaarverslagIn(ctx context.Context, tx *sql.Tx, schooljaar string, today time.Time) (AnnualReport, error) {
	if err := checkSchooljaar(ctx, tx, schooljaar); err != nil {
		return AnnualReport{}, fmt.Errorf("warehouse: jaarverslag: %w", err)
	}
	if err := checkCovered(ctx, tx, "het jaarverslag", schooljaar, jaarverslagBronnen...); err != nil {
		return AnnualReport{}, fmt.Errorf("warehouse: jaarverslag: %w", err)
	}
	subregios, err := subregios(ctx, tx)
	if err != nil {
		return AnnualReport{}, err
	}
	fs, err := readFigureStatus(ctx, tx, schooljaar, today)
	if err != nil {
		return AnnualReport{}, err
	}
	regels, err := jaarRegels(ctx, tx, schooljaar)
	if err != nil {
		return AnnualReport{}, err
	}
	r := AnnualReport{Schooljaar: schooljaar, Lopend: fs.lopend, Vandaag: today, Layout: JaarverslagLayout(subregios, regels)}
	for i, t := range r.Layout {
		baseCells, err := queryTable(ctx, tx, t, schooljaar, today)
		if err != nil {
			return AnnualReport{}, err
		}
		status := func(row, col Line) Status { return fs.area(t.figuur(row, col), row.Subregio+col.Subregio) }
		r.Cells = append(r.Cells, t.fill(schooljaar, baseCells, status)...)
		r.Layout[i].Remarks = t.remarks(fs, r.Lopend, today)
	}
	return r, nil
}

// Subregios lists the sub-regions of the configured region in print order: first those
// where the bureau runs leerplicht itself, then by name.
func (db *DB) Subregios(ctx context.Context) ([]Subregio, error) {
	return subregios(ctx, db)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func subregios(ctx context.Context, q querier) ([]Subregio, error) {
	rows, err := q.QueryContext(ctx, `
		select subregio, min(subregio_naam) as subregio_naam
		from dim_gemeente
		group by subregio
		order by bool_or(leerplicht_regionaal) desc, min(subregio_naam), subregio`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: sub-regions: %w", err)
	}
	defer rows.Close()
	var out []Subregio
	for rows.Next() {
		var s Subregio
		if err := rows.Scan(&s.Code, &s.Naam); err != nil {
			return nil, fmt.Errorf("warehouse: sub-regions: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: sub-regions: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("warehouse: %w", ErrNoRegion)
	}
	return out, nil
}

// cellKey addresses a cell within one table.
type cellKey struct{ rij, kolom string }

// queryTable runs sql/reports/jaarverslag_<tabel>.sql as the report stands on today and
// checks that it gives only base cells of the layout: a total from a query would be
// counted twice.
func queryTable(ctx context.Context, q querier, t Table, schooljaar string, today time.Time) (map[cellKey]Number, error) {
	name := "reports/jaarverslag_" + t.Key + ".sql"
	body, err := sqlfiles.FS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("warehouse: jaarverslag %s: %w", t.Key, err)
	}
	rows, err := q.QueryContext(ctx, string(body), queryArgs(string(body), sql.Named("schooljaar", schooljaar), todayArg(today))...)
	if err != nil {
		return nil, fmt.Errorf("warehouse: jaarverslag %s: %w", t.Key, err)
	}
	defer rows.Close()
	isBase := func(lines []Line, key string) bool {
		for _, l := range lines {
			if l.Key == key {
				return len(l.Sum) == 0
			}
		}
		return false
	}
	out := make(map[cellKey]Number)
	for rows.Next() {
		var tabel, rij, kolom sql.NullString
		var waarde any
		if err := rows.Scan(&tabel, &rij, &kolom, &waarde); err != nil {
			return nil, fmt.Errorf("warehouse: jaarverslag %s: %w", t.Key, err)
		}
		if tabel.String != t.Key || !isBase(t.Rows, rij.String) || !isBase(t.Cols, kolom.String) {
			return nil, fmt.Errorf("warehouse: jaarverslag %s: the query gives cell (%s, %s, %s), which is not a base cell of the layout (a row without key means a code missing from its dimension table)",
				t.Key, tabel.String, rij.String, kolom.String)
		}
		n, err := numberFromDB(waarde)
		if err != nil {
			return nil, fmt.Errorf("warehouse: jaarverslag %s, cell (%s, %s): %w", t.Key, rij.String, kolom.String, err)
		}
		k := cellKey{rij.String, kolom.String}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("warehouse: jaarverslag %s: the query gives cell (%s, %s) twice", t.Key, k.rij, k.kolom)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: jaarverslag %s: %w", t.Key, err)
	}
	return out, nil
}

// figuur is the figure the cells of row and col count.
func (t Table) figuur(row, col Line) string {
	switch {
	case row.Figuur != "":
		return row.Figuur
	case col.Figuur != "":
		return col.Figuur
	}
	return t.Figuur
}

// fill gives every cell of the table in print order: base cells from the query (zero
// when absent) or, when status says a base cell is not a value, that status; sums from
// the layout, over the parts that apply (AreaStatus). An optional row without any base
// cell is left out, unless the table has no data at all: then every row is written as
// geen_gegevens.
func (t Table) fill(schooljaar string, baseCells map[cellKey]Number, status func(row, col Line) Status) []Cell {
	rows := make(map[string]Line, len(t.Rows))
	for _, r := range t.Rows {
		rows[r.Key] = r
	}
	cols := make(map[string]Line, len(t.Cols))
	for _, c := range t.Cols {
		cols[c.Key] = c
	}
	var value func(r, c Line) (Number, Status)
	value = func(r, c Line) (Number, Status) {
		var parts [][2]Line
		switch {
		case len(r.Sum) > 0:
			for _, k := range r.Sum {
				parts = append(parts, [2]Line{rows[k], c})
			}
		case len(c.Sum) > 0:
			for _, k := range c.Sum {
				parts = append(parts, [2]Line{r, cols[k]})
			}
		default:
			if st := status(r, c); !st.IsValue() {
				return Number{}, st
			}
			return baseCells[cellKey{r.Key, c.Key}], StatusWaarde
		}
		var n Number
		statuses := make([]Status, 0, len(parts))
		for _, p := range parts {
			pn, ps := value(p[0], p[1])
			statuses = append(statuses, ps)
			if ps.IsValue() {
				n = n.Add(pn)
			}
		}
		if st := AreaStatus(statuses); !st.IsValue() {
			return Number{}, st
		}
		return n, StatusWaarde
	}
	delivered := make(map[string]bool)
	for k := range baseCells {
		delivered[k.rij] = true
	}
	var out []Cell
	for _, r := range t.Rows {
		if r.Optional && !delivered[r.Key] && status(r, t.Cols[0]).IsValue() {
			continue
		}
		for _, c := range t.Cols {
			n, st := value(r, c)
			out = append(out, Cell{Schooljaar: schooljaar, Tabel: t.Key, Rij: r.Key, Kolom: c.Key, Waarde: n, Status: st})
		}
	}
	return out
}

// todayArg is the $vandaag parameter of a query: the day a figure is made.
func todayArg(today time.Time) sql.NamedArg { return sql.Named("vandaag", dateParam(today)) }

// queryArgs keeps the named arguments the query uses ($name), so one set of arguments
// serves queries that take some of them.
func queryArgs(query string, args ...sql.NamedArg) []any {
	var out []any
	for _, a := range args {
		if strings.Contains(query, "$"+a.Name) {
			out = append(out, a)
		}
	}
	return out
}

// JaarverslagJaren lists the school years the annual report can be made for: those
// that any of its feeds covers, in order. None: nothing has been loaded.
func (db *DB) JaarverslagJaren(ctx context.Context) ([]string, error) {
	dekking, err := db.Dekking(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, b := range jaarverslagBronnen {
		want[b] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range dekking {
		if want[d.Bron] && !seen[d.Schooljaar] {
			seen[d.Schooljaar] = true
			out = append(out, d.Schooljaar)
		}
	}
	sort.Strings(out)
	return out, nil
}
