package api

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// describeSchedule says in Dutch when a job's cron schedule runs, for the data steward:
// "elke dag om 03:00", "elke 15 minuten", "op werkdagen (ma t/m vr) om 06:30". A schedule
// it cannot put in words is given as it is, marked as a cron schedule.
func describeSchedule(spec string) string {
	spec = strings.TrimSpace(spec)
	if d, ok := describeDescriptor(spec); ok {
		return d
	}
	f := strings.Fields(spec)
	if len(f) == 5 {
		f = append([]string{"0"}, f...)
	}
	if len(f) != 6 {
		return fallbackSchedule(spec)
	}
	sec, min, hour, dom, month, dow := f[0], f[1], f[2], f[3], f[4], f[5]
	if !isAny(month) {
		// Once a year: a day of a month.
		m, err := strconv.Atoi(month)
		if err != nil || m < 1 || m > 12 || !isNum(dom) || !isAny(dow) || !isNum(sec) || !isNum(min) {
			return fallbackSchedule(spec)
		}
		at, ok := clockTimes(hour, min)
		if !ok {
			return fallbackSchedule(spec)
		}
		return "elk jaar op " + strconv.Itoa(mustAtoi(dom)) + " " + tekst.Maand(time.Month(m)) + " om " + at
	}
	// Intervals within a day: every n seconds, minutes or hours.
	if isAny(dom) && isAny(dow) {
		if n, ok := step(sec); ok && isAny(min) && isAny(hour) {
			return every(n, "seconde", "seconden")
		}
		if isNum(sec) {
			if n, ok := step(min); ok && isAny(hour) {
				return every(n, "minuut", "minuten")
			}
			if isNum(min) {
				if n, ok := step(hour); ok {
					return every(n, "uur", "uur") + " om :" + pad(min)
				}
			}
		}
	}
	if !isNum(sec) || !isNum(min) {
		return fallbackSchedule(spec)
	}
	at, ok := clockTimes(hour, min)
	if !ok {
		return fallbackSchedule(spec)
	}
	switch {
	case isAny(dom) && isAny(dow):
		return "elke dag om " + at
	case isAny(dom):
		days, ok := weekdays(dow)
		if !ok {
			return fallbackSchedule(spec)
		}
		return days + " om " + at
	case isAny(dow) && isNum(dom):
		return "elke maand op de " + dom + "e om " + at
	}
	return fallbackSchedule(spec)
}

// describePeriod says a period in Dutch days and hours: "elke 31 dagen", "elke dag",
// "elke 36 uur", "elke 15 minuten".
func describePeriod(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d%(24*time.Hour) == 0:
		return every(int(d/(24*time.Hour)), "dag", "dagen")
	case d%time.Hour == 0:
		return every(int(d/time.Hour), "uur", "uur")
	case d%time.Minute == 0:
		return every(int(d/time.Minute), "minuut", "minuten")
	}
	return every(int(d/time.Second), "seconde", "seconden")
}

func describeDescriptor(spec string) (string, bool) {
	switch spec {
	case "@yearly", "@annually":
		return "elk jaar op 1 januari om 00:00", true
	case "@monthly":
		return "elke maand op de 1e om 00:00", true
	case "@weekly":
		return "elke zondag om 00:00", true
	case "@daily", "@midnight":
		return "elke dag om 00:00", true
	case "@hourly":
		return "elk uur", true
	}
	if rest, ok := strings.CutPrefix(spec, "@every "); ok {
		if d, err := time.ParseDuration(strings.TrimSpace(rest)); err == nil && d > 0 {
			return describePeriod(d), true
		}
	}
	return "", false
}

func fallbackSchedule(spec string) string { return "volgens cron-schema " + strconv.Quote(spec) }

// every is "elke minuut", "elke 15 minuten", "elk uur", "elke 6 uur".
func every(n int, one, many string) string {
	if n == 1 {
		if one == "uur" {
			return "elk uur"
		}
		return "elke " + one
	}
	return fmt.Sprintf("elke %d %s", n, many)
}

func isAny(f string) bool { return f == "*" || f == "?" }

func isNum(f string) bool {
	_, err := strconv.Atoi(f)
	return err == nil
}

// step reads "*/n" (and "*" as a step of 1).
func step(f string) (int, bool) {
	if f == "*" {
		return 1, true
	}
	rest, ok := strings.CutPrefix(f, "*/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0
}

func pad(f string) string {
	n, _ := strconv.Atoi(f)
	return fmt.Sprintf("%02d", n)
}

// clockTimes is "03:00" or "06:00 en 18:00" for an hour field of numbers.
func clockTimes(hour, min string) (string, bool) {
	var out []string
	for _, h := range strings.Split(hour, ",") {
		if !isNum(h) {
			return "", false
		}
		out = append(out, pad(h)+":"+pad(min))
	}
	return tekst.Opsomming(out), true
}

func mustAtoi(f string) int {
	n, _ := strconv.Atoi(f)
	return n
}

var dagNL = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}

// weekdays says a day-of-week field in Dutch: "op werkdagen (ma t/m vr)", "elke maandag",
// "op maandag en donderdag".
func weekdays(dow string) (string, bool) {
	if dow == "1-5" || strings.EqualFold(dow, "MON-FRI") {
		return "op werkdagen (ma t/m vr)", true
	}
	var days []string
	for _, part := range strings.Split(dow, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 || a > 7 {
			return "", false
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a || b > 7 {
				return "", false
			}
		}
		for d := a; d <= b; d++ {
			days = append(days, dagNL[d%7])
		}
	}
	if len(days) == 1 {
		return "elke " + days[0], true
	}
	return "op " + tekst.Opsomming(days), true
}
