package api

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

func TestTargetLabel(t *testing.T) {
	const (
		count   = warehouse.UnitCount
		percent = warehouse.UnitPercent
	)
	tests := []struct {
		name   string
		unit   string
		kind   string
		target float64
		want   string
	}{
		{"a count is an integer: at most 30.6 is at most 30", count, warehouse.TargetReduction, 30.6, "≤ 30"},
		{"a whole target stays", count, warehouse.TargetReduction, 30, "≤ 30"},
		{"just below a whole number", count, warehouse.TargetReduction, 29.99, "≤ 29"},
		{"a binary fraction of a whole number", count, warehouse.TargetReduction, 0.1 * 3 * 100, "≤ 30"},
		{"0.9 × 106", count, warehouse.TargetReduction, 95.4, "≤ 95"},
		{"below one: only 0 is on track", count, warehouse.TargetReduction, 0.5, "≤ 0"},
		{"zero", count, warehouse.TargetMax, 0, "≤ 0"},
		{"thousands separator", count, warehouse.TargetReduction, 1348.2, "≤ 1.348"},
		{"millions", count, warehouse.TargetMax, 1234567, "≤ 1.234.567"},
		{"the stricter of two limits", count, warehouse.TargetMaxAndReduction, 500, "≤ 500"},
		{"a count with a lower bound rounds up", count, warehouse.TargetMinPct, 30.2, "≥ 31"},
		{"a percentage keeps two decimals", percent, warehouse.TargetMax, 1.87, "≤ 1,87%"},
		{"a percentage of three decimals rounds toward reachable", percent, warehouse.TargetMax, 1.875, "≤ 1,87%"},
		{"a percentage with trailing zero", percent, warehouse.TargetMax, 12.5, "≤ 12,5%"},
		{"a whole percentage", percent, warehouse.TargetMax, 2, "≤ 2%"},
		{"100% for everyone", percent, warehouse.TargetMinPct, 100, "≥ 100%"},
		{"a lower bound of three decimals rounds up", percent, warehouse.TargetMinPct, 99.991, "≥ 100%"},
		{"a lower bound of two decimals stays", percent, warehouse.TargetMinPct, 99.95, "≥ 99,95%"},
		{"the national percentage", percent, warehouse.TargetNational, 1.87, "≤ 1,87% (landelijk)"},
		{"the national percentage, binary fraction", percent, warehouse.TargetNational, 0.29, "≤ 0,29% (landelijk)"},
		{"no target", count, warehouse.TargetNone, 30, ""},
		{"an unknown kind", count, "median", 30, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := targetLabel(tt.unit, tt.kind, tt.target); got != tt.want {
				t.Errorf("targetLabel(%s, %s, %v): got %q, want %q", tt.unit, tt.kind, tt.target, got, tt.want)
			}
		})
	}
}

// TestTargetLabelAgreesWithJudgement: for every count and percentage near a target, the
// label and the judgement (value <= target, or >= for min_pct) agree.
func TestTargetLabelAgreesWithJudgement(t *testing.T) {
	for _, target := range []float64{0.5, 2.7, 30, 30.6, 95.4, 1348.2} {
		label := targetLabel(warehouse.UnitCount, warehouse.TargetReduction, target)
		for v := 0.0; v <= target+3; v++ {
			shown := parseLabelBound(t, label)
			if (v <= target) != (v <= shown) {
				t.Errorf("count %v, target %v: judged %v, label %q says %v", v, target, v <= target, label, v <= shown)
			}
		}
	}
	for _, target := range []float64{1.87, 1.875, 99.991, 100} {
		for _, kind := range []string{warehouse.TargetMax, warehouse.TargetMinPct} {
			label := targetLabel(warehouse.UnitPercent, kind, target)
			shown := parseLabelBound(t, label)
			for c := 0; c <= 10000; c++ { // every percentage of two decimals
				v := float64(c) / 100
				judged, says := v <= target, v <= shown
				if kind == warehouse.TargetMinPct {
					judged, says = v >= target, v >= shown
				}
				if judged != says {
					t.Fatalf("percentage %v, %s %v: judged %v, label %q says %v", v, kind, target, judged, label, says)
				}
			}
		}
	}
}

// parseLabelBound reads the number back from a label: "≤ 1.348" is 1348, "≥ 99,95%" 99.95.
func parseLabelBound(t *testing.T, label string) float64 {
	t.Helper()
	s := strings.TrimSuffix(label, " (landelijk)")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "≤ "), "≥ ")
	s = strings.TrimSuffix(s, "%")
	s = strings.ReplaceAll(s, ".", "")
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		t.Fatalf("label %q: %v", label, err)
	}
	return v
}

func TestJudgedBoundAndValueLabel(t *testing.T) {
	bounds := []struct {
		unit, kind string
		target     float64
		want       float64
	}{
		{warehouse.UnitCount, warehouse.TargetReduction, 1348.2, 1348},
		{warehouse.UnitCount, warehouse.TargetMaxAndReduction, 500, 500},
		{warehouse.UnitCount, warehouse.TargetMinPct, 30.2, 31},
		{warehouse.UnitPercent, warehouse.TargetNational, 4.76, 4.76},
		{warehouse.UnitPercent, warehouse.TargetMax, 1.875, 1.87},
		{warehouse.UnitPercent, warehouse.TargetMinPct, 100, 100},
		{warehouse.UnitCount, warehouse.TargetNone, 30.6, 30.6},
	}
	for _, b := range bounds {
		if got := judgedBound(b.unit, b.kind, b.target); got != b.want {
			t.Errorf("judgedBound(%s, %s, %v): got %v, want %v", b.unit, b.kind, b.target, got, b.want)
		}
	}
	f := func(v float64) *float64 { return &v }
	values := []struct {
		unit string
		v    *float64
		want string
	}{
		{warehouse.UnitCount, f(1139), "1.139"},
		{warehouse.UnitCount, f(0), "0"},
		{warehouse.UnitPercent, f(69.23), "69,23%"},
		{warehouse.UnitPercent, f(99.96), "99,96%"},
		{warehouse.UnitPercent, f(100), "100%"},
		{warehouse.UnitCount, nil, ""},
	}
	for _, v := range values {
		if got := valueLabel(v.unit, v.v); got != v.want {
			t.Errorf("valueLabel(%s, %v): got %q, want %q", v.unit, show(v.v), got, v.want)
		}
	}
}
