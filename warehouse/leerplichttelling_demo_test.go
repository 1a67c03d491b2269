package warehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestLeerplichttellingDemo checks the count and the public exports on the ten demo
// years: the groups add up to `alle` in every gemeente, the region counts each person
// once (never more than its gemeenten together), the region's figures equal what the
// analyst views and the annual report give, and both exports protected for publication
// pass the audit of TestExportOpenbaar.
func TestLeerplichttellingDemo(t *testing.T) {
	ctx := context.Background()
	db := loadDemo(t)
	for _, year := range []string{"2018-2019", "2023-2024"} {
		t.Run(year, func(t *testing.T) {
			telling, err := db.Leerplichttelling(ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			cell := map[[3]string]int64{}
			for _, c := range telling.Cells {
				cell[[3]string{c.Gemeente, c.Onderwijssoort, c.Indicator}] = c.Waarde
			}
			for _, ind := range warehouse.LeerplichtIndicatoren() {
				var sumGemeenten int64
				for _, g := range telling.Gebieden {
					if g.Code != warehouse.RegioCode {
						sumGemeenten += cell[[3]string{g.Code, "alle", ind.Key}]
					}
					if !ind.PerOnderwijssoort {
						continue
					}
					var groups int64
					for _, s := range []string{"po", "vso", "vo", "onbekend", "geen"} {
						groups += cell[[3]string{g.Code, s, ind.Key}]
					}
					if all := cell[[3]string{g.Code, "alle", ind.Key}]; groups != all {
						t.Errorf("%s %s: the groups add up to %d, alle is %d", g.Code, ind.Key, groups, all)
					}
				}
				if r := cell[[3]string{warehouse.RegioCode, "alle", ind.Key}]; r > sumGemeenten {
					t.Errorf("%s: region %d exceeds the gemeenten's %d", ind.Key, r, sumGemeenten)
				}
			}
			// The region, counted again from the analyst views: the gemeenten whose
			// leerplicht the bureau runs (the demo's IJmond has thuiszitters of its own).
			const ours = ` and gemeentecode in (select gemeentecode from analist.gemeenten where leerplicht_regionaal)`
			for ind, query := range map[string]string{
				"relatief_verzuim": `select count(distinct persoon_id) from analist.verzuimmeldingen
					where schooljaar = $1 and verzuimsoort in ('RELATIEF', 'LUXE') and leeftijd between 5 and 17` + ours,
				"luxe_verzuim": `select count(distinct persoon_id) from analist.verzuimmeldingen
					where schooljaar = $1 and verzuimsoort = 'LUXE' and leeftijd between 5 and 17` + ours,
				"langdurig_relatief_verzuim_langer_dan_3_maanden": `select count(distinct persoon_id) from analist.thuiszitters_per_schooljaar
					where schooljaar = $1 and soort = 'LANGDURIG_RELATIEF' and langer_dan_3_maanden and leeftijd between 5 and 17` + ours,
			} {
				var want int64
				if err := db.QueryRowContext(ctx, query, year).Scan(&want); err != nil {
					t.Fatal(err)
				}
				if got := cell[[3]string{warehouse.RegioCode, "alle", ind}]; got != want || want == 0 {
					t.Errorf("region %s = %d, the analyst views give %d (want equal and non-zero)", ind, got, want)
				}
			}
			// Exemptions are counted as tabel2 counts them.
			report, err := db.Jaarverslag(ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			tabel2 := map[string]int64{}
			for _, c := range report {
				if c.Tabel == "tabel2" {
					tabel2[c.Rij] = int64(c.Waarde.Float64())
				}
			}
			r := func(ind string) int64 { return cell[[3]string{warehouse.RegioCode, "alle", ind}] }
			for _, pair := range []struct {
				got  int64
				rij  string
				what string
			}{
				{r("vrijstelling_3a") + r("vrijstelling_3b"), "art_3a_3b", "3a + 3b"},
				{r("vrijstelling_5a"), "art_5a", "5a"}, {r("vrijstelling_5b"), "art_5b", "5b"},
				{r("vrijstelling_5c"), "art_5c", "5c"}, {r("vrijstelling_15"), "art_15", "15"},
			} {
				if pair.got != tabel2[pair.rij] {
					t.Errorf("vrijstellingen %s: %d, tabel2 %s: %d", pair.what, pair.got, pair.rij, tabel2[pair.rij])
				}
			}

			vsv, err := db.VSVExport(ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name   string
				export warehouse.Export
				rels   func(func(int, string, string) int, []warehouse.ExportTable) [][]int
			}{
				{"leerplichttelling", warehouse.LeerplichtExport(telling), leerplichtRelations},
				{"vsv", vsv, vsvRelations},
			} {
				t.Run(tc.name, func(t *testing.T) {
					e := tc.export
					start := time.Now()
					if err := e.Protect(5); err != nil {
						t.Fatal(err)
					}
					t.Logf("Protect: %v", time.Since(start))
					auditExport(t, e, tc.rels)
				})
			}
		})
	}
}
