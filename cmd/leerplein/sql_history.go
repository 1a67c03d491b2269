package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// historyFileName is the shell's history in the user's home directory.
const historyFileName = ".leerplein_sql_history"

// historyKeep is how many lines the history holds (in memory and on disk).
const historyKeep = 1000

// nineDigits matches a number of exactly nine digits: it could be a BSN, so a line that
// holds one is kept neither in the history nor in its file. The warehouse holds no BSN,
// but an analyst may paste one into a query; the history must not keep it.
var nineDigits = regexp.MustCompile(`(^|[^0-9])[0-9]{9}([^0-9]|$)`)

// keepInHistory reports whether a line may be remembered.
func keepInHistory(line string) bool {
	return strings.TrimSpace(line) != "" && !nineDigits.MatchString(line)
}

// sqlHistory is the shell's line history (golang.org/x/term's History), persisted by
// appending each kept line to a file (mode 0600).
type sqlHistory struct {
	lines []string // oldest first
	path  string   // "" keeps the history in memory only
}

// loadHistory reads the history file at path; a missing file is an empty history.
// A file grown past twice historyKeep lines is rewritten with its last historyKeep.
func loadHistory(path string) (*sqlHistory, error) {
	h := &sqlHistory{path: path}
	if path == "" {
		return h, nil
	}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("sql: history: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	total := 0
	for sc.Scan() {
		total++
		if keepInHistory(sc.Text()) {
			h.lines = append(h.lines, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return h, fmt.Errorf("sql: history %s: %w", path, err)
	}
	if len(h.lines) > historyKeep {
		h.lines = h.lines[len(h.lines)-historyKeep:]
	}
	if total > 2*historyKeep || total != len(h.lines) {
		data := strings.Join(h.lines, "\n")
		if data != "" {
			data += "\n"
		}
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			return h, fmt.Errorf("sql: history: %w", err)
		}
	}
	return h, nil
}

// Add remembers a line unless it is empty, repeats the previous line or may hold a BSN.
func (h *sqlHistory) Add(line string) {
	if !keepInHistory(line) || len(h.lines) > 0 && h.lines[len(h.lines)-1] == line {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > historyKeep {
		h.lines = h.lines[len(h.lines)-historyKeep:]
	}
	if h.path == "" {
		return
	}
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return // history is a convenience: the shell goes on without the file
	}
	fmt.Fprintln(f, line)
	f.Close()
}

// Len is the number of remembered lines.
func (h *sqlHistory) Len() int { return len(h.lines) }

// At returns a line; 0 is the most recent.
func (h *sqlHistory) At(i int) string { return h.lines[len(h.lines)-1-i] }
