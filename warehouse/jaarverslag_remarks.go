package warehouse

import (
	"fmt"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// leerplichtOnderwerp names what a leerplicht figure counts, for the remark that says
// whose rows are left out.
var leerplichtOnderwerp = map[string]string{
	FiguurLeerlingenLeerplicht: "jongeren van 5 t/m 17 jaar",
	FiguurVerzuimLeerplicht:    "meldingen van jongeren onder 18 jaar",
	FiguurVrijstellingen:       "vrijstellingen",
	FiguurMaatregelen:          "maatregelen",
	FiguurLangdurigVerzuim:     "episodes van langdurig relatief verzuim",
	FiguurAbsoluutVerzuim:      "absoluut verzuim",
}

// figures lists the figures a table's cells count, in the order of its lines.
func (t Table) figures() []string {
	var out []string
	seen := map[string]bool{}
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	add(t.Figuur)
	for _, l := range append(append([]Line(nil), t.Rows...), t.Cols...) {
		add(l.Figuur)
	}
	return out
}

// remarks explain, in Dutch, what this year's cells of the table are when they are not
// a plain value: a school year in progress, figures without data ("geen gegevens"), and
// the gemeenten whose rows are not counted ("n.v.t." where a whole line is theirs).
func (t Table) remarks(fs figureStatus, lopend bool, today time.Time) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if lopend {
		add("Lopend schooljaar: de cijfers zijn de stand op " + tekst.Datum(today) + " en gaan nog niet over het hele schooljaar.")
	}
	for _, f := range t.figures() {
		if missing := fs.missingFeeds(f); len(missing) > 0 {
			var what []string
			for _, b := range missing {
				what = append(what, bronOmschrijving(b, fs.schooljaar))
			}
			add("Geen gegevens: het warehouse bevat " + tekst.Opsomming(what) + ". Zulke cellen tonen \"geen gegevens\", geen 0.")
		}
		nc := fs.notCounted(f)
		if names := nc[redenLeerplichtLokaal]; len(names) > 0 {
			verb := "voert"
			if len(names) > 1 || strings.Contains(names[0], "(") {
				verb = "voeren"
			}
			add(fmt.Sprintf("%s %s de leerplicht zelf uit: %s uit %s tellen hier niet mee. "+
				"Een cel die alleen daarover gaat toont \"n.v.t.\" (niet van toepassing); een totaal telt de gemeenten waarvoor het cijfer geldt.",
				upperFirst(tekst.Opsomming(names)), verb, leerplichtOnderwerp[f], gemeenteWoord(names)))
		}
		if names := nc[redenBestondNiet]; len(names) > 0 {
			verb := "bestond"
			if len(names) > 1 {
				verb = "bestonden"
			}
			add(fmt.Sprintf("%s %s in schooljaar %s niet: rijen onder die gemeentecode tellen niet mee (n.v.t.).",
				upperFirst(tekst.Opsomming(names)), verb, fs.schooljaar))
		}
	}
	return out
}

// gemeenteWoord is "deze gemeente" or "deze gemeenten" for a list of names.
func gemeenteWoord(names []string) string {
	if len(names) == 1 && !strings.Contains(names[0], "(") {
		return "deze gemeente"
	}
	return "deze gemeenten"
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
