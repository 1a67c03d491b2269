package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
)

// ErrInvalidSchooljaar is returned for a school year that is not of the form 2018-2019
// or lies outside the calendar the warehouse knows (dim_schooljaar).
var ErrInvalidSchooljaar = errors.New("invalid school year")

// ErrNoRegion is returned when the warehouse holds no region configuration yet, so no
// report can be keyed by sub-region: nothing has been loaded.
var ErrNoRegion = errors.New("the warehouse has no region configuration (dim_gemeente is empty); load the feeds first with `leerplein etl run`")

// Cell is one figure of the annual report in its machine form
// (schooljaar;tabel;rij;kolom;waarde).
type Cell struct {
	Schooljaar string
	Tabel      string
	Rij        string
	Kolom      string
	Waarde     Number
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

// Jaarverslag computes tables 1 to 9 of the annual report for a school year: every
// cell of the layout (zeros included), in print order, with totals added from the
// layout. tabel7 has only the rows whose figures were delivered.
func (db *DB) Jaarverslag(ctx context.Context, schooljaar string) ([]Cell, error) {
	if err := ValidateSchooljaar(schooljaar); err != nil {
		return nil, fmt.Errorf("warehouse: jaarverslag: %w", err)
	}
	// One transaction, so every table sees the same state while a load may be running.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("warehouse: jaarverslag: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to undo

	var known int
	if err := tx.QueryRowContext(ctx, `select count(*) from dim_schooljaar where schooljaar = ?`, schooljaar).Scan(&known); err != nil {
		return nil, fmt.Errorf("warehouse: jaarverslag: look up school year: %w", err)
	}
	if known == 0 {
		return nil, fmt.Errorf("warehouse: jaarverslag: %w %q: outside the school years the warehouse knows", ErrInvalidSchooljaar, schooljaar)
	}
	subregios, err := subregios(ctx, tx)
	if err != nil {
		return nil, err
	}
	var cells []Cell
	for _, t := range JaarverslagLayout(subregios) {
		baseCells, err := queryTable(ctx, tx, t, schooljaar)
		if err != nil {
			return nil, err
		}
		cells = append(cells, t.fill(schooljaar, baseCells)...)
	}
	return cells, nil
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

// queryTable runs sql/reports/jaarverslag_<tabel>.sql and checks that it gives only
// base cells of the layout: a total from a query would be counted twice.
func queryTable(ctx context.Context, q querier, t Table, schooljaar string) (map[cellKey]Number, error) {
	name := "reports/jaarverslag_" + t.Key + ".sql"
	body, err := sqlfiles.FS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("warehouse: jaarverslag %s: %w", t.Key, err)
	}
	rows, err := q.QueryContext(ctx, string(body), sql.Named("schooljaar", schooljaar))
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

// fill gives every cell of the table in print order: base cells from the query (zero
// when absent), sums from the layout. An optional row without any base cell is left
// out.
func (t Table) fill(schooljaar string, baseCells map[cellKey]Number) []Cell {
	rows := make(map[string]Line, len(t.Rows))
	for _, r := range t.Rows {
		rows[r.Key] = r
	}
	cols := make(map[string]Line, len(t.Cols))
	for _, c := range t.Cols {
		cols[c.Key] = c
	}
	var value func(r, c Line) Number
	value = func(r, c Line) Number {
		var n Number
		switch {
		case len(r.Sum) > 0:
			for _, k := range r.Sum {
				n = n.Add(value(rows[k], c))
			}
		case len(c.Sum) > 0:
			for _, k := range c.Sum {
				n = n.Add(value(r, cols[k]))
			}
		default:
			n = baseCells[cellKey{r.Key, c.Key}]
		}
		return n
	}
	delivered := make(map[string]bool)
	for k := range baseCells {
		delivered[k.rij] = true
	}
	var out []Cell
	for _, r := range t.Rows {
		if r.Optional && !delivered[r.Key] {
			continue
		}
		for _, c := range t.Cols {
			out = append(out, Cell{Schooljaar: schooljaar, Tabel: t.Key, Rij: r.Key, Kolom: c.Key, Waarde: value(r, c)})
		}
	}
	return out
}
