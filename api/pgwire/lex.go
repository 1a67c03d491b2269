package pgwire

import (
	"strings"
)

// A small SQL lexer: enough to split a simple query into statements, find a statement's
// first words, put bound parameters in place of $1, $2, … and rewrite catalog names,
// without mistaking the inside of a string, a quoted name or a comment for SQL. It
// does not parse: the sandbox's DuckDB does that, and checks what it runs.

type tokKind int

const (
	tokSpace   tokKind = iota // white space
	tokComment                // -- … or /* … */
	tokWord                   // a keyword or an unquoted name
	tokIdent                  // a "quoted name"
	tokString                 // '…', E'…' or $tag$…$tag$
	tokNumber
	tokParam // $1
	tokSemi  // ;
	tokOther // an operator or punctuation, one or more characters
)

type token struct {
	kind tokKind
	text string
}

// lower is a word in lower case, "" for other tokens.
func (t token) lower() string {
	if t.kind == tokWord {
		return strings.ToLower(t.text)
	}
	return ""
}

// name is the name a word or quoted name stands for (a quoted one as written, an
// unquoted one in lower case, as PostgreSQL folds it).
func (t token) name() string {
	switch t.kind {
	case tokWord:
		return strings.ToLower(t.text)
	case tokIdent:
		return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
	}
	return ""
}

// lex cuts query into tokens; joined, they are query again.
func lex(q string) []token {
	var out []token
	for i := 0; i < len(q); {
		start := i
		kind := tokOther
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			for i < len(q) && strings.IndexByte(" \t\n\r\f", q[i]) >= 0 {
				i++
			}
			kind = tokSpace
		case strings.HasPrefix(q[i:], "--"):
			if k := strings.IndexByte(q[i:], '\n'); k >= 0 {
				i += k + 1
			} else {
				i = len(q)
			}
			kind = tokComment
		case strings.HasPrefix(q[i:], "/*"):
			depth := 0
			for i < len(q) {
				if strings.HasPrefix(q[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(q[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
			kind = tokComment
		case c == '\'':
			i = endQuoted(q, i+1, '\'', false)
			kind = tokString
		case (c == 'e' || c == 'E') && i+1 < len(q) && q[i+1] == '\'':
			i = endQuoted(q, i+2, '\'', true)
			kind = tokString
		case c == '"':
			i = endQuoted(q, i+1, '"', false)
			kind = tokIdent
		case c == '$' && i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9':
			i++
			for i < len(q) && q[i] >= '0' && q[i] <= '9' {
				i++
			}
			kind = tokParam
		case c == '$':
			if tag, ok := dollarTag(q[i:]); ok {
				if k := strings.Index(q[i+len(tag):], tag); k >= 0 {
					i += len(tag) + k + len(tag)
				} else {
					i = len(q)
				}
				kind = tokString
			} else {
				i++
			}
		case isWordStart(c):
			for i < len(q) && (isWordStart(q[i]) || q[i] >= '0' && q[i] <= '9' || q[i] == '$') {
				i++
			}
			kind = tokWord
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9':
			for i < len(q) && (q[i] >= '0' && q[i] <= '9' || q[i] == '.' || q[i] == 'e' || q[i] == 'E' || q[i] == '_' ||
				(q[i] == '+' || q[i] == '-') && (q[i-1] == 'e' || q[i-1] == 'E')) {
				i++
			}
			kind = tokNumber
		case c == ';':
			i++
			kind = tokSemi
		case strings.IndexByte("+-*/<>=~!@#%^&|`?", c) >= 0:
			// PostgreSQL's operator characters; "::" and "(" stay single tokens below.
			for i < len(q) && strings.IndexByte("+-*/<>=~!@#%^&|`?", q[i]) >= 0 &&
				!strings.HasPrefix(q[i:], "--") && !strings.HasPrefix(q[i:], "/*") {
				i++
			}
		case c == ':' && i+1 < len(q) && q[i+1] == ':':
			i += 2
		default:
			i++
		}
		out = append(out, token{kind: kind, text: q[start:i]})
	}
	return out
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// endQuoted returns the index after the closing quote of a quoted text that starts at
// i; a doubled quote (and, with backslash, \x) stays inside.
func endQuoted(q string, i int, quote byte, backslash bool) int {
	for i < len(q) {
		switch {
		case backslash && q[i] == '\\':
			i += 2
		case q[i] == quote && i+1 < len(q) && q[i+1] == quote:
			i += 2
		case q[i] == quote:
			return i + 1
		default:
			i++
		}
	}
	return len(q)
}

// dollarTag reads $tag$ at the start of s.
func dollarTag(s string) (string, bool) {
	for k := 1; k < len(s); k++ {
		switch c := s[k]; {
		case c == '$':
			return s[:k+1], true
		case !(isWordStart(c) || k > 1 && c >= '0' && c <= '9'):
			return "", false
		}
	}
	return "", false
}

// join is the text of tokens.
func join(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.text)
	}
	return b.String()
}

// splitStatements cuts a simple query at its top-level semicolons; statements of only
// white space and comments are dropped.
func splitStatements(q string) []string {
	var out []string
	var cur []token
	flush := func() {
		if len(significant(cur)) > 0 {
			out = append(out, strings.TrimSpace(join(cur)))
		}
		cur = nil
	}
	for _, t := range lex(q) {
		if t.kind == tokSemi {
			flush()
			continue
		}
		cur = append(cur, t)
	}
	flush()
	return out
}

// significant is tokens without white space and comments.
func significant(toks []token) []token {
	var out []token
	for _, t := range toks {
		if t.kind != tokSpace && t.kind != tokComment {
			out = append(out, t)
		}
	}
	return out
}

// firstWords are the first n words of a statement in lower case (fewer when it has
// fewer; a non-word token ends them).
func firstWords(q string, n int) []string {
	var out []string
	for _, t := range significant(lex(q)) {
		if len(out) == n || t.kind != tokWord {
			break
		}
		out = append(out, t.lower())
	}
	return out
}

// maxParam is the highest $n in a statement.
func maxParam(q string) int {
	n := 0
	for _, t := range lex(q) {
		if t.kind == tokParam {
			if k := atoiSmall(t.text[1:]); k > n {
				n = k
			}
		}
	}
	return n
}

func atoiSmall(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
		if n > 1<<20 {
			return 1 << 20
		}
	}
	return n
}

// substituteParams puts literal SQL for $1, $2, … (lits[0] for $1).
func substituteParams(q string, lits []string) string {
	toks := lex(q)
	for i, t := range toks {
		if t.kind == tokParam {
			if k := atoiSmall(t.text[1:]); k >= 1 && k <= len(lits) {
				toks[i].text = lits[k-1]
			}
		}
	}
	return join(toks)
}

// quoteLiteral is s as an SQL string literal (standard strings: only ' is doubled).
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
