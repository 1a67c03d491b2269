package api

import (
	"testing"
	"time"
)

// TestDescribeSchedule checks the schedules a steward reads in words, at the edges of
// what can be said (one minute vs several, one weekday vs a list, a range) and the
// fallback for what cannot.
func TestDescribeSchedule(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"0 0 3 * * *", "elke dag om 03:00"},
		{"0 3 * * *", "elke dag om 03:00"},
		{"0 */15 * * * *", "elke 15 minuten"},
		{"0 */1 * * * *", "elke minuut"},
		{"0 * * * * *", "elke minuut"},
		{"*/30 * * * * *", "elke 30 seconden"},
		{"0 30 * * * *", "elk uur om :30"},
		{"0 5 */6 * * *", "elke 6 uur om :05"},
		{"30 6 * * 1-5", "op werkdagen (ma t/m vr) om 06:30"},
		{"0 0 7 * * 1", "elke maandag om 07:00"},
		{"0 0 7 * * 0", "elke zondag om 07:00"},
		{"0 0 7 * * 7", "elke zondag om 07:00"},
		{"0 0 7 * * 1,4", "op maandag en donderdag om 07:00"},
		{"0 0 7 * * 1-3", "op maandag, dinsdag en woensdag om 07:00"},
		{"0 0 6,18 * * *", "elke dag om 06:00 en 18:00"},
		{"0 0 3 1 * *", "elke maand op de 1e om 03:00"},
		{"@daily", "elke dag om 00:00"},
		{"@hourly", "elk uur"},
		{"@every 1h", "elk uur"},
		{"@every 90m", "elke 90 minuten"},
		{"@every 48h", "elke 2 dagen"},
		{"0 0 6 1 12 *", "elk jaar op 1 december om 06:00"},
		{"0 0 3 * 1 *", `volgens cron-schema "0 0 3 * 1 *"`},
		{"0 0 3 1 13 *", `volgens cron-schema "0 0 3 1 13 *"`},
		{"0 0 3 1 * 1", `volgens cron-schema "0 0 3 1 * 1"`},
		{"0 0 7 * * 8", `volgens cron-schema "0 0 7 * * 8"`},
		{"nonsense", `volgens cron-schema "nonsense"`},
	} {
		if got := describeSchedule(tc.spec); got != tc.want {
			t.Errorf("describeSchedule(%q) = %q, want %q", tc.spec, got, tc.want)
		}
	}
}

func TestDescribePeriod(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{744 * time.Hour, "elke 31 dagen"},
		{24 * time.Hour, "elke dag"},
		{168 * time.Hour, "elke 7 dagen"},
		{36 * time.Hour, "elke 36 uur"},
		{time.Hour, "elk uur"},
		{15 * time.Minute, "elke 15 minuten"},
		{time.Minute, "elke minuut"},
		{90 * time.Second, "elke 90 seconden"},
		{0, "–"},
	} {
		if got := describePeriod(tc.d); got != tc.want {
			t.Errorf("describePeriod(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
