package main

import "strings"

// splitState is where the statement splitter is inside the SQL text.
type splitState int

const (
	inCode         splitState = iota
	inSingle                  // '…' ('' is a quote inside)
	inDouble                  // "…" (a quoted identifier)
	inLineComment             // -- … up to the end of the line
	inBlockComment            // /* … */
	inDollar                  // $tag$ … $tag$
)

// stmtSplitter collects input lines into statements: the text up to a ';' that is not
// inside a string, a quoted identifier or a comment. It keeps no state beyond the
// unfinished statement, so the shell feeds it line by line.
type stmtSplitter struct {
	buf     strings.Builder
	state   splitState
	tag     string // the $tag$ of a dollar-quoted string
	content bool   // the buffer holds more than white space and comments
}

// add feeds one line (without its newline) and returns the statements it completed,
// trimmed and without their ';'. Empty statements (only ';' or comments) are dropped.
func (s *stmtSplitter) add(line string) []string {
	var done []string
	text := line + "\n"
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch s.state {
		case inCode:
			switch {
			case c == ';':
				if s.content {
					done = append(done, strings.TrimSpace(s.buf.String()))
				}
				s.buf.Reset()
				s.content = false
				continue
			case c == '\'':
				s.state, s.content = inSingle, true
			case c == '"':
				s.state, s.content = inDouble, true
			case c == '-' && i+1 < len(text) && text[i+1] == '-':
				s.state = inLineComment
			case c == '/' && i+1 < len(text) && text[i+1] == '*':
				s.state = inBlockComment
				s.buf.WriteString("/*")
				i++
				continue
			case c == '$':
				if tag, ok := dollarTag(text[i:]); ok {
					s.state, s.tag, s.content = inDollar, tag, true
					s.buf.WriteString(tag)
					i += len(tag) - 1
					continue
				}
				s.content = true
			case c != ' ' && c != '\t' && c != '\n' && c != '\r':
				s.content = true
			}
		case inSingle:
			if c == '\'' {
				s.state = inCode
			}
		case inDouble:
			if c == '"' {
				s.state = inCode
			}
		case inLineComment:
			if c == '\n' {
				s.state = inCode
			}
		case inBlockComment:
			if c == '*' && i+1 < len(text) && text[i+1] == '/' {
				s.state = inCode
				s.buf.WriteString("*/")
				i++
				continue
			}
		case inDollar:
			if c == '$' && strings.HasPrefix(text[i:], s.tag) {
				s.state = inCode
				s.buf.WriteString(s.tag)
				i += len(s.tag) - 1
				continue
			}
		}
		s.buf.WriteByte(c)
	}
	return done
}

// dollarTag returns the opening $tag$ (or $$) at the start of text. A '$' followed by a
// digit is a parameter ($1), not a string.
func dollarTag(text string) (string, bool) {
	for j := 1; j < len(text); j++ {
		c := text[j]
		switch {
		case c == '$':
			return text[:j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 1 && c >= '0' && c <= '9':
		default:
			return "", false
		}
	}
	return "", false
}

// pending reports whether an unfinished statement is buffered (the shell then shows
// the continuation prompt and does not treat a line starting with '.' as a command).
func (s *stmtSplitter) pending() bool {
	return s.content || s.state != inCode && s.state != inLineComment
}

// rest returns the unfinished statement at the end of the input (a script may omit its
// last ';') and clears the splitter.
func (s *stmtSplitter) rest() string {
	var r string
	if s.content {
		r = strings.TrimSpace(s.buf.String())
	}
	s.reset()
	return r
}

// reset drops the unfinished statement.
func (s *stmtSplitter) reset() {
	s.buf.Reset()
	s.state, s.tag, s.content = inCode, "", false
}
