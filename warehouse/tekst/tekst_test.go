package tekst

import (
	"regexp"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	cases := []struct {
		name   string
		msg    Message
		nl, en string
	}{
		{"no parameters", New(BSNElfproef), "bsn haalt de elfproef niet", "bsn fails the eleven test"},
		{"column and value", New(DatumOngeldig, "meldingsdatum", "31-02-2019"),
			"meldingsdatum '31-02-2019' is geen datum; schrijf dd-mm-jjjj, dd/mm/jjjj of jjjj-mm-dd",
			"meldingsdatum '31-02-2019' is not a date; use dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd"},
		{"thousands", New(GetalTeGroot, "uren", "12000", 10000),
			"uren '12000' is 10.000 of meer; zo groot kan het niet zijn: controleer de kolom",
			"uren '12000' is 10,000 or more, which cannot be right: check the column"},
		{"plural", New(VeldenAantal, 1234, 3, 10),
			"regel 1.234 heeft 3 velden waar de kop er 10 heeft; controleer de scheidingstekens en aanhalingstekens op die regel",
			"line 1,234 has 3 fields where the header has 10; check the separators and quotes on that line"},
		{"singular", New(VeldenAantal, 7, 1, 10),
			"regel 7 heeft 1 veld waar de kop er 10 heeft; controleer de scheidingstekens en aanhalingstekens op die regel",
			"line 7 has 1 field where the header has 10; check the separators and quotes on that line"},
		{"chosen words, one", New(KolommenOntbreken, 1, "'bsn'", "a, b"),
			"verplichte kolom 'bsn' ontbreekt; het bestand heeft: a, b",
			"required column 'bsn' is missing; the file has: a, b"},
		{"chosen words, more", New(KolommenOntbreken, 2, "'bsn', 'datum'", "a"),
			"verplichte kolommen 'bsn', 'datum' ontbreken; het bestand heeft: a",
			"required columns 'bsn', 'datum' are missing; the file has: a"},
		{"a number parameter that is no number stays", New(GetalTeGroot, "uren", "x", "veel"),
			"uren 'x' is veel of meer; zo groot kan het niet zijn: controleer de kolom",
			"uren 'x' is veel or more, which cannot be right: check the column"},
		{"a missing parameter is empty", Message{Code: DatumOngeldig, Params: []string{"datum"}},
			"datum '' is geen datum; schrijf dd-mm-jjjj, dd/mm/jjjj of jjjj-mm-dd",
			"datum '' is not a date; use dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd"},
		{"a BSN in a parameter is masked", New(GemeenteOnbekend, "gemeente", "BSN 123456782"),
			"gemeente 'BSN [bsn]' is geen gemeente van de regio; gebruik een CBS-code (GM0392, 0392) of een naam uit het regiobestand",
			"gemeente 'BSN [bsn]' is not a municipality of the region; use a CBS code (GM0392, 0392) or a name from the region file"},
		{"a BSN stored unmasked is masked when written", Message{Code: Oud, Params: []string{"waarde 123456782"}},
			"waarde [bsn]", "waarde [bsn]"},
		{"legacy text", New(Oud, "bsn fails the eleven test"), "bsn fails the eleven test", "bsn fails the eleven test"},
		{"unknown code", Message{Code: "bestaat_niet", Params: []string{"a", "b"}}, "bestaat_niet: a; b", "bestaat_niet: a; b"},
		{"unknown code without parameters", Message{Code: "bestaat_niet"}, "bestaat_niet", "bestaat_niet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.msg.NL(); got != tc.nl {
				t.Errorf("NL()\n got %q\nwant %q", got, tc.nl)
			}
			if got := tc.msg.EN(); got != tc.en {
				t.Errorf("EN()\n got %q\nwant %q", got, tc.en)
			}
		})
	}
}

// placeholders matches the parameter numbers of a template.
var placeholders = regexp.MustCompile(`\{([1-9])[:}]`)

// TestCatalogue checks every entry: a known kind, both languages, the same parameters in
// both, a title for every reason a quarantine total shows, and no leftover braces.
func TestCatalogue(t *testing.T) {
	if len(Codes(KindRij)) < 20 || len(Codes(KindBestand)) < 40 || len(Codes(KindRun)) != 4 {
		t.Fatalf("catalogue: %d row, %d file, %d run codes", len(Codes(KindRij)), len(Codes(KindBestand)), len(Codes(KindRun)))
	}
	for _, e := range Entries() {
		t.Run(string(e.Code), func(t *testing.T) {
			if !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(string(e.Code)) {
				t.Errorf("code %q: want lower case, digits and _", e.Code)
			}
			switch e.Kind {
			case KindRij, KindOud:
				if e.Titel == "" {
					t.Error("a quarantine reason needs a title for the totals")
				}
			case KindBestand, KindRun:
			default:
				t.Errorf("unknown kind %q", e.Kind)
			}
			if e.NL == "" || e.EN == "" {
				t.Fatalf("NL %q, EN %q: want both", e.NL, e.EN)
			}
			params := func(s string) map[string]bool {
				m := map[string]bool{}
				for _, p := range placeholders.FindAllStringSubmatch(s, -1) {
					m[p[1]] = true
				}
				return m
			}
			nl, en := params(e.NL), params(e.EN)
			if len(nl) != len(en) {
				t.Errorf("NL uses parameters %v, EN %v", nl, en)
			}
			for p := range nl {
				if !en[p] {
					t.Errorf("parameter %s is in NL, not in EN", p)
				}
			}
			// Every parameter given as a digit string: what is left is the template's text.
			var args []any
			for range 9 {
				args = append(args, "5")
			}
			for _, s := range []string{New(e.Code, args...).NL(), New(e.Code, args...).EN()} {
				if strings.ContainsAny(s, "{}") {
					t.Errorf("rendered %q still holds a brace", s)
				}
			}
		})
	}
}

func TestParseRefusesBadPlaceholders(t *testing.T) {
	for _, tpl := range []string{"{0}", "{10}", "{a}", "{1:getal:een}", "{1:datum}", "{1", "x {1:kies:een}"} {
		if _, err := parse(tpl); err == nil {
			t.Errorf("parse(%q): want an error", tpl)
		}
	}
}

func TestGetalAndAantal(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1.000", 1234567: "1.234.567", -10000: "-10.000"} {
		if got := Getal(n); got != want {
			t.Errorf("Getal(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Aantal(1, "regel", "regels"); got != "1 regel" {
		t.Errorf("Aantal(1) = %q", got)
	}
	if got := Aantal(2, "regel", "regels"); got != "2 regels" {
		t.Errorf("Aantal(2) = %q", got)
	}
	if got := Aantal(0, "regel", "regels"); got != "0 regels" {
		t.Errorf("Aantal(0) = %q", got)
	}
	if got := Aantal(12345, "regel", "regels"); got != "12.345 regels" {
		t.Errorf("Aantal(12345) = %q", got)
	}
}

func TestStatusLabels(t *testing.T) {
	for status, want := range map[string]string{"ok": "gelukt", "failed": "mislukt", "running": "bezig",
		"rejected": "gelukt, met afgekeurde bestanden", "skipped": "overgeslagen", "nieuw": "nieuw"} {
		if got := RunStatusNL(status); got != want {
			t.Errorf("RunStatusNL(%q) = %q, want %q", status, got, want)
		}
	}
	for status, want := range map[string]string{"loaded": "geladen", "rejected": "afgekeurd", "skipped": "overgeslagen",
		"unrecognised": "niet herkend", "waiting": "wacht op de volgende run"} {
		if got := FileStatusNL(status); got != want {
			t.Errorf("FileStatusNL(%q) = %q, want %q", status, got, want)
		}
	}
}
