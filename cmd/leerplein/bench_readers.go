package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// cmdBenchReaders measures a scheduled load of the bench file through a running server,
// once alone and once while clients query KPI endpoints continuously (make bench).
func cmdBenchReaders(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("bench-readers", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := fs.String("dir", "./data/bench", "work directory with the file of `leerplein bench`")
	base := fs.String("data", "./data", "demo data directory: its warehouse and key are the starting point")
	rows := fs.Int("rows", 5_000_000, "rows of the bench file")
	clients := fs.Int("clients", 20, "concurrent readers during the load")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	src, err := filepath.Abs(filepath.Join(*dir, fmt.Sprintf("verzuimmeldingen_bench_%d.csv", *rows)))
	if err != nil {
		return err
	}
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("bench-readers: run `leerplein bench` first to generate %s", src)
	}
	alone, _, err := benchServerLoad(ctx, e, *dir, *base, src, 0)
	if err != nil {
		return err
	}
	withReaders, st, err := benchServerLoad(ctx, e, *dir, *base, src, *clients)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "load of %d rows through the server: %.2f s alone, %.2f s with %d readers (%.0f%% slower; target <= 25%%)\n",
		*rows, alone.Seconds(), withReaders.Seconds(), *clients, 100*(withReaders.Seconds()/alone.Seconds()-1))
	fmt.Fprintf(e.stdout, "readers during the load: %d requests, p50 %.2f ms, p99 %.2f ms, %d errors (targets: p99 < 100 ms, 0 errors)\n",
		st.n, ms(st.p50), ms(st.p99), st.errors)
	return nil
}

type readerStats struct {
	n, errors int
	p50, p99  time.Duration
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchServerLoad copies the demo warehouse, starts `serve --config` on it with one job
// whose inbox holds the bench file, starts the job through the API and waits for it,
// with `clients` readers querying KPIs meanwhile. It returns the run's duration.
func benchServerLoad(ctx context.Context, e env, dir, base, src string, clients int) (time.Duration, readerStats, error) {
	var st readerStats
	work, err := filepath.Abs(filepath.Join(dir, fmt.Sprintf("server-%d", clients)))
	if err != nil {
		return 0, st, err
	}
	os.RemoveAll(work)
	inbox := filepath.Join(work, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		return 0, st, err
	}
	db := filepath.Join(work, "leerplein.duckdb")
	if err := copyFile(filepath.Join(base, "leerplein.duckdb"), db); err != nil {
		return 0, st, fmt.Errorf("bench-readers: copy the demo warehouse (run `leerplein demo` first): %w", err)
	}
	keyFile, err := filepath.Abs(filepath.Join(base, "demo.key"))
	if err != nil {
		return 0, st, err
	}
	self, err := os.Executable()
	if err != nil {
		return 0, st, err
	}
	out, err := exec.CommandContext(ctx, self, "token", "create", "--db", db, "--role", "beheer", "--name", "bench").Output()
	if err != nil {
		return 0, st, fmt.Errorf("bench-readers: token: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	token := lines[len(lines)-1]
	addr, err := freeAddr()
	if err != nil {
		return 0, st, err
	}
	cfg := filepath.Join(work, "leerplein.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`warehouse: %s
listen: %s
pseudo_key_file: %s
jobs:
  - name: bench
    schedule: "0 0 0 1 1 *"
    inbox: %s
    stable_after: 1s
`, db, addr, keyFile, inbox)), 0o600); err != nil {
		return 0, st, err
	}
	if err := os.Link(src, filepath.Join(inbox, filepath.Base(src))); err != nil {
		return 0, st, err
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(inbox, filepath.Base(src)), old, old)

	srv := exec.CommandContext(ctx, self, "serve", "--config", cfg)
	srv.Stdout, srv.Stderr = io.Discard, io.Discard
	if err := srv.Start(); err != nil {
		return 0, st, err
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
	}()
	url := "http://" + addr
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients + 4}}
	call := func(method, path string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, url+path, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		return client.Do(req)
	}
	if err := waitHealthy(ctx, client, url); err != nil {
		return 0, st, err
	}

	stop := make(chan struct{})
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	kpis := []string{"verzuim_meldingen", "thuiszitters", "vsv_nieuw", "halt_pv", "rmc_ers"}
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				t0 := time.Now()
				resp, err := call("GET", "/api/v1/kpis/"+kpis[n%len(kpis)])
				d := time.Since(t0)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				lat = append(lat, d)
				if !ok {
					st.errors++
				}
				mu.Unlock()
			}
		}()
	}
	resp, err := call("POST", "/api/v1/jobs/bench/run")
	if err != nil {
		close(stop)
		wg.Wait()
		return 0, st, err
	}
	var started struct {
		RunID int64 `json:"run_id"`
	}
	json.NewDecoder(resp.Body).Decode(&started)
	resp.Body.Close()
	var run struct {
		Status      string     `json:"status"`
		StartedAt   time.Time  `json:"started_at"`
		FinishedAt  *time.Time `json:"finished_at"`
		FilesLoaded int64      `json:"files_loaded"`
	}
	deadline := time.Now().Add(10 * time.Minute)
	for run.FinishedAt == nil {
		if time.Now().After(deadline) {
			close(stop)
			wg.Wait()
			return 0, st, fmt.Errorf("bench-readers: run %d did not finish within 10 minutes", started.RunID)
		}
		time.Sleep(100 * time.Millisecond)
		resp, err := call("GET", fmt.Sprintf("/api/v1/runs/%d", started.RunID))
		if err != nil {
			continue
		}
		json.NewDecoder(bufio.NewReader(resp.Body)).Decode(&run)
		resp.Body.Close()
	}
	close(stop)
	wg.Wait()
	if run.FilesLoaded != 1 {
		return 0, st, fmt.Errorf("bench-readers: run %d ended %s with %d files loaded, want 1", started.RunID, run.Status, run.FilesLoaded)
	}
	slices.Sort(lat)
	st.n = len(lat)
	if st.n > 0 {
		st.p50, st.p99 = lat[st.n/2], lat[st.n*99/100]
	}
	return run.FinishedAt.Sub(run.StartedAt), st, nil
}

func waitHealthy(ctx context.Context, c *http.Client, url string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := c.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("bench-readers: the server did not come up within a minute")
}

// freeAddr finds a free loopback port for the server.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
