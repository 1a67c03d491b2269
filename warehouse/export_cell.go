package warehouse

import "regexp"

// plainNumber is a number as this program writes one in a CSV: a minus, digits, and a
// decimal point or comma. A spreadsheet reads it as the number it is.
var plainNumber = regexp.MustCompile(`^-?[0-9]+([.,][0-9]+)?$`)

// SafeCellText neutralises a text for a CSV or XLSX file that people open in a
// spreadsheet (OWASP, "CSV injection"): a text that starts with '=', '+', '-', '@', a tab
// or a carriage return could be read as a formula — one that opens a link or runs a
// command — so it gets a leading single quote, which spreadsheets show as text. A plain
// number, negative ones included, stays as it is: it is no formula. The machine CSV of
// the SQL API does not use this: it stays exact.
func SafeCellText(s string) string {
	if s == "" || plainNumber.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
