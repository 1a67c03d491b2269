package warehouse

import (
	"fmt"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
)

// allFilters are the filters of a KPI whose rows carry a gemeente.
func allFilters() []string {
	return []string{FilterSubregio, FilterGemeente, FilterVan, FilterTot}
}

// regionalFilters are the filters of a KPI from the DUO figures, which are regional.
func regionalFilters() []string { return []string{FilterVan, FilterTot} }

func reduction(baseline, textNL, textEN string) TargetRule {
	return TargetRule{Kind: TargetReduction, BaselineYear: baseline, Reduction: 0.10, TextNL: textNL, TextEN: textEN}
}

func noTarget() TargetRule {
	return TargetRule{Kind: TargetNone, TextNL: "Geen doel: contextgegeven.", TextEN: "No target: context figure."}
}

// KPICatalogue lists every KPI of definitions.md in the order the board reads them:
// first those with a target, then the context figures.
func KPICatalogue() []KPIDef {
	return []KPIDef{
		{
			ID: "verzuim_meldingen", Unit: UnitCount,
			TitleNL: "Verzuimmeldingen", TitleEN: "Absence reports",
			DescriptionNL: "Meldingen van ongeoorloofd verzuim in het schooljaar (relatief, luxe en absoluut verzuim tot 18 jaar, relatief verzuim 18 t/m 22 jaar tot en met 31-12-2025 en 18 t/m 26 jaar vanaf 1-1-2026; geen signaalverzuim).",
			DescriptionEN: "Reports of unauthorised absence in the school year (relative, luxury and absolute absence under 18, relative absence aged 18 to 22 up to 31-12-2025 and 18 to 26 from 1-1-2026; no signal reports).",
			Target:        reduction("2018-2019", "10% minder dan in schooljaar 2018-2019 (regionaal convenant).", "10% below school year 2018-2019 (regional covenant)."),
			Filters:       allFilters(), Source: "tabel3 totaal/totaal", Query: "metrics/verzuim_meldingen.sql",
			calc: kpiCalc{table: "verzuim_meldingen", num: "aantal", figuren: []string{FiguurVerzuimLeerplicht, FiguurVerzuimDoorstroompunt}, regel: "doorstroompunt"},
		},
		{
			ID: "thuiszitters", Unit: UnitCount,
			TitleNL: "Thuiszitters", TitleEN: "Homebound youths",
			DescriptionNL: "Thuiszittersepisodes (absoluut en langdurig relatief verzuim) van leerplichtigen van 5 t/m 17 jaar die in het schooljaar liepen.",
			DescriptionEN: "Homebound episodes (absolute and long-term relative absence) of youths aged 5 to 17 that were active in the school year.",
			Target:        reduction("2018-2019", "10% minder dan in schooljaar 2018-2019.", "10% below school year 2018-2019."),
			Filters:       allFilters(), Source: "tabel6 thuiszitters/totaal", Query: "metrics/thuiszitters.sql",
			calc: kpiCalc{table: "thuiszitters", num: "thuiszitters", figuren: []string{FiguurThuiszitters}},
		},
		{
			ID: "thuiszitters_langer_dan_3_maanden", Unit: UnitCount,
			TitleNL: "Thuiszitters langer dan 3 maanden", TitleEN: "Homebound longer than 3 months",
			DescriptionNL: "Thuiszittersepisodes in het schooljaar die langer dan drie maanden duurden (een lopende episode gemeten tot 31 juli).",
			DescriptionEN: "Homebound episodes active in the school year that lasted longer than three months (an ongoing episode measured to 31 July).",
			Target:        reduction("2018-2019", "10% minder dan in schooljaar 2018-2019.", "10% below school year 2018-2019."),
			Filters:       allFilters(), Source: "tabel6 langer_dan_3_maanden/totaal", Query: "metrics/thuiszitters.sql",
			PartOf: "thuiszitters",
			calc:   kpiCalc{table: "thuiszitters", num: "langer_dan_3_maanden", figuren: []string{FiguurThuiszitters}},
		},
		{
			ID: "thuiszitters_aanbod_binnen_3_maanden_pct", Unit: UnitPercent,
			TitleNL: "Thuiszitters met aanbod binnen 3 maanden", TitleEN: "Homebound youths offered a place within 3 months",
			DescriptionNL: "Van de thuiszittersepisodes die in het schooljaar begonnen: het percentage met een aanbod (onderwijs of zorg) uiterlijk drie maanden na de start.",
			DescriptionEN: "Of the homebound episodes that started in the school year: the percentage with an offer (education or care) at most three months after the start.",
			Target:        TargetRule{Kind: TargetMinPct, Limit: ptr(100.0), TextNL: "100%: elke thuiszitter binnen drie maanden een aanbod.", TextEN: "100%: every homebound youth offered a place within three months."},
			Filters:       allFilters(), Source: "not a report cell: episodes of tabel6's population with startdatum in the year", Query: "metrics/thuiszitters_aanbod_binnen_3_maanden.sql",
			calc: kpiCalc{table: "thuiszitters_aanbod_binnen_3_maanden", num: "binnen_3_maanden", den: "gestart", figuren: []string{FiguurThuiszitters}},
		},
		{
			ID: "vsv_nieuw", Unit: UnitCount,
			TitleNL: "Nieuwe voortijdig schoolverlaters", TitleEN: "New early school leavers",
			DescriptionNL: "Nieuwe voortijdig schoolverlaters in de regio (vo, mbo en vavo samen), volgens de cijfers van DUO/OCW.",
			DescriptionEN: "New early school leavers in the region (secondary, vocational and adult education together), from the DUO/OCW figures.",
			Target: TargetRule{Kind: TargetMaxAndReduction, BaselineYear: "2016-2017", Reduction: 0.10, Limit: ptr(500.0),
				TextNL: "Hoogstens 500 nieuwe voortijdig schoolverlaters, en 10% minder dan in schooljaar 2016-2017.",
				TextEN: "At most 500 new early school leavers, and 10% below school year 2016-2017."},
			Filters: regionalFilters(), Source: "tabel7 totaal_regio/vsvers", Query: "metrics/vsv.sql",
			calc: kpiCalc{vsvSector: "TOTAAL", figuren: []string{FiguurVSV}},
		},
		{
			ID: "vsv_pct_vo", Unit: UnitPercent,
			TitleNL: "Voortijdig schoolverlaten vo (%)", TitleEN: "Early school leaving, secondary (%)",
			DescriptionNL: "Percentage nieuwe voortijdig schoolverlaters in het voortgezet onderwijs in de regio.",
			DescriptionEN: "Percentage of new early school leavers in secondary education in the region.",
			Target:        TargetRule{Kind: TargetNational, TextNL: "Gelijk aan of lager dan het landelijk percentage van hetzelfde jaar.", TextEN: "At or below the national percentage of the same year."},
			Filters:       regionalFilters(), Source: "tabel7 vo_regio/vsv_pct", Query: "metrics/vsv.sql",
			calc: kpiCalc{vsvSector: "VO", figuren: []string{FiguurVSV}},
		},
		{
			ID: "vsv_pct_mbo", Unit: UnitPercent,
			TitleNL: "Voortijdig schoolverlaten mbo (%)", TitleEN: "Early school leaving, vocational (%)",
			DescriptionNL: "Percentage nieuwe voortijdig schoolverlaters in het mbo in de regio.",
			DescriptionEN: "Percentage of new early school leavers in vocational education (mbo) in the region.",
			Target:        TargetRule{Kind: TargetNational, TextNL: "Gelijk aan of lager dan het landelijk percentage van hetzelfde jaar.", TextEN: "At or below the national percentage of the same year."},
			Filters:       regionalFilters(), Source: "tabel7 mbo_regio/vsv_pct", Query: "metrics/vsv.sql",
			calc: kpiCalc{vsvSector: "MBO", figuren: []string{FiguurVSV}},
		},
		{
			ID: "rmc_ers", Unit: UnitCount,
			TitleNL: "RMC-trajecten (Doorstroompunt)", TitleEN: "RMC trajectories (Doorstroompunt)",
			DescriptionNL: "Trajecten van het Doorstroompunt/RMC die in het schooljaar liepen.",
			DescriptionEN: "Doorstroompunt/RMC trajectories active in the school year.",
			Target:        noTarget(),
			Filters:       allFilters(), Source: "tabel8 rmc_ers/aantal", Query: "metrics/rmc.sql",
			calc: kpiCalc{table: "rmc", num: "trajecten", figuren: []string{FiguurRMCTrajecten}},
		},
		{
			ID: "rmc_herplaatst_pct", Unit: UnitPercent,
			TitleNL: "RMC: herplaatst (%)", TitleEN: "RMC: placed (%)",
			DescriptionNL: "Van de RMC-trajecten die in het schooljaar afliepen: het percentage met scholing (ook werk met scholing, stage, opvang) of werk als resultaat.",
			DescriptionEN: "Of the RMC trajectories that ended in the school year: the percentage whose result was schooling (including work with schooling, internship, care) or work.",
			Target:        noTarget(),
			Filters:       allFilters(), Source: "100 · (tabel9 subtotaal_scholing + werk) / (totaal − subtotaal_monitoring), column totaal", Query: "metrics/rmc.sql",
			calc: kpiCalc{table: "rmc", num: "herplaatst", den: "afgerond", figuren: []string{FiguurRMCTrajecten}},
		},
		{
			ID: "jikp", Unit: UnitCount,
			TitleNL: "JIKP-trajecten (Doorstroompunt)", TitleEN: "JIKP trajectories (Doorstroompunt)",
			DescriptionNL: "Trajecten van het Doorstroompunt/RMC met specialisatie JIKP die in het schooljaar liepen.",
			DescriptionEN: "Doorstroompunt/RMC trajectories with specialisation JIKP active in the school year.",
			Target:        noTarget(),
			Filters:       allFilters(), Source: "not a report cell: trajectories of tabel8's rmc_ers/aantal with specialisatie JIKP", Query: "metrics/rmc.sql",
			PartOf: "rmc_ers",
			calc:   kpiCalc{table: "rmc", num: "jikp", figuren: []string{FiguurRMCTrajecten}},
		},
		{
			ID: "onderwijs_of_werk_pct", Unit: UnitPercent,
			TitleNL: "RMC: naar onderwijs of werk (%)", TitleEN: "RMC: to education or work (%)",
			DescriptionNL: "Van de RMC-trajecten die in het schooljaar afliepen: het percentage met scholing (ook werk met scholing en stage) of werk als resultaat, zonder opvang. Eén decimaal.",
			DescriptionEN: "Of the RMC trajectories that ended in the school year: the percentage whose result was schooling (including work with schooling and internship) or work, not care. One decimal.",
			Target:        noTarget(),
			Filters:       allFilters(), Source: "100 · (tabel9 scholing + werk_scholing + stage_wet + werk) / (totaal − subtotaal_monitoring), column totaal", Query: "metrics/rmc.sql",
			calc: kpiCalc{table: "rmc", num: "onderwijs_of_werk", den: "afgerond", figuren: []string{FiguurRMCTrajecten}, decimals: 1},
		},
		{
			ID: "vrijstellingen", Unit: UnitCount,
			TitleNL: "Vrijstellingen", TitleEN: "Exemptions",
			DescriptionNL: "Vrijstellingen van de leerplicht met een besluitdatum in het schooljaar (5 t/m 17 jaar).",
			DescriptionEN: "Exemptions from compulsory education decided in the school year (ages 5 to 17).",
			Target:        noTarget(),
			Filters:       allFilters(), Source: "tabel2 totaal/aantal", Query: "metrics/vrijstellingen.sql",
			calc: kpiCalc{table: "vrijstellingen", num: "aantal", figuren: []string{FiguurVrijstellingen}},
		},
		{
			ID: "halt_pv", Unit: UnitCount,
			TitleNL: "Halt-verwijzingen en processen-verbaal", TitleEN: "HALT referrals and official reports",
			DescriptionNL: "Halt-verwijzingen en processen-verbaal wegens verzuim in het schooljaar (jongeren tot 18 jaar).",
			DescriptionEN: "HALT referrals and official reports for absence in the school year (youths under 18).",
			Target:        noTarget(),
			Filters:       allFilters(), Source: "tabel4 totaal/totaal", Query: "metrics/halt_pv.sql",
			calc: kpiCalc{table: "halt_pv", num: "aantal", figuren: []string{FiguurMaatregelen}},
		},
	}
}

// LookupKPI returns the catalogue entry of id, or ErrNotFound.
func LookupKPI(id string) (KPIDef, error) {
	for _, d := range KPICatalogue() {
		if d.ID == id {
			return d, nil
		}
	}
	return KPIDef{}, fmt.Errorf("warehouse: kpi %q: %w", id, ErrNotFound)
}

// KPIQueryText is the SQL of the metric a KPI is counted from (sql/metrics/…), as an
// analyst reads it: its comment states the counting rule.
func KPIQueryText(id string) (string, error) {
	def, err := LookupKPI(id)
	if err != nil {
		return "", err
	}
	body, err := sqlfiles.FS.ReadFile(def.Query)
	if err != nil {
		return "", fmt.Errorf("warehouse: kpi %s: %w", id, err)
	}
	return string(body), nil
}
