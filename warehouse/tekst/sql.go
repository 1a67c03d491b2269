package tekst

import (
	"fmt"
	"strings"
)

// SQL is the catalogue for people who read the warehouse with SQL: the view mart.reden
// (every code with its kind, title and templates) and the macro
// mart.reden_tekst(code, params), which writes a stored reason in Dutch as Message.NL
// does (a test holds the two together). The warehouse creates both whenever it is
// opened, from this catalogue, so SQL and Go never disagree on a text. Stored
// parameters are BSN-masked when they are stored; the macro does not mask again.
func SQL() string {
	var b strings.Builder
	b.WriteString("create schema if not exists mart;\n\n")
	b.WriteString("-- The message catalogue (warehouse/tekst): every reason code with its Dutch and English template.\n")
	b.WriteString("create or replace view mart.reden as\nselect code, soort, titel, sjabloon_nl, sjabloon_en\nfrom (values\n")
	for i, e := range entries {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "    (%s, %s, %s, %s, %s)", quote(string(e.Code)), quote(string(e.Kind)), quote(e.Titel), quote(e.NL), quote(e.EN))
	}
	b.WriteString("\n) as t(code, soort, titel, sjabloon_nl, sjabloon_en);\n\n")
	b.WriteString("-- A stored reason (reason_code, reason_params) in Dutch; an unknown code as the code and its parameters.\n")
	b.WriteString("create or replace macro mart.reden_tekst(code, p) as case code\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "    when %s then %s\n", quote(string(e.Code)), partsSQL(compiled[e.Code][dutch]))
	}
	b.WriteString("    else code || case when len(p) > 0 then ': ' || array_to_string(p, '; ') else '' end\nend;\n")
	return b.String()
}

// partsSQL is a template as a SQL expression over the parameter list p.
func partsSQL(parts []part) string {
	if len(parts) == 0 {
		return "''"
	}
	var out []string
	for _, p := range parts {
		v := fmt.Sprintf("coalesce(p[%d], '')", p.param)
		num := fmt.Sprintf(`case when regexp_full_match(%[1]s, '[0-9]{1,18}') then replace(format('{:,}', %[1]s::bigint), ',', '.') else %[1]s end`, v)
		pick := fmt.Sprintf("case when %s = '1' then %s else %s end", v, quote(p.one), quote(p.many))
		switch p.kind {
		case literal:
			out = append(out, quote(p.text))
		case plain:
			out = append(out, v)
		case number:
			out = append(out, "("+num+")")
		case numberWord:
			out = append(out, "("+num+")", "' '", "("+pick+")")
		case word:
			out = append(out, "("+pick+")")
		}
	}
	return strings.Join(out, " || ")
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
