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

// serverInfoFunctions are the functions, table functions and system views that tell
// about the server rather than the data. System views and macros built on them are
// added when the sandbox opens (deniedNames).
var serverInfoFunctions = []string{
	"duckdb_databases", "pragma_database_list", "duckdb_settings", "current_setting",
	"duckdb_extensions", "duckdb_temporary_files", "duckdb_secrets", "which_secret",
	"duckdb_logs", "duckdb_log_contexts", "duckdb_external_file_cache", "getenv",
	// query() and query_table() take SQL or a name as a string, out of sight of the check.
	"query", "query_table",
	// Files: external access is off as well; these give a clear message.
	"read_text", "read_blob", "glob", "read_csv", "read_csv_auto", "read_json",
	"read_json_auto", "read_json_objects", "read_ndjson", "read_ndjson_auto",
	"read_ndjson_objects", "read_parquet", "parquet_scan", "parquet_metadata",
	"parquet_schema", "parquet_file_metadata", "parquet_kv_metadata", "sniff_csv",
	"checkpoint", "force_checkpoint",
}

// deniedNames returns serverInfoFunctions and every system view or macro whose
// definition uses one of them (transitively), lower case.
func deniedNames(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	denied := map[string]bool{}
	for _, n := range serverInfoFunctions {
		denied[n] = true
	}
	type def struct{ name, text string }
	var defs []def
	rows, err := conn.QueryContext(ctx, `select view_name, sql from duckdb_views() where sql is not null
		union all
		select function_name, coalesce(macro_definition, '') from duckdb_functions() where macro_definition is not null`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d def
		if err := rows.Scan(&d.name, &d.text); err != nil {
			rows.Close()
			return nil, err
		}
		d.name, d.text = strings.ToLower(d.name), strings.ToLower(d.text)
		defs = append(defs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for changed := true; changed; {
		changed = false
		for _, d := range defs {
			if denied[d.name] {
				continue
			}
			for n := range denied {
				if containsWord(d.text, n) {
					denied[d.name] = true
					changed = true
					break
				}
			}
		}
	}
	return denied, nil
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
// names a denied function or view anywhere, subqueries and CTEs included.
func checkNames(ctx context.Context, conn *sql.Conn, query string, denied map[string]bool) error {
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
	var names []string
	for _, st := range parsed.Statements {
		var v any
		if err := json.Unmarshal(st, &v); err != nil {
			return fmt.Errorf("warehouse: sandbox: read the parsed query: %w", err)
		}
		names = collectNames(v, names)
	}
	for _, n := range names {
		if denied[strings.ToLower(n)] {
			return &RefusedError{Reason: "de functie of tabel " + strings.ToLower(n) +
				" is niet beschikbaar in de SQL-zandbak: die geeft gegevens over de server of zijn bestanden, niet over de analistentabellen"}
		}
	}
	return nil
}

// collectNames appends every function and table name in a parsed query.
func collectNames(v any, out []string) []string {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if s, ok := c.(string); ok && (k == "function_name" || k == "table_name") && s != "" {
				out = append(out, s)
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
