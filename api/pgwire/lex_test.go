package pgwire

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		q    string
		want []string
	}{
		{"select 1", []string{"select 1"}},
		{"select 1; select 2;", []string{"select 1", "select 2"}},
		{"select ';' as x; -- a; comment\nselect \"a;b\" from t", []string{"select ';' as x", "-- a; comment\nselect \"a;b\" from t"}},
		{"select $$a;b$$, $tag$ ; $tag$, E'it\\'s;'", []string{"select $$a;b$$, $tag$ ; $tag$, E'it\\'s;'"}},
		{"/* a; /* nested; */ b; */ select 1", []string{"/* a; /* nested; */ b; */ select 1"}},
		{" ; -- only a comment\n;", nil},
	}
	for _, c := range cases {
		if got := splitStatements(c.q); !slices.Equal(got, c.want) {
			t.Errorf("splitStatements(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

func TestSubstituteParams(t *testing.T) {
	q := "select '$1', \"$2\", $1 -- $2\n, $2, $10"
	got := substituteParams(q, []string{"CAST('5' AS INTEGER)", "'it''s'"})
	want := "select '$1', \"$2\", CAST('5' AS INTEGER) -- $2\n, 'it''s', $10"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if n := maxParam("select $3 + $12, '$40'"); n != 12 {
		t.Errorf("maxParam = %d, want 12", n)
	}
}

// TestRewriteLeavesAnalystQueries: a query that names no catalogue relation or
// PostgreSQL function reaches the sandbox, and its audit, as the analyst wrote it.
func TestRewriteLeavesAnalystQueries(t *testing.T) {
	id := Identity{Name: "analiste", Role: "analist"}
	for _, q := range []string{
		"select schooljaar, count(*) from analist.verzuimmeldingen group by 1",
		"select 'pg_class' as naam, 'current_user' from gemeenten",
		"with x as (select 1) select * from x",
	} {
		if got := rewriteCatalog(q, id); got != q {
			t.Errorf("rewriteCatalog(%q) = %q; want it unchanged", q, got)
		}
	}
	got := rewriteCatalog("select c.relname from pg_catalog.pg_class c where c.relname OPERATOR(pg_catalog.~) '^(x)$' COLLATE pg_catalog.default", id)
	for _, want := range []string{"with pgw_pg_class as (", "from pgw_pg_class c", "~  '^(x)$'"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten: %q; want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "COLLATE") || strings.Contains(got, "OPERATOR") {
		t.Errorf("rewritten: %q still has COLLATE or OPERATOR", got)
	}
}

func TestClassifyLocal(t *testing.T) {
	for q, want := range map[string]string{
		"SET extra_float_digits = 3": "SET", "set session time zone 'UTC'": "SET", "BEGIN": "BEGIN",
		"discard all": "DISCARD ALL", "ROLLBACK": "ROLLBACK", "DEALLOCATE pdo_stmt_1": "DEALLOCATE",
	} {
		l := classifyLocal(q)
		if l == nil || l.tag != want {
			t.Errorf("%s: got %+v, want tag %s", q, l, want)
		}
	}
	for _, q := range []string{"set threads = 64", "SET enable_external_access = true", "select 1", "show tables", "reset memory_limit"} {
		if l := classifyLocal(q); l != nil {
			t.Errorf("%s: answered locally (%+v); the sandbox must see it", q, l)
		}
	}
}

func TestCheckLength(t *testing.T) {
	if err := checkLength(strings.Repeat("x", maxQueryBytes)); err != nil {
		t.Errorf("1 MB: %v", err)
	}
	if err := checkLength(strings.Repeat("x", maxQueryBytes+1)); err == nil || err.(*Error).Code != "54000" {
		t.Errorf("over 1 MB: %v, want 54000", err)
	}
}
