package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// QuarantineFilter narrows the quarantine; a zero field does not narrow. Values are
// parsed where they enter (ParseQuarantineFilter): a run that exists, a feed, a CBS code,
// a reason code of the catalogue.
type QuarantineFilter struct {
	RunID    int64
	Feed     string
	Gemeente string     // CBS code, GM0392: rows whose gemeente was read as this one
	Reason   tekst.Code // one reason code (KindRij or tekst.Oud)
}

// where is the filter as SQL over etl_quarantine q joined to etl_file f, with its args.
func (f QuarantineFilter) where() (string, []any) {
	return `(? = 0 or f.run_id = ?) and (? = '' or q.feed = ?) and (? = '' or q.gemeentecode = ?) and (? = '' or q.reason_code = ?)`,
		[]any{f.RunID, f.RunID, f.Feed, f.Feed, f.Gemeente, f.Gemeente, string(f.Reason), string(f.Reason)}
}

// QuarantineRow is one quarantined problem as the steward downloads it for the sender to
// fix the source: the file, its line (and sheet), the column, the offending value and
// the reason. Never a BSN: the bsn column's value is withheld whatever the ledger holds,
// and every text is masked (MaskDigits).
type QuarantineRow struct {
	RunID    int64
	FileID   int64
	Feed     string
	FileName string
	Line     int64
	Sheet    string
	Column   string
	Value    *string       // nil for the bsn column
	Reason   tekst.Message // code and parameters as stored, parameters masked
	Gemeente string        // CBS code of the row's gemeente, "" when it could not be read
}

// ReasonNL is the row's reason in Dutch, masked.
func (r QuarantineRow) ReasonNL() string { return MaskDigits(r.Reason.NL()) }

// EachQuarantineRow calls fn with every quarantined problem of f, in file, line and
// column order, at most limit of them, reading them one by one: a download of many
// rows never holds them all. It returns how many it passed.
func (db *DB) EachQuarantineRow(ctx context.Context, f QuarantineFilter, limit int, fn func(QuarantineRow) error) (int, error) {
	where, args := f.where()
	rows, err := db.QueryContext(ctx, `
		select f.run_id, q.file_id, q.feed, q.file_name, q.line, coalesce(q.sheet, ''), q.column_name, q.value,
		       q.reason_code, q.reason_params, coalesce(q.gemeentecode, '')
		from etl_quarantine as q
		inner join etl_file as f on f.file_id = q.file_id
		where `+where+`
		order by q.file_id, q.line, q.column_name
		limit ?`, append(args, limit)...)
	if err != nil {
		return 0, fmt.Errorf("warehouse: quarantine rows: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r QuarantineRow
		var value sql.NullString
		var code string
		var params any
		if err := rows.Scan(&r.RunID, &r.FileID, &r.Feed, &r.FileName, &r.Line, &r.Sheet, &r.Column, &value,
			&code, &params, &r.Gemeente); err != nil {
			return n, fmt.Errorf("warehouse: quarantine rows: %w", err)
		}
		if value.Valid && !strings.EqualFold(r.Column, "bsn") {
			v := MaskDigits(value.String)
			r.Value = &v
		}
		r.FileName, r.Sheet = MaskDigits(r.FileName), MaskDigits(r.Sheet)
		r.Reason = storedMessage(code, params)
		if err := fn(r); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("warehouse: quarantine rows: %w", err)
	}
	return n, nil
}

// storedMessage is a stored reason code with its parameters (a DuckDB varchar[]), every
// parameter masked.
func storedMessage(code string, params any) tekst.Message {
	m := tekst.Message{Code: tekst.Code(code)}
	list, _ := params.([]any)
	for _, p := range list {
		s, _ := p.(string)
		m.Params = append(m.Params, MaskDigits(s))
	}
	return m
}

// QuarantineTotals sums up the quarantine under a filter, whatever a download's cap cut.
type QuarantineTotals struct {
	Problems int64   // problem records (a row can break several rules)
	Rows     int64   // distinct rows (file, line)
	Runs     []int64 // the runs whose files these problems came in, ascending
	ByReason []QuarantineReasonTotal
}

// QuarantineReasonTotal is the number of problems and rows with one reason code.
type QuarantineReasonTotal struct {
	Code     tekst.Code
	Problems int64
	Rows     int64
}

// QuarantineTotals counts the quarantine under f: in all, per reason code (most problems
// first), and which runs that covers.
func (db *DB) QuarantineTotals(ctx context.Context, f QuarantineFilter) (QuarantineTotals, error) {
	where, args := f.where()
	out := QuarantineTotals{Runs: []int64{}, ByReason: []QuarantineReasonTotal{}}
	rows, err := db.QueryContext(ctx, `
		select q.reason_code, count(*), count(distinct (q.file_id, q.line)),
		       list(distinct f.run_id order by f.run_id)
		from etl_quarantine as q
		inner join etl_file as f on f.file_id = q.file_id
		where `+where+`
		group by q.reason_code
		order by count(*) desc, q.reason_code`, args...)
	if err != nil {
		return out, fmt.Errorf("warehouse: quarantine totals: %w", err)
	}
	defer rows.Close()
	runs := map[int64]bool{}
	for rows.Next() {
		var t QuarantineReasonTotal
		var code string
		var ids any
		if err := rows.Scan(&code, &t.Problems, &t.Rows, &ids); err != nil {
			return out, fmt.Errorf("warehouse: quarantine totals: %w", err)
		}
		t.Code = tekst.Code(code)
		out.ByReason = append(out.ByReason, t)
		out.Problems += t.Problems
		list, _ := ids.([]any)
		for _, id := range list {
			if n, ok := id.(int64); ok {
				runs[n] = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("warehouse: quarantine totals: %w", err)
	}
	for id := range runs {
		out.Runs = append(out.Runs, id)
	}
	slices.Sort(out.Runs)
	// Rows over all reasons: a row with two problems counts once.
	if err := db.QueryRowContext(ctx, `
		select count(distinct (q.file_id, q.line))
		from etl_quarantine as q
		inner join etl_file as f on f.file_id = q.file_id
		where `+where, args...).Scan(&out.Rows); err != nil {
		return out, fmt.Errorf("warehouse: quarantine totals: %w", err)
	}
	return out, nil
}

// Bronnen lists the feeds, in the order of feeds.md.
func Bronnen() []string {
	return []string{BronLeerlingen, BronVerzuimmeldingen, BronMaatregelen, BronVrijstellingen,
		BronThuiszitters, BronRMCTrajecten, BronVSVCijfers}
}

// cbsCode matches a CBS code as the loader accepts it: GM0392, 0392 or 392.
var cbsCode = regexp.MustCompile(`^(?i:GM)?([0-9]{1,4})$`)

// QuarantineFilterText is a quarantine filter as it arrives from a request: every field
// a text, "" for none.
type QuarantineFilterText struct {
	Run, Feed, Gemeente, Reason string
}

// ParseQuarantineFilter checks and parses a filter that arrives as text (a query string),
// and returns it with the gemeente's name ("" when the region does not know the code).
// A value it cannot use is a ParamError (Dutch, naming the parameter by its Dutch query
// name: run, feed, gemeente, reden); a run that does not exist wraps ErrNotFound.
func (db *DB) ParseQuarantineFilter(ctx context.Context, in QuarantineFilterText) (QuarantineFilter, string, error) {
	var f QuarantineFilter
	if v := strings.TrimSpace(in.Run); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return f, "", &ParamError{Param: "run", Msg: fmt.Sprintf("%q is geen run; geef het nummer van een run (een positief geheel getal), zoals GET /api/v1/runs ze noemt", v)}
		}
		var exists bool
		if err := db.QueryRowContext(ctx, `select count(*) > 0 from etl_run where run_id = ?`, n).Scan(&exists); err != nil {
			return f, "", fmt.Errorf("warehouse: run %d: %w", n, err)
		}
		if !exists {
			return f, "", fmt.Errorf("warehouse: run %d: %w", n, ErrNotFound)
		}
		f.RunID = n
	}
	if v := strings.TrimSpace(in.Feed); v != "" {
		for _, b := range Bronnen() {
			if strings.EqualFold(v, b) {
				f.Feed = b
			}
		}
		if f.Feed == "" {
			return f, "", &ParamError{Param: "feed", Msg: fmt.Sprintf("onbekende bron %q; kies uit %s", v, strings.Join(Bronnen(), ", "))}
		}
	}
	naam := ""
	if v := strings.TrimSpace(in.Gemeente); v != "" {
		code, n, err := db.resolveGemeente(ctx, v)
		if err != nil {
			return f, "", err
		}
		f.Gemeente, naam = code, n
	}
	if v := strings.TrimSpace(in.Reason); v != "" {
		e, ok := tekst.Lookup(tekst.Code(strings.ToLower(v)))
		if !ok || (e.Kind != tekst.KindRij && e.Kind != tekst.KindOud) {
			var codes []string
			for _, c := range append(tekst.Codes(tekst.KindRij), tekst.Oud) {
				codes = append(codes, string(c))
			}
			return f, "", &ParamError{Param: "reden", Msg: fmt.Sprintf("onbekende redencode %q; kies uit %s", v, strings.Join(codes, ", "))}
		}
		f.Reason = e.Code
	}
	return f, naam, nil
}

// resolveGemeente turns a CBS code (GM0392, 0392, 392) or the name of a gemeente of the
// region into its code and name. A code is taken whether or not the current region
// knows it: the quarantine may hold rows of an earlier region configuration.
func (db *DB) resolveGemeente(ctx context.Context, v string) (code, naam string, err error) {
	if m := cbsCode.FindStringSubmatch(v); m != nil {
		n, _ := strconv.Atoi(m[1])
		code = fmt.Sprintf("GM%04d", n)
		err = db.QueryRowContext(ctx, `select naam from dim_gemeente where gemeentecode = ?`, code).Scan(&naam)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", "", fmt.Errorf("warehouse: gemeente %s: %w", code, err)
		}
		return code, naam, nil
	}
	err = db.QueryRowContext(ctx, `select gemeentecode, naam from dim_gemeente where lower(naam) = lower(?) order by gemeentecode limit 1`, v).Scan(&code, &naam)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", &ParamError{Param: "gemeente", Msg: fmt.Sprintf("onbekende gemeente %q; geef een CBS-code (GM0392, 0392) of de naam van een gemeente van de regio", v)}
	}
	if err != nil {
		return "", "", fmt.Errorf("warehouse: gemeente %q: %w", v, err)
	}
	return code, naam, nil
}

// QuarantineChoice is one value a quarantine filter can take, with what a person reads.
type QuarantineChoice struct {
	Value string // the filter's value: a feed, a CBS code or a reason code
	Label string // the feed, the gemeente's name (its code when the region has none), the reason's Dutch title
}

// QuarantineChoices are the values the quarantine's filters can take over the whole
// quarantine, whatever is filtered: a page offers them as its choices.
type QuarantineChoices struct {
	Feeds, Gemeenten, Reasons []QuarantineChoice
}

// QuarantineChoices lists the feeds, gemeenten and reason codes the quarantine holds.
func (db *DB) QuarantineChoices(ctx context.Context) (QuarantineChoices, error) {
	out := QuarantineChoices{Feeds: []QuarantineChoice{}, Gemeenten: []QuarantineChoice{}, Reasons: []QuarantineChoice{}}
	rows, err := db.QueryContext(ctx, `
		select 'feed' as kind, q.feed as value, q.feed as label from etl_quarantine as q group by q.feed
		union all
		select 'gemeente', q.gemeentecode, coalesce(any_value(g.naam), q.gemeentecode)
		from etl_quarantine as q left join dim_gemeente as g on g.gemeentecode = q.gemeentecode
		where q.gemeentecode is not null group by q.gemeentecode
		union all
		select 'reden', q.reason_code, q.reason_code from etl_quarantine as q group by q.reason_code
		order by kind, label, value`)
	if err != nil {
		return out, fmt.Errorf("warehouse: quarantine choices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var c QuarantineChoice
		if err := rows.Scan(&kind, &c.Value, &c.Label); err != nil {
			return out, fmt.Errorf("warehouse: quarantine choices: %w", err)
		}
		switch kind {
		case "feed":
			out.Feeds = append(out.Feeds, c)
		case "gemeente":
			out.Gemeenten = append(out.Gemeenten, c)
		case "reden":
			c.Label = tekst.Titel(tekst.Code(c.Value))
			out.Reasons = append(out.Reasons, c)
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("warehouse: quarantine choices: %w", err)
	}
	slices.SortFunc(out.Reasons, func(a, b QuarantineChoice) int { return strings.Compare(a.Label, b.Label) })
	return out, nil
}
