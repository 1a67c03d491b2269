package api

import "time"

// milestone is a policy event shown as an annotation on every Grafana dashboard: a
// baseline year, a target date, a change in the law that breaks a trend.
type milestone struct {
	Start, End  time.Time // End == Start for a single date
	Title, Text string
	Tags        []string
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// milestones is the list of policy milestones, in date order. The baselines and the VSV
// goal follow definitions.md; the law changes mark where figures may not compare with
// earlier years. Policy staff keep this list: a change is an edit here and a release.
func milestones() []milestone {
	return []milestone{
		{
			Start: day(2016, time.August, 1), End: day(2017, time.July, 31),
			Title: "Nulmeting voortijdig schoolverlaten (2016-2017)",
			Text:  "Het aantal nieuwe voortijdig schoolverlaters moet 10% lager zijn dan in schooljaar 2016-2017.",
			Tags:  []string{"nulmeting", "vsv"},
		},
		{
			Start: day(2018, time.August, 1), End: day(2019, time.July, 31),
			Title: "Nulmeting regionaal convenant (2018-2019)",
			Text:  "Verzuimmeldingen, thuiszitters en thuiszitters langer dan drie maanden: het doel is 10% minder dan in schooljaar 2018-2019.",
			Tags:  []string{"nulmeting", "verzuim", "thuiszitters"},
		},
		{
			Start: day(2024, time.January, 1), End: day(2024, time.January, 1),
			Title: "VSV-doel 2024: hoogstens 500",
			Text:  "Doel van de regio: vanaf 2024 hoogstens 500 nieuwe voortijdig schoolverlaters per jaar.",
			Tags:  []string{"doel", "vsv"},
		},
		{
			Start: day(2025, time.August, 1), End: day(2025, time.August, 1),
			Title: "Wetswijziging: registreren en melden van verzuim",
			Text:  "Vanaf schooljaar 2025-2026 gelden nieuwe regels voor het registreren en melden van verzuim. Verzuimcijfers vanaf deze datum zijn niet zonder meer vergelijkbaar met eerdere jaren.",
			Tags:  []string{"wet", "verzuim"},
		},
		{
			Start: day(2026, time.January, 1), End: day(2026, time.January, 1),
			Title: "Wetswijziging: vrijstellingen en maatwerk",
			Text:  "Nieuwe regels voor vrijstellingen van de leerplicht en voor onderwijs op maat. Aantallen vrijstellingen en thuiszitters kunnen hierdoor verschuiven.",
			Tags:  []string{"wet", "vrijstellingen", "thuiszitters"},
		},
		{
			Start: day(2026, time.August, 1), End: day(2026, time.August, 1),
			Title: "Wetswijziging: regie op voortijdig schoolverlaten",
			Text:  "Vanaf schooljaar 2026-2027 wijzigt de RMC-taak voor jongeren zonder startkwalificatie. Cijfers van het Doorstroompunt kunnen hierdoor een trendbreuk tonen.",
			Tags:  []string{"wet", "vsv", "rmc"},
		},
	}
}
