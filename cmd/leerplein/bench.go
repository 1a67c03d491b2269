package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/hetleerplein/leerplein/etl"
)

// cmdBench measures the loader against DuckDB's own CSV reader on a national-scale file
// (make bench). Each measured step runs in a child process so its peak memory is its own.
func cmdBench(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := fs.String("dir", "./data/bench", "work directory (the generated file is kept for the next run)")
	rows := fs.Int("rows", 5_000_000, "rows in the generated verzuimmeldingen file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o750); err != nil {
		return err
	}
	src := filepath.Join(*dir, fmt.Sprintf("verzuimmeldingen_bench_%d.csv", *rows))
	if _, err := os.Stat(src); err != nil {
		fmt.Fprintf(e.stdout, "generating %s …\n", src)
		if err := writeBenchCSV(src, *rows, 0); err != nil {
			return err
		}
	}
	info, _ := os.Stat(src)
	fmt.Fprintf(e.stdout, "file: %s, %d rows, %.0f MB\n", filepath.Base(src), *rows, float64(info.Size())/1e6)

	key := "bench-key-0123456789abcdef0123456789abcdef"
	childEnv := append(os.Environ(), etl.KeyEnv+"="+key)
	var cpu time.Duration
	step := func(name string, args ...string) (time.Duration, int64, error) {
		cmd := exec.CommandContext(ctx, self, args...)
		cmd.Env = childEnv
		cmd.Stderr = e.stderr
		start := time.Now()
		out, err := cmd.Output()
		d := time.Since(start)
		if err != nil {
			return d, 0, fmt.Errorf("%s: %w\n%s", name, err, out)
		}
		var rss int64
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss * 1024
		}
		return d, rss, nil
	}
	fresh := func(name string) string {
		p := filepath.Join(*dir, name)
		os.Remove(p)
		os.Remove(p + ".wal")
		return p
	}

	// (a) DuckDB itself.
	aDB := fresh("duckdb_only.duckdb")
	a, aRSS, err := step("duckdb read_csv", "bench-read-csv", aDB, src)
	if err != nil {
		return err
	}
	aCPU := cpu
	// (b) the loader, into an empty warehouse. The bench writes its files itself, so
	// the loader need not wait for them to be stable.
	bDB := fresh("leerplein.duckdb")
	inbox := filepath.Join(*dir, "inbox")
	os.RemoveAll(inbox)
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		return err
	}
	if err := os.Link(src, filepath.Join(inbox, filepath.Base(src))); err != nil {
		return fmt.Errorf("link bench file into inbox: %w", err)
	}
	b, bRSS, err := step("etl run", "etl", "run", "--db", bDB, "--inbox", inbox, "--stable-after", "0s")
	if err != nil {
		return err
	}
	bCPU := cpu
	// The same bytes again: skipped.
	if err := os.Link(src, filepath.Join(inbox, "verzuimmeldingen_bench_again.csv")); err != nil {
		return err
	}
	again, _, err := step("etl run (same file)", "etl", "run", "--db", bDB, "--inbox", inbox, "--stable-after", "0s")
	if err != nil {
		return err
	}
	// A 1,000-row correction file: replaces existing reports by melding_id.
	if err := writeBenchCSV(filepath.Join(inbox, "verzuimmeldingen_correctie.csv"), 1000, 7); err != nil {
		return err
	}
	corr, _, err := step("etl run (correction)", "etl", "run", "--db", bDB, "--inbox", inbox, "--stable-after", "0s")
	if err != nil {
		return err
	}
	mb := func(n int64) float64 { return float64(n) / (1 << 20) }
	fmt.Fprintf(e.stdout, "(a) duckdb create table as select * from read_csv:      %6.2f s wall  %6.2f s cpu  peak %5.0f MiB\n", a.Seconds(), aCPU.Seconds(), mb(aRSS))
	fmt.Fprintf(e.stdout, "(b) leerplein etl run (validate, pseudonymise, upsert): %6.2f s wall  %6.2f s cpu  peak %5.0f MiB\n", b.Seconds(), bCPU.Seconds(), mb(bRSS))
	fmt.Fprintf(e.stdout, "ratio b/a: %.2f wall, %.2f cpu (target <= 2.0); peak memory of b: %.0f MiB (target <= 1536)\n",
		b.Seconds()/a.Seconds(), bCPU.Seconds()/aCPU.Seconds(), mb(bRSS))
	fmt.Fprintf(e.stdout, "same file again (skipped): %.2f s\n", again.Seconds())
	fmt.Fprintf(e.stdout, "1,000-row correction into %d rows: %.2f s\n", *rows, corr.Seconds())
	return nil
}

// cmdBenchReadCSV is step (a) of the bench: DuckDB's own reader, nothing else.
func cmdBenchReadCSV(ctx context.Context, e env, args []string) error {
	if len(args) != 2 {
		return usageError{"bench-read-csv DB FILE"}
	}
	db, err := sql.Open("duckdb", args[0])
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "create table t as select * from read_csv("+strconv.Quote(args[1])+")")
	return err
}

// writeBenchCSV writes n synthetic absence reports. offset shifts which ids are written,
// so a small file with offset > 0 corrects rows of the big one.
func writeBenchCSV(path string, n, offset int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin\r\n")
	soorten := []string{"RELATIEF", "LUXE", "ABSOLUUT", "SIGNAAL"}
	onderwijs := []string{"WPO", "WEC", "WVO", "WEB", "ONBEKEND", "GEEN"}
	gemeenten := []string{"GM0375", "GM0377", "GM0392", "GM0396", "GM0397", "GM0453", "GM0473", "Haarlem"}
	bsn := benchBSNs(200_000)
	for i := range n {
		id := i*(offset+1) + offset
		y := 2010 + id%10
		fmt.Fprintf(w, "M%09d;%s;%02d-%02d-%d;%s;%s;%s;%02d-%02d-%d;%d-%d-%d;%d,%d;%02dAB\r\n",
			id, bsn[id%len(bsn)], 1+id%28, 1+id%12, y-12, gemeenten[id%len(gemeenten)], onderwijs[id%6], soorten[(id+offset)%4],
			1+id%28, 1+id%12, y, 1+id%28, 1+id%12, y, id%40, id%10, id%100)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// benchBSNs returns n synthetic numbers that pass the eleven test.
func benchBSNs(n int) []string {
	out := make([]string, 0, n)
	for i := 10_000_000; len(out) < n; i++ {
		s := strconv.Itoa(i)[:8]
		sum := 0
		for j := range 8 {
			sum += (9 - j) * int(s[j]-'0')
		}
		if d := sum % 11; d < 10 {
			out = append(out, s+strconv.Itoa(d))
		}
	}
	return out
}
