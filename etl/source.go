package etl

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// rejectError is a reason to refuse a whole file: a message of the catalogue, which the
// ledger stores and the steward reads in Dutch. kind, when set, is a sentinel error the
// rejection also is (errNotCSV, …), for errors.Is.
type rejectError struct {
	msg  tekst.Message
	kind error
}

// Error is the reason in English, for logs and developers.
func (r rejectError) Error() string { return r.msg.EN() }

func (r rejectError) Unwrap() error { return r.kind }

// reject refuses a file for the reason code with params.
func reject(code tekst.Code, params ...any) error {
	return rejectError{msg: tekst.New(code, params...)}
}

// rejectAs is reject for a rejection that is also the sentinel kind.
func rejectAs(kind error, code tekst.Code, params ...any) error {
	return rejectError{msg: tekst.New(code, params...), kind: kind}
}

// asReject returns err when it is a rejection, and otherwise a rejection for code with
// err's text as its one parameter (an error of DuckDB or the file system, in English).
func asReject(err error, code tekst.Code) error {
	var rej rejectError
	if errors.As(err, &rej) {
		return err
	}
	return reject(code, err)
}

// staged is a file made readable for the validation query.
type staged struct {
	format  string          // csv, xlsx, parquet
	source  string          // SQL relation with canonical column names (text) and _line
	present map[string]bool // feed columns the file has
	extra   []string        // columns the feed does not use, as written
	sheet   string          // XLSX sheet name
	layout  *csvLayout      // CSV only: where each record is, and the ragged ones
	fields  int             // CSV only: fields in the header, what every record should have
	cleanup func()
}

// fileFormat tells the format from the file's extension.
func fileFormat(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".tsv":
		return "csv", nil
	case ".xlsx":
		return "xlsx", nil
	case ".parquet":
		return "parquet", nil
	}
	return "", reject(tekst.Bestandstype, filepath.Ext(name))
}

// maxRagged is how many rows with a wrong number of fields a file may have before it is
// rejected whole: beyond it the file is misread (a wrong separator, broken quoting)
// rather than a few rows broken.
func maxRagged(records int) int {
	return min(1000, max(10, records/10))
}

// lineSQL maps the record number rec (1-based) to the file's line through the layout's
// shifts: the line of the last shift at or before rec, plus the records since.
func (l *csvLayout) lineSQL(rec string) string {
	if len(l.Shifts) == 0 {
		return rec + " + 1"
	}
	if len(l.Shifts) == 1 {
		return fmt.Sprintf("%s + %d", rec, l.Shifts[0].Line-l.Shifts[0].Record)
	}
	var b strings.Builder
	b.WriteString("case")
	for i := len(l.Shifts) - 1; i > 0; i-- {
		s := l.Shifts[i]
		fmt.Fprintf(&b, " when %s >= %d then %s + %d", rec, s.Record, rec, s.Line-s.Record)
	}
	fmt.Fprintf(&b, " else %s + %d end", rec, l.Shifts[0].Line-l.Shifts[0].Record)
	return b.String()
}

// mapHeader matches a file's header to the feed's columns. It rejects a header that lacks
// required columns (naming every one of them) or names a column twice.
func mapHeader(f feed, header []string) (canon []string, present map[string]bool, extra []string, err error) {
	known := map[string]bool{}
	for _, c := range f.cols {
		known[c.name] = true
	}
	present = map[string]bool{}
	canon = make([]string, len(header))
	for i, h := range header {
		n := normalizeColumn(h)
		switch {
		case known[n] && present[n]:
			return nil, nil, nil, reject(tekst.KolomDubbel, n)
		case known[n]:
			present[n] = true
			canon[i] = n
		default:
			canon[i] = fmt.Sprintf("_extra_%d", i)
			if strings.TrimSpace(h) != "" {
				extra = append(extra, strings.TrimSpace(h))
			}
		}
	}
	var missing []string
	for _, c := range f.cols {
		if c.required && !present[c.name] {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		var has []string
		for _, h := range header {
			has = append(has, strings.TrimSpace(h))
		}
		return nil, nil, nil, reject(tekst.KolommenOntbreken, len(missing), quoteJoin(missing), strings.Join(has, ", "))
	}
	return canon, present, extra, nil
}

func quoteJoin(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return strings.Join(q, ", ")
}

// stage makes a file readable as a SQL relation on conn, within lim. The readers in Go
// (CSV, XLSX) tell report, when set, the rows and bytes read so far.
func stage(ctx context.Context, conn *sql.Conn, f feed, path string, lim Limits, report func(rows, bytes int64)) (*staged, error) {
	format, err := fileFormat(path)
	if err != nil {
		return nil, err
	}
	lim = lim.orDefault()
	switch format {
	case "csv":
		return stageCSV(f, path, lim, report)
	case "xlsx":
		return stageXLSX(ctx, conn, f, path, lim, report)
	default:
		return stageParquet(ctx, conn, f, path, lim)
	}
}

func stageCSV(f feed, path string, lim Limits, report func(rows, bytes int64)) (*staged, error) {
	d, err := sniffCSV(path)
	if err != nil {
		return nil, asReject(err, tekst.BestandOnleesbaar)
	}
	canon, present, extra, err := mapHeader(f, d.Header)
	if err != nil {
		return nil, err
	}
	// The layout scan reads the original file (see scanCSVLayout): it runs first, so a
	// file it refuses is not converted for nothing.
	layout, err := scanCSVLayoutReport(path, d, lim.RowBytes, report)
	if err != nil {
		return nil, asReject(err, tekst.BestandOnleesbaar)
	}
	if len(layout.Ragged) > maxRagged(layout.Records) {
		r := layout.Ragged[0]
		return nil, reject(tekst.VeldenRegels, len(layout.Ragged), layout.Records, len(d.Header), r.Line, r.Fields)
	}
	st := &staged{format: "csv", present: present, extra: extra, cleanup: func() {}}
	readPath := path
	if d.Encoding == "windows-1252" {
		tmp, err := os.CreateTemp("", "leerplein-*.csv")
		if err != nil {
			return nil, fmt.Errorf("etl: temp file: %w", err)
		}
		tmp.Close()
		st.cleanup = func() { os.Remove(tmp.Name()) }
		if err := toUTF8File(path, tmp.Name()); err != nil {
			st.cleanup()
			return nil, fmt.Errorf("etl: convert windows-1252: %w", err)
		}
		readPath = tmp.Name()
	}
	if d.Encoding != encodingUTF8 {
		// The scan saw the bytes before their conversion: a Windows-1252 no-break space
		// is one byte that is no UTF-8 white space there.
		layout.EdgeSpace = true
	}
	st.layout, st.fields = &layout, len(d.Header)
	cols := make([]string, len(canon))
	for i, c := range canon {
		cols[i] = fmt.Sprintf("%s: 'VARCHAR'", sqlString(c))
	}
	// Every option is explicit: DuckDB's own sniffing must never decide how a row reads.
	// _line is left null here: the validated rows keep the file's order (insertion order
	// is preserved), so the loader numbers them from rowid afterwards with the layout,
	// which keeps the parallel CSV reader parallel (row_number() over () would not).
	// null_padding lets a short row through; the layout scan has it quarantined.
	// max_line_size is above what the scan allows, even after windows-1252 (one byte a
	// character) became UTF-8 (up to three), so that the scan's message is the one given.
	st.source = fmt.Sprintf(`(select null::bigint as _line, *
		from read_csv(%s, delim = %s, quote = '"', escape = '"', header = true, auto_detect = false,
			columns = {%s}, null_padding = true, strict_mode = false, parallel = %t, max_line_size = %d))`,
		sqlString(readPath), sqlString(string(d.Delimiter)), strings.Join(cols, ", "), !layout.QuotedNewlines, 3*lim.RowBytes+1024)
	return st, nil
}

// xlsxFlushBytes is how much text stageXLSX appends before it flushes the appender:
// DuckDB's appender collects about 200,000 rows before it writes them to the table,
// which for long rows within Limits.RowBytes would be gigabytes.
const xlsxFlushBytes = 32 << 20

func stageXLSX(ctx context.Context, conn *sql.Conn, f feed, path string, lim Limits, report func(rows, bytes int64)) (*staged, error) {
	st := &staged{format: "xlsx", cleanup: func() {}}
	var canon []string
	var app *duckdb.Appender
	closeApp := func() error {
		if app == nil {
			return nil
		}
		a := app
		app = nil
		return a.Close()
	}
	defer closeApp()
	var pending int
	var rows int64 // data rows appended
	sheet, err := readXLSX(path, lim, func(row int, cells []string) error {
		if canon == nil {
			c, present, extra, err := mapHeader(f, cells)
			if err != nil {
				return err
			}
			canon, st.present, st.extra = c, present, extra
			defs := []string{"_line bigint"}
			for _, name := range canon {
				defs = append(defs, ident(name)+" varchar")
			}
			if _, err := conn.ExecContext(ctx, "create or replace temp table stg_xlsx ("+strings.Join(defs, ", ")+")"); err != nil {
				return fmt.Errorf("etl: staging table: %w", err)
			}
			return conn.Raw(func(dc any) error {
				a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "stg_xlsx")
				app = a
				return err
			})
		}
		vals := make([]driver.Value, len(canon)+1)
		vals[0] = int64(row)
		for i := range canon {
			if i < len(cells) {
				vals[i+1] = cells[i]
				pending += len(cells[i])
			} else {
				vals[i+1] = ""
			}
		}
		if err := app.AppendRow(vals...); err != nil {
			return err
		}
		if rows++; report != nil && rows%progressRows == 0 {
			report(rows, 0)
		}
		if pending >= xlsxFlushBytes {
			pending = 0
			return app.Flush()
		}
		return nil
	})
	if cerr := closeApp(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, asReject(err, tekst.XLSXOnleesbaar)
	}
	if canon == nil {
		return nil, reject(tekst.XLSXGeenKop)
	}
	st.sheet = sheet
	st.source = "stg_xlsx"
	return st, nil
}

func stageParquet(ctx context.Context, conn *sql.Conn, f feed, path string, lim Limits) (*staged, error) {
	if err := checkParquetMetadata(ctx, conn, path, lim); err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf("describe select * from read_parquet(%s)", sqlString(path)))
	if err != nil {
		return nil, reject(tekst.ParquetOnleesbaar, err)
	}
	var pcols []parquetColumn
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			rows.Close()
			return nil, fmt.Errorf("etl: describe parquet: %w", err)
		}
		pcols = append(pcols, parquetColumn{name, typ})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, reject(tekst.ParquetOnleesbaar, err)
	}
	header := make([]string, len(pcols))
	for i, c := range pcols {
		header[i] = c.name
	}
	canon, present, extra, err := mapHeader(f, header)
	if err != nil {
		return nil, err
	}
	if len(pcols) > int(lim.ParquetColumns) {
		return nil, reject(tekst.ParquetKolommen, len(pcols), lim.ParquetColumns)
	}
	var used []parquetColumn
	for i, c := range pcols {
		if present[canon[i]] {
			used = append(used, c)
		}
	}
	if err := checkParquetText(ctx, conn, path, used, lim); err != nil {
		return nil, err
	}
	var sel []string
	for i, c := range pcols {
		if !present[canon[i]] {
			continue
		}
		expr := ident(c.name) + "::varchar"
		switch {
		case c.typ == "DATE" || strings.HasPrefix(c.typ, "TIMESTAMP"):
			expr = fmt.Sprintf("strftime(%s::date, '%%Y-%%m-%%d')", ident(c.name))
		case c.typ == "BOOLEAN":
			expr = fmt.Sprintf("case when %s then 'J' when not %s then 'N' end", ident(c.name), ident(c.name))
		}
		sel = append(sel, fmt.Sprintf("%s as %s", expr, ident(canon[i])))
	}
	sort.Strings(extra)
	return &staged{
		format:  "parquet",
		present: present,
		extra:   extra,
		cleanup: func() {},
		source: fmt.Sprintf("(select (file_row_number + 1)::bigint as _line, %s from read_parquet(%s, file_row_number = true))",
			strings.Join(sel, ", "), sqlString(path)),
	}, nil
}
