package warehouse_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestBackupRestoreSameReport backs up a loaded warehouse, opens the copy as a restored
// warehouse and checks that it gives the same annual report and continues its ledger.
func TestBackupRestoreSameReport(t *testing.T) {
	ctx := context.Background()
	for _, c := range []string{"tabel3_verzuimmeldingen", "tabel7_vsv"} {
		t.Run(c, func(t *testing.T) {
			dir := filepath.Join("testdata", "jaarverslag", c)
			db := loadCase(t, dir)
			out := t.TempDir()
			path, err := warehouse.Backup(ctx, db, out)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := warehouse.Backup(ctx, db, out); err == nil || !strings.Contains(err.Error(), "exists already") {
				t.Errorf("second backup into the same directory: %v, want a refusal", err)
			}
			restored, err := warehouse.Open(ctx, path)
			if err != nil {
				t.Fatalf("open restored copy: %v", err)
			}
			defer restored.Close()
			years := map[string]bool{}
			for _, w := range readExpected(t, filepath.Join(dir, "expected.csv")) {
				years[w.schooljaar] = years[w.schooljaar] || !w.refused
			}
			for sj, covered := range years {
				if !covered {
					continue
				}
				want, err := db.JaarverslagOn(ctx, sj, defaultToday)
				if err != nil {
					t.Fatal(err)
				}
				got, err := restored.JaarverslagOn(ctx, sj, defaultToday)
				if err != nil {
					t.Fatalf("restored Jaarverslag(%s): %v", sj, err)
				}
				if len(want.Cells) == 0 || !reflect.DeepEqual(got, want) {
					t.Errorf("%s: restored report has %d cells, original %d; they differ", sj, len(got.Cells), len(want.Cells))
				}
			}
			for _, q := range []string{"select count(*) from etl_file", "select max(run_id) from etl_run", "select count(*) from schema_migrations"} {
				var a, b int64
				db.QueryRowContext(ctx, q).Scan(&a)
				restored.QueryRowContext(ctx, q).Scan(&b)
				if a != b || a == 0 {
					t.Errorf("%s: restored %d, original %d", q, b, a)
				}
			}
			var next, maxID int64
			restored.QueryRowContext(ctx, "select max(run_id) from etl_run").Scan(&maxID)
			if err := restored.QueryRowContext(ctx, "select nextval('etl_run_seq')").Scan(&next); err != nil || next <= maxID {
				t.Errorf("restored etl_run_seq gives %d (%v), want more than the last run id %d", next, err, maxID)
			}
		})
	}
}
