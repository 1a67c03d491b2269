package api

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// Small warehouses built to provoke a single hidden count, loaded through the real
// loader, then attacked over HTTP like the demo (suppress_attack_test.go).

// syntheticRegion has a sub-region of one gemeente (its figures are the gemeente's),
// one of three and one of two.
const syntheticRegion = `gemeentecode;gemeente;subregio;subregio_naam;leerplicht_regionaal;vanaf;tot
GM0001;Noordstad;noord;Noorderkwartier;J;;
GM0002;Zuiddorp;zuid;Zuiderland;J;;
GM0003;Middelwijk;zuid;Zuiderland;J;;
GM0004;Oostdam;zuid;Zuiderland;J;;
GM0005;Westwoud;west;Westland;J;;
GM0006;Kleindorp;west;Westland;J;;
`

// syntheticCase is the data of one warehouse, all in school year 2018-2019.
type syntheticCase struct {
	name   string
	region string // regio.csv; "" for the default region (RMC region 25)
	// thuis gives per gemeente the homebound episodes and how many of them lasted
	// longer than three months.
	thuis map[string][2]int
	// verzuim gives per gemeente the absence reports per month (0 = August) and
	// verzuimsoort (0 relatief, 1 luxe, 2 absoluut).
	verzuim map[string][12][3]int
}

// bsnSource hands out distinct synthetic BSNs that pass the eleven test.
type bsnSource struct{ n int }

func (b *bsnSource) next() string {
	for {
		b.n++
		base := fmt.Sprintf("%08d", 20000000+b.n*13)
		sum := 0
		for j := range 8 {
			sum += (9 - j) * int(base[j]-'0')
		}
		if d := sum % 11; d < 10 {
			return base + fmt.Sprint(d)
		}
	}
}

// files writes the case's feeds.
func (c syntheticCase) files() map[string]string {
	var bsn bsnSource
	var th strings.Builder
	th.WriteString("dossier_id;bsn;geboortedatum;gemeente;soort;startdatum;einddatum;aanbod_datum;opgelost;reden_einde;toelichting\n")
	n := 0
	for gm, e := range c.thuis {
		for i := 0; i < e[0]; i++ {
			n++
			end := "2018-10-15" // six weeks
			if i < e[1] {
				end = "2019-03-01" // six months
			}
			fmt.Fprintf(&th, "T%04d;%s;2006-06-06;%s;ABSOLUUT;2018-09-01;%s;;J;SCHOOL;\n", n, bsn.next(), gm, end)
		}
	}
	var vz strings.Builder
	vz.WriteString("melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin;toelichting\n")
	soorten := []string{"RELATIEF", "LUXE", "ABSOLUUT"}
	n = 0
	for gm, months := range c.verzuim {
		for m, per := range months {
			day := time.Date(2018, time.August, 10, 0, 0, 0, 0, time.UTC).AddDate(0, m, 0)
			for s, k := range per {
				for i := 0; i < k; i++ {
					n++
					fmt.Fprintf(&vz, "M%05d;%s;2008-04-04;%s;WPO;%s;%s;%s;8;00AA;\n", n, bsn.next(), gm, soorten[s],
						day.Format("2006-01-02"), day.AddDate(0, 0, -7).Format("2006-01-02"))
				}
			}
		}
	}
	return map[string]string{"thuiszitters_2019.csv": th.String(), "verzuimmeldingen_2018-2019.csv": vz.String()}
}

// loadSynthetic loads the case through the real loader into a temp DuckDB file, with a
// bestuur and an analist token.
func loadSynthetic(t *testing.T, c syntheticCase) *demoWarehouse {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour) // long unchanged: ready to load
	for name, data := range c.files() {
		p := filepath.Join(inbox, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	opts := etl.Options{Inbox: inbox, Key: []byte("api-test-synthetic-key-0123456789"), Job: "test"}
	if c.region != "" {
		p := filepath.Join(dir, "regio.csv")
		if err := os.WriteFile(p, []byte(c.region), 0o600); err != nil {
			t.Fatal(err)
		}
		var err error
		if opts.Region, err = etl.LoadRegion(p); err != nil {
			t.Fatal(err)
		}
	}
	db, err := warehouse.Open(ctx, filepath.Join(dir, "leerplein.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sum, err := etl.Run(ctx, db, opts)
	if err != nil {
		t.Fatalf("etl.Run: %v", err)
	}
	for _, f := range sum.Files {
		if f.Status != etl.StatusLoaded || f.Quarantined > 0 {
			t.Fatalf("input %s: status %s (%s), %d rows quarantined", f.Name, f.Status, f.Reason, f.Quarantined)
		}
	}
	w := &demoWarehouse{db: db, tokens: map[string]string{}, dir: dir}
	for _, r := range []string{"bestuur", "analist"} {
		if w.tokens[r], err = CreateToken(ctx, db, "test-"+r, r); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// uniform gives every gemeente of codes the same figures.
func uniform[T any](v T, codes ...string) map[string]T {
	out := map[string]T{}
	for _, c := range codes {
		out[c] = v
	}
	return out
}

// busy is a month pattern without small counts.
func busy() [12][3]int {
	var m [12][3]int
	for i := range m {
		m[i] = [3]int{20, 8, 6}
	}
	return m
}

var syntheticCodes = []string{"GM0001", "GM0002", "GM0003", "GM0004", "GM0005", "GM0006"}

func syntheticCases() []syntheticCase {
	region25 := []string{"GM0375", "GM0377", "GM0392", "GM0396", "GM0397", "GM0453", "GM0473"}
	zandvoort := uniform([2]int{12, 7}, region25...)
	zandvoort["GM0473"] = [2]int{1, 1}
	alone := uniform([2]int{15, 8}, syntheticCodes...)
	alone["GM0001"] = [2]int{2, 1} // Noorderkwartier is Noordstad
	rest := uniform([2]int{15, 8}, syntheticCodes...)
	rest["GM0003"] = [2]int{12, 10} // two episodes of at most three months
	luxe := uniform(busy(), syntheticCodes...)
	one := busy()
	one[3][1] = 1 // one luxury absence in November
	luxe["GM0004"] = one
	cases := []syntheticCase{
		{name: "one thuiszitter in Zandvoort", thuis: zandvoort, verzuim: uniform(busy(), region25...)},
		{name: "a sub-region of one gemeente", region: syntheticRegion, thuis: alone, verzuim: uniform(busy(), syntheticCodes...)},
		{name: "a small unpublished rest", region: syntheticRegion, thuis: rest, verzuim: uniform(busy(), syntheticCodes...)},
		{name: "one report in a month", region: syntheticRegion, thuis: uniform([2]int{15, 8}, syntheticCodes...), verzuim: luxe},
	}
	for seed := uint64(1); seed <= 3; seed++ {
		r := rand.New(rand.NewPCG(seed, 2019))
		c := syntheticCase{name: fmt.Sprintf("random %d", seed), region: syntheticRegion, thuis: map[string][2]int{}, verzuim: map[string][12][3]int{}}
		count := func() int {
			if r.IntN(3) == 0 {
				return 5 + r.IntN(30)
			}
			return r.IntN(6)
		}
		for _, gm := range syntheticCodes {
			n := count()
			c.thuis[gm] = [2]int{n, r.IntN(n + 1)}
			var m [12][3]int
			for i := range m {
				m[i] = [3]int{count(), count(), count()}
			}
			c.verzuim[gm] = m
		}
		cases = append(cases, c)
	}
	return cases
}

// TestSuppressionAttackSynthetic attacks small warehouses with a single small count
// each, and random ones.
func TestSuppressionAttackSynthetic(t *testing.T) {
	if testing.Short() {
		t.Skip("loads several warehouses through the loader")
	}
	for _, c := range syntheticCases() {
		t.Run(c.name, func(t *testing.T) {
			w := loadSynthetic(t, c)
			srv := New(w.db, Config{Version: "test"}, nil)
			ts := httptest.NewServer(srv.Handler())
			t.Cleanup(ts.Close)
			for _, f := range attackAPI(t, w, ts.URL) {
				t.Error(f)
			}
			gen, err := srv.cache.current(t.Context(), w.db, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			pat, err := gen.suppression(w.db, 5)
			if err != nil {
				t.Fatal(err)
			}
			hidden := 0
			for _, st := range pat.cells {
				if st.Hidden() {
					hidden++
				}
			}
			if hidden == 0 {
				t.Error("nothing is hidden: the case provokes nothing")
			}
			if strings.HasPrefix(c.name, "random") {
				return
			}
			// The case must give a count away when small counts are hidden one by one.
			naive := New(w.db, Config{Version: "test"}, nil)
			primaryOnly(t, naive)
			nts := httptest.NewServer(naive.Handler())
			t.Cleanup(nts.Close)
			if found := attackAPI(t, w, nts.URL); len(found) == 0 {
				t.Error("with the primary rule alone the attacker finds nothing: the case tests nothing")
			} else {
				t.Logf("primary rule alone: %s", found[0])
			}
		})
	}
}

// primaryOnly makes srv hide small counts one by one, without complementary
// suppression (as the API did before the load's pattern), to show what the attacker
// then finds.
func primaryOnly(t *testing.T, srv *Server) {
	t.Helper()
	gen, err := srv.cache.current(t.Context(), srv.db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	gen.patternMu.Lock()
	gen.pattern = &suppressionPattern{threshold: 5, cells: map[cellKey]warehouse.Suppression{}}
	gen.patternMu.Unlock()
}
