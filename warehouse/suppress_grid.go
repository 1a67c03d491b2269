package warehouse

import "fmt"

// Grid is a two-way table of counts with its margins, the shape of most published
// tables: rows × columns, a total per row and per column, and a grand total.
type Grid struct {
	Cells     [][]int64 // len(rows) × len(cols)
	RowTotals []int64   // the total of each row; nil when the table has none
	ColTotals []int64   // the total of each column; nil when the table has none
	Total     int64     // the grand total; only when both RowTotals and ColTotals are set
}

// GridSuppression says which figures of a Grid may be shown, in the Grid's shape.
type GridSuppression struct {
	Cells     [][]Suppression
	RowTotals []Suppression
	ColTotals []Suppression
	Total     Suppression
}

// SuppressGrid protects a Grid: the relations are its rows and columns with their
// totals (and the grand total as the sum of either margin).
func SuppressGrid(g Grid, threshold int) (GridSuppression, error) {
	rows := len(g.Cells)
	cols := 0
	if rows > 0 {
		cols = len(g.Cells[0])
	}
	for i, r := range g.Cells {
		if len(r) != cols {
			return GridSuppression{}, fmt.Errorf("warehouse: suppress grid: row %d has %d cells, row 0 has %d", i, len(r), cols)
		}
	}
	if g.RowTotals != nil && len(g.RowTotals) != rows {
		return GridSuppression{}, fmt.Errorf("warehouse: suppress grid: %d row totals for %d rows", len(g.RowTotals), rows)
	}
	if g.ColTotals != nil && len(g.ColTotals) != cols {
		return GridSuppression{}, fmt.Errorf("warehouse: suppress grid: %d column totals for %d columns", len(g.ColTotals), cols)
	}
	var values []int64
	cell := func(i, j int) int { return i*cols + j }
	for _, r := range g.Cells {
		values = append(values, r...)
	}
	rowTotal := func(i int) int { return rows*cols + i }
	colTotal := func(j int) int { return rows*cols + len(g.RowTotals) + j }
	values = append(values, g.RowTotals...)
	values = append(values, g.ColTotals...)
	grand := -1
	if g.RowTotals != nil && g.ColTotals != nil {
		grand = len(values)
		values = append(values, g.Total)
	}
	var rels []Relation
	if g.RowTotals != nil {
		for i := 0; i < rows; i++ {
			rel := Relation{Total: rowTotal(i)}
			for j := 0; j < cols; j++ {
				rel.Parts = append(rel.Parts, cell(i, j))
			}
			rels = append(rels, rel)
		}
	}
	if g.ColTotals != nil {
		for j := 0; j < cols; j++ {
			rel := Relation{Total: colTotal(j)}
			for i := 0; i < rows; i++ {
				rel.Parts = append(rel.Parts, cell(i, j))
			}
			rels = append(rels, rel)
		}
	}
	if grand >= 0 {
		byRow := Relation{Total: grand}
		for i := 0; i < rows; i++ {
			byRow.Parts = append(byRow.Parts, rowTotal(i))
		}
		byCol := Relation{Total: grand}
		for j := 0; j < cols; j++ {
			byCol.Parts = append(byCol.Parts, colTotal(j))
		}
		rels = append(rels, byRow, byCol)
	}
	st, err := Suppress(values, rels, threshold)
	if err != nil {
		return GridSuppression{}, err
	}
	out := GridSuppression{Cells: make([][]Suppression, rows)}
	for i := 0; i < rows; i++ {
		out.Cells[i] = st[cell(i, 0) : cell(i, 0)+cols]
	}
	if g.RowTotals != nil {
		out.RowTotals = st[rowTotal(0) : rowTotal(0)+rows]
	}
	if g.ColTotals != nil {
		out.ColTotals = st[colTotal(0) : colTotal(0)+cols]
	}
	if grand >= 0 {
		out.Total = st[grand]
	}
	return out, nil
}
