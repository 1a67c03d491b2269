package warehouse

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// What the sandbox keeps from analysts besides files and the network: anything about
// the server itself — the paths of its files, its user and host names. DuckDB knows
// the path of the snapshot it opened (and shows it in duckdb_databases(), in the
// allowed_paths setting, in some error texts) whatever path it is opened under, so the
// sandbox refuses the functions and views that reveal paths or settings, removes server
// paths and names from error texts, and refuses a result that contains a server path.

// serverInfoTables are the table functions and system views that tell about the
// server rather than the data, or reach for files; serverInfoFunctions the scalar
// functions. System views and macros built on them are added when the sandbox opens
// (deniedNames).
var (
	serverInfoTables = []string{
		"duckdb_databases", "pragma_database_list", "duckdb_settings", "duckdb_extensions",
		"duckdb_temporary_files", "duckdb_secrets", "which_secret", "duckdb_logs",
		"duckdb_log_contexts", "duckdb_external_file_cache",
		// query() and query_table() take SQL or a name as a string, out of sight of the check.
		"query", "query_table",
		// Files: external access is off as well; these give a clear message.
		"read_text", "read_blob", "glob", "read_csv", "read_csv_auto", "read_json",
		"read_json_auto", "read_json_objects", "read_ndjson", "read_ndjson_auto",
		"read_ndjson_objects", "read_parquet", "parquet_scan", "parquet_metadata",
		"parquet_schema", "parquet_file_metadata", "parquet_kv_metadata", "sniff_csv",
		"checkpoint", "force_checkpoint",
	}
	serverInfoFunctions = []string{"current_setting", "getenv"}
)

// denied are the names a query may not use: as a table (a table function, table macro
// or view) or anywhere (a scalar function or macro). A name can be both a table macro
// and an aggregate (histogram): only the first is denied.
type denied struct {
	tables    map[string]bool
	functions map[string]bool
}

// deniedNames returns the server-information names and every system view or macro
// whose definition uses one of them (transitively), lower case.
func deniedNames(ctx context.Context, conn *sql.Conn) (denied, error) {
	d := denied{tables: map[string]bool{}, functions: map[string]bool{}}
	for _, n := range serverInfoTables {
		d.tables[n] = true
	}
	for _, n := range serverInfoFunctions {
		d.functions[n] = true
	}
	type def struct {
		name, text string
		table      bool
	}
	var defs []def
	rows, err := conn.QueryContext(ctx, `select view_name, sql, true from duckdb_views() where sql is not null
		union all
		select function_name, macro_definition, function_type = 'table_macro' from duckdb_functions()
		where macro_definition is not null`)
	if err != nil {
		return d, err
	}
	for rows.Next() {
		var x def
		if err := rows.Scan(&x.name, &x.text, &x.table); err != nil {
			rows.Close()
			return d, err
		}
		x.name, x.text = strings.ToLower(x.name), strings.ToLower(x.text)
		defs = append(defs, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, err
	}
	uses := func(text string) bool {
		for n := range d.tables {
			if containsWord(text, n) {
				return true
			}
		}
		for n := range d.functions {
			if containsWord(text, n) {
				return true
			}
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for _, x := range defs {
			set := d.functions
			if x.table {
				set = d.tables
			}
			if !set[x.name] && uses(x.text) {
				set[x.name] = true
				changed = true
			}
		}
	}
	return d, nil
}

// containsWord reports whether name occurs in text as an identifier, not inside another.
func containsWord(text, name string) bool {
	for i := 0; ; {
		k := strings.Index(text[i:], name)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(name)
		if (start == 0 || !isIdentByte(text[start-1])) && (end == len(text) || !isIdentByte(text[end])) {
			return true
		}
		i = start + 1
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// explainPrefix is the EXPLAIN before the query it explains.
var explainPrefix = regexp.MustCompile(`(?is)^\s*explain\s+`)

// checkNames parses the query with DuckDB (json_serialize_sql: the query as DuckDB
// reads it, whatever the quoting, qualification or comments) and refuses it when it
// uses a denied name anywhere, subqueries and CTEs included.
func checkNames(ctx context.Context, conn *sql.Conn, query string, d denied) error {
	text := explainPrefix.ReplaceAllString(query, "")
	var tree string
	if err := conn.QueryRowContext(ctx, "select json_serialize_sql(?::varchar)::varchar", text).Scan(&tree); err != nil {
		return err
	}
	var parsed struct {
		Error      bool              `json:"error"`
		Message    string            `json:"error_message"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(tree), &parsed); err != nil {
		return fmt.Errorf("warehouse: sandbox: read the parsed query: %w", err)
	}
	if parsed.Error {
		// Prepare accepted the query, so this is a SELECT DuckDB cannot write as JSON:
		// without the check it does not run.
		return &RefusedError{Reason: "deze query kan de SQL-zandbak niet controleren (" + parsed.Message + "); schrijf haar als een gewone SELECT"}
	}
	var names []usedName
	for _, st := range parsed.Statements {
		var v any
		if err := json.Unmarshal(st, &v); err != nil {
			return fmt.Errorf("warehouse: sandbox: read the parsed query: %w", err)
		}
		names = collectNames(v, names)
	}
	for _, n := range names {
		name := strings.ToLower(n.name)
		if d.functions[name] || n.table && d.tables[name] {
			return &RefusedError{Reason: "de functie of tabel " + name +
				" is niet beschikbaar in de SQL-zandbak: die geeft gegevens over de server of zijn bestanden, niet over de analistentabellen"}
		}
	}
	return nil
}

// usedName is a function or table a query names; table is true for a table (a base
// table or a table function).
type usedName struct {
	name  string
	table bool
}

// collectNames appends every function and table name in a parsed query.
func collectNames(v any, out []usedName) []usedName {
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "TABLE_FUNCTION" {
			if f, ok := x["function"].(map[string]any); ok {
				if n, ok := f["function_name"].(string); ok {
					out = append(out, usedName{n, true})
				}
				out = collectNames(f["children"], out)
			}
			for k, c := range x {
				if k != "function" {
					out = collectNames(c, out)
				}
			}
			return out
		}
		for k, c := range x {
			if s, ok := c.(string); ok && s != "" {
				switch k {
				case "table_name":
					out = append(out, usedName{s, true})
				case "function_name":
					out = append(out, usedName{s, false})
				}
				continue
			}
			out = collectNames(c, out)
		}
	case []any:
		for _, c := range x {
			out = collectNames(c, out)
		}
	}
	return out
}

// serverSecrets is what a sandbox worker must not show: server paths (hide) in answers
// and error texts, and the user and host names (words) in error texts.
type serverSecrets struct {
	hide  [][]byte
	words *regexp.Regexp
}

// newServerSecrets keeps the paths of at least five characters (so "/" or "/tmp" do not
// refuse ordinary text) and words of at least three, longest first.
func newServerSecrets(hide, words []string) *serverSecrets {
	s := &serverSecrets{}
	var hs []string
	for _, h := range hide {
		h = strings.TrimRight(h, "/")
		if len(h) >= 5 && !slices.Contains(hs, h) {
			hs = append(hs, h)
		}
	}
	slices.SortFunc(hs, func(a, b string) int { return len(b) - len(a) })
	for _, h := range hs {
		s.hide = append(s.hide, []byte(h))
	}
	var alts []string
	for _, w := range words {
		if len(w) >= 3 {
			alts = append(alts, regexp.QuoteMeta(w))
		}
	}
	if len(alts) > 0 {
		s.words = regexp.MustCompile(`(?i)\b(` + strings.Join(alts, "|") + `)\b`)
	}
	return s
}

// scrub removes server paths and names from an error text.
func (s *serverSecrets) scrub(msg string) string {
	if s == nil {
		return msg
	}
	for _, h := range s.hide {
		msg = strings.ReplaceAll(msg, string(h), "<server>")
	}
	if s.words != nil {
		msg = s.words.ReplaceAllString(msg, "<server>")
	}
	return msg
}

// leaks reports whether a result batch or its column names hold a server path.
func (s *serverSecrets) leaks(rec arrow.RecordBatch) bool {
	if s == nil || len(s.hide) == 0 {
		return false
	}
	for _, f := range rec.Schema().Fields() {
		if s.containsPath([]byte(f.Name)) {
			return true
		}
	}
	for _, col := range rec.Columns() {
		if s.dataLeaks(col.Data()) {
			return true
		}
	}
	return false
}

func (s *serverSecrets) dataLeaks(d arrow.ArrayData) bool {
	for _, b := range d.Buffers() {
		if b != nil && s.containsPath(b.Bytes()) {
			return true
		}
	}
	for _, c := range d.Children() {
		if s.dataLeaks(c) {
			return true
		}
	}
	if d.DataType().ID() == arrow.DICTIONARY && s.dataLeaks(d.Dictionary()) {
		return true
	}
	return false
}

func (s *serverSecrets) containsPath(b []byte) bool {
	for _, h := range s.hide {
		if bytes.Contains(b, h) {
			return true
		}
	}
	return false
}
