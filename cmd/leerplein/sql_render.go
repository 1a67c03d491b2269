package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hetleerplein/leerplein/api"
)

// sqlColumn is one column of a POST /api/v1/sql answer: its name and DuckDB type.
type sqlColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// sqlResult is the JSON answer of POST /api/v1/sql. Numbers stay json.Number, so a
// DECIMAL or a HUGEINT is shown exactly as the server wrote it.
type sqlResult struct {
	Columns    []sqlColumn `json:"columns"`
	Rows       [][]any     `json:"rows"`
	RowCount   int         `json:"row_count"`
	Truncated  bool        `json:"truncated"`
	DurationMS float64     `json:"duration_ms"`
	Error      string      `json:"error"` // the result broke off after the rows began
}

// maxCellWidth caps a table cell; longer values end in '…' (.mode csv shows them whole).
const maxCellWidth = 60

// numericType reports whether DuckDB's type name is a number (right-aligned).
func numericType(t string) bool {
	t = strings.ToUpper(strings.TrimSpace(t))
	if strings.HasPrefix(t, "DECIMAL") || strings.HasPrefix(t, "NUMERIC") {
		return true
	}
	switch t {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
		"FLOAT", "DOUBLE", "REAL", "INT", "INT1", "INT2", "INT4", "INT8", "FLOAT4", "FLOAT8":
		return true
	}
	return false
}

// cellText is how a decoded JSON value appears in a table cell.
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(v)
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	}
}

// clip shortens s to maxCellWidth runes.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxCellWidth {
		return s
	}
	r := []rune(s)
	return string(r[:maxCellWidth-1]) + "…"
}

// renderTable writes res as an aligned table: numbers right-aligned, NULL for a
// missing value, then the row count, and a notice when the server cut the result off.
func renderTable(w io.Writer, res sqlResult) error {
	n := len(res.Columns)
	right := make([]bool, n)
	width := make([]int, n)
	cells := make([][]string, len(res.Rows))
	for j, c := range res.Columns {
		right[j] = numericType(c.Type)
		width[j] = utf8.RuneCountInString(c.Name)
	}
	for i, row := range res.Rows {
		cells[i] = make([]string, n)
		for j := range n {
			var v any
			if j < len(row) {
				v = row[j]
			}
			if _, isNum := v.(json.Number); isNum && res.Columns[j].Type == "" {
				right[j] = true
			}
			cells[i][j] = clip(cellText(v))
			width[j] = max(width[j], utf8.RuneCountInString(cells[i][j]))
		}
	}
	var b strings.Builder
	line := func(vals []string) {
		for j, v := range vals {
			if j > 0 {
				b.WriteString(" |")
			}
			b.WriteByte(' ')
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(v))
			if right[j] {
				b.WriteString(pad + v)
			} else if j < n-1 {
				b.WriteString(v + pad)
			} else {
				b.WriteString(v) // no trailing blanks
			}
		}
		b.WriteByte('\n')
	}
	if n > 0 {
		names := make([]string, n)
		for j, c := range res.Columns {
			names[j] = c.Name
		}
		line(names)
		for j := range n {
			if j > 0 {
				b.WriteByte('+')
			}
			b.WriteString(strings.Repeat("-", width[j]+2))
		}
		b.WriteByte('\n')
		for _, row := range cells {
			line(row)
		}
	}
	count := res.RowCount
	if count < len(res.Rows) {
		count = len(res.Rows)
	}
	noun := "rijen"
	if count == 1 {
		noun = "rij"
	}
	fmt.Fprintf(&b, "(%d %s, %s ms)\n", count, noun, formatMS(res.DurationMS))
	if res.Truncated {
		fmt.Fprintf(&b, "Let op: afgekapt na %d rijen (de rijlimiet); gebruik LIMIT, een aggregaat of --max-rows.\n", count)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatMS(ms float64) string {
	if ms >= 100 {
		return fmt.Sprintf("%.0f", ms)
	}
	return fmt.Sprintf("%.1f", ms)
}

// findView finds a view by its name, with or without the schema prefix, ignoring case.
func findView(views []api.SchemaView, name string) (api.SchemaView, bool) {
	name = strings.ToLower(strings.Trim(strings.TrimSpace(name), `";`))
	name = strings.TrimPrefix(name, "analist.")
	for _, v := range views {
		if strings.ToLower(strings.TrimPrefix(v.Name, "analist.")) == name {
			return v, true
		}
	}
	return api.SchemaView{}, false
}

// qualified is the name to use in a query: analist.<view>.
func qualified(name string) string {
	if strings.Contains(name, ".") {
		return name
	}
	return "analist." + name
}

// renderTables writes the .tables listing: every view with its Dutch description.
func renderTables(w io.Writer, views []api.SchemaView) error {
	width := 0
	for _, v := range views {
		width = max(width, len(qualified(v.Name)))
	}
	var b strings.Builder
	for _, v := range views {
		fmt.Fprintf(&b, "%-*s  %s\n", width, qualified(v.Name), firstSentence(v.DescriptionNL))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// renderSchema writes the .schema of one view: its description and, per column, name,
// type and Dutch description, wrapped to lineWidth.
func renderSchema(w io.Writer, v api.SchemaView, lineWidth int) error {
	var b strings.Builder
	b.WriteString(qualified(v.Name) + "\n")
	for _, l := range wrap(v.DescriptionNL, lineWidth-2) {
		b.WriteString("  " + l + "\n")
	}
	nameW, typeW := 0, 0
	for _, c := range v.Columns {
		nameW = max(nameW, utf8.RuneCountInString(c.Name))
		typeW = max(typeW, utf8.RuneCountInString(c.Type))
	}
	indent := 2 + nameW + 2 + typeW + 2
	b.WriteByte('\n')
	for _, c := range v.Columns {
		lines := wrap(c.DescriptionNL, max(lineWidth-indent, 30))
		if len(lines) == 0 {
			lines = []string{""}
		}
		fmt.Fprintf(&b, "  %-*s  %-*s  %s\n", nameW, c.Name, typeW, c.Type, lines[0])
		for _, l := range lines[1:] {
			b.WriteString(strings.Repeat(" ", indent) + l + "\n")
		}
	}
	_, err := io.WriteString(w, strings.ReplaceAll(b.String(), " \n", "\n"))
	return err
}

// firstSentence is the text up to and including its first ". ".
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// wrap breaks s into lines of at most width runes at spaces (a longer word stays whole).
func wrap(s string, width int) []string {
	var lines []string
	var cur string
	for _, word := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = word
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) <= width:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
