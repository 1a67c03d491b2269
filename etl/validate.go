package etl

import (
	"fmt"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// The validation runs in DuckDB: one pass over the source computes, for every column, its
// typed value and — when the value breaks a rule — a reason (e_<col>: a code of the
// message catalogue and its parameters, see msgSQL) and the offending text (b_<col>,
// never for a BSN). Go only writes the SQL.

// whiteSpace is every character Go's strings.TrimSpace removes (Unicode White_Space),
// e.g. the non-breaking spaces that spreadsheets leave around values.
const whiteSpace = " \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// msgSQL is a reason of the catalogue as a SQL value: the struct {code, params} the
// quarantine stores, params being SQL expressions (text).
func msgSQL(code tekst.Code, params ...string) string {
	list := "[]::varchar[]"
	if len(params) > 0 {
		list = "[" + strings.Join(params, ", ") + "]::varchar[]"
	}
	return fmt.Sprintf("{'code': %s, 'params': %s}", sqlString(string(code)), list)
}

// inList is a membership test of x in a closed list of strings. list_contains stays a
// vectorised function; a long IN list can become a join per projection.
func inList(x string, vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = sqlString(v)
	}
	return fmt.Sprintf("list_contains([%s], %s)", strings.Join(q, ", "), x)
}

// colSQL holds the SQL expressions for one column. They are evaluated in layers, so
// every value is trimmed once and parsed once: `t` names the trimmed text (null when
// empty) and `p` the parsed candidate of the previous layer.
type colSQL struct {
	parsed string // over t: the parsed candidate, null when it does not parse
	value  string // over t and p: the typed value, null when it breaks a rule
	reason string // over t and p: null when fine, else a reason a person can act on (msgSQL)
	bad    string // over t: the offending text, or null (always null for a BSN)
}

// trimSQL trims Unicode white space from x and turns an empty result into null. Only
// values that start or end with white space — few — pay for the character-set trim.
func trimSQL(x string) string {
	return fmt.Sprintf(`nullif(case when regexp_matches(%[1]s, '^[\s\p{Zs}\x{85}\x{2028}\x{2029}]|[\s\p{Zs}\x{85}\x{2028}\x{2029}]$')
		then trim(%[1]s, %[2]s) else %[1]s end, '')`, x, sqlString(whiteSpace))
}

// columnSQL builds the expressions for column c over the trimmed text t and the parsed
// candidate p; region supplies gemeente codes and names.
func columnSQL(c column, t, p string, region Region) colSQL {
	name := c.name
	col := sqlString(name)
	empty := "null"
	switch {
	case c.required && c.kind == kBSN:
		empty = msgSQL(tekst.BSNLeeg)
	case c.required:
		empty = msgSQL(tekst.VerplichtLeeg, col)
	}
	// unparsed is the reason for text that did not parse.
	unparsed := func(reason string) string {
		return fmt.Sprintf("case when %s is null then %s when %s is null then %s end", t, empty, p, reason)
	}
	switch c.kind {
	case kText:
		// An id is free text: one that holds a possible BSN is refused, so that no BSN
		// becomes a key in the warehouse. The quarantine shows it masked.
		return colSQL{
			parsed: fmt.Sprintf("case when not %s then %s end", warehouse.HasBSNSQL(t), t),
			value:  p,
			reason: unparsed(msgSQL(tekst.MogelijkBSN, col)),
			bad:    t,
		}
	case kBRIN:
		// Two digits and two letters or digits (00AA, 30RM), normalised to upper case:
		// four characters cannot carry a BSN, which free text could.
		return colSQL{
			// A glob without '*' is a cheap, linear match (cheaper than a regular expression).
			parsed: fmt.Sprintf("case when upper(%[1]s) glob '[0-9][0-9][A-Z0-9][A-Z0-9]' then upper(%[1]s) end", t),
			value:  p,
			reason: unparsed(msgSQL(tekst.BRINOngeldig, col, t)),
			bad:    t,
		}
	case kBSN:
		// p is the number: the digits are taken apart arithmetically, which is far
		// cheaper than substrings over millions of rows.
		var terms []string
		for i := 1; i <= 9; i++ {
			w := 10 - i
			if i == 9 {
				w = -1
			}
			terms = append(terms, fmt.Sprintf("%d * (%s // %d %% 10)", w, p, pow10(9-i)))
		}
		eleven := fmt.Sprintf("((%s) %% 11 = 0 and %s <> 0)", strings.Join(terms, " + "), p)
		return colSQL{
			parsed: fmt.Sprintf("case when regexp_full_match(%[1]s, '[0-9]{8,9}') then %[1]s::bigint end", t),
			// The number itself, for this load only: the loader pseudonymises each
			// distinct BSN once (pseudonymSQL) before anything is written.
			value: fmt.Sprintf("case when %s then %s end", eleven, p),
			reason: fmt.Sprintf(`case when %s is null then %s
				when %s is null then %s
				when not %s then %s end`, t, empty, p, msgSQL(tekst.BSNLengte), eleven, msgSQL(tekst.BSNElfproef)),
			bad: "null",
		}
	case kDate:
		// One strptime over the accepted formats; a year of fewer than four digits
		// ("01-10-18") parses as year 18 and is refused as not a date below.
		parsed := fmt.Sprintf("try_strptime(%s, ['%%d-%%m-%%Y', '%%d/%%m/%%Y', '%%Y-%%m-%%d'])::date", t)
		inRange := fmt.Sprintf("(%s between date '1900-01-01' and date '2099-12-31')", p)
		return colSQL{
			parsed: parsed,
			value:  fmt.Sprintf("case when %s then %s end", inRange, p),
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s is null or year(%[3]s) < 1000 then %[4]s
				when not %[5]s then %[6]s end`, t, empty, p, msgSQL(tekst.DatumOngeldig, col, t), inRange, msgSQL(tekst.DatumBuitenBereik, col, t)),
			bad: t,
		}
	case kCode:
		v := fmt.Sprintf("case when %s then %s end", inList(p, c.codes), p)
		if c.fallback != "" {
			v = fmt.Sprintf("case when %s is null then %s else %s end", t, sqlString(c.fallback), v)
		}
		return colSQL{
			// Codes as listed skip the normalisation.
			parsed: fmt.Sprintf(`case when %s then %s else regexp_replace(upper(%s), '[\s-]+', '_', 'g') end`, inList(t, c.codes), t, t),
			value:  v,
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when not %[3]s then %[4]s end`,
				t, empty, inList(p, c.codes), msgSQL(tekst.CodeOnbekend, col, t, sqlString(strings.Join(c.codes, ", ")))),
			bad: t,
		}
	case kArtikel:
		return colSQL{
			parsed: fmt.Sprintf(`regexp_replace(upper(%s), '(ARTIKEL|ART|SUB|ONDER|[^0-9A-Z])', '', 'g')`, t),
			value:  fmt.Sprintf("case when %s then %s end", inList(p, c.codes), p),
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when not %[3]s then %[4]s end`,
				t, empty, inList(p, c.codes), msgSQL(tekst.ArtikelOnbekend, col, t)),
			bad: t,
		}
	case kGemeente:
		var codes []string
		byName := []string{"case lower(" + t + ")"}
		for _, g := range region.Gemeenten {
			codes = append(codes, g.Code)
			byName = append(byName, fmt.Sprintf("when %s then %s", sqlString(strings.ToLower(g.Naam)), sqlString(g.Code)))
		}
		byName = append(byName, "end")
		isCode := fmt.Sprintf("regexp_full_match(upper(%s), '(GM)?[0-9]{1,4}')", t)
		cbs := fmt.Sprintf("'GM' || lpad(regexp_extract(%s, '[0-9]+'), 4, '0')", t)
		code := fmt.Sprintf("case when %s then %s else %s end", isCode, cbs, strings.Join(byName, " "))
		return colSQL{
			// Codes written as listed (GM0392) skip the normalisation.
			parsed: fmt.Sprintf("case when %s then %s when %s then %s end", inList(t, codes), t, inList(code, codes), code),
			value:  p,
			// A CBS code of a gemeente outside the region, or a name the region file does not know.
			reason: unparsed(fmt.Sprintf("case when %s then %s else %s end", isCode,
				msgSQL(tekst.NietInRegio, col, t, cbs), msgSQL(tekst.GemeenteOnbekend, col, t))),
			bad: t,
		}
	case kDecimal:
		n := fmt.Sprintf("replace(%s, ',', '.')", t)
		return colSQL{
			parsed: fmt.Sprintf("case when regexp_full_match(%[1]s, '[0-9]{1,7}(\\.[0-9]{1,10})?') then round(%[1]s::decimal(18, 10), 2)::decimal(10, 2) end", n),
			value:  bounded(c, p),
			reason: tooLarge(c, t, p, unparsed(msgSQL(tekst.GetalOngeldig, col, t))),
			bad:    t,
		}
	case kCount:
		return colSQL{
			parsed: fmt.Sprintf(`case
				when regexp_full_match(%[1]s, '[0-9]{1,3}(\.[0-9]{3})+') then try_cast(replace(%[1]s, '.', '') as bigint)
				when regexp_full_match(%[1]s, '[0-9]+') then try_cast(%[1]s as bigint) end`, t),
			value:  bounded(c, p),
			reason: tooLarge(c, t, p, unparsed(msgSQL(tekst.GeheelGetalOngeldig, col, t))),
			bad:    t,
		}
	case kJN:
		return colSQL{
			parsed: fmt.Sprintf("case when upper(%[1]s) in ('J', 'JA') then true when upper(%[1]s) in ('N', 'NEE') then false end", t),
			value:  p,
			reason: unparsed(msgSQL(tekst.JNOngeldig, col, t)),
			bad:    t,
		}
	case kSchooljaar:
		re := `'^([0-9]{4})\s*[-/]\s*([0-9]{2}|[0-9]{4})$'`
		first := fmt.Sprintf("try_cast(regexp_extract(%s, %s, 1) as integer)", t, re)
		second := fmt.Sprintf("regexp_extract(%s, %s, 2)", t, re)
		ok := fmt.Sprintf(`(%[1]s is not null and (
			(length(%[2]s) = 4 and %[2]s::integer = %[1]s + 1) or
			(length(%[2]s) = 2 and %[2]s::integer = (%[1]s + 1) %% 100)))`, first, second)
		return colSQL{
			parsed: fmt.Sprintf("case when %s then %s || '-' || (%s + 1) end", ok, first, first),
			value:  p,
			reason: unparsed(msgSQL(tekst.SchooljaarOngeldig, col, t)),
			bad:    t,
		}
	}
	panic(fmt.Sprintf("etl: column %s has no kind", c.name))
}

// bounded is the value of number column c over its parsed candidate p: null from c.below.
func bounded(c column, p string) string {
	if c.below == 0 {
		return p
	}
	return fmt.Sprintf("case when %s < %d then %s end", p, c.below, p)
}

// tooLarge adds to reason, the reason of number column c, the one for a value of c.below
// or more.
func tooLarge(c column, t, p, reason string) string {
	if c.below == 0 {
		return reason
	}
	return fmt.Sprintf("coalesce(%s, case when %s >= %d then %s end)",
		reason, p, c.below, msgSQL(tekst.GetalTeGroot, sqlString(c.name), t, sqlString(fmt.Sprint(c.below))))
}

// pseudonymSQL is the keyed pseudonym of the BSN number in column col: HMAC-SHA-256 as
// sha256(opad || sha256(ipad || bsn)), vectorised in DuckDB. $1 and $2 are the inner and
// outer padded keys, bound as parameters: the key never enters SQL text or a table.
func pseudonymSQL(col string) string {
	return fmt.Sprintf("sha256($2 || unhex(sha256($1 || lpad(%s::varchar, 9, '0')::blob)))", col)
}

// crossRule is a rule over more than one column; the reason is attached to `column`.
type crossRule struct {
	column string
	reason string // SQL expression over typed values (v_<col>), null when fine (msgSQL)
}

// crossRules are the rules of a feed that look at two columns together.
func crossRules(f feed) []crossRule {
	before := func(end, start string) crossRule {
		return crossRule{end, fmt.Sprintf(`case when v_%s < v_%s then %s end`, end, start,
			msgSQL(tekst.DatumVoor, sqlString(end), fmt.Sprintf("strftime(v_%s, '%%d-%%m-%%Y')", end),
				sqlString(start), fmt.Sprintf("strftime(v_%s, '%%d-%%m-%%Y')", start)))}
	}
	switch f.name {
	case "maatregelen":
		return []crossRule{{"afdoening", `case when v_maatregel = 'HALT' and v_afdoening <> 'LEERSTRAF'
			then ` + msgSQL(tekst.HALTAfdoening, "'afdoening'", "v_afdoening") + ` end`}}
	case "vrijstellingen":
		return []crossRule{before("einddatum", "ingangsdatum")}
	case "thuiszitters":
		return []crossRule{before("einddatum", "startdatum")}
	case "rmc_trajecten":
		return []crossRule{
			before("einddatum", "startdatum"),
			{"resultaat", `case when v_einddatum is not null and v_resultaat is null and b_resultaat is null
				then ` + msgSQL(tekst.ResultaatVerplicht, "'resultaat'", "'einddatum'") + ` end`},
		}
	}
	return nil
}

// derived adjusts typed values after validation: the contract says a HALT referral is
// always a LEERSTRAF, so a HALT delivered without afdoening is stored as one.
func derived(f feed, col string) string {
	if f.name == "maatregelen" && col == "afdoening" {
		return "case when v_maatregel = 'HALT' and v_afdoening is null then 'LEERSTRAF' else v_afdoening end"
	}
	return "v_" + col
}

// typedColumn is the column of the temp table `typed` that carries c: its fact column,
// except the BSN, which is carried as a number until it is pseudonymised.
func typedColumn(c column) string {
	if c.kind == kBSN {
		return "_bsn"
	}
	return factColumn(c)
}

// typedSQL builds `create temp table typed as …` over the source relation `source`, whose
// columns are the feed's canonical names (raw text, absent optional columns as null) and
// `_line`. The result has _line, one column per feed column (typedColumn), _ok, and
// _problems: null for a good row, else the list of (column_name, value, reason) of every
// rule it breaks. One list column instead of a reason and a value per column keeps the
// temp table small: most rows have no problem at all.
//
// trim says whether values may start or end with white space: when the loader has seen
// that no value of the file does (csvLayout.EdgeSpace), the trim is skipped, which saves
// a regular expression per value.
func typedSQL(f feed, source string, present map[string]bool, region Region, trim bool) string {
	var raw, trimmed, parsed, checked, judged, final, oks, problems []string
	cross := map[string][]string{}
	for _, cr := range crossRules(f) {
		cross[cr.column] = append(cross[cr.column], cr.reason)
	}
	for _, c := range f.cols {
		r := "null::varchar"
		if present[c.name] {
			r = ident(c.name)
		}
		raw = append(raw, fmt.Sprintf("%s as r_%s", r, c.name))
		t := fmt.Sprintf("nullif(r_%s, '')", c.name)
		if trim {
			t = trimSQL("r_" + c.name)
		}
		trimmed = append(trimmed, fmt.Sprintf("%s as t_%s", t, c.name))
		s := columnSQL(c, "t_"+c.name, "p_"+c.name, region)
		parsed = append(parsed, "t_"+c.name, fmt.Sprintf("%s as p_%s", s.parsed, c.name))
		checked = append(checked,
			fmt.Sprintf("%s as v_%s", s.value, c.name),
			fmt.Sprintf("%s as e_%s", s.reason, c.name),
			fmt.Sprintf("(%s)::varchar as b_%s", s.bad, c.name))
		reason := "e_" + c.name
		if extra := cross[c.name]; len(extra) > 0 {
			reason = fmt.Sprintf("coalesce(e_%s, %s)", c.name, strings.Join(extra, ", "))
		}
		judged = append(judged, "v_"+c.name, "b_"+c.name, fmt.Sprintf("%s as reason_%s", reason, c.name))
		final = append(final, fmt.Sprintf("%s as %s", derived(f, c.name), ident(typedColumn(c))))
		oks = append(oks, fmt.Sprintf("reason_%s is null", c.name))
		problems = append(problems, fmt.Sprintf("{'column_name': %s, 'value': b_%s, 'reason': reason_%s}",
			sqlString(c.name), c.name, c.name))
	}
	return fmt.Sprintf(`create or replace temp table typed as
with source as (
    select _line, %s
    from %s
),
trimmed as (
    select _line, %s
    from source
),
parsed as (
    select _line, %s
    from trimmed
),
checked as (
    select _line, %s
    from parsed
),
judged as (
    select _line, %s,
        %s as _ok
    from checked
)
select _line, %s, _ok,
    case when not _ok then list_filter([%s], p -> p.reason is not null) end as _problems
from judged`,
		strings.Join(raw, ", "), source,
		strings.Join(trimmed, ",\n        "),
		strings.Join(parsed, ",\n        "),
		strings.Join(checked, ",\n        "),
		strings.Join(judged, ", "),
		strings.Join(oks, " and "),
		strings.Join(final, ", "),
		strings.Join(problems, ",\n        "))
}
