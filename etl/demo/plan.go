package demo

// The plan: what every school year must show in the annual report. Cells of 2016-2017,
// 2017-2018 and 2018-2019 that appear in reference/seed_tables.csv are copied from it;
// everything else is a plausible trend. Later years are designed against the KPI
// targets of definitions.md: absence reports fall below 0.9 × 1498 in the covid years,
// rise above it again and fall below it from 2023-2024 on; homebound youths stay above
// 0.9 × 106 while those longer than 3 months get below 0.9 × 77 from 2023-2024; VSV
// stays under 500 and 10% below 2016-2017; VO beats the national rate while MBO does
// not; and the share of homebound youths with an offer within 3 months stays below 100%.
//
// The years after the plan (2025-2026 … 2030-2031) continue the trends: absence reports
// keep falling slowly, but the law of 2026 adds the reports of youths aged 23 to 26 (so
// the covenant's target, set on 18- to 22-year-olds, is missed from 2026-2027 on); the
// homebound youths fall below 0.9 × 106 in 2028-2029; VSV keeps falling; and the
// Doorstroompunt's caseload grows with its new target group. The seasons stay those of
// the earlier years, so a forecast from the share of the year reached by a day holds.

// onderwijs lists the school types in the column order of tabel1 and tabel3.
func onderwijs() [6]string { return [6]string{"WPO", "WEC", "WVO", "WEB", "ONBEKEND", "GEEN"} }

// seedTabel1 is tabel1 of 2018-2019 (peildatum 1 October 2018), by row and school type.
func seedTabel1(row string) [6]int {
	switch row {
	case "jongens_5_18":
		return [6]int{9394, 461, 6565, 772, 50, 89}
	case "meisjes_5_18":
		return [6]int{9085, 138, 6670, 632, 38, 65}
	case "18_23_zk":
		return [6]int{0, 15, 506, 2477, 18, 8501}
	case "18_23_ijmond":
		return [6]int{0, 13, 177, 2037, 1, 6339}
	}
	panic("demo: no tabel1 row " + row)
}

// seedTabel1Totaal is the row total of a seed tabel1 row.
func seedTabel1Totaal(row string) int {
	n := 0
	for _, v := range seedTabel1(row) {
		n += v
	}
	return n
}

// t3row is a row of tabel3: the verzuimsoort and the age band / sub-region it counts.
type t3row struct {
	name, soort string
	adult       bool   // 18 to 22 on meldingsdatum (else under 18)
	sub         string // zk / ijmond; minors are all Zuid-Kennemerland (IJmond runs leerplicht itself)
}

// tabel3Rows are the counted rows of tabel3.
func tabel3Rows() []t3row {
	return []t3row{
		{"relatief", "RELATIEF", false, "zk"},
		{"relatief_18plus_zk", "RELATIEF", true, "zk"},
		{"luxe", "LUXE", false, "zk"},
		{"absoluut", "ABSOLUUT", false, "zk"},
		{"relatief_18plus_ijmond", "RELATIEF", true, "ijmond"},
	}
}

// seedTabel3 is tabel3 of 2018-2019, in the order of tabel3Rows.
func seedTabel3() [5][6]int {
	return [5][6]int{
		{38, 62, 272, 309, 4, 0},
		{0, 0, 17, 205, 128, 0},
		{125, 4, 27, 9, 1, 0},
		{4, 2, 9, 7, 0, 11},
		{0, 1, 11, 251, 1, 0},
	}
}

// verzuimFactor scales the 2018-2019 absence reports to other years: lower before the
// covenant, a dip in the covid years, a rise and then the covenant's 10% reduction.
func verzuimFactor(y int) float64 {
	return map[int]float64{2015: 1.04, 2016: 1.01, 2017: 0.99, 2018: 1, 2019: 0.81, 2020: 0.74,
		2021: 0.94, 2022: 0.97, 2023: 0.88, 2024: 0.86,
		2025: 0.85, 2026: 0.84, 2027: 0.84, 2028: 0.83, 2029: 0.82, 2030: 0.82}[y]
}

// luxeFactor adds the travel pattern to luxe reports: no trips in covid, catching up after.
func luxeFactor(y int) float64 {
	return map[int]float64{2015: 1.05, 2016: 1.02, 2017: 1, 2018: 1, 2019: 0.7, 2020: 0.45,
		2021: 0.9, 2022: 1.25, 2023: 1.08, 2024: 1.04,
		2025: 1.02, 2026: 1.01, 2027: 1, 2028: 0.99, 2029: 0.99, 2030: 0.98}[y]
}

// lawReports is the number of RELATIEF reports of youths aged 23 to 26 in sub-region sub
// in year y, which the law of 2026 brings: none before 2025-2026, about seven months'
// worth in 2025-2026 (from 1 January 2026), then a full year falling with the others.
func lawReports(y int, sub string) int {
	v := map[int][2]int{2025: {72, 58}, 2026: {121, 98}, 2027: {124, 100}, 2028: {122, 98},
		2029: {120, 97}, 2030: {119, 96}}[y]
	if sub == "zk" {
		return v[0]
	}
	return v[1]
}

// over22Reports are the school types of origin of the reports of youths aged 23 to 26:
// mbo students nearly all, a few at vavo (WVO) or unknown; never primary or special.
func over22Reports() []float64 { return []float64{0, 0, 0.04, 0.88, 0.08, 0} }

// over22Extract are the school types of youths aged 23 to 26 in the BRP extract: most
// are out of school (GEEN), some still at mbo.
func over22Extract() []float64 { return []float64{0, 0.002, 0.004, 0.075, 0.003, 0.916} }

// tabel3Plan returns the counted reports of year y: per tabel3 row and school type.
func tabel3Plan(y int) [5][6]int {
	if y == 2018 {
		return seedTabel3()
	}
	r := rng("tabel3", y)
	var out [5][6]int
	for i, row := range tabel3Rows() {
		f := verzuimFactor(y)
		if row.soort == "LUXE" {
			f *= luxeFactor(y)
		}
		for j, v := range seedTabel3()[i] {
			out[i][j] = int(float64(v)*f*(0.93+0.14*r.Float64()) + 0.5)
		}
	}
	return out
}

// haltPV is tabel4 of a year: HALT and PV per verzuimsoort of the report.
type haltPV struct{ haltRel, pvRel, pvLuxe, pvAbs int }

// haltPVPlan gives tabel4 per year (2017-2018 and 2018-2019 from the seed).
func haltPVPlan(y int) haltPV {
	return map[int]haltPV{
		2015: {52, 44, 68, 2}, 2016: {47, 42, 64, 1}, 2017: {40, 40, 61, 0}, 2018: {66, 47, 43, 4},
		2019: {41, 33, 22, 2}, 2020: {38, 30, 14, 3}, 2021: {55, 41, 38, 2}, 2022: {61, 45, 49, 3},
		2023: {58, 43, 45, 2}, 2024: {54, 40, 41, 3}, 2025: {52, 39, 40, 2}, 2026: {51, 38, 39, 3},
		2027: {49, 37, 38, 2}, 2028: {48, 36, 37, 2}, 2029: {47, 36, 36, 3}, 2030: {46, 35, 35, 2},
	}[y]
}

// afdoeningen lists PV outcomes in tabel5's column order (leerstraf, geldboete,
// taakstraf, overig); HALT is always a leerstraf.
func afdoeningen() [4]string { return [4]string{"LEERSTRAF", "GELDBOETE", "TAAKSTRAF", "OVERIG"} }

// pvOutcomes gives the counts of PV outcomes per verzuimsoort in year y: exact for
// 2018-2019 (tabel5 of the seed: one relatief PV ended in a leerstraf), drawn from
// typical shares otherwise.
func pvOutcomes(y int, soort string, n int) [4]int {
	if y == 2018 {
		switch soort {
		case "RELATIEF":
			return [4]int{1, 3, 13, 30}
		case "LUXE":
			return [4]int{0, 23, 2, 18}
		case "ABSOLUUT":
			return [4]int{0, 0, 1, 3}
		}
	}
	w := map[string][]float64{
		"RELATIEF": {0.02, 0.07, 0.28, 0.63},
		"LUXE":     {0, 0.55, 0.05, 0.40},
		"ABSOLUUT": {0, 0, 0.25, 0.75},
	}[soort]
	var out [4]int
	copy(out[:], apportion(n, w))
	return out
}

// artikelen are the exemption articles in tabel2's row order (3A and 3B share a row).
func artikelen() [8]string { return [8]string{"3A", "3B", "5A", "5B", "5C", "11F", "11G", "15"} }

// vrijstellingPlan gives tabel2 per year in the order of artikelen.
func vrijstellingPlan(y int) [8]int {
	return map[int][8]int{
		2015: {0, 1, 79, 12, 21, 0, 16, 29}, 2016: {0, 0, 75, 13, 24, 1, 14, 31},
		2017: {0, 0, 72, 13, 26, 0, 13, 34}, 2018: {0, 0, 61, 14, 38, 0, 4, 32},
		2019: {0, 0, 66, 12, 33, 0, 7, 30}, 2020: {0, 1, 71, 15, 29, 0, 9, 28},
		2021: {0, 0, 74, 14, 35, 0, 8, 33}, 2022: {0, 0, 78, 16, 37, 1, 10, 31},
		2023: {0, 0, 81, 15, 40, 0, 9, 35}, 2024: {0, 0, 84, 17, 39, 0, 11, 34},
		2025: {0, 0, 86, 16, 41, 0, 10, 35}, 2026: {0, 1, 88, 17, 42, 0, 11, 36},
		2027: {0, 0, 90, 16, 43, 1, 10, 35}, 2028: {0, 0, 91, 18, 44, 0, 12, 37},
		2029: {0, 0, 93, 17, 45, 0, 11, 36}, 2030: {0, 0, 94, 18, 46, 0, 12, 38},
	}[y]
}

// tzTarget is tabel6 for one year and sub-region. absoluut < 0 leaves the split free.
type tzTarget struct{ thuiszitters, langer, opgelost, absoluut int }

// thuiszitterPlan gives tabel6 per year and sub-region (2017-2018 and 2018-2019 seed).
func thuiszitterPlan(y int, sub string) tzTarget {
	zk := map[int]tzTarget{
		2015: {98, 80, 40, -1}, 2016: {101, 84, 41, -1}, 2017: {93, 79, 38, -1}, 2018: {72, 51, 28, 37},
		2019: {68, 49, 27, -1}, 2020: {73, 52, 28, -1}, 2021: {78, 56, 30, -1}, 2022: {75, 50, 31, -1},
		2023: {70, 46, 30, -1}, 2024: {69, 45, 28, -1}, 2025: {68, 44, 28, -1}, 2026: {68, 44, 29, -1},
		2027: {67, 43, 29, -1}, 2028: {66, 42, 28, -1}, 2029: {66, 41, 29, -1}, 2030: {65, 41, 28, -1},
	}
	ij := map[int]tzTarget{
		2015: {37, 29, 15, -1}, 2016: {40, 31, 16, -1}, 2017: {39, 30, 17, -1}, 2018: {34, 26, 15, 22},
		2019: {30, 21, 14, -1}, 2020: {31, 22, 13, -1}, 2021: {34, 23, 15, -1}, 2022: {33, 22, 15, -1},
		2023: {31, 20, 14, -1}, 2024: {30, 19, 13, -1}, 2025: {30, 19, 13, -1}, 2026: {30, 19, 14, -1},
		2027: {29, 18, 13, -1}, 2028: {29, 18, 13, -1}, 2029: {29, 17, 13, -1}, 2030: {28, 17, 12, -1},
	}
	if sub == "zk" {
		return zk[y]
	}
	return ij[y]
}

// aanbodShare is the share of new homebound episodes with an offer within 3 months.
func aanbodShare(y int) float64 {
	return map[int]float64{2015: 0.62, 2016: 0.66, 2017: 0.70, 2018: 0.74, 2019: 0.71, 2020: 0.78,
		2021: 0.83, 2022: 0.86, 2023: 0.89, 2024: 0.91, 2025: 0.92, 2026: 0.93, 2027: 0.93, 2028: 0.94,
		2029: 0.94, 2030: 0.95}[y]
}

// rmcResults are the trajectory results in tabel9's row order.
func rmcResults() [8]string {
	return [8]string{"SCHOLING", "WERK_SCHOLING", "STAGE_WET", "OPVANG", "WERK", "NIET_HERPLAATST", "GEEN_RMC", "OVERIG"}
}

// t9col is one column of tabel9: trajectories per result, and still running at end(Y).
type t9col struct {
	results               [8]int
	monitoring, inTraject int
}

func (c t9col) total() int {
	n := c.monitoring + c.inTraject
	for _, v := range c.results {
		n += v
	}
	return n
}

// seedTabel9 gives tabel9 of 2017-2018 and 2018-2019 (voor_verslagjaar, nieuw).
func seedTabel9(y int) (voor, nieuw t9col, ok bool) {
	switch y {
	case 2017:
		return t9col{[8]int{77, 1, 3, 28, 71, 5, 0, 16}, 201, 383},
			t9col{[8]int{333, 14, 20, 53, 305, 269, 21, 51}, 0, 43}, true
	case 2018:
		return t9col{[8]int{103, 2, 4, 5, 120, 93, 92, 37}, 88, 169},
			t9col{[8]int{261, 7, 16, 10, 343, 218, 49, 34}, 63, 403}, true
	}
	return t9col{}, t9col{}, false
}

// rmcTrend gives, for years without a seed tabel9, the caseload (tabel8; 2016-2017 is
// the seed's 1480) and how many trajectories still run at end(Y), of which monitoring.
// From 2025-2026 the caseload grows with the youths aged 23 to 26 of the law of 2026.
func rmcTrend(y int) (total, running, monitoring int) {
	v := map[int][3]int{
		2015: {1390, 640, 190}, 2016: {1480, 700, 215},
		2019: {2050, 760, 160}, 2020: {2180, 800, 170}, 2021: {2240, 790, 165},
		2022: {2300, 770, 160}, 2023: {2260, 760, 150}, 2024: {2210, 740, 150},
		2025: {2290, 780, 150}, 2026: {2520, 850, 155}, 2027: {2590, 870, 160},
		2028: {2610, 880, 160}, 2029: {2600, 875, 155}, 2030: {2580, 870, 155},
	}[y]
	return v[0], v[1], v[2]
}

// over22Share is the share of the new regular trajectories of year y that are of youths
// aged 23 to 26: from 1 January 2026 on, so about half as many in 2025-2026.
func over22Share(y int) float64 {
	if y == schoolYear(lawDay()) {
		return 0.08
	}
	return 0.17
}

// rmcResultWeights are the typical shares of results of ending trajectories.
func rmcResultWeights() []float64 { return []float64{0.25, 0.01, 0.02, 0.03, 0.29, 0.20, 0.11, 0.09} }

// vsvRow is one published VSV figure.
type vsvRow struct {
	gebied, sector     string
	deelnemers, vsvers int
}

// vsvFigures are the definitive (or, for 2017-2018 and 2023-2024, the only provisional)
// VSV figures per school year. 2017-2018 is the seed: VO and MBO for the region, all
// sectors and the total nationally. Regional totals: 585, 556, 523, 489, 431, 452, 497,
// 486, 478, then 470 falling to 435 in 2030-2031 — under 500 and at least 10% below
// 2016-2017 from 2018-2019 on. VO stays under the national rate, MBO above it.
func vsvFigures(y int) []vsvRow {
	if y == 2017 {
		return []vsvRow{
			{"REGIO", "VO", 22122, 97}, {"REGIO", "MBO", 6812, 426},
			{"LANDELIJK", "VO", 946195, 4796}, {"LANDELIJK", "MBO", 397409, 19980},
			{"LANDELIJK", "VAVO", 7758, 798}, {"LANDELIJK", "TOTAAL", 1351362, 25574},
		}
	}
	reg := map[int][3][2]int{ // VO, MBO, VAVO: deelnemers, vsvers
		2015: {{22391, 121}, {6702, 447}, {318, 17}}, 2016: {{22264, 109}, {6745, 431}, {305, 16}},
		2018: {{22040, 88}, {6877, 386}, {297, 15}}, 2019: {{21986, 71}, {6931, 347}, {289, 13}},
		2020: {{21893, 79}, {7012, 358}, {301, 15}}, 2021: {{21810, 93}, {7088, 388}, {296, 16}},
		2022: {{21702, 90}, {7140, 381}, {288, 15}}, 2023: {{21655, 86}, {7177, 377}, {291, 15}},
		2024: {{21610, 84}, {7210, 372}, {287, 14}}, 2025: {{21570, 83}, {7236, 366}, {284, 14}},
		2026: {{21520, 81}, {7260, 361}, {282, 14}}, 2027: {{21480, 80}, {7281, 357}, {280, 13}},
		2028: {{21440, 79}, {7300, 352}, {279, 13}}, 2029: {{21400, 78}, {7318, 349}, {277, 13}},
		2030: {{21360, 77}, {7335, 345}, {276, 13}},
	}[y]
	nat := map[int][3][2]int{
		2015: {{951384, 5342}, {409110, 21420}, {8120, 851}}, 2016: {{948712, 5104}, {401256, 20633}, {7911, 822}},
		2018: {{942360, 4615}, {398940, 19610}, {7604, 781}}, 2019: {{940115, 3911}, {402871, 16876}, {7580, 702}},
		2020: {{937802, 4187}, {408344, 17902}, {7652, 724}}, 2021: {{934550, 4760}, {411205, 19544}, {7713, 768}},
		2022: {{930182, 4702}, {413890, 19820}, {7689, 771}}, 2023: {{927004, 4655}, {415320, 19775}, {7702, 760}},
		2024: {{924310, 4610}, {416900, 19702}, {7690, 755}}, 2025: {{921500, 4570}, {418200, 19630}, {7675, 750}},
		2026: {{918700, 4530}, {419400, 19560}, {7660, 744}}, 2027: {{915800, 4490}, {420500, 19490}, {7648, 739}},
		2028: {{912900, 4450}, {421500, 19420}, {7635, 733}}, 2029: {{910000, 4410}, {422400, 19350}, {7622, 728}},
		2030: {{907100, 4370}, {423200, 19280}, {7610, 722}},
	}[y]
	var out []vsvRow
	for _, g := range []struct {
		name string
		v    [3][2]int
	}{{"REGIO", reg}, {"LANDELIJK", nat}} {
		td, tv := 0, 0
		for i, s := range []string{"VO", "MBO", "VAVO"} {
			out = append(out, vsvRow{g.name, s, g.v[i][0], g.v[i][1]})
			td += g.v[i][0]
			tv += g.v[i][1]
		}
		out = append(out, vsvRow{g.name, "TOTAAL", td, tv})
	}
	return out
}
