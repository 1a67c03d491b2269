package etl

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/hetleerplein/leerplein/warehouse"
)

// childResult is what loadChild reports on its stdout.
type childResult struct {
	Files []FileResult
	Err   string
}

// loadChild loads the inbox LEERPLEIN_LOAD_CHILD names into the warehouse
// LEERPLEIN_LOAD_DB with the default limits, prints the outcome as one line of JSON and
// waits for its stdin to close, so that the parent can read its /proc status first.
func loadChild() {
	ctx := context.Background()
	var res childResult
	db, err := warehouse.Open(ctx, os.Getenv("LEERPLEIN_LOAD_DB"))
	if err == nil {
		var sum Summary
		sum, err = Run(ctx, db, Options{Inbox: os.Getenv("LEERPLEIN_LOAD_CHILD"), Key: testKey})
		res.Files = sum.Files
		db.Close()
	}
	if err != nil {
		res.Err = err.Error()
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		os.Exit(2)
	}
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// procStatusBytes reads a "kB" field (VmRSS, VmHWM) of /proc/<pid>/status in bytes.
func procStatusBytes(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}

// measuredLoad runs the loader on inbox in a child process (this test binary again) and
// returns what it did with each file and its peak resident memory (VmHWM of
// /proc/<pid>/status) in bytes. A child that grows beyond killAt bytes, or runs longer
// than two minutes (half an hour in make soak), is killed and the test fails, so a
// regression cannot take the shared machine's memory.
func measuredLoad(t *testing.T, inbox string, killAt int64) ([]FileResult, int64) {
	t.Helper()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to measure memory")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LEERPLEIN_LOAD_CHILD="+inbox,
		"LEERPLEIN_LOAD_DB="+filepath.Join(t.TempDir(), "w.duckdb"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	deadline := 2 * time.Minute
	if os.Getenv("LEERPLEIN_SOAK") == "1" {
		deadline = 30 * time.Minute
	}
	slow := time.AfterFunc(deadline, func() { cmd.Process.Kill() })
	defer slow.Stop()
	done := make(chan struct{})
	killed := make(chan int64, 1)
	go func() { // watchdog
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if rss, err := procStatusBytes(pid, "VmRSS"); err == nil && rss > killAt {
					cmd.Process.Kill()
					killed <- rss
					return
				}
			}
		}
	}()
	line, readErr := bufio.NewReader(stdout).ReadBytes('\n')
	peak, peakErr := procStatusBytes(pid, "VmHWM")
	close(done)
	stdin.Close()
	cmd.Wait()
	select {
	case rss := <-killed:
		t.Fatalf("the loader reached %d MB of memory and was killed (limit of the test: %d MB)", rss>>20, killAt>>20)
	default:
	}
	if !slow.Stop() {
		t.Fatalf("the loader took over %s and was killed", deadline)
	}
	if readErr != nil {
		t.Fatalf("loader child said nothing: %v", readErr)
	}
	if peakErr != nil {
		t.Fatal(peakErr)
	}
	var res childResult
	if err := json.Unmarshal(line, &res); err != nil {
		t.Fatalf("loader child said %q: %v", line, err)
	}
	if res.Err != "" {
		t.Fatalf("loader run failed (peak resident memory %d MB): %s", peak>>20, res.Err)
	}
	return res.Files, peak
}

// parquetDictionaryBomb writes a vrijstellingen Parquet file of rows rows whose
// gemeente is one text of size bytes, stored once in the column's dictionary: the file
// is about size bytes, its text rows × size.
func parquetDictionaryBomb(t testing.TB, path string, rows, size int) {
	t.Helper()
	dictType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	names := []string{"vrijstelling_id", "bsn", "geboortedatum", "gemeente", "artikel", "besluitdatum"}
	values := []string{"v1", testBSN(1), "01-05-2010", strings.Repeat("Z", size), "5A", "01-10-2018"}
	mem := memory.DefaultAllocator
	idx := array.NewInt32Builder(mem)
	defer idx.Release()
	idx.AppendValues(make([]int32, rows), nil)
	indices := idx.NewInt32Array()
	defer indices.Release()
	var fields []arrow.Field
	var cols []arrow.Array
	for i, n := range names {
		fields = append(fields, arrow.Field{Name: n, Type: dictType})
		sb := array.NewStringBuilder(mem)
		sb.Append(values[i])
		dict := sb.NewStringArray()
		sb.Release()
		cols = append(cols, array.NewDictionaryArray(dictType, indices, dict))
		dict.Release()
	}
	schema := arrow.NewSchema(fields, nil)
	rec := array.NewRecordBatch(schema, cols, int64(rows))
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props := parquet.NewWriterProperties(parquet.WithDictionaryDefault(true), parquet.WithStats(false),
		parquet.WithDictionaryPageSizeLimit(int64(size)+(1<<20)), parquet.WithMaxRowGroupLength(int64(rows)))
	w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestBombsMemory loads the files that took the loader's memory before (a 2 MB
// workbook whose sheet unpacks to 2 GiB took 4.3 GB, a 1 MB one with a 1 GiB shared
// string 6.4 GB) and variations on them, each in a child process, and checks that each
// is rejected with its reason while the process stays under 300 MB.
func TestBombsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gigabyte bombs and starts loader processes")
	}
	const bound = 300 << 20
	tests := []struct {
		name  string
		build func(t *testing.T, dir string)
		want  string
	}{
		{
			name:  "2 GiB sheet in a 2 MB workbook",
			build: func(t *testing.T, dir string) { sheetBomb(t, dir, 2<<30) },
			want:  "het werkblad xl/worksheets/sheet1.xml is uitgepakt 2 GB, groter dan de limiet van 1 GB; splits het bestand of lever het als CSV",
		},
		{
			name:  "1 GiB shared string",
			build: func(t *testing.T, dir string) { stringBomb(t, dir, 1<<30, 0) },
			want:  "de gedeelde teksten van het werkboek (xl/sharedStrings.xml) zijn uitgepakt 1 GB, groter dan de limiet van 256 MB; splits het bestand of lever het als CSV",
		},
		{
			name:  "1 GiB shared string behind a zip header that says 4 KB",
			build: func(t *testing.T, dir string) { stringBomb(t, dir, 1<<30, 4<<10) },
			want:  "het onderdeel xl/sharedStrings.xml van het werkboek kan niet worden uitgepakt: het is beschadigd, of groter dan de zip-inhoudsopgave zegt",
		},
		{
			// Within RowBytes a row, 1 GB of text needs a sheet of millions of tiny rows:
			// its compression ratio gives it away before the text is read.
			name:  "1 GB of text from one shared string, in small parts",
			build: func(t *testing.T, dir string) { sharedTextBomb(t, dir, 70_000, 2) },
			want:  "het onderdeel xl/worksheets/sheet1.xml van het werkboek is 10,9 KB ingepakt maar 3,5 MB uitgepakt, meer dan 100 keer zo groot",
		},
		{
			name: "one text repeated in every row of a Parquet file through its dictionary",
			build: func(t *testing.T, dir string) {
				// Each row within RowBytes: the file's text ratio is what rejects it.
				parquetDictionaryBomb(t, filepath.Join(dir, "vrijstellingen_bom.parquet"), 2_000_000, 15_000)
			},
			want: "de tekst in het Parquet-bestand is uitgepakt 28 GB, meer dan 100 keer het bestand zelf",
		},
		{
			name: "a 100 MB line in a CSV file",
			build: func(t *testing.T, dir string) {
				f, err := os.Create(filepath.Join(dir, "verzuimmeldingen_lang.csv"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				fmt.Fprint(f, csvLines(verzuimHeader+";toelichting", verzuimRow("m1", testBSN(1), nil)+";"))
				fmt.Fprint(f, verzuimRow("m2", testBSN(2), nil)+";")
				chunk := []byte(strings.Repeat("x", 1<<20))
				for range 100 {
					if _, err := f.Write(chunk); err != nil {
						t.Fatal(err)
					}
				}
				fmt.Fprint(f, "\r\n")
			},
			want: `regel 3 is langer dan 16 KB, de limiet per regel; controleer of elk aanhalingsteken (") gesloten wordt`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.build(t, dir)
			files, peak := measuredLoad(t, dir, 1<<30)
			if len(files) != 1 {
				t.Fatalf("files = %+v, want one", files)
			}
			if f := files[0]; f.Status != StatusRejected || !strings.HasPrefix(f.Reason, tt.want) {
				t.Errorf("file = %s %q, want rejected %q…", f.Status, f.Reason, tt.want)
			}
			t.Logf("peak resident memory of the loader: %d MB", peak>>20)
			if peak > bound {
				t.Errorf("the loader's peak resident memory was %d MB, want under %d MB", peak>>20, bound>>20)
			}
		})
	}
}

// randomText is n letters that deflate about as well as real text (not 1000:1).
func randomText(n int, seed uint64) string {
	b := make([]byte, n)
	for i := range b {
		seed = seed*6364136223846793005 + 1442695040888963407
		b[i] = 'a' + byte(seed>>59)%26
	}
	return string(b)
}

// TestSoakLimits (make soak) measures the loader on files at the limits, and on a
// bigger bomb: a workbook of 17,000 rows of 14 KB of shared-string text; a CSV file of
// 16,000 lines of almost 16 KB (RowBytes), 256 MB, the text in a column the feed reads
// (brin); the same as Parquet in row groups of 1000 rows (16 MB a column); and a 16 GiB
// sheet. It reports each peak and fails above 1.5 GB (DuckDB's own limit is 1 GB).
func TestSoakLimits(t *testing.T) {
	if os.Getenv("LEERPLEIN_SOAK") != "1" {
		t.Skip("soak test: run with make soak (LEERPLEIN_SOAK=1)")
	}
	const bound = 1536 << 20
	const lines = 16_000
	writeCSV := func(t *testing.T, path string) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		fmt.Fprint(w, verzuimHeader+"\r\n")
		for i := range lines {
			row := verzuimRow(fmt.Sprintf("m%d", i), testBSN(i), nil)
			fmt.Fprint(w, row+randomText(int(DefaultLimits().RowBytes)-len(row)-16, uint64(i))+"\r\n") // in brin
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		build  func(t *testing.T, dir string)
		status string
	}{
		{
			name: "workbook of 17,000 rows of 14 KB through shared strings",
			build: func(t *testing.T, dir string) {
				var sst strings.Builder
				for i := range 30 {
					sst.WriteString(si(randomText(7_000, uint64(i))))
				}
				var sheet strings.Builder
				sheet.WriteString(bombSheetStart + bombHeader())
				for r := range 17_000 {
					fmt.Fprintf(&sheet, `<row><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c></row>`, r%30, (r+1)%30)
				}
				sheet.WriteString(bombSheetEnd)
				writeBombZip(t, filepath.Join(dir, "verzuimmeldingen_groot.xlsx"), bombWorkbook(
					bombPart{prefix: sheet.String()}, bombPart{prefix: bombSSTStart + sst.String() + bombSSTEnd}))
			},
			status: StatusLoaded,
		},
		{
			name:   "CSV of 16,000 lines of almost 16 KB",
			build:  func(t *testing.T, dir string) { writeCSV(t, filepath.Join(dir, "verzuimmeldingen_groot.csv")) },
			status: StatusLoaded,
		},
		{
			name: "Parquet of 16,000 rows of almost 16 KB",
			build: func(t *testing.T, dir string) {
				csv := filepath.Join(t.TempDir(), "groot.csv")
				writeCSV(t, csv)
				db := openTestDB(t)
				if _, err := db.ExecContext(context.Background(), fmt.Sprintf(`copy (select * from read_csv(%s, delim = ';', all_varchar = true))
					to %s (format parquet, row_group_size 1000)`, sqlString(csv), sqlString(filepath.Join(dir, "verzuimmeldingen_groot.parquet")))); err != nil {
					t.Fatal(err)
				}
			},
			status: StatusLoaded,
		},
		{
			name:   "16 GiB sheet",
			build:  func(t *testing.T, dir string) { sheetBomb(t, dir, 16<<30) },
			status: StatusRejected,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.build(t, dir)
			files, peak := measuredLoad(t, dir, 3<<30)
			t.Logf("%s: %s %q; peak resident memory %d MB", tt.name, files[0].Status, files[0].Reason, peak>>20)
			if files[0].Status != tt.status {
				t.Errorf("file = %s %q, want %s", files[0].Status, files[0].Reason, tt.status)
			}
			if peak > bound {
				t.Errorf("peak resident memory %d MB, want under %d MB", peak>>20, bound>>20)
			}
		})
	}
}
