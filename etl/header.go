package etl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalizeColumn maps a header cell to its canonical form, so that column names match
// the way feeds.md promises: case-insensitively, ignoring surrounding spaces, and with
// '-', ' ' and '_' treated alike. "Melding-ID " becomes "melding_id".
//
// Every run of separators ('-', '_' or any Unicode space, including the no-break space
// Excel likes to leave behind) becomes one '_', and separators at either end are
// dropped, so "melding_id_" and " melding id" both give "melding_id". Letters are case
// folded (not just lower-cased) so that every case variant of a name gives the same
// result. The function is idempotent.
func normalizeColumn(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	pending := false // a separator was seen since the last word character
	for _, r := range name {
		if isColumnSeparator(r) {
			pending = true
			continue
		}
		if pending && b.Len() > 0 {
			b.WriteByte('_')
		}
		pending = false
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// isColumnSeparator reports whether r separates words in a column name.
func isColumnSeparator(r rune) bool {
	return r == '-' || r == '_' || unicode.IsSpace(r)
}

// foldRune maps every case variant of a letter to one rune: the lower case of its upper
// case. That joins what plain lower-casing keeps apart (long s and S, dotless i and I,
// the Kelvin sign and k). Invalid UTF-8 arrives here as utf8.RuneError and stays so.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}
	return unicode.ToLower(unicode.ToUpper(r))
}
