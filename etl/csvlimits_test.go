package etl

import (
	"context"
	"strings"
	"testing"
)

func TestCSVLineLimit(t *testing.T) {
	row := func(id, extra string) string { return verzuimRow(id, testBSN(1), map[int]string{9: extra}) }
	tests := []struct {
		name string
		body string
		lim  Limits
		want string // the rejection, "" for a file that must load
	}{
		{
			name: "a data line over the limit",
			body: csvLines(verzuimHeader, row("m1", ""), row("m2", strings.Repeat("b", 1100)), row("m3", "")),
			want: `regel 3 is langer dan 1 KB, de limiet per regel; controleer of elk aanhalingsteken (") gesloten wordt en of het bestand regeleinden heeft, of lever lange teksten niet mee`,
		},
		{
			name: "a quoted value over many lines counts as one line",
			body: csvLines(verzuimHeader, row("m1", `"`+strings.Repeat("b\r\n", 400)+`"`), row("m2", "")),
			want: "regel 2 is langer dan 1 KB, de limiet per regel",
		},
		{
			name: "a quote that is never closed",
			body: csvLines(verzuimHeader, row("m1", `"b`), strings.Repeat(row("m2", "")+"\r\n", 20)),
			want: "regel 2 is langer dan 1 KB, de limiet per regel",
		},
		{
			name: "a line at the limit loads",
			body: csvLines(verzuimHeader, row("m1", ""), row("m2", strings.Repeat("b", 1024-len(row("m2", ""))-2))),
		},
		{
			name: "Windows-1252 at the limit loads though UTF-8 makes it twice as long",
			body: csvLines(verzuimHeader+";toelichting", row("m1", "")+";"+strings.Repeat("\xe9", int(DefaultLimits().RowBytes)-200)),
			lim:  DefaultLimits(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			dir := writeInbox(t, map[string]string{"verzuimmeldingen_x.csv": tt.body})
			lim := tt.lim
			if lim == (Limits{}) {
				lim.RowBytes = 1 << 10
			}
			sum, err := Run(context.Background(), db, Options{Inbox: dir, Key: testKey, Limits: lim})
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
