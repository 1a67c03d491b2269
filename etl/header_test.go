package etl

import (
	"strings"
	"testing"
)

func TestNormalizeColumn(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"melding_id", "melding_id"},
		{"Melding-ID ", "melding_id"},
		{"  MELDING ID", "melding_id"},
		{"melding - id", "melding_id"},
		{"melding__id", "melding_id"},
		{"melding_id_", "melding_id"},
		{"_melding_id", "melding_id"},
		{"Aanbod-datum", "aanbod_datum"},
		{"reden einde", "reden_einde"},
		{"18_JAAR", "18_jaar"},
		{"\tbsn\r", "bsn"},
		{"bsn\u00a0", "bsn"}, // no-break space from Excel
		{"Geboorte\u00a0Datum", "geboorte_datum"},
		{"Gemeente (woon)", "gemeente_(woon)"},
		{"Schooljaar/periode", "schooljaar/periode"},
		{"ÉÉN", "één"},
		{"\u212Aey", "key"}, // Kelvin sign folds with k
		{"Stra\u00dfe", "straße"},
		{"", ""},
		{" - _ ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := normalizeColumn(tt.in); got != tt.want {
				t.Errorf("normalizeColumn(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzNormalizeColumn checks that normalizeColumn is idempotent and that case and the
// choice between '-', '_' and ' ' never change the result.
func FuzzNormalizeColumn(f *testing.F) {
	for _, s := range []string{"Melding-ID ", "melding_id", "  A  b--C__d ", "ÉÉN", "\u212Aelvin", "ſ", "İstanbul", "ı", "ϴ", "ǅ", "\xff-x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := normalizeColumn(s)
		if again := normalizeColumn(got); again != got {
			t.Errorf("normalizeColumn not idempotent: %q -> %q -> %q", s, got, again)
		}
		variants := map[string]string{
			"upper":         strings.ToUpper(s),
			"lower":         strings.ToLower(s),
			"title":         strings.ToTitle(s),
			"dash":          strings.NewReplacer("_", "-", " ", "-").Replace(s),
			"underscore":    strings.NewReplacer("-", "_", " ", "_").Replace(s),
			"space":         strings.NewReplacer("-", " ", "_", " ").Replace(s),
			"padded":        "  " + s + " ",
			"doubled seps":  strings.NewReplacer("-", "--", "_", "_ ", " ", " -").Replace(s),
			"upper and sep": strings.ToUpper(strings.NewReplacer("_", "-").Replace(s)),
		}
		for name, v := range variants {
			if g := normalizeColumn(v); g != got {
				t.Errorf("normalizeColumn(%s %q) = %q, want %q as for %q", name, v, g, got, s)
			}
		}
		if strings.ContainsAny(got, " -") || strings.HasPrefix(got, "_") || strings.HasSuffix(got, "_") || strings.Contains(got, "__") {
			t.Errorf("normalizeColumn(%q) = %q, has a separator left", s, got)
		}
	})
}
