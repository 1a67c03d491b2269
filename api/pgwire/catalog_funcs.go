package pgwire

import (
	"fmt"
	"strings"
)

// PostgreSQL functions clients call on connect and in catalogue queries that DuckDB
// lacks, or answers about itself: each becomes an expression of the same meaning here.

// fnRewrite makes the replacement of a call from its arguments' SQL.
type fnRewrite func(r *rewriter, args []string) string

func constant(sql string) fnRewrite { return func(*rewriter, []string) string { return sql } }

var functionRewrites = map[string]fnRewrite{
	"version":                         constant(quoteLiteral("PostgreSQL " + ServerVersion + " (leerplein: a read-only analyst sandbox on DuckDB)")),
	"current_database":                constant(quoteLiteral(Database)),
	"current_schema":                  constant(quoteLiteral(Schema)),
	"current_schemas":                 constant("['" + Schema + "']"),
	"pg_get_userbyid":                 constant("'leerplein'"),
	"pg_encoding_to_char":             constant("'UTF8'"),
	"pg_char_to_encoding":             constant("6"),
	"getdatabaseencoding":             constant("'UTF8'"),
	"pg_backend_pid":                  func(r *rewriter, _ []string) string { return "0" },
	"pg_is_in_recovery":               constant("false"),
	"pg_postmaster_start_time":        constant("now()"),
	"inet_server_addr":                constant("null::varchar"),
	"inet_server_port":                constant("null::integer"),
	"inet_client_addr":                constant("null::varchar"),
	"txid_current":                    constant("1::bigint"),
	"pg_current_xact_id":              constant("1::bigint"),
	"obj_description":                 constant("null::varchar"),
	"shobj_description":               constant("null::varchar"),
	"pg_get_expr":                     constant("null::varchar"),
	"pg_get_indexdef":                 constant("null::varchar"),
	"pg_get_constraintdef":            constant("null::varchar"),
	"pg_get_triggerdef":               constant("null::varchar"),
	"pg_get_ruledef":                  constant("null::varchar"),
	"pg_get_viewdef":                  constant("null::varchar"),
	"pg_get_functiondef":              constant("null::varchar"),
	"pg_get_function_arguments":       constant("''"),
	"pg_get_function_result":          constant("''"),
	"pg_get_partkeydef":               constant("null::varchar"),
	"pg_get_serial_sequence":          constant("null::varchar"),
	"pg_get_statisticsobjdef_columns": constant("null::varchar"),
	"pg_relation_size":                constant("0::bigint"),
	"pg_total_relation_size":          constant("0::bigint"),
	"pg_table_size":                   constant("0::bigint"),
	"pg_indexes_size":                 constant("0::bigint"),
	"pg_database_size":                constant("0::bigint"),
	"pg_relation_is_publishable":      constant("false"),
	"pg_table_is_visible":             constant("true"),
	"pg_type_is_visible":              constant("true"),
	"pg_function_is_visible":          constant("true"),
	"has_table_privilege":             constant("true"),
	"has_schema_privilege":            constant("true"),
	"has_database_privilege":          constant("true"),
	"has_column_privilege":            constant("true"),
	"has_any_column_privilege":        constant("true"),
	"has_function_privilege":          constant("true"),
	"has_sequence_privilege":          constant("false"),
	"pg_has_role":                     constant("true"),
	"row_security_active":             constant("false"),
	"pg_tablespace_location":          constant("''"),
	"pg_size_pretty":                  func(r *rewriter, a []string) string { return "format_bytes((" + arg(a, 0) + ")::bigint)" },
	"quote_ident":                     func(r *rewriter, a []string) string { return "(" + arg(a, 0) + ")" },
	"array_lower":                     constant("1"),
	"array_upper":                     func(r *rewriter, a []string) string { return "len(" + arg(a, 0) + ")" },
	"array_length":                    func(r *rewriter, a []string) string { return "len(" + arg(a, 0) + ")" },
	"parse_ident":                     func(r *rewriter, a []string) string { return "string_split(" + arg(a, 0) + ", '.')" },
	"set_config":                      func(r *rewriter, a []string) string { return "(" + arg(a, 1) + ")" },
	"current_setting": func(r *rewriter, a []string) string {
		name := strings.Trim(strings.TrimSpace(arg(a, 0)), "'")
		return quoteLiteral(showParams[lowerName(name)])
	},
	"format_type": func(r *rewriter, a []string) string {
		r.used["pg_type"] = true
		return "(select case typname when 'int4' then 'integer' when 'int8' then 'bigint' when 'int2' then 'smallint' " +
			"when 'float8' then 'double precision' when 'float4' then 'real' when 'bool' then 'boolean' " +
			"when 'timestamp' then 'timestamp without time zone' when 'timestamptz' then 'timestamp with time zone' " +
			"when 'varchar' then 'character varying' else typname end from pgw_pg_type where oid = (" + arg(a, 0) + "))"
	},
	"col_description": func(r *rewriter, a []string) string {
		r.used["pg_description"] = true
		return fmt.Sprintf("(select description from pgw_pg_description where objoid = (%s) and objsubid = (%s))", arg(a, 0), arg(a, 1))
	},
	"to_regclass": func(r *rewriter, a []string) string {
		r.used["pg_class"] = true
		return "(select oid from pgw_pg_class where relname = regexp_replace((" + arg(a, 0) + "), '^.*\\.', ''))"
	},
}

// bareWords are SQL's niladic functions, written without parentheses.
var bareWords = map[string]bool{"current_user": true, "session_user": true, "user": true, "current_role": true,
	"current_catalog": true, "current_schema": true}

// fromScalar are scalar functions PostgreSQL clients use as a FROM item.
var fromScalar = map[string]bool{"string_to_array": true, "current_schemas": true, "regexp_split_to_array": true, "parse_ident": true}

// sqlKeywords may follow a FROM item where an alias could.
var sqlKeywords = map[string]bool{"where": true, "join": true, "on": true, "order": true, "group": true, "limit": true,
	"union": true, "left": true, "right": true, "inner": true, "cross": true, "full": true, "natural": true,
	"having": true, "offset": true, "except": true, "intersect": true, "window": true, "using": true, "with": true,
	"lateral": true, "outer": true, "fetch": true, "qualify": true}

func arg(a []string, i int) string {
	if i < len(a) {
		return a[i]
	}
	return "null"
}

// functions rewrites the calls of functionRewrites and the bare words.
func (r *rewriter) functions(toks []token) []token {
	var out []token
	aliasAt := map[int]bool{} // FROM generate_series(…) s: s(s)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		w := t.lower()
		if aliasAt[i] {
			out = append(out, t, token{kind: tokOther, text: "(" + t.text + ")"})
			continue
		}
		p := prevSig(toks, i)
		qualified := p >= 0 && toks[p].text == "."
		n := nextSig(toks, i)
		call := n > 0 && toks[n].text == "("
		if w != "" && !qualified {
			if fromScalar[w] && call && p >= 0 && (toks[p].text == "," || toks[p].lower() == "from" || toks[p].lower() == "join") {
				// PostgreSQL: FROM string_to_array(…) s is a one-row relation whose value is s.
				if end, args := callArgs(toks, n); end > 0 {
					for k := range args {
						args[k] = join(r.functions(lex(args[k])))
					}
					call := w + "(" + strings.Join(args, ", ") + ")"
					if f := functionRewrites[w]; f != nil {
						call = f(r, args)
					}
					out = append(out, token{kind: tokOther, text: "unnest([" + call + "])"})
					if a := nextSig(toks, end); a > 0 {
						if toks[a].lower() == "as" {
							a = nextSig(toks, a)
						}
						if a > 0 && toks[a].kind == tokWord && !sqlKeywords[toks[a].lower()] {
							aliasAt[a] = true
						}
					}
					i = end
					continue
				}
			}
			if f := functionRewrites[w]; f != nil && call {
				if end, args := callArgs(toks, n); end > 0 {
					for k := range args {
						args[k] = join(r.functions(lex(args[k])))
					}
					out = append(out, token{kind: tokOther, text: "(" + f(r, args) + ")"})
					i = end
					continue
				}
			}
			if (w == "generate_series" || w == "unnest") && call {
				// PostgreSQL: FROM generate_series(…) s names the value s; DuckDB names the
				// row s. s(s) names both.
				if end, _ := callArgs(toks, n); end > 0 {
					a := nextSig(toks, end)
					if a > 0 && toks[a].lower() == "as" {
						a = nextSig(toks, a)
					}
					if a > 0 && toks[a].kind == tokWord && !sqlKeywords[toks[a].lower()] {
						if f := nextSig(toks, a); f < 0 || toks[f].text != "(" {
							aliasAt[a] = true
						}
					}
				}
			}
			if bareWords[w] && !call && (n < 0 || toks[n].text != ".") {
				v := quoteLiteral(r.id.Name)
				switch w {
				case "current_catalog":
					v = quoteLiteral(Database)
				case "current_schema":
					v = quoteLiteral(Schema)
				}
				out = append(out, token{kind: tokString, text: v})
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// callArgs reads the arguments of a call whose "(" is at open: the index of its ")"
// and each argument's SQL; -1 when it does not close.
func callArgs(toks []token, open int) (int, []string) {
	depth := 0
	var args []string
	var cur []token
	for j := open; j < len(toks); j++ {
		switch toks[j].text {
		case "(", "[":
			depth++
			if depth == 1 {
				continue
			}
		case ")", "]":
			depth--
			if depth == 0 {
				if s := strings.TrimSpace(join(cur)); s != "" || len(args) > 0 {
					args = append(args, s)
				}
				return j, args
			}
		case ",":
			if depth == 1 {
				args = append(args, strings.TrimSpace(join(cur)))
				cur = nil
				continue
			}
		}
		cur = append(cur, toks[j])
	}
	return -1, nil
}
