package warehouse

import (
	"context"
	"errors"
	"strconv"
	"testing"
)

// TestQuarantineGuards checks the ledger reads with data: quarantine records group by
// reason class (values blanked), the bsn column's value never comes out, digit runs
// of a BSN's shape are masked, and an unknown run is ErrNotFound.
func TestQuarantineGuards(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `
		insert into etl_run (run_id, job, inbox, started_at, finished_at, status) values (1, 'test', '/inbox', '2026-01-01 08:00:00+00', '2026-01-01 08:01:00+00', 'ok');
		insert into etl_file (file_id, run_id, feed, file_name, status, started_at, finished_at)
		    values (1, 1, 'leerlingen', 'leerlingen.csv', 'loaded', '2026-01-01 08:00:00+00', '2026-01-01 08:00:10+00');
		insert into etl_quarantine values
		    (1, 'leerlingen', 'leerlingen.csv', 2, null, 'gemeente', 'Atlantis', 'gemeente ''Atlantis'' is not a municipality'),
		    (1, 'leerlingen', 'leerlingen.csv', 3, null, 'gemeente', 'Mordor', 'gemeente ''Mordor'' is not a municipality'),
		    (1, 'leerlingen', 'leerlingen.csv', 4, null, 'bsn', '123456789', 'bsn fails the eleven test'),
		    (1, 'leerlingen', 'leerlingen.csv', 5, null, 'brin', '87654321', 'brin ''87654321'' is unknown')`); err != nil {
		t.Fatal(err)
	}
	groups, err := db.Quarantine(ctx, QuarantineFilter{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	byColumn := map[string]QuarantineGroup{}
	for _, g := range groups {
		byColumn[g.Column] = g
	}
	tests := []struct {
		name      string
		got, want string
	}{
		{"groups", itoa(len(groups)), "3"},
		{"reason class blanks the value", byColumn["gemeente"].Reason, "gemeente '…' is not a municipality"},
		{"both rows in one group", itoa(int(byColumn["gemeente"].Problems)), "2"},
		{"examples capped", itoa(len(byColumn["gemeente"].Examples)), "1"},
		{"first line is the example", itoa(int(byColumn["gemeente"].Examples[0].Line)), "2"},
		{"bsn value withheld", valueOf(byColumn["bsn"].Examples[0].Value), "<nil>"},
		{"digit run masked in value", valueOf(byColumn["brin"].Examples[0].Value), "*********"},
		{"digit run masked in reason", byColumn["brin"].Examples[0].Reason, "brin '*********' is unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("unknown run", func(t *testing.T) {
		if _, _, err := db.RunDetail(ctx, 99); !errors.Is(err, ErrNotFound) {
			t.Errorf("RunDetail(99): got %v, want ErrNotFound", err)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func valueOf(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}
