package etl

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestMain lets the crash and memory tests re-run this test binary as a loader that
// they can kill or measure.
func TestMain(m *testing.M) {
	if os.Getenv("LEERPLEIN_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	if os.Getenv("LEERPLEIN_LOAD_CHILD") != "" {
		loadChild()
		return
	}
	os.Exit(m.Run())
}

// crashChild loads the inbox and, once the file's transaction reaches the named stage,
// says so on stdout and waits to be killed.
func crashChild() {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, os.Getenv("LEERPLEIN_CRASH_DB"))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	stop := os.Getenv("LEERPLEIN_CRASH_CHILD")
	_, err = Run(ctx, db, Options{Inbox: os.Getenv("LEERPLEIN_CRASH_INBOX"), Key: testKey, Move: true,
		Progress: func(_ string, _, _ int, label string) {
			if label == stop {
				fmt.Println("reached", label)
				select {} // wait for SIGKILL
			}
		}})
	fmt.Println("finished without reaching the stage:", err)
	os.Exit(1)
}

func TestKillMidFileLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a loader process")
	}
	for _, stage := range []string{"writing", "committing"} {
		t.Run("killed while "+stage, func(t *testing.T) {
			dir := t.TempDir()
			inbox := filepath.Join(dir, "inbox")
			os.Mkdir(inbox, 0o750)
			const rows = 20000
			lines := []string{verzuimHeader}
			for i := range rows {
				lines = append(lines, verzuimRow(fmt.Sprintf("m%d", i), testBSN(i%500), nil))
			}
			if err := os.WriteFile(filepath.Join(inbox, "verzuimmeldingen_groot.csv"), []byte(csvLines(lines...)), 0o600); err != nil {
				t.Fatal(err)
			}
			dbPath := filepath.Join(dir, "w.duckdb")
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "LEERPLEIN_CRASH_CHILD="+stage, "LEERPLEIN_CRASH_DB="+dbPath, "LEERPLEIN_CRASH_INBOX="+inbox)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(out).ReadString('\n')
			if !strings.HasPrefix(line, "reached") {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("loader said %q, want it to reach %s", line, stage)
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			cmd.Wait()

			db, err := warehouse.Open(context.Background(), dbPath)
			if err != nil {
				t.Fatalf("reopen after kill: %v", err)
			}
			defer db.Close()
			if n := queryInt(t, db, "select count(*) from fact_verzuimmelding"); n != 0 {
				t.Errorf("after a kill while %s the warehouse holds %d rows of the file, want 0", stage, n)
			}
			if n := queryInt(t, db, "select count(*) from etl_file where status = 'loaded'"); n != 0 {
				t.Errorf("ledger records %d loaded files, want 0", n)
			}
			// The killed run is marked failed, with the reason, when the warehouse is opened.
			if got := queryStrings(t, db, "select status || ': ' || coalesce(reason, '') from etl_run"); len(got) != 1 ||
				!strings.HasPrefix(got[0], "failed: "+warehouse.ReasonInterrupted) {
				t.Errorf("runs after the kill = %q, want one failed run with the Dutch reason", got)
			}
			if _, err := os.Stat(filepath.Join(inbox, "verzuimmeldingen_groot.csv")); err != nil {
				t.Fatalf("the file left the inbox: %v", err)
			}
			sum := runInbox(t, db, inbox)
			if f := sum.Files[0]; f.Status != StatusLoaded || f.New != rows {
				t.Errorf("reload = %+v, want all %d rows loaded", f, rows)
			}
		})
	}
}
