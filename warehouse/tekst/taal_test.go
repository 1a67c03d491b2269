package tekst

import (
	"testing"
	"time"
)

func TestDatumEnOpsomming(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{Datum(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), "1 januari 2026"},
		{Datum(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)), "31 december 2024"},
		{Maand(time.October), "oktober"},
		{Opsomming(nil), ""},
		{Opsomming([]string{"Haarlem"}), "Haarlem"},
		{Opsomming([]string{"Haarlem", "Velsen"}), "Haarlem en Velsen"},
		{Opsomming([]string{"Haarlem", "Velsen", "Zandvoort"}), "Haarlem, Velsen en Zandvoort"},
		{List([]string{"Haarlem", "Velsen", "Zandvoort"}), "Haarlem, Velsen and Zandvoort"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
