package main

import (
	"testing"
	"time"
)

func TestDutchNumber(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{2, "2"},
		{999, "999"},
		{1000, "1.000"},
		{586158, "586.158"},
		{1234567, "1.234.567"},
		{-1234567, "-1.234.567"},
	} {
		if got := dutchNumber(tc.n); got != tc.want {
			t.Errorf("dutchNumber(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestCountPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 regels"},
		{1, "1 regel"},
		{2, "2 regels"},
		{1000, "1.000 regels"},
		{1234567, "1.234.567 regels"},
	} {
		if got := count(tc.n, "regel", "regels"); got != tc.want {
			t.Errorf("count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := count(1, "bestand", "bestanden"); got != "1 bestand" {
		t.Errorf("count(1 bestand) = %q", got)
	}
	if got := count(71, "bestand", "bestanden"); got != "71 bestanden" {
		t.Errorf("count(71 bestanden) = %q", got)
	}
}

func TestDutchDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0 s"},
		{-time.Second, "0 s"},
		{400 * time.Millisecond, "0 s"},
		{8 * time.Second, "8 s"},
		{59 * time.Second, "59 s"},
		{60 * time.Second, "1 min"},
		{130 * time.Second, "2 min 10 s"},
		{12*time.Minute + 20*time.Second, "12 min"},
		{12*time.Minute + 40*time.Second, "13 min"},
		{time.Hour, "1 u"},
		{65 * time.Minute, "1 u 5 min"},
	} {
		if got := dutchDuration(tc.d); got != tc.want {
			t.Errorf("dutchDuration(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
