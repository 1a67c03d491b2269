package tekst

import (
	"fmt"
	"strings"
	"time"
)

// maanden are the Dutch month names.
var maanden = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// Maand is the Dutch name of a month: "januari".
func Maand(m time.Month) string { return maanden[m-1] }

// Datum writes a day the Dutch way: "4 december 2024".
func Datum(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), Maand(t.Month()), t.Year())
}

// Opsomming joins items the Dutch way: "a, b en c".
func Opsomming(items []string) string { return joinList(items, " en ") }

// List joins items the English way, for logs and English texts: "a, b and c".
func List(items []string) string { return joinList(items, " and ") }

func joinList(items []string, and string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + and + items[len(items)-1]
}
