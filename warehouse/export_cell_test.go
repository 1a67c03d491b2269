package warehouse_test

import (
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

func TestSafeCellText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`=HYPERLINK("http://example.invalid","klik")`, `'=HYPERLINK("http://example.invalid","klik")`},
		{"@SUM(1)", "'@SUM(1)"},
		{"+1", "'+1"},
		{"-1+1", "'-1+1"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"-1", "-1"},     // a number stays a number
		{"-1,5", "-1,5"}, // also with a decimal comma
		{"-0.25", "-0.25"},
		{"12", "12"},
		{"Haarlem", "Haarlem"},
		{"'=al", "'=al"},
		{"", ""},
	} {
		if got := warehouse.SafeCellText(tc.in); got != tc.want {
			t.Errorf("SafeCellText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
