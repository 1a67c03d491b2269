package pgwire

import (
	"slices"
	"strings"
)

// rewriteCatalog makes a client's statement one the sandbox can answer: the pg_catalog
// and information_schema relations it names become CTEs over the sandbox's own
// catalogue (catalog_defs.go), and PostgreSQL's functions, casts and operators that
// DuckDB lacks become equivalents. A statement that names none of them (an analyst's
// query) is returned unchanged.
func rewriteCatalog(q string, id Identity) string {
	toks := lex(q)
	if !needsRewrite(toks) {
		return q
	}
	r := &rewriter{id: id, used: map[string]bool{}}
	toks = r.names(toks)
	toks = r.functions(toks)
	toks = r.casts(toks)
	toks = r.operators(toks)
	toks = r.anyOfList(toks)
	return r.withCTEs(toks)
}

// needsRewrite reports a statement that names a catalogue relation, or a function or
// cast of PostgreSQL's that DuckDB answers differently or not at all.
func needsRewrite(toks []token) bool {
	for i, t := range toks {
		w := t.lower()
		switch {
		case w == "":
			if t.kind == tokOther && t.text == "::" {
				if n := nextSig(toks, i); n >= 0 && pgOnlyTypes[toks[n].name()] {
					return true
				}
			}
		case strings.HasPrefix(w, "pg_"), w == "information_schema", w == "operator", w == "collate",
			functionRewrites[w] != nil, bareWords[w]:
			return true
		}
	}
	return false
}

type rewriter struct {
	id   Identity
	used map[string]bool // catalogue relations the statement uses
}

// nextSig is the index of the next significant token after i, -1 at the end.
func nextSig(toks []token, i int) int {
	for j := i + 1; j < len(toks); j++ {
		if toks[j].kind != tokSpace && toks[j].kind != tokComment {
			return j
		}
	}
	return -1
}

// prevSig is the index of the significant token before i, -1 at the start.
func prevSig(toks []token, i int) int {
	for j := i - 1; j >= 0; j-- {
		if toks[j].kind != tokSpace && toks[j].kind != tokComment {
			return j
		}
	}
	return -1
}

// cteName is the CTE a catalogue relation becomes: a name no analyst view has.
func cteName(rel string) string {
	return "pgw_" + strings.ReplaceAll(rel, "information_schema.", "is_")
}

// names replaces pg_catalog.x, information_schema.x and a bare pg_x by their CTEs and
// drops the pg_catalog. before a function or type.
func (r *rewriter) names(toks []token) []token {
	var out []token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		schema := t.name()
		if (schema == "pg_catalog" || schema == "information_schema") && t.kind != tokString {
			dot := nextSig(toks, i)
			if dot > 0 && toks[dot].text == "." {
				if n := nextSig(toks, dot); n > 0 && (toks[n].kind == tokWord || toks[n].kind == tokIdent) {
					name := toks[n].name()
					rel := name
					if schema == "information_schema" {
						rel = schema + "." + name
					}
					follow := nextSig(toks, n)
					isCall := follow > 0 && toks[follow].text == "("
					switch {
					case !isCall && catalogRelations[rel].def != nil:
						r.used[rel] = true
						out = append(out, token{kind: tokWord, text: cteName(rel) + aliasFor(toks, i, n, name)})
						i = n
						continue
					case schema == "pg_catalog":
						// A function, type or operator of pg_catalog: DuckDB's own, or rewritten below.
						i = dot
						continue
					}
				}
			}
		}
		if t.kind == tokWord && catalogRelations[t.lower()].def != nil && strings.HasPrefix(t.lower(), "pg_") {
			p, n := prevSig(toks, i), nextSig(toks, i)
			if (p < 0 || toks[p].text != ".") && (n < 0 || toks[n].text != "(" && toks[n].text != ".") {
				r.used[t.lower()] = true
				out = append(out, token{kind: tokWord, text: cteName(t.lower()) + aliasFor(toks, i, i, t.lower())})
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// aliasFor keeps a relation's own name for the columns that name it (pg_type.oid) when
// the statement gives it no alias: " as name", or "". The name is toks[start:end+1].
func aliasFor(toks []token, start, end int, name string) string {
	n := nextSig(toks, end)
	if n > 0 && (toks[n].lower() == "as" || toks[n].kind == tokIdent || toks[n].kind == tokWord && !sqlKeywords[toks[n].lower()]) {
		return ""
	}
	if p := prevSig(toks, start); p >= 0 && toks[p].lower() != "from" && toks[p].lower() != "join" && toks[p].text != "," {
		return "" // not a FROM item (e.g. a name in a string of its own)
	}
	return " as " + name
}

// pgOnlyTypes are PostgreSQL types DuckDB does not know, as casts name them.
var pgOnlyTypes = map[string]bool{"regclass": true, "regtype": true, "regproc": true, "regprocedure": true,
	"regnamespace": true, "regrole": true, "regoper": true, "oid": true, "name": true, "char": true, "xid": true,
	"int2vector": true, "oidvector": true, "text[]": true, "regconfig": true, "tid": true, "cid": true, "aclitem": true}

// casts rewrites casts to PostgreSQL's own types: 'name'::regclass looks the name up,
// a reg* cast of a number stays the number, name and "char" are text.
func (r *rewriter) casts(toks []token) []token {
	for i := 0; i < len(toks); i++ {
		if toks[i].text != "::" {
			continue
		}
		n := nextSig(toks, i)
		if n < 0 {
			continue
		}
		typ := toks[n].name()
		if !pgOnlyTypes[typ] {
			continue
		}
		p := prevSig(toks, i)
		switch typ {
		case "regclass", "regtype", "regproc", "regprocedure", "regnamespace":
			if p >= 0 && toks[p].kind == tokString {
				name := strings.ReplaceAll(toks[p].text[1:len(toks[p].text)-1], "''", "'")
				if k := strings.LastIndex(name, "."); k >= 0 {
					name = name[k+1:]
				}
				name = strings.Trim(name, `"`)
				rel, col := "pg_class", "relname"
				switch typ {
				case "regtype":
					rel, col = "pg_type", "typname"
					name = pgTypeAlias(name)
				case "regproc", "regprocedure":
					// pg_type's typinput and friends hold the function's name here.
					toks[p].text = quoteLiteral(name)
					toks[i].text, toks[n].text = "", ""
					continue
				case "regnamespace":
					rel, col = "pg_namespace", "nspname"
				}
				r.used[rel] = true
				toks[p].text = "(select oid from " + cteName(rel) + " where " + col + " = " + quoteLiteral(name) + ")"
				toks[i].text, toks[n].text = "", ""
				continue
			}
			toks[i].text, toks[n].text = "::", "bigint"
		case "oid", "xid", "regrole", "regoper", "tid", "cid":
			toks[i].text, toks[n].text = "::", "bigint"
		default: // name, "char", vectors, text[]: text
			toks[i].text, toks[n].text = "::", "varchar"
		}
	}
	return toks
}

// pgTypeAlias is pg_type's name of a type as SQL spells it.
func pgTypeAlias(name string) string {
	switch strings.ToLower(name) {
	case "integer", "int":
		return "int4"
	case "bigint":
		return "int8"
	case "smallint":
		return "int2"
	case "boolean":
		return "bool"
	case "real":
		return "float4"
	case "double precision":
		return "float8"
	}
	return strings.ToLower(name)
}

// operators rewrites OPERATOR(~) (pg_catalog. already gone) to the bare operator and
// drops COLLATE "default"/default/"C"; DuckDB's ~ is a full regular expression match,
// which is what psql's anchored patterns ask for anyway.
func (r *rewriter) operators(toks []token) []token {
	var out []token
	for i := 0; i < len(toks); i++ {
		switch toks[i].lower() {
		case "operator":
			// OPERATOR(pg_catalog.~): the operator is the last token inside.
			open := nextSig(toks, i)
			if open > 0 && toks[open].text == "(" {
				cl := open
				for cl < len(toks) && toks[cl].text != ")" {
					cl++
				}
				if op := prevSig(toks, cl); cl < len(toks) && op > open {
					out = append(out, token{kind: tokOther, text: " " + toks[op].text + " "})
					i = cl
					continue
				}
			}
		case "collate":
			if n := nextSig(toks, i); n > 0 && (toks[n].kind == tokWord || toks[n].kind == tokIdent) {
				switch toks[n].name() {
				case "default", "c", "posix", "ucs_basic":
					i = n
					continue
				}
			}
		}
		out = append(out, toks[i])
	}
	return out
}

// withCTEs puts the used catalogue relations, and those they use, before the statement
// as CTEs, merged into its own WITH when it has one.
func (r *rewriter) withCTEs(toks []token) string {
	if len(r.used) == 0 {
		return join(toks)
	}
	for changed := true; changed; {
		changed = false
		for rel := range r.used {
			for _, d := range catalogRelations[rel].deps {
				if !r.used[d] {
					r.used[d] = true
					changed = true
				}
			}
		}
	}
	rels := make([]string, 0, len(r.used))
	for rel := range r.used {
		rels = append(rels, rel)
	}
	// Dependencies first: a relation with deps after those without.
	slices.SortFunc(rels, func(a, b string) int {
		if da, db := len(catalogRelations[a].deps), len(catalogRelations[b].deps); da != db {
			return da - db
		}
		return strings.Compare(a, b)
	})
	var ctes []string
	for _, rel := range rels {
		ctes = append(ctes, cteName(rel)+" as ("+catalogRelations[rel].def(r.id)+")")
	}
	defs := strings.Join(ctes, ",\n")
	first := -1
	for i, t := range toks {
		if t.kind != tokSpace && t.kind != tokComment {
			first = i
			break
		}
	}
	if first >= 0 && toks[first].lower() == "with" {
		n := nextSig(toks, first)
		head := join(toks[:first+1])
		if n > 0 && toks[n].lower() == "recursive" {
			return head + " recursive " + defs + ",\n" + join(toks[n+1:])
		}
		return head + " " + defs + ",\n" + join(toks[first+1:])
	}
	return "with " + defs + "\n" + join(toks)
}

// anyOfList rewrites x = ANY (list) (not a subquery) to list_contains(list, x): DuckDB
// cannot unnest a list of an outer query's row. x is a name (a.b), a literal or a
// parameter.
func (r *rewriter) anyOfList(toks []token) []token {
	for i := 0; i < len(toks); i++ {
		if w := toks[i].lower(); w != "any" && w != "some" {
			continue
		}
		open := nextSig(toks, i)
		eq := prevSig(toks, i)
		if open < 0 || toks[open].text != "(" || eq < 0 || toks[eq].text != "=" {
			continue
		}
		if first := nextSig(toks, open); first < 0 || toks[first].lower() == "select" || toks[first].lower() == "with" {
			continue
		}
		end, args := callArgs(toks, open)
		if end < 0 || len(args) != 1 {
			continue
		}
		// The left operand: a literal, or a name with its qualifiers.
		start := prevSig(toks, eq)
		if start < 0 {
			continue
		}
		switch toks[start].kind {
		case tokString, tokNumber, tokParam:
		case tokWord, tokIdent:
			for {
				dot := prevSig(toks, start)
				if dot < 0 || toks[dot].text != "." {
					break
				}
				q := prevSig(toks, dot)
				if q < 0 || toks[q].kind != tokWord && toks[q].kind != tokIdent {
					break
				}
				start = q
			}
		default:
			continue
		}
		left := join(toks[start:eq])
		repl := token{kind: tokOther, text: "list_contains((" + args[0] + "), " + strings.TrimSpace(left) + ")"}
		toks = append(append(append([]token{}, toks[:start]...), repl), toks[end+1:]...)
		i = start
	}
	return toks
}
