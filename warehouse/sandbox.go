package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// SandboxFile is the name of the analysts' snapshot beside the warehouse: its catalog is
// then called analist, so `analist.verzuimmeldingen` resolves as it does in the warehouse.
const SandboxFile = "analist.duckdb"

// SandboxLimits bound what one analyst query may use; the zero value of a field means
// its default.
type SandboxLimits struct {
	// Timeout cancels a query that runs longer. Default 30 s.
	Timeout time.Duration
	// MemoryLimit bounds DuckDB's buffer manager of the sandbox instance, shared by all
	// its queries (DuckDB syntax, "512MB"). Default 512MB.
	MemoryLimit string
	// Threads DuckDB may use for the sandbox. Default the number of CPUs, at most 4.
	Threads int
	// MaxConcurrent is how many queries run at once; more wait. Default 4.
	MaxConcurrent int
}

func (l SandboxLimits) withDefaults() SandboxLimits {
	if l.Timeout <= 0 {
		l.Timeout = 30 * time.Second
	}
	if l.MemoryLimit == "" {
		l.MemoryLimit = "512MB"
	}
	if l.Threads <= 0 {
		l.Threads = min(runtime.NumCPU(), 4)
	}
	if l.MaxConcurrent <= 0 {
		l.MaxConcurrent = 4
	}
	return l
}

// memoryLimitPattern is what MemoryLimit accepts: it is spliced into a SET statement.
var memoryLimitPattern = regexp.MustCompile(`^(?i)[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Sandbox is a separate, read-only DuckDB instance over the analysts' snapshot in which
// analysts run their own SQL: it sees only the analyst tables, cannot touch files or the
// network, and runs one SELECT at a time per query. It is safe for concurrent use. The
// server runs it in worker processes (Publisher); tests also use it directly.
type Sandbox struct {
	db        *sql.DB
	connector *duckdb.Connector
	lim       SandboxLimits
	path      string
	denied    denied         // functions and views about the server (sandbox_guard.go)
	secrets   *serverSecrets // set in a worker: server paths and names to keep out

	mu       sync.Mutex
	inFlight int
	closed   bool
	idle     *sync.Cond
}

// OpenSandbox opens the snapshot at path (written by DB.Snapshot) as its own DuckDB
// instance, read-only, and locks it down: memory and thread limits, no external access
// (files, network, extensions) and a locked configuration, so no query can undo it.
func OpenSandbox(ctx context.Context, path string, lim SandboxLimits) (*Sandbox, error) {
	lim = lim.withDefaults()
	if !memoryLimitPattern.MatchString(lim.MemoryLimit) {
		return nil, fmt.Errorf("warehouse: sandbox: memory limit %q: use a size such as 512MB or 2GB", lim.MemoryLimit)
	}
	dsn := path + "?access_mode=READ_ONLY&autoinstall_known_extensions=false&autoload_known_extensions=false"
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, fmt.Errorf("warehouse: sandbox: open %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(lim.MaxConcurrent)
	db.SetMaxIdleConns(lim.MaxConcurrent)
	s := &Sandbox{db: db, connector: connector, lim: lim, path: path}
	s.idle = sync.NewCond(&s.mu)
	// The settings are global to the instance; the order matters: allowed directories
	// can no longer be set once external access is off, and nothing once locked. The
	// home directory is a name of no consequence: DuckDB derives the extension directory
	// from it and shows that in error texts.
	settings := []string{
		"set global memory_limit = " + quoteLiteral(lim.MemoryLimit),
		fmt.Sprintf("set global threads = %d", lim.Threads),
		"set global temp_directory = ''",
		"set global home_directory = '/leerplein-sandbox'",
		"set global allowed_directories = []",
		"set global allowed_paths = []",
		"set global allow_community_extensions = false",
		"set global enable_external_access = false",
		"set global lock_configuration = true",
	}
	for _, q := range settings {
		if _, err := db.ExecContext(ctx, q); err != nil {
			s.closeNow()
			return nil, fmt.Errorf("warehouse: sandbox: %s: %w", q, err)
		}
	}
	conn, err := db.Conn(ctx)
	if err == nil {
		s.denied, err = deniedNames(ctx, conn)
		conn.Close()
	}
	if err != nil {
		s.closeNow()
		return nil, fmt.Errorf("warehouse: sandbox: list the system views: %w", err)
	}
	return s, nil
}

// Path is the snapshot file the sandbox reads.
func (s *Sandbox) Path() string { return s.path }

// Limits are the sandbox's limits, defaults filled in.
func (s *Sandbox) Limits() SandboxLimits { return s.lim }

// Close waits until no query runs or holds a result, then closes the instance.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	s.closed = true
	for s.inFlight > 0 {
		s.idle.Wait()
	}
	s.mu.Unlock()
	return s.closeNow()
}

func (s *Sandbox) closeNow() error {
	err := s.db.Close()
	if cerr := s.connector.Close(); err == nil {
		err = cerr
	}
	return err
}

// begin counts a query in; false when the sandbox is closing.
func (s *Sandbox) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inFlight++
	return true
}

func (s *Sandbox) end() {
	s.mu.Lock()
	s.inFlight--
	if s.inFlight == 0 {
		s.idle.Broadcast()
	}
	s.mu.Unlock()
}

// ErrSandboxClosed is returned by a query on a sandbox that is closing (it was replaced).
var ErrSandboxClosed = errors.New("warehouse: sandbox: closed")

// RefusedError is a query the sandbox will not run: not a single read-only statement,
// or one that reaches for files, the network or settings. Reason is for the analyst.
type RefusedError struct {
	Reason string
}

// Error says what was refused and why, in Dutch (the analyst reads it).
func (e *RefusedError) Error() string { return "query geweigerd: " + e.Reason }

// TimeoutError is a query cancelled at the sandbox's time limit.
type TimeoutError struct {
	Limit time.Duration
}

// Error names the limit the query exceeded.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("query afgebroken: de tijdslimiet van %s is overschreden", e.Limit)
}

// MemoryError is a query stopped because it needed more memory than the sandbox has:
// DuckDB's own limit, or the hard limit of the worker process.
type MemoryError struct {
	Limit string // e.g. "512 MB"
}

// Error names the limit the query exceeded.
func (e *MemoryError) Error() string {
	return "de query gebruikte meer dan het geheugen van de sandbox (" + e.Limit + ") en is afgebroken; " +
		"vraag minder rijen of kolommen op, of tel in de query zelf (group by)"
}

// QueryError is an error DuckDB reported for the query itself (syntax, unknown table or
// column, a failed cast, out of memory): the analyst can fix the query.
type QueryError struct {
	Msg string
}

// Error is DuckDB's message.
func (e *QueryError) Error() string { return e.Msg }

// SQLColumn is one column of a query result, with DuckDB's name for its type.
type SQLColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// SQLResult is a query's result as Arrow record batches, cut at the row cap: of a
// Sandbox, a running query that holds a connection until Close; of a Publisher, a
// result spooled to a file that Close removes.
type SQLResult struct {
	// Columns are the result's columns in order.
	Columns []SQLColumn

	reader         array.RecordReader
	current        arrow.RecordBatch // a slice of the reader's batch, when cut at the cap
	maxRows        int64
	rows           int64
	truncated      bool
	knownTruncated bool // cut before it was spooled
	cutAtBytes     bool // … at the byte cap
	done           bool
	err            error
	closeOnce      sync.Once
	release        func()
}

// Schema is the Arrow schema of the result.
func (r *SQLResult) Schema() *arrow.Schema { return r.reader.Schema() }

// Next advances to the next batch; false at the end, at the row cap, or on an error.
func (r *SQLResult) Next() bool {
	if r.current != nil {
		r.current.Release()
		r.current = nil
	}
	if r.done {
		return false
	}
	if !r.reader.Next() {
		r.done = true
		if err := r.reader.Err(); err != nil {
			r.err = err
		}
		return false
	}
	rec := r.reader.RecordBatch()
	n := rec.NumRows()
	if r.rows+n > r.maxRows {
		n = r.maxRows - r.rows
		r.truncated = true
		r.done = true
		if n == 0 {
			return false
		}
		r.current = rec.NewSlice(0, n)
	} else {
		rec.Retain()
		r.current = rec
	}
	r.rows += n
	return true
}

// RecordBatch is the current batch; valid until the next call of Next.
func (r *SQLResult) RecordBatch() arrow.RecordBatch { return r.current }

// Err is the error that ended the result early, nil at its end or the row cap.
func (r *SQLResult) Err() error { return r.err }

// Rows is the number of rows returned so far.
func (r *SQLResult) Rows() int64 { return r.rows }

// Truncated reports that the query had more rows than the cap, or more bytes; known
// once Next said false.
func (r *SQLResult) Truncated() bool { return r.truncated || r.knownTruncated }

// CutAtBytes reports that the result was cut at the sandbox's byte cap rather than at
// the row cap.
func (r *SQLResult) CutAtBytes() bool { return r.cutAtBytes }

// Close releases the result and its connection.
func (r *SQLResult) Close() error {
	r.closeOnce.Do(func() {
		if r.current != nil {
			r.current.Release()
			r.current = nil
		}
		r.reader.Release()
		r.release()
	})
	return nil
}

// Query runs one analyst query under the sandbox's limits and returns at most maxRows
// rows. It refuses (RefusedError) anything but a single SELECT (or EXPLAIN of one) and
// every file, network or settings access; a query past the time limit is cancelled
// (TimeoutError); DuckDB's own errors come as QueryError. The caller closes the result.
func (s *Sandbox) Query(ctx context.Context, query string, maxRows int) (*SQLResult, error) {
	if !s.begin() {
		return nil, ErrSandboxClosed
	}
	return s.run(ctx, query, maxRows)
}

// run is Query once the query is counted in (begin); it counts it out (end) when it
// fails or when the result is closed.
func (s *Sandbox) run(ctx context.Context, query string, maxRows int) (*SQLResult, error) {
	if err := CheckQueryText(query); err != nil {
		s.end()
		return nil, err
	}
	if maxRows <= 0 {
		s.end()
		return nil, fmt.Errorf("warehouse: sandbox: max rows must be positive")
	}
	var timedOut atomic.Bool
	runCtx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(s.lim.Timeout, func() {
		timedOut.Store(true)
		cancel()
	})
	conn, err := s.db.Conn(runCtx)
	if err != nil {
		timer.Stop()
		cancel()
		s.end()
		return nil, s.queryError(err, &timedOut)
	}
	release := func() {
		conn.Close()
		cancel()
		s.end()
	}
	var cols []SQLColumn
	var text string
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("warehouse: sandbox: not a DuckDB connection")
		}
		var err error
		if cols, err = checkQuery(c, query); err != nil {
			return err
		}
		text = limitedQuery(c, query, maxRows)
		return nil
	})
	if err == nil {
		err = checkNames(runCtx, conn, query, s.denied)
	}
	var res *SQLResult
	if err == nil {
		var reader array.RecordReader
		if reader, err = runQuery(runCtx, conn, text); err == nil {
			res = &SQLResult{Columns: cols, reader: reader, maxRows: int64(maxRows), release: release}
		}
	}
	// The time limit is for running the query: DuckDB has the whole result once the
	// query returns, and a slow client reading it is bounded by the HTTP server.
	if !timer.Stop() && err == nil {
		res.Close() // the limit struck as the query returned: the result is cut off
		return nil, &TimeoutError{Limit: s.lim.Timeout}
	}
	if err != nil {
		release()
		return nil, s.queryError(err, &timedOut)
	}
	return res, nil
}

// queryError sorts an error of the sandbox into the types the API maps to statuses.
func (s *Sandbox) queryError(err error, timedOut *atomic.Bool) error {
	var refused *RefusedError
	if errors.As(err, &refused) {
		return err
	}
	if timedOut.Load() {
		return &TimeoutError{Limit: s.lim.Timeout}
	}
	var de *duckdb.Error
	if errors.As(err, &de) {
		msg := s.secrets.scrub(de.Msg)
		switch de.Type {
		case duckdb.ErrorTypePermission:
			return &RefusedError{Reason: "de SQL-zandbak heeft geen toegang tot bestanden, het netwerk of extensies (" + msg + ")"}
		case duckdb.ErrorTypeInterrupt:
			return fmt.Errorf("warehouse: sandbox: query interrupted: %w", errors.New(msg))
		case duckdb.ErrorTypeOutOfMemory:
			// DuckDB's advice (settings, a temp directory) is not the analyst's to take.
			return &MemoryError{Limit: s.lim.MemoryLimit}
		default:
			return &QueryError{Msg: msg}
		}
	}
	// duckdb-go's errEmptyQuery (unexported): the text parsed to no statement at all.
	if msg := err.Error(); strings.HasSuffix(msg, "empty query") || strings.Contains(msg, "No statement to prepare") {
		return &RefusedError{Reason: "de query bevat geen statement (alleen commentaar of witruimte)"}
	}
	return fmt.Errorf("warehouse: sandbox: %s", s.secrets.scrub(err.Error()))
}

// CheckQueryText refuses a query text that cannot be a query: empty, not UTF-8, or
// with a NUL character (DuckDB would read only the text before it, and the audit would
// show another query than the one that ran).
func CheckQueryText(query string) error {
	switch {
	case strings.TrimSpace(query) == "":
		return &RefusedError{Reason: "de query is leeg"}
	case !utf8.ValidString(query):
		return &RefusedError{Reason: "de query is geen geldige UTF-8-tekst"}
	case strings.ContainsRune(query, 0):
		return &RefusedError{Reason: "de query bevat een NUL-teken (\\u0000)"}
	}
	return nil
}

// refusedTypes names the statement kinds an analyst might try, for the message.
var refusedTypes = map[duckdb.StmtType]string{
	duckdb.STATEMENT_TYPE_INSERT:       "INSERT",
	duckdb.STATEMENT_TYPE_UPDATE:       "UPDATE",
	duckdb.STATEMENT_TYPE_DELETE:       "DELETE",
	duckdb.STATEMENT_TYPE_PREPARE:      "PREPARE",
	duckdb.STATEMENT_TYPE_CREATE:       "CREATE",
	duckdb.STATEMENT_TYPE_EXECUTE:      "EXECUTE",
	duckdb.STATEMENT_TYPE_ALTER:        "ALTER",
	duckdb.STATEMENT_TYPE_TRANSACTION:  "een transactie-statement",
	duckdb.STATEMENT_TYPE_COPY:         "COPY",
	duckdb.STATEMENT_TYPE_ANALYZE:      "ANALYZE",
	duckdb.STATEMENT_TYPE_VARIABLE_SET: "SET",
	duckdb.STATEMENT_TYPE_CREATE_FUNC:  "CREATE FUNCTION/MACRO",
	duckdb.STATEMENT_TYPE_DROP:         "DROP",
	duckdb.STATEMENT_TYPE_EXPORT:       "EXPORT",
	duckdb.STATEMENT_TYPE_PRAGMA:       "PRAGMA",
	duckdb.STATEMENT_TYPE_VACUUM:       "VACUUM",
	duckdb.STATEMENT_TYPE_CALL:         "CALL",
	duckdb.STATEMENT_TYPE_SET:          "SET",
	duckdb.STATEMENT_TYPE_LOAD:         "INSTALL/LOAD",
	duckdb.STATEMENT_TYPE_EXTENSION:    "een extensie-statement",
	duckdb.STATEMENT_TYPE_ATTACH:       "ATTACH",
	duckdb.STATEMENT_TYPE_DETACH:       "DETACH",
}

// explainSelect is the one EXPLAIN allowed: of a query, without ANALYZE (which runs the
// statement it explains, whatever it is).
var explainSelect = regexp.MustCompile(`(?is)^\s*explain\s+(select|from|with|values|table|pivot|unpivot|describe|show|summarize)\b`)

// refusedFunctions are table functions a SELECT could use to reach files or touch the
// database. External access is off as well (a file function fails at prepare); this
// gives a clear message for what gets past prepare. query() needs no entry: DuckDB
// accepts only a SELECT in it.
var refusedFunctions = regexp.MustCompile(`(?i)(?:\b|")(read_text|read_blob|glob|read_csv|read_csv_auto|read_json|read_json_auto|read_ndjson|read_parquet|parquet_scan|parquet_metadata|parquet_schema|sniff_csv|duckdb_secrets|checkpoint|force_checkpoint)"?\s*\(`)

// checkQuery prepares the query on the raw connection, which refuses more than one
// statement, and accepts only a SELECT. It returns the result's columns.
func checkQuery(c *duckdb.Conn, query string) ([]SQLColumn, error) {
	cols, _, err := prepareChecked(c, query)
	return cols, err
}

// prepareChecked is checkQuery that also returns the DuckDB types of the query's
// parameters ($1, $2, …), "UNKNOWN" where DuckDB cannot tell.
func prepareChecked(c *duckdb.Conn, query string) ([]SQLColumn, []string, error) {
	st, err := c.Prepare(query)
	if err != nil {
		if strings.Contains(err.Error(), "multi-statement") {
			return nil, nil, &RefusedError{Reason: "er mag precies één statement in staan, en dit zijn er meer " +
				"(statements gescheiden door ';', of een PIVOT zonder expliciete IN-lijst)"}
		}
		return nil, nil, err
	}
	defer st.Close()
	stmt, ok := st.(*duckdb.Stmt)
	if !ok {
		return nil, nil, fmt.Errorf("warehouse: sandbox: not a DuckDB statement")
	}
	t, err := stmt.StatementType()
	if err != nil {
		return nil, nil, err
	}
	switch t {
	case duckdb.STATEMENT_TYPE_SELECT:
	case duckdb.STATEMENT_TYPE_EXPLAIN:
		if !explainSelect.MatchString(query) {
			return nil, nil, &RefusedError{Reason: "alleen EXPLAIN van een query is toegestaan (geen EXPLAIN ANALYZE)"}
		}
	default:
		what, ok := refusedTypes[t]
		if !ok {
			what = "dit soort statement"
		}
		return nil, nil, &RefusedError{Reason: what + " is niet toegestaan: de SQL-zandbak is alleen-lezen en voert één SELECT uit"}
	}
	if m := refusedFunctions.FindStringSubmatch(query); m != nil {
		return nil, nil, &RefusedError{Reason: "de functie " + strings.ToLower(m[1]) + "() is niet toegestaan in de SQL-zandbak: vraag de analistentabellen op bij naam"}
	}
	n, err := stmt.ColumnCount()
	if err != nil {
		return nil, nil, err
	}
	cols := make([]SQLColumn, n)
	for i := range cols {
		name, err := stmt.ColumnName(i)
		if err != nil {
			return nil, nil, err
		}
		info, err := stmt.ColumnTypeInfo(i)
		if err != nil {
			return nil, nil, err
		}
		cols[i] = SQLColumn{Name: name, Type: duckTypeName(info)}
	}
	params := make([]string, stmt.NumInput())
	for i := range params {
		t, err := stmt.ParamType(i + 1)
		if err != nil {
			return nil, nil, err
		}
		params[i] = "UNKNOWN"
		if n, ok := typeNames[t]; ok {
			params[i] = n
		} else if t == duckdb.TYPE_DECIMAL {
			params[i] = "DECIMAL"
		}
	}
	return cols, params, nil
}

// limitedQuery wraps the query in a LIMIT of one more row than the cap, so DuckDB stops
// early and the cut is known; a query that cannot be wrapped (DESCRIBE, EXPLAIN) runs
// as it is and is cut while reading. The wrapped text is checked again like the query.
func limitedQuery(c *duckdb.Conn, query string, maxRows int) string {
	trimmed := strings.TrimRight(strings.TrimSpace(query), "; \t\r\n")
	wrapped := fmt.Sprintf("select * from (\n%s\n) limit %d", trimmed, maxRows+1)
	if _, err := checkQuery(c, wrapped); err != nil {
		return query
	}
	return wrapped
}

// duckTypeName is DuckDB's name of a column type, as DESCRIBE shows it.
func duckTypeName(info duckdb.TypeInfo) string {
	switch d := info.Details().(type) {
	case *duckdb.DecimalDetails:
		return fmt.Sprintf("DECIMAL(%d,%d)", d.Width, d.Scale)
	case *duckdb.ListDetails:
		return duckTypeName(d.Child) + "[]"
	case *duckdb.ArrayDetails:
		return fmt.Sprintf("%s[%d]", duckTypeName(d.Child), d.Size)
	case *duckdb.MapDetails:
		return "MAP(" + duckTypeName(d.Key) + ", " + duckTypeName(d.Value) + ")"
	case *duckdb.StructDetails:
		parts := make([]string, len(d.Entries))
		for i, e := range d.Entries {
			parts[i] = e.Name() + " " + duckTypeName(e.Info())
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	case *duckdb.EnumDetails:
		return "ENUM"
	}
	if info.Alias() == "JSON" {
		return "JSON"
	}
	if n, ok := typeNames[info.InternalType()]; ok {
		return n
	}
	return "UNKNOWN"
}

var typeNames = map[duckdb.Type]string{
	duckdb.TYPE_BOOLEAN: "BOOLEAN", duckdb.TYPE_TINYINT: "TINYINT", duckdb.TYPE_SMALLINT: "SMALLINT",
	duckdb.TYPE_INTEGER: "INTEGER", duckdb.TYPE_BIGINT: "BIGINT", duckdb.TYPE_UTINYINT: "UTINYINT",
	duckdb.TYPE_USMALLINT: "USMALLINT", duckdb.TYPE_UINTEGER: "UINTEGER", duckdb.TYPE_UBIGINT: "UBIGINT",
	duckdb.TYPE_FLOAT: "FLOAT", duckdb.TYPE_DOUBLE: "DOUBLE", duckdb.TYPE_TIMESTAMP: "TIMESTAMP",
	duckdb.TYPE_DATE: "DATE", duckdb.TYPE_TIME: "TIME", duckdb.TYPE_INTERVAL: "INTERVAL",
	duckdb.TYPE_HUGEINT: "HUGEINT", duckdb.TYPE_UHUGEINT: "UHUGEINT", duckdb.TYPE_VARCHAR: "VARCHAR",
	duckdb.TYPE_BLOB: "BLOB", duckdb.TYPE_TIMESTAMP_S: "TIMESTAMP_S", duckdb.TYPE_TIMESTAMP_MS: "TIMESTAMP_MS",
	duckdb.TYPE_TIMESTAMP_NS: "TIMESTAMP_NS", duckdb.TYPE_UUID: "UUID", duckdb.TYPE_BIT: "BIT",
	duckdb.TYPE_TIME_TZ: "TIMETZ", duckdb.TYPE_TIMESTAMP_TZ: "TIMESTAMPTZ", duckdb.TYPE_SQLNULL: "NULL",
	duckdb.TYPE_BIGNUM: "BIGNUM", duckdb.TYPE_UNION: "UNION",
}
