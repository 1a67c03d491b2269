package etl

import (
	"fmt"
	"strings"
)

// The validation runs in DuckDB: one pass over the source computes, for every column, its
// typed value and — when the value breaks a rule — a reason (err_<col>) and the offending
// text (bad_<col>, never for a BSN). Go only writes the SQL.

// whiteSpace is every character Go's strings.TrimSpace removes (Unicode White_Space),
// e.g. the non-breaking spaces that spreadsheets leave around values.
const whiteSpace = " \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sqlList is a SQL list of string literals: ('A', 'B').
func sqlList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = sqlString(v)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// colSQL holds the SQL expressions for one column over the raw text `raw`.
type colSQL struct {
	value  string // typed value
	reason string // null when fine, else a reason a person can act on
	bad    string // the offending text, or null
}

// columnSQL builds the expressions for column c. raw is the column's raw text expression;
// region supplies gemeente codes and names.
func columnSQL(c column, raw string, region Region) colSQL {
	name := c.name
	t := fmt.Sprintf("nullif(trim(%s, %s), '')", raw, sqlString(whiteSpace)) // trimmed text, null when empty
	empty := "null"
	if c.required {
		empty = sqlString(name + " is empty")
	}
	switch c.kind {
	case kText:
		return colSQL{value: t, reason: fmt.Sprintf("case when %s is null then %s end", t, empty)}
	case kBSN:
		n := fmt.Sprintf("lpad(%s, 9, '0')", t)
		digits := fmt.Sprintf("regexp_full_match(%s, '[0-9]{8,9}')", t)
		var terms []string
		for i := 1; i <= 9; i++ {
			w := 10 - i
			if i == 9 {
				w = -1
			}
			terms = append(terms, fmt.Sprintf("%d * (ascii(%s[%d]) - 48)", w, n, i))
		}
		eleven := fmt.Sprintf("((%s) %% 11 = 0 and %s <> '000000000')", strings.Join(terms, " + "), n)
		return colSQL{
			// $1 and $2 are the HMAC inner and outer pads: the key never enters SQL text.
			value: fmt.Sprintf("case when %s and %s then sha256($2 || unhex(sha256($1 || %s::blob))) end", digits, eleven, n),
			reason: fmt.Sprintf(`case when %s is null then 'bsn is empty'
				when not %s then 'bsn must have 8 or 9 digits'
				when not %s then 'bsn fails the eleven test' end`, t, digits, eleven),
			bad: "null",
		}
	case kDate:
		v := fmt.Sprintf(`case
			when regexp_full_match(%[1]s, '[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}') then try_strptime(%[1]s, '%%d-%%m-%%Y')
			when regexp_full_match(%[1]s, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}') then try_strptime(%[1]s, '%%d/%%m/%%Y')
			when regexp_full_match(%[1]s, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}') then try_strptime(%[1]s, '%%Y-%%m-%%d')
			end::date`, t)
		inRange := fmt.Sprintf("(%s between date '1900-01-01' and date '2099-12-31')", v)
		return colSQL{
			value: fmt.Sprintf("case when %s then %s end", inRange, v),
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s is null then format('%[4]s ''{}'' is not a date; use dd-mm-jjjj, dd/mm/jjjj or jjjj-mm-dd', %[1]s)
				when not %[5]s then format('%[4]s ''{}'' is outside 1900-2099', %[1]s) end`, t, empty, v, name, inRange),
			bad: t,
		}
	case kCode:
		n := fmt.Sprintf(`regexp_replace(upper(%s), '[\s-]+', '_', 'g')`, t)
		v := fmt.Sprintf("case when %s in %s then %s end", n, sqlList(c.codes), n)
		if c.fallback != "" {
			v = fmt.Sprintf("case when %s is null then %s else %s end", t, sqlString(c.fallback), v)
		}
		return colSQL{
			value: v,
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s not in %[4]s then format('%[5]s ''{}'' is not one of %[6]s', %[1]s) end`,
				t, empty, n, sqlList(c.codes), name, strings.Join(c.codes, ", ")),
			bad: t,
		}
	case kArtikel:
		n := fmt.Sprintf(`regexp_replace(upper(%s), '(ARTIKEL|ART|SUB|ONDER|[^0-9A-Z])', '', 'g')`, t)
		return colSQL{
			value: fmt.Sprintf("case when %s in %s then %s end", n, sqlList(c.codes), n),
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s not in %[4]s then format('artikel ''{}'' is not one of 3a, 3b, 5a, 5b, 5c, 11f, 11g, 15 (also written as ''5 sub a'' or ''art. 5a'')', %[1]s) end`,
				t, empty, n, sqlList(c.codes)),
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
		code := fmt.Sprintf(`case when regexp_full_match(upper(%[1]s), '(GM)?[0-9]{1,4}')
			then 'GM' || lpad(regexp_extract(%[1]s, '[0-9]+'), 4, '0') else %[2]s end`, t, strings.Join(byName, " "))
		v := fmt.Sprintf("case when %s in %s then %s end", code, sqlList(codes), code)
		return colSQL{
			value: v,
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s is null then format('gemeente ''{}'' is not a municipality of the region; use a CBS code (GM0392, 0392) or a name from the region file', %[1]s) end`,
				t, empty, v),
			bad: t,
		}
	case kDecimal:
		n := fmt.Sprintf("replace(%s, ',', '.')", t)
		v := fmt.Sprintf("case when regexp_full_match(%[1]s, '[0-9]{1,7}(\\.[0-9]{1,10})?') then round(%[1]s::decimal(18, 10), 2)::decimal(10, 2) end", n)
		return colSQL{
			value: v,
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s is null then format('%[4]s ''{}'' is not a number (like 12,5 or 12.5, no thousands separators)', %[1]s) end`,
				t, empty, v, name),
			bad: t,
		}
	case kCount:
		v := fmt.Sprintf(`case
			when regexp_full_match(%[1]s, '[0-9]{1,3}(\.[0-9]{3})+') then try_cast(replace(%[1]s, '.', '') as bigint)
			when regexp_full_match(%[1]s, '[0-9]+') then try_cast(%[1]s as bigint) end`, t)
		return colSQL{
			value: v,
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s is null then format('%[4]s ''{}'' is not a whole number (1234 or 1.234)', %[1]s) end`,
				t, empty, v, name),
			bad: t,
		}
	case kJN:
		n := "upper(" + t + ")"
		v := fmt.Sprintf("case when %[1]s in ('J', 'JA') then true when %[1]s in ('N', 'NEE') then false end", n)
		return colSQL{
			value: v,
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s is null then format('%[4]s ''{}'' is not J or N', %[1]s) end`, t, empty, v, name),
			bad: t,
		}
	case kSchooljaar:
		re := `'^([0-9]{4})\s*[-/]\s*([0-9]{2}|[0-9]{4})$'`
		first := fmt.Sprintf("try_cast(regexp_extract(%s, %s, 1) as integer)", t, re)
		second := fmt.Sprintf("regexp_extract(%s, %s, 2)", t, re)
		ok := fmt.Sprintf(`(%[1]s is not null and (
			(length(%[2]s) = 4 and %[2]s::integer = %[1]s + 1) or
			(length(%[2]s) = 2 and %[2]s::integer = (%[1]s + 1) %% 100)))`, first, second)
		v := fmt.Sprintf("case when %s then %s || '-' || (%s + 1) end", ok, first, first)
		return colSQL{
			value: v,
			reason: fmt.Sprintf(`case when %[1]s is null then %[2]s
				when %[3]s is null then format('schooljaar ''{}'' is not a school year like 2017-2018', %[1]s) end`, t, empty, v),
			bad: t,
		}
	}
	panic(fmt.Sprintf("etl: column %s has no kind", c.name))
}

// crossRule is a rule over more than one column; the reason is attached to `column`.
type crossRule struct {
	column string
	reason string // SQL expression over typed values (v_<col>), null when fine
}

// crossRules are the rules of a feed that look at two columns together.
func crossRules(f feed) []crossRule {
	before := func(end, start string) crossRule {
		return crossRule{end, fmt.Sprintf(`case when v_%[1]s < v_%[2]s
			then format('%[1]s {} is before %[2]s {}', strftime(v_%[1]s, '%%d-%%m-%%Y'), strftime(v_%[2]s, '%%d-%%m-%%Y')) end`, end, start)}
	}
	switch f.name {
	case "maatregelen":
		return []crossRule{{"afdoening", `case when v_maatregel = 'HALT' and v_afdoening <> 'LEERSTRAF'
			then format('afdoening ''{}'' is not possible for HALT: a HALT referral is always a LEERSTRAF', v_afdoening) end`}}
	case "vrijstellingen":
		return []crossRule{before("einddatum", "ingangsdatum")}
	case "thuiszitters":
		return []crossRule{before("einddatum", "startdatum")}
	case "rmc_trajecten":
		return []crossRule{
			before("einddatum", "startdatum"),
			{"resultaat", `case when v_einddatum is not null and v_resultaat is null and r_resultaat is null
				then 'resultaat is required when einddatum is set' end`},
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

// typedSQL builds `create temp table typed as …` over the source relation `source`, whose
// columns are the feed's canonical names (raw text, absent optional columns as null) and
// `_line`. The result has _line, one column per feed column under its fact name, the
// reasons err_<col>, the offending values bad_<col>, and _ok.
func typedSQL(f feed, source string, present map[string]bool, region Region) string {
	var raw, parsed, final, errs, oks []string
	for _, c := range f.cols {
		r := "null::varchar"
		if present[c.name] {
			r = ident(c.name)
		}
		raw = append(raw, fmt.Sprintf("%s as r_%s", r, c.name))
	}
	for _, c := range f.cols {
		s := columnSQL(c, "r_"+c.name, region)
		parsed = append(parsed,
			fmt.Sprintf("%s as v_%s", s.value, c.name),
			fmt.Sprintf("%s as e_%s", s.reason, c.name),
			fmt.Sprintf("r_%s", c.name))
		if s.bad == "" {
			s.bad = "null"
		}
		parsed = append(parsed, fmt.Sprintf("%s as b_%s", s.bad, c.name))
	}
	cross := map[string][]string{}
	for _, cr := range crossRules(f) {
		cross[cr.column] = append(cross[cr.column], cr.reason)
	}
	for _, c := range f.cols {
		reason := "e_" + c.name
		if extra := cross[c.name]; len(extra) > 0 {
			reason = fmt.Sprintf("coalesce(e_%s, %s)", c.name, strings.Join(extra, ", "))
		}
		final = append(final, fmt.Sprintf("%s as %s", derived(f, c.name), ident(factColumn(c))))
		errs = append(errs, fmt.Sprintf("%s as err_%s", reason, c.name),
			fmt.Sprintf("case when %s is not null then b_%s end as bad_%s", reason, c.name, c.name))
		oks = append(oks, reason+" is null")
	}
	return fmt.Sprintf(`create or replace temp table typed as
with source as (
    select _line, %s
    from %s
),
parsed as (
    select _line, %s
    from source
)
select _line, %s,
    %s,
    %s as _ok
from parsed`,
		strings.Join(raw, ", "), source,
		strings.Join(parsed, ",\n        "),
		strings.Join(final, ", "),
		strings.Join(errs, ",\n    "),
		strings.Join(oks, " and "))
}
