package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"time"
)

// dutchNumber writes n the way a Dutch reader expects a count: a dot between every three
// digits (586.158, 1.234.567), none below a thousand.
func dutchNumber(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	return sign + string(out)
}

// count writes n with its noun in the singular or the plural: "1 regel", "0 regels",
// "586.158 regels".
func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return dutchNumber(n) + " " + many
}

// dutchDuration writes a duration for a person watching a terminal, as precisely as an
// estimate deserves: "8 s", "2 min 10 s", "12 min", "1 u 5 min". Under a second is "0 s".
func dutchDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", max(s, 0))
	case s < 10*60:
		if s%60 == 0 {
			return fmt.Sprintf("%d min", s/60)
		}
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	case s < 60*60:
		return fmt.Sprintf("%d min", (s+30)/60)
	default:
		m := (s + 30) / 60
		if m%60 == 0 {
			return fmt.Sprintf("%d u", m/60)
		}
		return fmt.Sprintf("%d u %d min", m/60, m%60)
	}
}

// dutchError is an error told in Dutch to the person at the terminal; it keeps the
// error it explains for errors.Is and errors.As.
type dutchError struct {
	msg string
	err error
}

func (d dutchError) Error() string { return d.msg }
func (d dutchError) Unwrap() error { return d.err }

// fileError says in Dutch why a file the user named cannot be used: "het sleutelbestand
// /x bestaat niet".
func fileError(what, path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return dutchError{fmt.Sprintf("%s %s bestaat niet", what, path), err}
	case errors.Is(err, fs.ErrPermission):
		return dutchError{fmt.Sprintf("%s %s: geen toegang (controleer de rechten)", what, path), err}
	}
	return fmt.Errorf("%s %s: %w", what, path, err)
}
