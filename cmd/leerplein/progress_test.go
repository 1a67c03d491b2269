package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hetleerplein/leerplein/etl"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time                      { return c.t }
func (c *fakeClock) advance(d time.Duration)             { c.t = c.t.Add(d) }
func (c *fakeClock) at(start time.Time, d time.Duration) { c.t = start.Add(d) }

// fakeTerminal is a progress line on a buffer, with a clock the test moves.
func fakeTerminal(width int) (*progressLine, *bytes.Buffer, *fakeClock) {
	var b bytes.Buffer
	clock := &fakeClock{t: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}
	return &progressLine{w: &b, now: clock.now, width: width}, &b, clock
}

const (
	clearLine = "\r\033[K"
	mib       = 1 << 20
)

// TestProgressLine follows a slow file through its load: nothing in its first second,
// then one line redrawn in place with the rows (Dutch thousands), the stage, the time
// taken and the time left, cleared when the file is done.
func TestProgressLine(t *testing.T) {
	p, out, clock := fakeTerminal(100)
	t0 := clock.now()
	file := "verzuimmeldingen_2024.csv"
	step := func(d time.Duration, f func(), want string) {
		t.Helper()
		clock.at(t0, d)
		out.Reset()
		f()
		if got := out.String(); got != want {
			t.Errorf("at %s: wrote %q, want %q", d, got, want)
		}
	}
	rows := func(r, b int64) func() {
		return func() { p.onRows(etl.FileProgress{File: file, Rows: r, Bytes: b, Size: 100 * mib}) }
	}
	step(0, rows(0, 0), "")
	step(500*time.Millisecond, rows(100_000, 10*mib), "")
	step(2*time.Second, rows(250_000, 25*mib), clearLine+file+": 250.000 regels gelezen · lezen · 2 s, nog ongeveer 6 s")
	step(3*time.Second, rows(1_000_000, 100*mib), clearLine+file+": 1.000.000 regels gelezen · lezen · 3 s")
	step(4*time.Second, func() { p.onStage(file, 3, 4, "writing") }, clearLine+file+": 1.000.000 regels gelezen · schrijven · 4 s")
	step(5*time.Second, p.tick, clearLine+file+": 1.000.000 regels gelezen · schrijven · 5 s")
	step(6*time.Second, func() { p.onRows(etl.FileProgress{File: file, Rows: 1_000_000, Done: true}) }, clearLine)
	step(7*time.Second, p.tick, "")
	step(8*time.Second, p.clear, "")
}

// TestProgressLineQuickFile: a file done within a second never shows a line.
func TestProgressLineQuickFile(t *testing.T) {
	p, out, clock := fakeTerminal(80)
	p.onRows(etl.FileProgress{File: "leerlingen.csv", Size: mib})
	clock.advance(300 * time.Millisecond)
	p.onStage("leerlingen.csv", 1, 4, "reading")
	p.tick()
	clock.advance(600 * time.Millisecond)
	p.onStage("leerlingen.csv", 4, 4, "committing")
	p.onRows(etl.FileProgress{File: "leerlingen.csv", Rows: 12, Done: true})
	clock.advance(2 * time.Second)
	p.tick()
	p.clear()
	if out.Len() != 0 {
		t.Errorf("wrote %q for a file of under a second, want nothing", out.String())
	}
}

// TestProgressLineExpected: with earlier loads to go by, the time left counts down from
// what they took, and is left out once the file takes longer than that.
func TestProgressLineExpected(t *testing.T) {
	p, out, clock := fakeTerminal(100)
	fp := etl.FileProgress{File: "leerlingen.xlsx", Rows: 5000, Size: 50 * mib, Expected: 20 * time.Second}
	p.onRows(fp)
	clock.advance(5 * time.Second)
	p.tick()
	if want := clearLine + "leerlingen.xlsx: 5.000 regels gelezen · lezen · 5 s, nog ongeveer 15 s"; out.String() != want {
		t.Errorf("wrote %q, want %q", out.String(), want)
	}
	out.Reset()
	clock.advance(90 * time.Second)
	p.tick()
	if want := clearLine + "leerlingen.xlsx: 5.000 regels gelezen · lezen · 1 min 35 s"; out.String() != want {
		t.Errorf("past the expected time: wrote %q, want %q", out.String(), want)
	}
}

// TestProgressLineNextFileAndNames: a new file clears the line of the previous one; a
// possible BSN in a name from the stage hook is masked; a name too long for the
// terminal is shortened so the line never wraps (and could not be cleared).
func TestProgressLineNextFileAndNames(t *testing.T) {
	p, out, clock := fakeTerminal(60)
	long := "verzuimmeldingen_" + strings.Repeat("heel_lang_", 6) + ".csv"
	p.onRows(etl.FileProgress{File: long, Rows: 1234567, Size: mib, Bytes: mib})
	clock.advance(2 * time.Second)
	p.tick()
	line := strings.TrimPrefix(out.String(), clearLine)
	if n := utf8.RuneCountInString(line); n > 59 || !strings.Contains(line, "…: 1.234.567 regels gelezen · lezen · 2 s") {
		t.Errorf("long name: line %q (%d columns), want it shortened to under 60 columns", line, n)
	}
	out.Reset()
	p.onStage("leerlingen_123456782.csv", 1, 4, "reading")
	if out.String() != clearLine {
		t.Errorf("next file: wrote %q, want only the old line cleared", out.String())
	}
	out.Reset()
	clock.advance(1500 * time.Millisecond)
	p.tick()
	if got := out.String(); strings.Contains(got, "123456782") || !strings.Contains(got, "leerlingen_[bsn].csv: 0 regels gelezen") {
		t.Errorf("wrote %q, want the BSN in the name masked", got)
	}
}

// TestProgressOnlyOnATerminal: to a pipe, a file or a buffer no line is drawn, and the
// loader gets no hooks.
func TestProgressOnlyOnATerminal(t *testing.T) {
	var b bytes.Buffer
	p, stop := startProgress(&b)
	if p != nil || p.stageFunc() != nil || p.rowsFunc() != nil {
		t.Errorf("startProgress on a buffer = %v, want no line and no hooks", p)
	}
	stop()
	if b.Len() != 0 {
		t.Errorf("wrote %q to a buffer", b.String())
	}
}

func TestTimeLeft(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fp      etl.FileProgress
		elapsed time.Duration
		want    time.Duration
	}{
		{"nothing to go by", etl.FileProgress{Size: 100}, 3 * time.Second, 0},
		{"a quarter read in 2 s", etl.FileProgress{Bytes: 25, Size: 100}, 2 * time.Second, 6 * time.Second},
		{"all read", etl.FileProgress{Bytes: 100, Size: 100}, 2 * time.Second, 0},
		{"earlier loads", etl.FileProgress{Size: 100, Expected: 10 * time.Second}, 4 * time.Second, 6 * time.Second},
		{"earlier loads say more than reading", etl.FileProgress{Bytes: 50, Size: 100, Expected: 30 * time.Second}, 2 * time.Second, 28 * time.Second},
		{"reading says more than earlier loads", etl.FileProgress{Bytes: 10, Size: 100, Expected: 5 * time.Second}, 2 * time.Second, 18 * time.Second},
		{"past the expected time", etl.FileProgress{Size: 100, Expected: 5 * time.Second}, 9 * time.Second, 0},
	} {
		if got := timeLeft(tc.fp, tc.elapsed); got != tc.want {
			t.Errorf("%s: timeLeft = %s, want %s", tc.name, got, tc.want)
		}
	}
}
