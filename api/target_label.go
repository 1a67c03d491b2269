package api

import (
	"math"
	"strconv"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse"
)

// targetLabel is a target as it is judged, for a reader (Dutch): "≤ 30", "≥ 100%",
// "≤ 1,87% (landelijk)"; empty for a KPI without a target. A target is a bound on the
// value, and the label gives the bound a value can actually reach, so it never rounds a
// target to a number the status then contradicts: a count is an integer, so a count
// is at most 30.6 exactly when it is at most 30 ("≤ 30", not "≤ 31"); a percentage has
// two decimals (warehouse.percentage), so it is at most 1.875 exactly when it is at
// most 1.87. A lower bound (min_pct) is rounded up the same way. The national target of
// the VSV percentages says where it comes from: "(landelijk)", the national percentage
// of the same year.
func targetLabel(unit, kind string, target float64) string {
	var op string
	switch kind {
	case warehouse.TargetReduction, warehouse.TargetMax, warehouse.TargetMaxAndReduction, warehouse.TargetNational:
		op = "≤"
	case warehouse.TargetMinPct:
		op = "≥"
	default:
		return ""
	}
	var label string
	if unit == warehouse.UnitPercent {
		label = dutchDecimal(reachable(target, 100, op)) + "%"
	} else {
		label = dutchInteger(reachable(target, 1, op))
	}
	label = op + " " + label
	if kind == warehouse.TargetNational {
		label += " (landelijk)"
	}
	return label
}

// reachable is the bound a value with 1/per steps can reach: target rounded down to a
// step for an upper bound, up for a lower bound. The slack absorbs binary fractions
// (1.87 · 100 is 186.99999999999997), which are far smaller than a step.
func reachable(target, per float64, op string) float64 {
	const slack = 1e-6
	if op == "≥" {
		return math.Ceil(target*per-slack) / per
	}
	return math.Floor(target*per+slack) / per
}

// dutchInteger writes a whole number with Dutch thousands separators: 1.348.
func dutchInteger(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 0, 64)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dutchDecimal writes a number of at most two decimals with a decimal comma and no
// trailing zeros: 1,87; 12,5; 100.
func dutchDecimal(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	w, _ := strconv.ParseFloat(whole, 64)
	out := dutchInteger(w)
	if v < 0 {
		out = "-" + out
	}
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		out += "," + frac
	}
	return out
}
