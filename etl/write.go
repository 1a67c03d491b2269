package etl

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// writer moves the validated rows of one file (temp table `typed`) into the warehouse,
// inside the file's transaction.
type writer struct {
	tx       *sql.Tx
	f        feed
	fileID   int64
	fileName string // as the ledger shows it (masked)
	sheet    string // idem
	log      *slog.Logger
}

// firstLine shortens a statement for the debug log.
func firstLine(q string) string {
	if i := strings.IndexByte(q, '\n'); i > 0 {
		return q[:i]
	}
	return q
}

// keyCols are the fact columns of the feed's natural key.
func keyCols(f feed) []string {
	var cols []string
	for _, k := range f.key {
		for _, c := range f.cols {
			if c.name == k {
				cols = append(cols, factColumn(c))
			}
		}
	}
	return cols
}

func joinOn(a, b string, cols []string) string {
	var on []string
	for _, c := range cols {
		on = append(on, fmt.Sprintf("%s.%s = %s.%s", a, ident(c), b, ident(c)))
	}
	return strings.Join(on, " and ")
}

// duplicateSQL is the reason of a row whose natural key a later line of the file has
// too: the key's columns and values ("melding_id 'm1'"; no BSN: a key with the bsn says
// "hetzelfde bsn met …") and the later line, _last.
func duplicateSQL(f feed) string {
	var parts []string
	withBSN := false
	for _, k := range f.key {
		if k == "bsn" {
			withBSN = true
			continue
		}
		parts = append(parts, fmt.Sprintf("%s || ' ''' || %s::varchar || ''''", sqlString(k), ident(k)))
	}
	code := tekst.Dubbel
	if withBSN {
		code = tekst.DubbelBSN
	}
	return msgSQL(code, "("+strings.Join(parts, " || ', ' || ")+")", "_last::varchar")
}

// gemeenteSQL is the CBS code of a row's gemeente in the relations write reads from;
// null for a feed without one, and for a row whose gemeente did not parse.
func gemeenteSQL(f feed) string {
	if hasGemeente(f) {
		return "gemeentecode"
	}
	return "null::varchar"
}

// write quarantines bad rows, keeps the last line per natural key, replaces earlier
// versions and inserts. It fills res's counts and returns the number of rows inserted.
func (w writer) write(ctx context.Context, res *FileResult) (int64, error) {
	exec := func(q string, args ...any) error {
		start := time.Now()
		if _, err := w.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("etl: %s: %w", w.fileName, err)
		}
		w.log.Debug("statement", "file", w.fileName, "ms", time.Since(start).Milliseconds(), "sql", firstLine(q))
		return nil
	}
	keys := keyCols(w.f)
	keyList := make([]string, len(keys))
	for i, k := range keys {
		keyList[i] = ident(k)
	}
	// 1. Every problem of every row, one quarantine record each: the reason's code and
	// parameters, and the row's gemeente. A value or parameter may quote a BSN put in the
	// wrong column: it is masked (only these rows pay for that).
	if err := exec(`insert into etl_quarantine (file_id, feed, file_name, line, sheet, column_name, value,
			reason_code, reason_params, gemeentecode)
		select ?, ?, ?, _line, nullif(?, ''), p.column_name,
			case when p.column_name <> 'bsn' then `+warehouse.MaskSQL("p.value")+` end,
			p.reason.code, list_transform(p.reason.params, _param -> `+warehouse.MaskSQL("_param")+`), _gemeente
		from (select _line, `+gemeenteSQL(w.f)+` as _gemeente, unnest(_problems) as p from numbered where not _ok) order by _line`,
		w.fileID, w.f.name, w.fileName, w.sheet); err != nil {
		return 0, err
	}
	// 2. Within a file the last line of a key wins; earlier lines are quarantined as duplicates.
	var dups int64
	var typedKeys []string
	for _, k := range w.f.key {
		for _, c := range w.f.cols {
			if c.name == k {
				typedKeys = append(typedKeys, ident(typedColumn(c)))
			}
		}
	}
	t0 := time.Now()
	if err := w.tx.QueryRowContext(ctx, fmt.Sprintf(`select count(*) from (select 1 from numbered where _ok group by %s having count(*) > 1)`,
		strings.Join(typedKeys, ", "))).Scan(&dups); err != nil {
		return 0, fmt.Errorf("etl: %s: duplicates: %w", w.fileName, err)
	}
	w.log.Debug("duplicate check", "file", w.fileName, "ms", time.Since(t0).Milliseconds())
	fresh := "checked where _ok"
	if dups > 0 {
		reason := duplicateSQL(w.f)
		if err := exec(fmt.Sprintf(`create or replace temp table ranked as
			select *, row_number() over w as _rn, max(_line) over w as _last from checked where _ok
			window w as (partition by %s order by _line desc)`, strings.Join(keyList, ", "))); err != nil {
			return 0, err
		}
		if err := exec(fmt.Sprintf(`insert into etl_quarantine (file_id, feed, file_name, line, sheet, column_name, value,
				reason_code, reason_params, gemeentecode)
			select ?, ?, ?, _line, nullif(?, ''), %s, null, r.code, list_transform(r.params, _param -> %s), _gemeente
			from (select _line, %s as r, %s as _gemeente from ranked where _rn > 1) order by _line`,
			sqlString(strings.Join(w.f.key, ",")), warehouse.MaskSQL("_param"), reason, gemeenteSQL(w.f)),
			w.fileID, w.f.name, w.fileName, w.sheet); err != nil {
			return 0, err
		}
		fresh = "ranked where _rn = 1"
	}
	if err := w.tx.QueryRowContext(ctx, `select count(distinct line) from etl_quarantine where file_id = ?`, w.fileID).Scan(&res.Quarantined); err != nil {
		return 0, fmt.Errorf("etl: %s: %w", w.fileName, err)
	}
	// 3. vsv_cijfers: a VOORLOPIG figure never replaces a DEFINITIEF one.
	if w.f.name == "vsv_cijfers" {
		if err := exec(fmt.Sprintf(`create or replace temp table fresh as
			select n.*, coalesce(f.status = 'DEFINITIEF' and n.status = 'VOORLOPIG', false) as _keep_old
			from (select * from %s) n left join %s f on %s`, fresh, w.f.table, joinOn("n", "f", keys))); err != nil {
			return 0, err
		}
		if err := w.tx.QueryRowContext(ctx, `select count(*) from fresh where _keep_old`).Scan(&res.Unchanged); err != nil {
			return 0, fmt.Errorf("etl: %s: %w", w.fileName, err)
		}
		fresh = "fresh where not _keep_old"
	}
	// 4. Replace earlier versions by natural key, then insert.
	if err := w.tx.QueryRowContext(ctx, fmt.Sprintf(`select count(*) from (select %s from %s) n semi join %s f on %s`,
		strings.Join(keyList, ", "), fresh, w.f.table, joinOn("n", "f", keys))).Scan(&res.Replaced); err != nil {
		return 0, fmt.Errorf("etl: %s: %w", w.fileName, err)
	}
	if res.Replaced > 0 {
		if err := exec(fmt.Sprintf(`delete from %s f using (select %s from %s) n where %s`,
			w.f.table, strings.Join(keyList, ", "), fresh, joinOn("f", "n", keys))); err != nil {
			return 0, err
		}
	}
	var cols []string
	for _, c := range w.f.cols {
		cols = append(cols, ident(factColumn(c)))
	}
	t0 = time.Now()
	r, err := w.tx.ExecContext(ctx, fmt.Sprintf(`insert into %s (%s, file_id, line) select %s, ?, _line from %s`,
		w.f.table, strings.Join(cols, ", "), strings.Join(cols, ", "), fresh), w.fileID)
	if err != nil {
		return 0, fmt.Errorf("etl: %s: insert: %w", w.fileName, err)
	}
	w.log.Debug("insert", "file", w.fileName, "ms", time.Since(t0).Milliseconds())
	inserted, err := r.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("etl: %s: insert: %w", w.fileName, err)
	}
	res.New = inserted - res.Replaced
	return inserted, nil
}
