package warehouse

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// TestCatalogueSQLMatchesGo writes every code of the catalogue with several sets of
// parameters through the SQL macro mart.reden_tekst and through tekst.Message.NL: an
// analyst's query and the API must say the same thing.
func TestCatalogueSQLMatchesGo(t *testing.T) {
	db, err := Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	paramSets := [][]string{
		{},
		{"1", "1", "1", "1", "1", "1"},
		{"12345", "2", "1000000", "007", "0", "x"},
		{"uren", "1.234,5", "10000", "datum", "01-01-2019", "5"},
		{"a'b", "", "-3", "12a", "1", "1"},
	}
	codes := []tekst.Code{"bestaat_niet"}
	for _, e := range tekst.Entries() {
		codes = append(codes, e.Code)
	}
	// One query over every case: the macro is one large case expression, and planning it
	// once per case would take half a minute.
	var msgs []tekst.Message
	var values []string
	for _, code := range codes {
		for _, ps := range paramSets {
			quoted := make([]string, len(ps))
			for i, p := range ps {
				quoted[i] = sqlQuote(p)
			}
			values = append(values, fmt.Sprintf("(%d, %s, [%s]::varchar[])", len(msgs), sqlQuote(string(code)), strings.Join(quoted, ", ")))
			msgs = append(msgs, tekst.Message{Code: code, Params: ps})
		}
	}
	rows, err := db.Query(`select i, mart.reden_tekst(code, p) from (values ` + strings.Join(values, ", ") + `) as t(i, code, p) order by i`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var i int
		var got string
		if err := rows.Scan(&i, &got); err != nil {
			t.Fatal(err)
		}
		seen++
		if want := msgs[i].NL(); got != want {
			t.Errorf("%s %q:\n SQL %q\n  Go %q", msgs[i].Code, msgs[i].Params, got, want)
		}
	}
	if err := rows.Err(); err != nil || seen != len(msgs) {
		t.Fatalf("%d of %d cases read: %v", seen, len(msgs), err)
	}
	var n int
	if err := db.QueryRow(`select count(*) from mart.reden`).Scan(&n); err != nil || n != len(tekst.Entries()) {
		t.Errorf("mart.reden has %d codes (%v), want %d", n, err, len(tekst.Entries()))
	}
}
