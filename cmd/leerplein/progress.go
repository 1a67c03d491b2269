package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// progressAfter is how long a file loads before its progress line appears: a quicker
// file needs none. progressTick is how often the line is redrawn while a file loads,
// so the time left keeps moving when the loader has nothing new to tell.
const (
	progressAfter = time.Second
	progressTick  = 250 * time.Millisecond
)

// stageWords are the loader's stages (etl.Options.Progress) in Dutch.
var stageWords = map[int]string{0: "lezen", 1: "lezen", 2: "controleren", 3: "schrijven", 4: "vastleggen"}

// progressLine is the one line a person at a terminal sees while etl run loads a file
// that takes over a second: the file, the rows read so far, the stage, the time it has
// taken and an estimate of the time left. It is redrawn in place and cleared when the
// file is done, so the summary on standard output is all that remains.
type progressLine struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	width int // the terminal's columns: a longer line would wrap and not be cleared

	file    string
	started time.Time
	stage   int
	last    etl.FileProgress
	drawn   bool
}

// startProgress returns the progress line for w and a function that stops and clears
// it, or nil when w is no terminal (a pipe, a log file, a test): nothing is drawn then.
func startProgress(w io.Writer) (*progressLine, func()) {
	if !isTerminal(w) {
		return nil, func() {}
	}
	width := 80
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
			width = cols
		}
	}
	p := &progressLine{w: w, now: time.Now, width: width}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(progressTick)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.tick()
			}
		}
	})
	return p, func() {
		close(stop)
		wg.Wait()
		p.clear()
	}
}

// stageFunc is the hook for etl.Options.Progress, nil without a line.
func (p *progressLine) stageFunc() func(file string, stage, stages int, label string) {
	if p == nil {
		return nil
	}
	return p.onStage
}

// rowsFunc is the hook for etl.Options.Rows, nil without a line.
func (p *progressLine) rowsFunc() func(etl.FileProgress) {
	if p == nil {
		return nil
	}
	return p.onRows
}

func (p *progressLine) onStage(file string, stage, _ int, _ string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.begin(bsnmask.Mask(file))
	p.stage = stage
	p.draw()
}

func (p *progressLine) onRows(fp etl.FileProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fp.Done {
		p.erase()
		p.file = ""
		return
	}
	p.begin(fp.File)
	p.last = fp
	p.draw()
}

// tick redraws the line, so its times move while the loader is busy in one stage.
func (p *progressLine) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.file != "" {
		p.draw()
	}
}

// clear removes the line, if drawn.
func (p *progressLine) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
}

// begin starts following file, unless it is the one followed already.
func (p *progressLine) begin(file string) {
	if file == p.file {
		return
	}
	p.erase()
	p.file, p.started, p.stage, p.last = file, p.now(), 0, etl.FileProgress{File: file}
}

// draw writes the line over the previous one, once the file has taken progressAfter.
func (p *progressLine) draw() {
	elapsed := p.now().Sub(p.started)
	if elapsed < progressAfter {
		return
	}
	fmt.Fprint(p.w, "\r\033[K"+p.render(elapsed))
	p.drawn = true
}

func (p *progressLine) erase() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// render is the line after elapsed: "verzuim.csv: 412.000 regels gelezen · schrijven
// · 12 s, nog ongeveer 40 s", shortened to the terminal's width.
func (p *progressLine) render(elapsed time.Duration) string {
	tail := fmt.Sprintf(": %s gelezen · %s · %s", count(p.last.Rows, "regel", "regels"), stageWords[p.stage], dutchDuration(elapsed))
	if left := timeLeft(p.last, elapsed); left > 0 {
		tail += ", nog ongeveer " + dutchDuration(left)
	}
	name := p.file
	room := p.width - 1 - utf8.RuneCountInString(tail)
	if n := utf8.RuneCountInString(name); n > room {
		if room < 8 {
			return truncateRunes(name+tail, p.width-1)
		}
		name = truncateRunes(name, room-1) + "…"
	}
	return name + tail
}

// timeLeft estimates what is left of a file's load after elapsed, or 0 when there is no
// estimate: the larger of what earlier loads of the feed say (fp.Expected) and, while
// the file is being read, what the pace of reading says about the rest of it. Reading
// is only the first part of a load, so the second is a least.
func timeLeft(fp etl.FileProgress, elapsed time.Duration) time.Duration {
	var left time.Duration
	if fp.Expected > 0 {
		left = fp.Expected - elapsed
	}
	if fp.Bytes > 0 && fp.Bytes < fp.Size {
		left = max(left, time.Duration(float64(elapsed)*float64(fp.Size-fp.Bytes)/float64(fp.Bytes)))
	}
	return max(left, 0)
}

func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n]))
}
