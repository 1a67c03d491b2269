package demo

import (
	"sort"
	"strings"
	"time"
)

// flavour is how one source system fills the columns of an export.
type flavour struct {
	st      style
	header  int  // 0: canonical names, 1: "Melding-ID"/" BSN " style, 2: upper case, columns reversed
	gem     int  // gemeente as 0: GM0392, 1: 0392, 2: 392, 3: Haarlem, 4: HAARLEM
	lower   bool // codes in lower case
	bsn8    bool // BSNs with a leading zero written with 8 digits
	jaNee   bool // J/N written as Ja/Nee
	note    bool // an extra free-text column `opmerking`
	regText bool // rmc: trajectsoort REGULIER written out (else left empty: the default)
}

// niceHeader is the header spelling of the "pretty" exports (variant 1).
func niceHeader(c string) string {
	if h, ok := map[string]string{
		"melding_id": "Melding-ID", "bsn": " BSN ", "brin": "BRIN", "maatregel_id": "Maatregel ID",
		"vrijstelling_id": "Vrijstelling-ID", "dossier_id": "Dossier_ID", "aanbod_datum": "Aanbod datum",
		"reden_einde": "Reden-einde", "traject_id": "Traject ID", "vsvers": "VSVers",
	}[c]; ok {
		return h
	}
	return strings.ToUpper(c[:1]) + c[1:]
}

// finish applies the header variant (and column order) of a flavour to a table built
// with canonical column names.
func (fl flavour) finish(tb table) table {
	if fl.note {
		tb.header = append(tb.header, "opmerking")
	}
	switch fl.header {
	case 1:
		for i, h := range tb.header {
			tb.header[i] = niceHeader(h)
		}
	case 2:
		n := len(tb.header)
		rev := func(s []string) []string {
			out := make([]string, n)
			for i, v := range s {
				out[n-1-i] = strings.ToUpper(strings.ReplaceAll(v, "_", " "))
			}
			return out
		}
		tb.header = rev(tb.header)
		for k, row := range tb.rows {
			out := make([]cell, n)
			for i, c := range row {
				out[n-1-i] = c
			}
			tb.rows[k] = out
		}
	}
	return tb
}

func (fl flavour) gemeente(g *gemeente) cell {
	switch fl.gem {
	case 1:
		return txt(g.code[2:])
	case 2:
		return txt(strings.TrimLeft(g.code[2:], "0"))
	case 3:
		return txt(g.naam)
	case 4:
		return txt(strings.ToUpper(g.naam))
	}
	return txt(g.code)
}

func (fl flavour) code(s string) cell {
	if fl.lower {
		return txt(strings.ToLower(strings.ReplaceAll(s, "_", " ")))
	}
	return txt(s)
}

func (fl flavour) bsn(p *person) cell {
	if fl.bsn8 && p.bsn[0] == '0' {
		return txt(p.bsn[1:])
	}
	return txt(p.bsn)
}

func (fl flavour) jn(s string) cell {
	if fl.jaNee && s != "" {
		return txt(map[string]string{"J": "Ja", "N": "Nee"}[s])
	}
	return txt(s)
}

// asOf hides what was not yet known on date t: an export made then shows no later date.
func asOf(d, t time.Time) time.Time {
	if d.After(t) {
		return time.Time{}
	}
	return d
}

func leerlingenTable(y int, rows []leerling, fl flavour) table {
	tb := table{header: []string{"peildatum", "bsn", "geboortedatum", "geslacht", "gemeente", "onderwijssoort", "brin", "startkwalificatie"}}
	for _, l := range rows {
		tb.rows = append(tb.rows, []cell{dt(peil(y)), fl.bsn(l.p), dt(l.p.birth), fl.code(l.p.sex), fl.gemeente(l.p.gem),
			fl.code(l.soort), txt(l.brin), fl.jn(l.sk)})
	}
	return fl.finish(tb)
}

func meldingenTable(ms []*melding, fl flavour) table {
	tb := table{header: []string{"melding_id", "bsn", "geboortedatum", "gemeente", "onderwijssoort", "verzuimsoort", "meldingsdatum", "startdatum", "uren", "brin"}}
	for _, m := range ms {
		row := []cell{txt(m.id), fl.bsn(m.p), dt(m.p.birth), fl.gemeente(m.p.gem), fl.code(m.onderwijs), fl.code(m.soort),
			dt(m.datum), dt(m.start), dec(m.uren), txt(m.brin)}
		if fl.note {
			row = append(row, txt(m.note))
		}
		tb.rows = append(tb.rows, row)
	}
	return fl.finish(tb)
}

// maatregelenTable lists measures as the case system had them on stand: an outcome that
// became known later is still empty.
func maatregelenTable(ms []*maatregel, fl flavour, stand time.Time) table {
	tb := table{header: []string{"maatregel_id", "melding_id", "datum", "maatregel", "afdoening"}}
	for _, m := range ms {
		afd := m.afdoening
		if m.bekend.After(stand) {
			afd = ""
		}
		tb.rows = append(tb.rows, []cell{txt(m.id), txt(m.meldingID), dt(m.datum), fl.code(m.soort), fl.code(afd)})
	}
	return fl.finish(tb)
}

// artikelText writes an article the many ways case workers do: 5a, 5 sub a, art. 5a.
func artikelText(a string, k int) string {
	num, letter := strings.TrimRight(a, "ABCDEFG"), strings.ToLower(strings.TrimLeft(a, "0123456789"))
	switch {
	case letter == "":
		return []string{num, "art. " + num, "Artikel " + num}[k%3]
	}
	return []string{num + letter, num + " sub " + letter, "art. " + num + letter, "Art. " + num + " sub " + letter, strings.ToUpper(a)}[k%5]
}

func vrijstellingenTable(vs []*vrijstelling, fl flavour) table {
	tb := table{header: []string{"vrijstelling_id", "bsn", "geboortedatum", "gemeente", "artikel", "besluitdatum", "ingangsdatum", "einddatum"}}
	for k, v := range vs {
		row := []cell{txt(v.id), fl.bsn(v.p), dt(v.p.birth), fl.gemeente(v.p.gem), txt(artikelText(v.artikel, k)),
			dt(v.besluit), dt(v.ingang), dt(v.einde)}
		if fl.note {
			row = append(row, txt([]string{"", "Verklaring GGD-arts ontvangen", "Geïndiceerd voor dagbesteding", "Ouders verhuizen tijdelijk naar België", ""}[k%5]))
		}
		tb.rows = append(tb.rows, row)
	}
	return fl.finish(tb)
}

// thuiszittersTable is the case system's list of episodes active in year y as it stood
// on stand (end(y), or the day the demo runs through in the year in progress): an
// episode that started later is not there yet, one that ended later shows no end yet (a
// later file re-delivers it), an offer made later is not there yet.
func thuiszittersTable(y int, eps []*episode, fl flavour, stand time.Time) table {
	tb := table{header: []string{"dossier_id", "bsn", "geboortedatum", "gemeente", "soort", "startdatum", "einddatum", "aanbod_datum", "opgelost", "reden_einde"}}
	eps = append([]*episode(nil), eps...)
	sort.Slice(eps, func(i, j int) bool { return eps[i].id < eps[j].id })
	for _, e := range eps {
		if !activeIn(y, e.start, e.einde) || e.start.After(stand) {
			continue
		}
		einde := asOf(e.einde, stand)
		opg, reden := "", ""
		if !einde.IsZero() {
			opg, reden = yesNo(e.opgelost), e.reden
		}
		tb.rows = append(tb.rows, []cell{txt(e.id), fl.bsn(e.p), dt(e.p.birth), fl.gemeente(e.p.gem), fl.code(e.soort),
			dt(e.start), dt(einde), dt(asOf(e.aanbod, stand)), fl.jn(opg), fl.code(reden)})
	}
	return fl.finish(tb)
}

// rmcTable lists the trajectories active in year y as they stood on stand (end(y), or
// the day the demo runs through in the year in progress), like thuiszittersTable.
func rmcTable(y int, ts []*traject, fl flavour, stand time.Time) table {
	tb := table{header: []string{"traject_id", "bsn", "geboortedatum", "gemeente", "melddatum", "startdatum", "einddatum", "resultaat", "trajectsoort", "specialisatie"}}
	ts = append([]*traject(nil), ts...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].id < ts[j].id })
	for _, t := range ts {
		if !activeIn(y, t.start, t.einde) || t.start.After(stand) {
			continue
		}
		einde := asOf(t.einde, stand)
		res := ""
		if !einde.IsZero() {
			res = t.resultaat
		}
		soort := ""
		switch {
		case t.monitoring:
			soort = "MONITORING"
		case fl.regText:
			soort = "REGULIER"
		}
		tb.rows = append(tb.rows, []cell{txt(t.id), fl.bsn(t.p), dt(t.p.birth), fl.gemeente(t.p.gem), dt(t.meld), dt(t.start),
			dt(einde), fl.code(res), fl.code(soort), fl.code(t.specialisatie)})
	}
	return fl.finish(tb)
}

// activeIn is the definitions.md rule: start <= end(Y) and (no end or end >= begin(Y)).
func activeIn(y int, start, einde time.Time) bool {
	return !start.After(end(y)) && (einde.IsZero() || !einde.Before(begin(y)))
}
