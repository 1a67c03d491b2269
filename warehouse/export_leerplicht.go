package warehouse

import (
	"fmt"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// LeerplichtCSVHeader is the header of the leerplichttelling's machine form.
const LeerplichtCSVHeader = "schooljaar;gemeente;onderwijssoort;indicator;waarde;status"

// LeerplichtExport lays the leerplichttelling out for handing in: one table per
// gemeente (indicators × school-type groups) and one for the region. Its machine form is
// schooljaar;gemeente;onderwijssoort;indicator;waarde;status with the gemeente as CBS
// code, one line per cell of every gemeente counted (zeros included; an indicator
// without data has status geen_gegevens and an empty waarde); the region total is in the
// workbook only, as the machine form has no code for it. The gemeenten left out are
// named in the notes.
func LeerplichtExport(t Leerplichttelling) Export {
	e := Export{
		Name:       "leerplichttelling",
		Title:      "Leerplichttelling (artikel 25 Leerplichtwet)",
		Schooljaar: t.Schooljaar,
		Notes:      append(leerplichtNotes(), leerplichtWeggelaten(t)...),
		csv: csvForm{
			header: []string{"schooljaar", "gemeente", "onderwijssoort", "indicator"},
			fields: func(tab ExportTable, c ExportCell) ([]string, bool) {
				if tab.Gebied.Code == RegioCode {
					return nil, false
				}
				return []string{t.Schooljaar, tab.Gebied.Code, c.Kolom, c.Rij}, true
			},
		},
	}
	var rows []Line
	for _, ind := range LeerplichtIndicatoren() {
		rows = append(rows, base(ind.Key, ind.Label))
	}
	cols := LeerplichtOnderwijssoorten()
	byGebied := map[string][]ExportCell{}
	for _, c := range t.Cells {
		byGebied[c.Gemeente] = append(byGebied[c.Gemeente], ExportCell{Rij: c.Indicator, Kolom: c.Onderwijssoort, Waarde: Count(c.Waarde), Status: c.Status})
	}
	for _, g := range t.Gebieden {
		tab := ExportTable{
			Sheet: g.Naam, Tabel: "leerplichttelling", Gebied: g,
			Title:    fmt.Sprintf("Leerplichttelling (artikel 25 Leerplichtwet), schooljaar %s", t.Schooljaar),
			Subtitle: fmt.Sprintf("Gemeente %s (%s)", g.Naam, g.Code),
			Rows:     rows, Cols: cols, Cells: byGebied[g.Code],
			Note: "Personen met woonplaats in de gemeente volgens de getelde rij, leeftijd 5 t/m 17 jaar; " +
				"vrijstellingen worden geteld, geen personen. Zie het blad Toelichting.",
		}
		if g.Code == RegioCode {
			tab.Sheet = "Regio"
			tab.Subtitle = "Regio: alle gemeenten samen"
			tab.Note = "Iedere persoon telt één keer, ook wie in het jaar in twee gemeenten meetelde: " +
				"het regiototaal kan kleiner zijn dan de som van de gemeenten. Zie het blad Toelichting."
		}
		e.Tables = append(e.Tables, tab)
	}
	return e
}

// leerplichtNotes explains the count (Dutch), after definitions.md.
func leerplichtNotes() []string {
	return []string{
		"Telling per schooljaar (1 augustus t/m 31 juli) en per gemeente van inwoning zoals vermeld op de getelde melding, episode of vrijstelling. " +
			"Geteld worden personen (op hun pseudoniem), ieder één keer per cel, van 5 t/m 17 jaar op de datum die de indicator noemt. " +
			"Elke gemeente wordt geteld uit haar eigen gegevens: wie in het jaar in twee gemeenten een melding had, telt in beide gemeenten mee en in de regio één keer.",
		"Onderwijssoort: po (primair onderwijs), vso (speciaal (voortgezet) onderwijs), vo (voortgezet onderwijs en mbo), onbekend, niet ingeschreven; Totaal is alle soorten samen. " +
			"Een persoon telt bij de onderwijssoort van zijn laatste melding in het jaar (bij twee meldingen op dezelfde dag: die met het hoogste meldingsnummer). " +
			"Indicatoren uit episodes en vrijstellingen hebben geen onderwijssoort en staan alleen in de kolom Totaal; absoluut verzuim ook, omdat het episodes meetelt.",
		"Relatief verzuim: personen met ten minste één melding van relatief verzuim of luxeverzuim met meldingsdatum in het schooljaar; leeftijd op de meldingsdatum. " +
			"Waarvan twee of meer meldingen: van hen, wie twee of meer zulke meldingen had.",
		"Luxeverzuim: personen met ten minste één melding van luxeverzuim; onderwijssoort van de laatste luxemelding.",
		"Langdurig relatief verzuim op 1 september: personen met een episode langdurig relatief verzuim die op 1 september liep (leeftijd op 1 september). " +
			"Nieuw na 1 september: episode met startdatum na 1 september en in het schooljaar (leeftijd op de startdatum). " +
			"Langer dan 3 maanden: episode die in het schooljaar liep en langer dan drie kalendermaanden duurde, gemeten tot de einddatum of uiterlijk 31 juli (leeftijd bij de start of op 1 augustus). " +
			"Beëindigd wegens verhuizing: episode met einddatum in het schooljaar en reden verhuisd (leeftijd op de einddatum).",
		"Absoluut verzuim: personen met een melding van absoluut verzuim in het schooljaar of een episode absoluut verzuim die in het schooljaar liep.",
		"Vrijstellingen: het aantal vrijstellingen per artikel met besluitdatum in het schooljaar, leeftijd op de besluitdatum (zoals tabel 2 van het jaarverslag).",
		"Een gemeente waarvan het bureau de leerplicht uitvoert en die tijdens het schooljaar bestond, staat in de telling, ook met alleen nullen. " +
			"Een indicator waarvoor geen gegevens over het schooljaar zijn geladen, staat er als \"geen gegevens\" (in de CSV: waarde leeg, status geen_gegevens), nooit als 0.",
	}
}

// leerplichtWeggelaten names the gemeenten left out of the count and why (Dutch), and
// says when the school year was still in progress.
func leerplichtWeggelaten(t Leerplichttelling) []string {
	var lokaal, opgeheven []string
	for _, w := range t.Weggelaten {
		name := w.Naam + " (" + w.Code + ")"
		if w.Reden == redenBestondNiet {
			opgeheven = append(opgeheven, name)
		} else {
			lokaal = append(lokaal, name)
		}
	}
	var out []string
	if len(lokaal) > 0 {
		out = append(out, "Niet in deze telling: "+tekst.Opsomming(lokaal)+". Deze gemeenten voeren de leerplicht zelf uit en leveren hun eigen telling; "+
			"hun gegevens tellen hier ook in het regiototaal niet mee.")
	}
	if len(opgeheven) > 0 {
		out = append(out, "Niet in deze telling: "+tekst.Opsomming(opgeheven)+", omdat "+map[bool]string{true: "deze gemeenten", false: "deze gemeente"}[len(opgeheven) > 1]+
			" in schooljaar "+t.Schooljaar+" niet bestond"+map[bool]string{true: "en", false: ""}[len(opgeheven) > 1]+
			"; gegevens die nog onder die code binnenkwamen, tellen niet mee.")
	}
	if t.Lopend {
		out = append(out, "Lopend schooljaar: de telling is de stand op de dag van aanmaak en gaat nog niet over het hele schooljaar.")
	}
	return out
}
