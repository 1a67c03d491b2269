package demo

import (
	"fmt"
	"sort"
	"time"
)

// Dialects of the source systems.
func semicolon() style {
	return style{format: "csv", delim: ';', bom: true, crlf: true, date: "02-01-2006", decComma: true}
}
func comma() style { return style{format: "csv", delim: ',', date: "2006-01-02"} }
func tab() style   { return style{format: "csv", delim: '\t', date: "2-1-2006", decComma: true} }
func excel1252() style {
	return style{format: "csv", delim: ';', cp1252: true, crlf: true, date: "2-1-2006", decComma: true}
}
func xlsx() style { return style{format: "xlsx"} }
func parq() style { return style{format: "parquet"} }

// with returns a copy of a style with another date layout.
func (s style) with(date string) style { s.date = date; return s }

func ext(st style) string {
	if st.format == "csv" {
		return ".csv"
	}
	return "." + st.format
}

// flavourOf is how a source system exported in year y: after the plan, the habits of ten
// years earlier come back.
func flavourOf(m map[int]flavour, y int) flavour {
	if fl, ok := m[y]; ok {
		return fl
	}
	return m[FirstYear+(y-FirstYear)%10]
}

// export is one file's content before it is encoded: its name without extension, its
// table and the style it is written in.
type export struct {
	name string
	tb   table
	st   style
}

// renderAll renders every export of the data set (exportsOf), in name order.
func renderAll(ds *dataset) ([]outFile, error) {
	exps, err := exportsOf(ds)
	if err != nil {
		return nil, err
	}
	var files []outFile
	for _, x := range exps {
		b, err := render(x.tb, x.st)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", x.name, err)
		}
		files = append(files, outFile{name: x.name + ext(x.st), data: b})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	for _, f := range files { // the office saved the 2018-2019 reports twice: the copy is skipped
		if f.name == "verzuimmeldingen_2018-2019.csv" {
			files = append(files, outFile{name: "verzuimmeldingen_2018-2019_kopie.csv", data: f.data})
			break
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	return files, nil
}

// exportsOf is every export of the data set as it stands on ds.until: each year's file as
// it stood at the end of the year, the year in progress as it stands on until, and the
// VSV publications out by then. An export with no rows yet (the first days of a year) is
// not written.
func exportsOf(ds *dataset) ([]export, error) {
	var out []export
	add := func(name string, tb table, st style) error {
		if len(tb.rows) > 0 {
			out = append(out, export{name, tb, st})
		}
		return nil
	}
	for y := FirstYear; y <= ds.last; y++ {
		if !peil(y).After(ds.until) {
			if err := leerlingenFiles(y, ds.leerlingen[y], add); err != nil {
				return nil, err
			}
		}
		for _, f := range []func(int, *dataset, func(string, table, style) error) error{
			meldingenFile, maatregelenFile, vrijstellingenFile, thuiszittersFile, rmcFile,
		} {
			if err := f(y, ds, add); err != nil {
				return nil, err
			}
		}
	}
	for _, d := range ds.vsv {
		if !d.out.After(ds.until) {
			if err := add(d.name, vsvTable(d), d.st); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// leerlingenFiles writes the BRP extract of 1 October of year y. The 2018 extract came
// with a correction file: 25 youths first delivered as ONBEKEND are re-delivered with
// their school type (a later file replaces rows with the same peildatum and bsn).
func leerlingenFiles(y int, rows []leerling, add func(string, table, style) error) error {
	fl := flavourOf(map[int]flavour{
		2015: {st: semicolon()},
		2016: {st: comma(), gem: 1, header: 1},
		2017: {st: tab(), gem: 3, header: 2},
		2018: {st: xlsx(), header: 1},
		2019: {st: style{format: "csv", delim: ';', crlf: true, date: "02/01/2006"}, gem: 2, bsn8: true, lower: true},
		2020: {st: parq()},
		2021: {st: semicolon(), jaNee: true},
		2022: {st: tab().with("02-01-2006"), header: 1, gem: 3},
		2023: {st: comma(), gem: 4},
		2024: {st: style{format: "parquet", dateText: true, date: "2006-01-02"}},
	}, y)
	name := fmt.Sprintf("leerlingen_%s", peil(y).Format(time.DateOnly))
	main := append([]leerling(nil), rows...)
	if y == 2018 {
		var fixed []leerling
		for i, l := range main {
			if l.soort == "WVO" && len(fixed) < 25 && i%97 == 0 {
				fixed = append(fixed, l)
				main[i].soort, main[i].brin = "ONBEKEND", ""
			}
		}
		fix := flavour{st: semicolon().with("02/01/2006")}
		if err := add(name+"_correctie", leerlingenTable(y, fixed, fix), fix.st); err != nil {
			return err
		}
	}
	tb := leerlingenTable(y, main, fl)
	if y == 2016 { // a BSN that fails the eleven test: quarantined
		tb.rows = append(tb.rows, badRow(tb, map[string]cell{"bsn": txt(badBSN)}))
	}
	return add(name, tb, fl.st)
}

// badBSN fails the eleven test; the row carrying it must be quarantined.
const badBSN = "123456789"

// badRow copies the last row of a table and overrides some cells (by canonical or
// display column name) to make a row the loader must quarantine.
func badRow(tb table, set map[string]cell) []cell {
	row := append([]cell(nil), tb.rows[len(tb.rows)-1]...)
	for i, h := range tb.header {
		if c, ok := set[normal(h)]; ok {
			row[i] = c
		}
	}
	return row
}

// normal reduces a header spelling to the canonical column name.
func normal(h string) string {
	out := []rune{}
	for _, r := range h {
		switch {
		case r == ' ' || r == '-' || r == '_':
			if len(out) > 0 && out[len(out)-1] != '_' {
				out = append(out, '_')
			}
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		default:
			out = append(out, r)
		}
	}
	for len(out) > 0 && out[len(out)-1] == '_' {
		out = out[:len(out)-1]
	}
	return string(out)
}

func meldingenFile(y int, ds *dataset, add func(string, table, style) error) error {
	fl := flavourOf(map[int]flavour{
		2015: {st: semicolon(), note: true},
		2016: {st: xlsx(), header: 1},
		2017: {st: excel1252(), note: true, gem: 3},
		2018: {st: semicolon().with("2-1-2006"), header: 1, note: true},
		2019: {st: comma()},
		2020: {st: tab().with("02/01/2006"), header: 2, lower: true},
		2021: {st: xlsx(), header: 1, gem: 1},
		2022: {st: excel1252().with("02-01-2006"), note: true},
		2023: {st: style{format: "csv", delim: ',', date: "02-01-2006", decComma: true}, note: true, gem: 4},
		2024: {st: semicolon().with("2006-01-02")},
	}, y)
	var ms []*melding
	for _, m := range ds.meldingen {
		if schoolYear(m.datum) == y && !m.datum.After(ds.until) {
			ms = append(ms, m)
		}
	}
	tb := meldingenTable(ms, fl)
	if y == 2017 { // an unknown verzuimsoort: quarantined
		tb.rows = append(tb.rows, badRow(tb, map[string]cell{"melding_id": txt("VM17-90001"), "verzuimsoort": txt("RELATIV")}))
	}
	return add("verzuimmeldingen_"+yearName(y), tb, fl.st)
}

func maatregelenFile(y int, ds *dataset, add func(string, table, style) error) error {
	fl := flavour{st: semicolon().with("02-01-2006")}
	switch {
	case y == 2019:
		fl = flavour{st: comma(), header: 2}
	case y%2 == 1:
		fl = flavour{st: xlsx(), header: 1}
	}
	var ms []*maatregel
	for _, m := range ds.maatregels {
		if schoolYear(m.datum) == y && !m.datum.After(ds.until) {
			ms = append(ms, m)
		}
	}
	tb := maatregelenTable(ms, fl, earliest(end(y), ds.until))
	if y == 2022 { // an unknown measure: quarantined
		tb.rows = append(tb.rows, badRow(tb, map[string]cell{"maatregel_id": txt("MR22-90001"), "maatregel": txt("BOETE")}))
	}
	return add("maatregelen_"+yearName(y), tb, fl.st)
}

func vrijstellingenFile(y int, ds *dataset, add func(string, table, style) error) error {
	fl := flavour{st: xlsx(), header: 1}
	switch y {
	case 2015, 2021:
		fl = flavour{st: excel1252(), note: true, gem: 3}
	case 2019:
		fl = flavour{st: semicolon(), gem: 3}
	}
	var vs []*vrijstelling
	for _, v := range ds.vrijst {
		if schoolYear(v.besluit) == y && !v.besluit.After(ds.until) {
			vs = append(vs, v)
		}
	}
	tb := vrijstellingenTable(vs, fl)
	if y == 2019 { // a municipality outside the region: quarantined
		tb.rows = append(tb.rows, badRow(tb, map[string]cell{"vrijstelling_id": txt("VR2020-9001"), "gemeente": txt("Amsterdam")}))
	}
	return add("vrijstellingen_"+yearName(y), tb, fl.st)
}

func thuiszittersFile(y int, ds *dataset, add func(string, table, style) error) error {
	fl := flavourOf(map[int]flavour{
		2015: {st: semicolon()}, 2016: {st: semicolon(), jaNee: true}, 2017: {st: semicolon().with("2006-01-02"), header: 1},
		2018: {st: xlsx(), header: 1}, 2019: {st: tab(), lower: true}, 2020: {st: semicolon(), gem: 3},
		2021: {st: xlsx()}, 2022: {st: comma(), header: 2}, 2023: {st: xlsx(), header: 1}, 2024: {st: semicolon(), jaNee: true},
	}, y)
	tb := thuiszittersTable(y, ds.episodes, fl, earliest(end(y), ds.until))
	if y == 2020 { // a date that does not exist: quarantined
		tb.rows = append(tb.rows, badRow(tb, map[string]cell{"dossier_id": txt("TZ2020-9001"), "startdatum": txt("31-02-2021")}))
	}
	return add("thuiszitters_"+yearName(y), tb, fl.st)
}

func rmcFile(y int, ds *dataset, add func(string, table, style) error) error {
	fl := flavourOf(map[int]flavour{
		2015: {st: xlsx(), header: 1}, 2016: {st: xlsx(), regText: true}, 2017: {st: semicolon(), regText: true},
		2018: {st: xlsx(), header: 1}, 2019: {st: comma(), lower: true}, 2020: {st: semicolon(), gem: 3},
		2021: {st: xlsx(), header: 1}, 2022: {st: tab(), header: 2}, 2023: {st: parq()}, 2024: {st: xlsx(), regText: true},
	}, y)
	tb := rmcTable(y, ds.trajecten, fl, earliest(end(y), ds.until))
	if y == 2019 { // Amsterdam's CBS code: not in the region, quarantined
		tb.rows = append(tb.rows, badRow(tb, map[string]cell{"traject_id": txt("RMC2019-90001"), "gemeente": txt("GM0363")}))
	}
	return add("rmc_trajecten_"+yearName(y), tb, fl.st)
}

// vsvDelivery is one DUO publication of VSV figures.
type vsvDelivery struct {
	name string
	out  time.Time // the day it counts as delivered
	st   style
	rows []vsvOut
}

// vsvOut is a published row: the school year as written, the figures and the status.
type vsvOut struct {
	jaar   string
	row    vsvRow
	status string
}

// vsvDeliveries are DUO's publications up to the end of the plan: each February the
// provisional figures of the previous school year and the definitive ones of the year
// before that (February 2027: 2025-2026 provisional, 2024-2025 definitive). A
// publication counts as delivered from 1 March, once its month is over; the exports
// leave out those not delivered by the day the demo runs through. 2017-2018's definitive
// figures equal its provisional ones (the seed). The 2022 publication also repeats
// 2016-2017's old provisional figures, which must not replace the definitive ones.
func vsvDeliveries() []vsvDelivery {
	var out []vsvDelivery
	for y := FirstYear; !day(y+2, time.March, 1).After(LatestUntil()); y++ {
		pub := y + 2
		st := semicolon()
		st.thousands = true
		d := vsvDelivery{name: fmt.Sprintf("vsv_cijfers_%d-02", pub), out: day(pub, time.March, 1), st: st}
		if pub == 2019 {
			d.st = xlsx()
		}
		label := func(y int, k int) string {
			return []string{yearName(y), fmt.Sprintf("%d/%d", y, y+1), fmt.Sprintf("%d-%02d", y, (y+1)%100)}[k%3]
		}
		for _, r := range provisional(y) {
			d.rows = append(d.rows, vsvOut{label(y, pub), r, "VOORLOPIG"})
		}
		if y > FirstYear {
			for _, r := range vsvFigures(y - 1) {
				status := "DEFINITIEF"
				if pub == 2021 {
					status = "" // this publication has no status column values: DEFINITIEF by default
				}
				d.rows = append(d.rows, vsvOut{label(y-1, pub+1), r, status})
			}
		}
		if pub == 2022 {
			for _, r := range provisional(2016) {
				d.rows = append(d.rows, vsvOut{yearName(2016), r, "VOORLOPIG"})
			}
		}
		out = append(out, d)
	}
	return out
}

// provisional are the first figures of year y: a few early leavers and participants off.
func provisional(y int) []vsvRow {
	rows := vsvFigures(y)
	if y == 2017 {
		return rows
	}
	r := rng("vsv", y)
	out := make([]vsvRow, len(rows))
	for i, v := range rows {
		out[i] = v
		if v.sector != "TOTAAL" {
			out[i].deelnemers -= r.IntN(40)
			out[i].vsvers += r.IntN(5) - 1
		}
	}
	for _, g := range []string{"REGIO", "LANDELIJK"} { // keep the totals the sum of the sectors
		td, tv, ti := 0, 0, -1
		for i, v := range out {
			switch {
			case v.gebied == g && v.sector == "TOTAAL":
				ti = i
			case v.gebied == g:
				td += v.deelnemers
				tv += v.vsvers
			}
		}
		if ti >= 0 {
			out[ti].deelnemers, out[ti].vsvers = td, tv
		}
	}
	return out
}

func vsvTable(d vsvDelivery) table {
	tb := table{header: []string{"schooljaar", "gebied", "sector", "deelnemers", "vsvers", "status"}}
	for _, o := range d.rows {
		tb.rows = append(tb.rows, []cell{txt(o.jaar), txt(o.row.gebied), txt(o.row.sector), cnt(o.row.deelnemers), cnt(o.row.vsvers), txt(o.status)})
	}
	return tb
}
