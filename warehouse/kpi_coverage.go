package warehouse

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// CoverageNote says what a KPI over an area covers when it leaves gemeenten, or a part of
// their figures, out (definitions.md, "Mixed areas"): "IJmond: alleen meldingen van 18
// jaar en ouder; leerplicht wordt daar lokaal uitgevoerd". It is also the reason behind
// every niet_van_toepassing point of the series.
type CoverageNote struct {
	NL, EN    string             // every sentence, joined
	Sentences []CoverageSentence // one per reason and run of school years
	Excluded  []ExcludedSpan     // what is left out, per gemeente, figure and reason
}

// CoverageSentence is one sentence of a coverage note: what it says, in Dutch and
// English, for which reason and school years (a tile of one school year shows the
// sentences that hold for it).
type CoverageSentence struct {
	Reden    string
	Van, Tot string
	NL, EN   string
}

// ExcludedSpan is a gemeente whose rows of one figure of a KPI are not counted over a run
// of consecutive school years, and why.
type ExcludedSpan struct {
	Gemeente, Naam string
	Figuur         string // sql/marts/03_figuren.sql
	Reden          string // bestond_niet or leerplicht_lokaal
	Van, Tot       string // the first and last school year of the run
}

// onderwerpEN is leerplichtOnderwerp in English.
var onderwerpEN = map[string]string{
	FiguurVerzuimLeerplicht: "reports of youths under 18",
	FiguurVrijstellingen:    "exemptions",
	FiguurMaatregelen:       "measures (HALT referrals and official reports)",
}

// geteldDeel names what a figure counts when it is the part of a KPI that is still
// counted for a gemeente whose other part is not (Dutch, English).
var geteldDeel = map[string][2]string{
	FiguurVerzuimDoorstroompunt: {"de meldingen van jongeren van 18 jaar en ouder", "reports of youths aged 18 and over"},
}

// CoverageNote is what KPI id over filter f leaves out in the school years of f, with a
// Dutch and an English sentence for each reason; nil when it leaves nothing out.
func (s *KPISnapshot) CoverageNote(id string, f KPIFilter) (*CoverageNote, error) {
	def, rf, err := s.resolve(id, f)
	if err != nil {
		return nil, err
	}
	return s.coverageNote(def, rf), nil
}

// coverageNote is CoverageNote for a resolved filter.
func (s *KPISnapshot) coverageNote(def KPIDef, rf KPIFilter) *CoverageNote {
	years := s.yearsBetween(rf.Van, rf.Tot)
	spans := s.excludedSpans(def, years, rf)
	if len(spans) == 0 {
		return nil
	}
	whole := func(sp ExcludedSpan) bool { return sp.Van == years[0] && sp.Tot == years[len(years)-1] }
	var sentences []CoverageSentence
	say := func(reden, van, tot, nl, en string) {
		sentences = append(sentences, CoverageSentence{Reden: reden, Van: van, Tot: tot, NL: nl, EN: en})
	}
	// Leerplicht run locally: one sentence per figure and run of years.
	type group struct{ figuur, van, tot string }
	lokaal := map[group][]string{}
	var order []group
	for _, sp := range spans {
		if sp.Reden != redenLeerplichtLokaal {
			continue
		}
		g := group{sp.Figuur, sp.Van, sp.Tot}
		if _, ok := lokaal[g]; !ok {
			order = append(order, g)
		}
		lokaal[g] = append(lokaal[g], sp.Naam)
	}
	for _, g := range order {
		names := lokaal[g]
		wanneerNL, wanneerEN := "", ""
		if !whole(ExcludedSpan{Van: g.van, Tot: g.tot}) {
			wanneerNL, wanneerEN = " ("+jarenNL(g.van, g.tot)+")", " ("+jarenEN(g.van, g.tot)+")"
		}
		verb := "voert"
		if len(names) > 1 {
			verb = "voeren"
		}
		rest := s.countedParts(def, g.figuur)
		if len(rest) > 0 {
			var restNL, restEN []string
			for _, r := range rest {
				restNL, restEN = append(restNL, r[0]), append(restEN, r[1])
			}
			say(redenLeerplichtLokaal, g.van, g.tot,
				fmt.Sprintf("%s %s de leerplicht zelf uit: van %s tellen alleen %s mee%s.",
					tekst.Opsomming(names), verb, gemeenteWoord(names), tekst.Opsomming(restNL), wanneerNL),
				fmt.Sprintf("%s %s compulsory education themselves: of %s only %s are counted%s.",
					tekst.List(names), runWord(len(names)), theseWord(len(names)), tekst.List(restEN), wanneerEN))
			continue
		}
		say(redenLeerplichtLokaal, g.van, g.tot,
			fmt.Sprintf("%s %s de leerplicht zelf uit: %s van %s tellen hier niet mee (n.v.t.)%s.",
				tekst.Opsomming(names), verb, leerplichtOnderwerp[g.figuur], gemeenteWoord(names), wanneerNL),
			fmt.Sprintf("%s %s compulsory education themselves: %s there are not counted here (not applicable)%s.",
				tekst.List(names), runWord(len(names)), onderwerpEN[g.figuur], wanneerEN))
	}
	// A gemeente that did not exist: once, whatever the figure.
	seen := map[string]bool{}
	for _, sp := range spans {
		if sp.Reden != redenBestondNiet || seen[sp.Gemeente] {
			continue
		}
		seen[sp.Gemeente] = true
		g, _ := s.gemeente(sp.Gemeente)
		whyNL, whyEN := "", ""
		switch {
		case g.Tot != nil && yearBegin(sp.Van).After(*g.Tot):
			d := g.Tot.AddDate(0, 0, 1)
			whyNL, whyEN = " (opgeheven per "+tekst.Datum(d)+")", " (dissolved on "+d.Format("2 January 2006")+")"
		case g.Vanaf != nil:
			whyNL, whyEN = " (ontstaan per "+tekst.Datum(*g.Vanaf)+")", " (formed on "+g.Vanaf.Format("2 January 2006")+")"
		}
		say(redenBestondNiet, sp.Van, sp.Tot,
			fmt.Sprintf("%s telt %s niet mee: de gemeente bestond toen niet%s.", sp.Naam, jarenNL(sp.Van, sp.Tot), whyNL),
			fmt.Sprintf("%s is not counted %s: it did not exist then%s.", sp.Naam, jarenEN(sp.Van, sp.Tot), whyEN))
	}
	out := &CoverageNote{Sentences: sentences, Excluded: spans}
	var nl, en []string
	for _, c := range sentences {
		nl, en = append(nl, c.NL), append(en, c.EN)
	}
	out.NL, out.EN = strings.Join(nl, " "), strings.Join(en, " ")
	return out
}

// excludedSpans merges Excluded over years into runs of consecutive school years.
func (s *KPISnapshot) excludedSpans(def KPIDef, years []string, f KPIFilter) []ExcludedSpan {
	type key struct{ gemeente, figuur, reden string }
	open := map[key]int{} // index in out of the run that ended in the previous year
	var out []ExcludedSpan
	for i, y := range years {
		ex := s.excluded(def, y, f)
		next := map[key]int{}
		for _, e := range ex {
			k := key{e.Gemeente, e.Figuur, e.Reden}
			if j, ok := open[k]; ok && i > 0 && out[j].Tot == years[i-1] {
				out[j].Tot = y
				next[k] = j
				continue
			}
			g, _ := s.gemeente(e.Gemeente)
			out = append(out, ExcludedSpan{Gemeente: e.Gemeente, Naam: g.Naam, Figuur: e.Figuur, Reden: e.Reden, Van: y, Tot: y})
			next[k] = len(out) - 1
		}
		open = next
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Reden != out[b].Reden {
			return out[a].Reden > out[b].Reden // leerplicht_lokaal first
		}
		if out[a].Figuur != out[b].Figuur {
			return out[a].Figuur < out[b].Figuur
		}
		return out[a].Naam < out[b].Naam
	})
	return out
}

// countedParts are the other figures of def that are still counted for a gemeente whose
// figure excluded is not: "only reports of 18 and over".
func (s *KPISnapshot) countedParts(def KPIDef, excluded string) [][2]string {
	var out [][2]string
	for _, f := range def.calc.figuren {
		if d, ok := geteldDeel[f]; ok && f != excluded {
			out = append(out, d)
		}
	}
	return out
}

func jarenNL(van, tot string) string {
	if van == tot {
		return "in schooljaar " + van
	}
	return "in de schooljaren " + van + " t/m " + tot
}

func jarenEN(van, tot string) string {
	if van == tot {
		return "in school year " + van
	}
	return "in the school years " + van + " to " + tot
}

func runWord(n int) string {
	if n > 1 {
		return "run"
	}
	return "runs"
}

func theseWord(n int) string {
	if n > 1 {
		return "these gemeenten"
	}
	return "this gemeente"
}
