// Package bsnmask finds what could be a BSN in free text and masks it. It is the one
// definition of "a possible BSN" the loader, the audit and the logs share; it imports
// nothing of this module, so every package can use it.
//
// A possible BSN is a span of digits, bounded by non-digits, that may be split into
// groups by separators, and whose digits — leading zeros left out — number 8 or 9 and
// pass the eleven test (8 digits are left-padded with a zero):
//
//   - a separator is '.', ',', '-' or a space character (Unicode Zs: the space, the
//     no-break space Excel writes in formatted numbers, the thin space); one to three of
//     them may stand between two groups, so "1234.56.782", "123 456 782", "123,456,782"
//     (an English spreadsheet's thousands) and "123 - 456 - 782" are all found;
//   - any run of consecutive groups counts, so a BSN is found beside other numbers
//     ("2018 123456782") and inside text ("BSN123456782x");
//   - a run of more than nine digits is no BSN, unless the digits beyond nine are leading
//     zeros ("0123456782" is one, "1234567820" is not): a twelve-digit number is not
//     searched for nine-digit windows, which would mask most long numbers;
//   - numbers with fewer than 8 significant digits ("M000012345") are no BSN: none was
//     ever issued;
//   - two shapes are left alone because they are not BSNs but are common in the data:
//     a date (dd-mm-jjjj or jjjj-mm-dd with the same single separator twice, a real day,
//     month and a year from 1900 to 2099) and a year followed by a hyphen and four or
//     five digits (the school year 2016-2017, ids such as TZ2020-9001).
//
// Only ASCII digits count.
package bsnmask

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholder replaces a possible BSN.
const Placeholder = "[bsn]"

// Prefilter is an RE2 expression that matches wherever Mask could change something (a
// nonzero digit followed by seven more digits, with separators): text it does not match
// holds no possible BSN. SQL uses it to call the masking function only where needed.
const Prefilter = `[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}`

// maxSeparators is the longest run of separators between two groups of one number.
const maxSeparators = 3

// Mask returns s with every possible BSN replaced by Placeholder. Overlapping possible
// BSNs become one Placeholder; everything else is kept byte for byte.
func Mask(s string) string {
	spans := find(s, false)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(Placeholder)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// Contains reports whether s holds a possible BSN.
func Contains(s string) bool { return len(find(s, true)) > 0 }

// span is a byte range of s: [start, end).
type span struct{ start, end int }

// group is one run of digits of a number, with the separators before it (empty for the
// first group).
type group struct {
	span
	sep string
}

// find returns the byte ranges of s to mask, in order and merged; with first it stops
// at the first one.
func find(s string, first bool) []span {
	if !enoughDigits(s) {
		return nil
	}
	var out []span
	var groups []group
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		// One number: groups of digits joined by short runs of separators.
		groups = groups[:0]
		sep := ""
		for {
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			groups = append(groups, group{span{i, j}, sep})
			k, n := j, 0
			for k < len(s) && n < maxSeparators {
				r, size := utf8.DecodeRuneInString(s[k:])
				if !isSeparator(r) {
					break
				}
				k += size
				n++
			}
			if n == 0 || k >= len(s) || !isDigit(s[k]) {
				i = j
				break
			}
			sep, i = s[j:k], k
		}
		out = appendMasked(out, s, groups)
		if first && len(out) > 0 {
			return out
		}
	}
	return out
}

// appendMasked adds the ranges of the number made of groups that belong to a possible
// BSN: every run of its groups that is one, from its first to its last group, with the
// groups of only zeros right before it (the run with those zeros is one as well). Runs
// that overlap become one range; runs that only touch stay two, so a list of BSNs keeps
// its separators.
func appendMasked(out []span, s string, groups []group) []span {
	total := 0
	for _, g := range groups {
		total += g.end - g.start
	}
	if total < 8 {
		return out
	}
	type run struct{ first, last int } // group indexes
	var runs []run
	zerosFrom := 0 // the first of the zero-only groups right before the current one
	for i, g := range groups {
		d := s[g.start:g.end]
		if zeroOnly(d) {
			if i == 0 || !zeroOnly(s[groups[i-1].start:groups[i-1].end]) {
				zerosFrom = i
			}
			continue
		}
		from := i
		if i > 0 && zeroOnly(s[groups[i-1].start:groups[i-1].end]) {
			from = zerosFrom
		}
		sig := []byte(strings.TrimLeft(d, "0")) // the significant digits of groups i..j
		for j := i; j < len(groups); j++ {
			if j > i {
				sig = append(sig, s[groups[j].start:groups[j].end]...)
			}
			if len(sig) > 9 {
				break
			}
			if len(sig) < 8 || !elevenTest(sig) {
				continue
			}
			// With zeros before it the run has another shape, never an exempt one.
			if from == i && exempt(s, groups[i:j+1]) {
				continue
			}
			runs = append(runs, run{from, j})
		}
	}
	if len(runs) == 0 {
		return out
	}
	sort.Slice(runs, func(a, b int) bool { return runs[a].first < runs[b].first })
	cur := runs[0]
	for _, r := range runs[1:] {
		if r.first <= cur.last {
			cur.last = max(cur.last, r.last)
			continue
		}
		out = append(out, span{groups[cur.first].start, groups[cur.last].end})
		cur = r
	}
	return append(out, span{groups[cur.first].start, groups[cur.last].end})
}

// exempt reports whether the run of groups has a shape that is not a BSN: a date, or a
// year, a hyphen and four or five digits.
func exempt(s string, gs []group) bool {
	text := func(k int) string { return s[gs[k].start:gs[k].end] }
	switch len(gs) {
	case 2:
		return gs[1].sep == "-" && len(text(0)) == 4 && isYear(text(0)) && (len(text(1)) == 4 || len(text(1)) == 5)
	case 3:
		if gs[1].sep != gs[2].sep || utf8.RuneCountInString(gs[1].sep) != 1 {
			return false
		}
		a, b, c := text(0), text(1), text(2)
		switch {
		case len(a) == 2 && len(b) == 2 && len(c) == 4:
			return between(a, 1, 31) && between(b, 1, 12) && isYear(c)
		case len(a) == 4 && len(b) == 2 && len(c) == 2:
			return isYear(a) && between(b, 1, 12) && between(c, 1, 31)
		}
	}
	return false
}

func isYear(d string) bool { return between(d, 1900, 2099) }

// between reports whether the digits d, as a number, lie in [lo, hi].
func between(d string, lo, hi int) bool {
	n := 0
	for i := 0; i < len(d); i++ {
		n = n*10 + int(d[i]-'0')
	}
	return lo <= n && n <= hi
}

// elevenTest reports whether 8 or 9 significant digits (no leading zero) pass the BSN
// eleven test, the 8 left-padded with a zero: 9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 (mod 11).
func elevenTest(sig []byte) bool {
	sum := 0
	w := len(sig) // 9 for the first of nine digits, 8 for the first of eight
	for i, c := range sig {
		d := int(c - '0')
		if i == len(sig)-1 {
			sum -= d
		} else {
			sum += w * d
		}
		w--
	}
	return sum%11 == 0
}

func zeroOnly(d string) bool { return strings.TrimLeft(d, "0") == "" }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isSeparator reports whether r may stand between the digit groups of one number.
func isSeparator(r rune) bool {
	return r == '.' || r == ',' || r == '-' || r == ' ' || (r > utf8.RuneSelf && unicode.Is(unicode.Zs, r))
}

// enoughDigits reports whether s has at least 8 digits: text with fewer holds no BSN.
func enoughDigits(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			if n++; n == 8 {
				return true
			}
		}
	}
	return false
}
