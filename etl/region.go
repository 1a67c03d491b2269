package etl

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
)

//go:embed regio.csv
var defaultRegionCSV []byte

// Gemeente is one municipality of the region configuration.
type Gemeente struct {
	Code         string // CBS code, GM0392
	Naam         string
	Subregio     string // zk, ijmond
	SubregioNaam string
	Regionaal    bool       // leerplicht is run by the regional bureau
	Vanaf, Tot   *time.Time // validity; nil when open
}

// Region is the configured RMC region: which municipalities belong to it and in which
// sub-region. Rows whose gemeente is not in it are quarantined.
type Region struct {
	Gemeenten []Gemeente
}

// DefaultRegion is RMC region 25, Zuid-Kennemerland en IJmond, as shipped in etl/regio.csv.
func DefaultRegion() Region {
	r, err := parseRegion(bytes.NewReader(defaultRegionCSV))
	if err != nil {
		panic(fmt.Sprintf("etl: embedded regio.csv is invalid: %v", err)) // a build defect, not input
	}
	return r
}

// LoadRegion reads a region file in the form of regio.csv
// (gemeentecode;gemeente;subregio;subregio_naam;leerplicht_regionaal;vanaf;tot).
func LoadRegion(path string) (Region, error) {
	f, err := os.Open(path)
	if err != nil {
		return Region{}, fmt.Errorf("etl: region file: %w", err)
	}
	defer f.Close()
	r, err := parseRegion(f)
	if err != nil {
		return Region{}, fmt.Errorf("etl: region file %s: %w", path, err)
	}
	return r, nil
}

var gemeenteCode = regexp.MustCompile(`^GM\d{4}$`)

func parseRegion(r io.Reader) (Region, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		return Region{}, err
	}
	if len(recs) < 2 {
		return Region{}, fmt.Errorf("no municipalities")
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[normalizeColumn(h)] = i
	}
	for _, want := range []string{"gemeentecode", "gemeente", "subregio", "subregio_naam", "leerplicht_regionaal", "vanaf", "tot"} {
		if _, ok := idx[want]; !ok {
			return Region{}, fmt.Errorf("column %q is missing", want)
		}
	}
	var reg Region
	seen := map[string]bool{}
	for n, rec := range recs[1:] {
		get := func(c string) string { return strings.TrimSpace(rec[idx[c]]) }
		g := Gemeente{
			Code:         strings.ToUpper(get("gemeentecode")),
			Naam:         get("gemeente"),
			Subregio:     strings.ToLower(get("subregio")),
			SubregioNaam: get("subregio_naam"),
			Regionaal:    strings.EqualFold(get("leerplicht_regionaal"), "J"),
		}
		if !gemeenteCode.MatchString(g.Code) {
			return Region{}, fmt.Errorf("line %d: gemeentecode %q is not of the form GM0392", n+2, g.Code)
		}
		if seen[g.Code] {
			return Region{}, fmt.Errorf("line %d: gemeentecode %s appears twice", n+2, g.Code)
		}
		seen[g.Code] = true
		if g.Naam == "" || g.Subregio == "" {
			return Region{}, fmt.Errorf("line %d: gemeente and subregio are required", n+2)
		}
		for _, d := range []struct {
			col string
			dst **time.Time
		}{{"vanaf", &g.Vanaf}, {"tot", &g.Tot}} {
			if v := get(d.col); v != "" {
				t, err := time.Parse("2006-01-02", v)
				if err != nil {
					return Region{}, fmt.Errorf("line %d: %s %q is not a date (jjjj-mm-dd)", n+2, d.col, v)
				}
				*d.dst = &t
			}
		}
		reg.Gemeenten = append(reg.Gemeenten, g)
	}
	return reg, nil
}
