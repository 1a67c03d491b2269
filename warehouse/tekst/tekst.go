// Package tekst is the message catalogue: every reason a person reads about the data
// the bureau received — why a row is in the quarantine, why a file was rejected,
// skipped or left waiting, why a run failed — is a Code with parameters, and the
// catalogue holds its Dutch text (for the data steward and the municipalities) and its
// English text (for logs and developers). The warehouse stores the code and the
// parameters, never the sentence, so a text can be improved without touching the data,
// and the quarantine can be counted and filtered by reason.
//
// A template is text with placeholders for the parameters, numbered from 1:
//
//   - {1} the parameter as it is;
//   - {1:getal} a whole number with thousands separators (Dutch "1.234", English
//     "1,234"); a parameter that is not a whole number is written as it is;
//   - {1:getal:regel:regels} the number and then the singular or the plural: "1 regel",
//     "3 regels";
//   - {1:kies:ontbreekt:ontbreken} only the word: the first when the parameter is 1.
//
// Rendered texts never hold a possible BSN (bsnmask). The package imports nothing of
// this module but bsnmask, so the loader, the warehouse and the API all use it.
package tekst

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// Code is the key of a text in the catalogue (bsn_elfproef, bestand_leeg, …): what the
// warehouse stores, what the API filters on, and what a metric counts by.
type Code string

// Message is a reason as it is stored: its code and its parameters (the column, the
// offending value, a line number, …), every one of them already BSN-masked.
type Message struct {
	Code   Code
	Params []string
}

// New makes a message of code with params, each written as fmt.Sprint writes it (an int
// as its digits, which the templates format; a []byte as its text) and BSN-masked.
func New(code Code, params ...any) Message {
	m := Message{Code: code}
	for _, p := range params {
		s, ok := p.([]byte)
		if ok {
			m.Params = append(m.Params, bsnmask.Mask(string(s)))
			continue
		}
		m.Params = append(m.Params, bsnmask.Mask(fmt.Sprint(p)))
	}
	return m
}

// NL is the message in Dutch, for the steward and the municipalities.
func (m Message) NL() string { return render(m.Code, m.Params, dutch) }

// EN is the message in English, for logs and developers.
func (m Message) EN() string { return render(m.Code, m.Params, english) }

// IsZero reports whether m holds no message.
func (m Message) IsZero() bool { return m.Code == "" }

// Kind says what a code is about, which decides where it can appear.
type Kind string

// The kinds of codes.
const (
	KindRij     Kind = "rij"     // a quarantined row (etl_quarantine)
	KindBestand Kind = "bestand" // a file the loader rejected, skipped or left waiting (etl_file)
	KindRun     Kind = "run"     // a run that failed (etl_run)
	KindOud     Kind = "oud"     // a text stored before the catalogue existed
)

// Entry is one text of the catalogue.
type Entry struct {
	Code  Code
	Kind  Kind
	Titel string // a short Dutch label for totals and groups, without parameters
	NL    string // the Dutch template
	EN    string // the English template
}

// Lookup returns the catalogue's entry for code.
func Lookup(code Code) (Entry, bool) {
	i, ok := byCode[code]
	if !ok {
		return Entry{}, false
	}
	return entries[i], true
}

// Known reports whether code is in the catalogue.
func Known(code Code) bool {
	_, ok := byCode[code]
	return ok
}

// Entries returns every entry of the catalogue, grouped by kind, in the catalogue's order.
func Entries() []Entry { return append([]Entry(nil), entries...) }

// Codes returns the codes of kind k in the catalogue's order.
func Codes(k Kind) []Code {
	var out []Code
	for _, e := range entries {
		if e.Kind == k {
			out = append(out, e.Code)
		}
	}
	return out
}

// Titel is the short Dutch label of code: the entry's title, or its code when the
// catalogue does not know it.
func Titel(code Code) string {
	if e, ok := Lookup(code); ok && e.Titel != "" {
		return e.Titel
	}
	return string(code)
}

// byCode indexes entries; built once from the catalogue, never changed.
var byCode = func() map[Code]int {
	m := make(map[Code]int, len(entries))
	for i, e := range entries {
		if _, dup := m[e.Code]; dup {
			panic("tekst: code " + string(e.Code) + " appears twice in the catalogue")
		}
		m[e.Code] = i
	}
	return m
}()

// compiled holds every template parsed, by code: built once, never changed.
var compiled = func() map[Code][2][]part {
	m := make(map[Code][2][]part, len(entries))
	for _, e := range entries {
		nl, err := parse(e.NL)
		if err != nil {
			panic(fmt.Sprintf("tekst: %s (nl): %v", e.Code, err))
		}
		en, err := parse(e.EN)
		if err != nil {
			panic(fmt.Sprintf("tekst: %s (en): %v", e.Code, err))
		}
		m[e.Code] = [2][]part{nl, en}
	}
	return m
}()

// language selects a template and the thousands separator.
type language int

const (
	dutch language = iota
	english
)

func (l language) separator() byte {
	if l == english {
		return ','
	}
	return '.'
}

// partKind is what a placeholder writes.
type partKind int

const (
	literal    partKind = iota
	plain               // {1}
	number              // {1:getal}
	numberWord          // {1:getal:regel:regels}
	word                // {1:kies:ontbreekt:ontbreken}
)

// part is a piece of a parsed template: literal text or a placeholder.
type part struct {
	kind      partKind
	text      string // literal
	param     int    // 1-based
	one, many string // numberWord, word
}

// parse splits a template into parts.
func parse(t string) ([]part, error) {
	var out []part
	for t != "" {
		open := strings.IndexByte(t, '{')
		if open < 0 {
			out = append(out, part{kind: literal, text: t})
			break
		}
		if open > 0 {
			out = append(out, part{kind: literal, text: t[:open]})
		}
		end := strings.IndexByte(t[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("unclosed placeholder in %q", t)
		}
		p, err := placeholder(t[open+1 : open+end])
		if err != nil {
			return nil, err
		}
		out = append(out, p)
		t = t[open+end+1:]
	}
	return out, nil
}

func placeholder(s string) (part, error) {
	fields := strings.Split(s, ":")
	n, err := strconv.Atoi(fields[0])
	if err != nil || n < 1 || n > 9 {
		return part{}, fmt.Errorf("placeholder {%s}: want a parameter number 1 to 9", s)
	}
	p := part{param: n}
	switch {
	case len(fields) == 1:
		p.kind = plain
	case len(fields) == 2 && fields[1] == "getal":
		p.kind = number
	case len(fields) == 4 && fields[1] == "getal":
		p.kind, p.one, p.many = numberWord, fields[2], fields[3]
	case len(fields) == 4 && fields[1] == "kies":
		p.kind, p.one, p.many = word, fields[2], fields[3]
	default:
		return part{}, fmt.Errorf("placeholder {%s}: want {n}, {n:getal}, {n:getal:een:meer} or {n:kies:een:meer}", s)
	}
	return p, nil
}

// render writes code's template in language l with params, BSN-masked. A code the
// catalogue does not know is written as the code and its parameters, so that nothing
// stored is ever lost from view.
func render(code Code, params []string, l language) string {
	parts, ok := compiled[code]
	if !ok {
		s := string(code)
		if len(params) > 0 {
			s += ": " + strings.Join(params, "; ")
		}
		return bsnmask.Mask(s)
	}
	var b strings.Builder
	for _, p := range parts[l] {
		v := ""
		if p.param >= 1 && p.param <= len(params) {
			v = params[p.param-1]
		}
		switch p.kind {
		case literal:
			b.WriteString(p.text)
		case plain:
			b.WriteString(v)
		case number:
			b.WriteString(formatNumber(v, l.separator()))
		case numberWord:
			b.WriteString(formatNumber(v, l.separator()))
			b.WriteByte(' ')
			b.WriteString(choose(v, p.one, p.many))
		case word:
			b.WriteString(choose(v, p.one, p.many))
		}
	}
	return bsnmask.Mask(b.String())
}

func choose(v, one, many string) string {
	if v == "1" {
		return one
	}
	return many
}

// isWhole reports whether s is a whole number of 1 to 18 digits (what fits a bigint).
func isWhole(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatNumber writes a whole number with sep every three digits; anything else as it is.
func formatNumber(s string, sep byte) string {
	if !isWhole(s) {
		return s
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return group(strconv.FormatInt(n, 10), sep)
}

func group(digits string, sep byte) string {
	var b strings.Builder
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(sep)
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

// Getal writes n with Dutch thousands separators: 1.234, -10.000.
func Getal(n int64) string {
	if n < 0 {
		return "-" + group(strconv.FormatUint(uint64(-(n+1))+1, 10), '.')
	}
	return group(strconv.FormatInt(n, 10), '.')
}

// Aantal writes n with Dutch thousands separators and the singular or the plural of a
// noun: "1 regel", "1.234 regels".
func Aantal(n int64, enkelvoud, meervoud string) string {
	if n == 1 {
		return "1 " + enkelvoud
	}
	return Getal(n) + " " + meervoud
}
