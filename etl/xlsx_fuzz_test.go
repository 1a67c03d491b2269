package etl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzLimits are lowered so that a seed of a few kilobytes can reach every one of them.
var fuzzLimits = Limits{
	XLSXSheetBytes:         1 << 20,
	XLSXSharedStringsBytes: 256 << 10,
	XLSXSharedStrings:      1000,
	XLSXOtherBytes:         1 << 20,
	XLSXOtherElements:      10_000,
	XLSXTotalBytes:         4 << 20,
	XLSXParts:              100,
	CompressionRatio:       100,
	RatioFromBytes:         64 << 10,
	CellChars:              1000,
	RowBytes:               16 << 10,
}

// fuzzSeed returns the bytes of a workbook that builds writes into a directory.
func fuzzSeed(f *testing.F, build func(dir string) string) []byte {
	f.Helper()
	b, err := os.ReadFile(build(f.TempDir()))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzXLSXLimits feeds readXLSX arbitrary bytes as a workbook, within fuzzLimits. It
// must never panic, and either reject the workbook or give rows that keep the limits:
// no cell longer than CellChars characters, no row longer than RowBytes, no more text
// in all than XLSXSheetBytes. The seeds are real workbooks and bombs of every kind,
// small but beyond the lowered limits.
func FuzzXLSXLimits(f *testing.F) {
	long := func(n int) string { return strings.Repeat("x", n) }
	seeds := []func(dir string) string{
		func(dir string) string { // an ordinary workbook with date cells
			w := &fixtureWorkbook{}
			w.sheets = []fixtureSheet{{"Verzuim", []string{
				fxRow(1, w.s("A1", "melding_id", 0), w.s("B1", "meldingsdatum", 0)),
				fxRow(2, w.s("A2", "m1", 0), fxNum("B2", "43374", styleDate14)),
				fxRow(3, w.s("A3", "m2", 0), fxNum("B3", "1", styleDateDMY)),
			}}}
			path := w.write(f)
			return path
		},
		func(dir string) string { return sheetBomb(f, dir, 2<<20) },           // sheet beyond XLSXSheetBytes
		func(dir string) string { return stringBomb(f, dir, 512<<10, 0) },     // shared strings beyond their size
		func(dir string) string { return stringBomb(f, dir, 128<<10, 0) },     // one shared string beyond CellChars
		func(dir string) string { return stringBomb(f, dir, 512<<10, 1<<10) }, // a lying zip header
		func(dir string) string { return sharedTextBomb(f, dir, 2, 30) },      // rows beyond RowBytes via shared strings
		func(dir string) string { return limitWorkbook(f, inlineRow(2, long(1001)), "") },
		func(dir string) string { return limitWorkbook(f, sharedRow(2, 200), si(long(90))) },
		func(dir string) string { return limitWorkbook(f, strings.Repeat(sharedRow(3, 10), 2000), si(long(90))) },
		func(dir string) string { return limitWorkbook(f, "", strings.Repeat(si("a"), 1001)) },
		func(dir string) string { return limitWorkbook(f, strings.Repeat("<x>", 300), "") },
		func(dir string) string {
			return limitWorkbook(f, `<row r="2">`+strings.Repeat(`<c s="1"><v>1</v></c>`, 1000)+`</row>`, "")
		},
	}
	for _, build := range seeds {
		f.Add(fuzzSeed(f, build))
	}
	f.Fuzz(readXLSXWithinLimits)
}

// readXLSXWithinLimits reads data as a workbook within fuzzLimits and fails if it
// gives a row beyond them.
func readXLSXWithinLimits(t *testing.T, data []byte) {
	path := filepath.Join(t.TempDir(), "fuzz.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var total int64
	_, err := readXLSX(path, fuzzLimits, func(row int, cells []string) error {
		var rowBytes int64
		for i, c := range cells {
			if n := utf8.RuneCountInString(c); int64(n) > fuzzLimits.CellChars {
				t.Fatalf("row %d cell %d has %d characters, beyond the limit of %d", row, i, n, fuzzLimits.CellChars)
			}
			rowBytes += int64(len(c))
		}
		if rowBytes > fuzzLimits.RowBytes {
			t.Fatalf("row %d has %d bytes of text, beyond the limit of %d", row, rowBytes, fuzzLimits.RowBytes)
		}
		if total += rowBytes; total > fuzzLimits.XLSXSheetBytes {
			t.Fatalf("the sheet gave %d bytes of text, beyond the limit of %d", total, fuzzLimits.XLSXSheetBytes)
		}
		return nil
	})
	if err != nil && err.Error() == "" {
		t.Fatal("a workbook was refused without a reason")
	}
}
