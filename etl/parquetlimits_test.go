package etl

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestParquetLimits(t *testing.T) {
	// Each query gives a vrijstellingen file; %s is a BSN.
	const plain = `select 'v' || i as vrijstelling_id, '%s' as bsn, date '2010-05-01' as geboortedatum,
		'Zandvoort' as gemeente, '5A' as artikel, date '2018-10-01' as besluitdatum from range(3) t(i)`
	tests := []struct {
		name  string
		query string
		lim   Limits
		want  string // the start of the rejection, "" for a file that must load
	}{
		{name: "within the limits", query: plain},
		{name: "metadata larger than the limit", query: plain, lim: Limits{ParquetFooterBytes: 100},
			want: "de metadata van het Parquet-bestand is "},
		{name: "more columns than the limit", query: plain, lim: Limits{ParquetColumns: 5},
			want: "het Parquet-bestand heeft 6 kolommen (limiet 5); lever alleen de kolommen van de feed"},
		{name: "row group larger than the limit", query: strings.Replace(plain, "range(3)", "range(1000)", 1), lim: Limits{ParquetRowGroupBytes: 1 << 10},
			want: "rijgroep 1 van het Parquet-bestand is uitgepakt "},
		{name: "column chunk larger than the limit", query: strings.NewReplacer("'v' || i", "'v' || i || repeat('-', 50)", "range(3)", "range(100)").Replace(plain), lim: Limits{ParquetColumnChunkBytes: 1 << 10},
			want: `kolom "vrijstelling_id" is in rijgroep 1 van het Parquet-bestand uitgepakt `},
		{name: "nested column", query: strings.Replace(plain, "'5A' as artikel", "['5A'] as artikel", 1),
			want: `kolom "artikel" van het Parquet-bestand heeft het samengestelde type VARCHAR[]; lever enkelvoudige kolommen`},
		{name: "nested column the feed does not use", query: strings.Replace(plain, "as besluitdatum", "as besluitdatum, [1, 2] as extra_lijst", 1)},
		{name: "row text over the limit", query: strings.Replace(plain, "'Zandvoort'", "case when i = 1 then repeat('Z', 2000) else 'Zandvoort' end", 1), lim: Limits{RowBytes: 1 << 10},
			want: "rij 2 van het Parquet-bestand bevat 2 KB tekst (limiet 1 KB per rij); lever lange teksten niet mee"},
		{name: "one text repeated in every row through the dictionary", query: strings.NewReplacer("'Zandvoort'", "repeat('Z', 10000)", "range(3)", "range(20000)").Replace(plain),
			want: "de tekst in het Parquet-bestand is uitgepakt 191 MB, meer dan 100 keer het bestand zelf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			dir := t.TempDir()
			path := filepath.Join(dir, "vrijstellingen_x.parquet")
			q := fmt.Sprintf(tt.query, testBSN(1))
			if _, err := db.ExecContext(context.Background(), fmt.Sprintf("copy (%s) to %s (format parquet)", q, sqlString(path))); err != nil {
				t.Fatal(err)
			}
			sum, err := Run(context.Background(), db, Options{Inbox: dir, Key: testKey, Limits: tt.lim})
			if err != nil {
				t.Fatal(err)
			}
			f := sum.Files[0]
			if tt.want == "" {
				if f.Status != StatusLoaded {
					t.Fatalf("file = %s %q, want it loaded", f.Status, f.Reason)
				}
				return
			}
			if f.Status != StatusRejected || !strings.HasPrefix(f.Reason, tt.want) {
				t.Fatalf("file = %s %q, want rejected %q…", f.Status, f.Reason, tt.want)
			}
		})
	}
}
