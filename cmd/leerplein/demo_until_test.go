package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestDemoUntil specifies the day `leerplein demo` runs through: yesterday in the
// Netherlands by default, or --until, refused in Dutch when the demo cannot make it. The
// clock is passed in: no case depends on today.
func TestDemoUntil(t *testing.T) {
	// 23:30 UTC on 3 December 2026 is already 4 December in Amsterdam: yesterday is the 3rd.
	lateEvening := time.Date(2026, time.December, 3, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		flag string
		now  time.Time
		want string // the day, or a part of the refusal
	}{
		{"default: yesterday in Amsterdam", "", lateEvening, "2026-12-03"},
		{"default: yesterday, early in the UTC day", "", time.Date(2026, time.December, 4, 8, 0, 0, 0, time.UTC), "2026-12-03"},
		{"a day in the past", "2025-07-31", lateEvening, "2025-07-31"},
		{"yesterday given", "2026-12-03", lateEvening, "2026-12-03"},
		{"the first day possible", "2016-07-31", lateEvening, "2016-07-31"},
		{"not a date", "3-12-2026", lateEvening, `--until "3-12-2026" is geen datum; schrijf JJJJ-MM-DD`},
		{"not a day of the calendar", "2026-02-30", lateEvening, "is geen datum"},
		{"before the first whole school year", "2016-07-30", lateEvening, "te vroeg: de demo begint met schooljaar 2015-2016 en loopt tot op zijn vroegst 2016-07-31"},
		{"today is not over", "2026-12-04", lateEvening, "nog niet voorbij: een export bevat niets van vandaag of later; kies gisteren (2026-12-03) of eerder"},
		{"past the plan", "2031-08-01", time.Date(2032, time.January, 1, 12, 0, 0, 0, time.UTC), "te laat: de demo heeft gegevens tot en met 2031-07-31"},
		{"default past the plan", "", time.Date(2032, time.January, 1, 12, 0, 0, 0, time.UTC), "kies met --until een dag van 2016-07-31 tot en met 2031-07-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := demoUntil(tc.flag, tc.now)
			if strings.HasPrefix(tc.want, "20") {
				if err != nil || got.Format(time.DateOnly) != tc.want || got.Location() != time.UTC {
					t.Errorf("demoUntil(%q) = %v, %v; want %s (UTC midnight)", tc.flag, got, err, tc.want)
				}
				return
			}
			var u usageError
			if !errors.As(err, &u) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("demoUntil(%q) = %v, %v; want a usage error with %q", tc.flag, got, err, tc.want)
			}
		})
	}
}
