package warehouse_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestSandboxDescribe describes queries without running them, in the sandbox itself and
// through a worker process: the columns a query will return, the types DuckDB infers
// for its parameters, and the same refusals as Query.
func TestSandboxDescribe(t *testing.T) {
	ctx := context.Background()
	db := loadCase(t, exportFixture)
	sb := openSandbox(t, db, warehouse.SandboxLimits{})
	p := newPublisher(t, db, filepath.Join(t.TempDir(), warehouse.SandboxFile), warehouse.SandboxConfig{Workers: 1}, time.Hour)
	defer p.Close()
	if err := p.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	describers := map[string]func(string) (*warehouse.SQLDescription, error){
		"sandbox": func(q string) (*warehouse.SQLDescription, error) { return sb.Describe(ctx, q) },
		"worker":  func(q string) (*warehouse.SQLDescription, error) { return p.Describe(ctx, "test", q) },
	}
	for name, describe := range describers {
		t.Run(name, func(t *testing.T) {
			d, err := describe("select schooljaar, jaar, begindatum from schooljaren where jaar >= $1 and schooljaar <> $2")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range d.Columns {
				got = append(got, c.Name+" "+c.Type)
			}
			if want := []string{"schooljaar VARCHAR", "jaar INTEGER", "begindatum DATE"}; !slices.Equal(got, want) {
				t.Errorf("columns: got %v, want %v", got, want)
			}
			if want := []string{"INTEGER", "VARCHAR"}; !slices.Equal(d.Params, want) {
				t.Errorf("params: got %v, want %v", d.Params, want)
			}
			var refused *warehouse.RefusedError
			for _, q := range []string{"copy schooljaren to '/tmp/x.csv'", "select * from duckdb_settings()", "select 1; select 2"} {
				if _, err := describe(q); !errors.As(err, &refused) {
					t.Errorf("%s: got %v, want a RefusedError", q, err)
				}
			}
		})
	}
}
