package api

import (
	"math"
	"strconv"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse"
)

// targetLabel is a target as it is judged, for a reader (Dutch): "≤ 30", "≥ 100%",
// "≤ 1,87% (landelijk)"; empty for a KPI without a target. The number is judgedBound's,
// so a label never shows a target rounded to a number the status then contradicts. The
// national target of the VSV percentages says where it comes from: "(landelijk)", the
// national percentage of the same year.
func targetLabel(unit, kind string, target float64) string {
	op := targetOp(kind)
	if op == "" {
		return ""
	}
	bound := judgedBound(unit, kind, target)
	label := op + " " + dutchInteger(bound)
	if unit == warehouse.UnitPercent {
		label = op + " " + dutchDecimal(bound) + "%"
	}
	if kind == warehouse.TargetNational {
		label += " (landelijk)"
	}
	return label
}

// targetOp is the comparison a target rule makes: "≤" (at most), "≥" (at least), or ""
// for a KPI without a target.
func targetOp(kind string) string {
	switch kind {
	case warehouse.TargetReduction, warehouse.TargetMax, warehouse.TargetMaxAndReduction, warehouse.TargetNational:
		return "≤"
	case warehouse.TargetMinPct:
		return "≥"
	}
	return ""
}

// judgedBound is a target as it is judged: the bound a value of the unit can actually
// reach, which meets the target exactly when the value does. A count is an integer, so
// a count is at most 30.6 exactly when it is at most 30; a percentage has two decimals
// (warehouse.percentage), so it is at most 1.875 exactly when it is at most 1.87. An
// upper bound is rounded down, a lower bound (min_pct) up; a KPI without a target rule
// keeps the number. Grafana draws this bound as the target line, so that neither the
// line nor its rounding in a tooltip can contradict the status.
func judgedBound(unit, kind string, target float64) float64 {
	per := 1.0
	if unit == warehouse.UnitPercent {
		per = 100
	}
	// The slack absorbs binary fractions (1.87 · 100 is 186.99999999999997), which are
	// far smaller than a step.
	const slack = 1e-6
	switch targetOp(kind) {
	case "≤":
		return math.Floor(target*per+slack) / per
	case "≥":
		return math.Ceil(target*per-slack) / per
	}
	return target
}

// valueLabel is a value for a reader (Dutch): "1.139", "69,23%"; empty for no value.
func valueLabel(unit string, v *float64) string {
	switch {
	case v == nil:
		return ""
	case unit == warehouse.UnitPercent:
		return dutchDecimal(*v) + "%"
	}
	return dutchInteger(*v)
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
