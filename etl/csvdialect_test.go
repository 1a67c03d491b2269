package etl

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	_ "github.com/duckdb/duckdb-go/v2"
	"golang.org/x/text/encoding/charmap"
)

// writeTempFile writes data to a new file in a per-test directory and returns its path.
func writeTempFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return path
}

// fixtureLines returns n lines of plain ASCII CSV data, 45 bytes each.
func fixtureLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "M%06d;123456782;01-10-2018;RELATIEF;12,5\r\n", i)
	}
	return b.String()
}

func TestSniffCSV(t *testing.T) {
	const bom = "\xEF\xBB\xBF"
	far := fixtureLines(80_000) // about 3 MB: past the header buffer and several scan buffers
	tests := []struct {
		name    string
		data    string
		want    csvDialect
		wantErr error
	}{
		{
			name: "semicolon LF",
			data: "melding_id;bsn;verzuimsoort\nM1;123456782;RELATIEF\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"melding_id", "bsn", "verzuimsoort"}},
		},
		{
			name: "comma CRLF",
			data: "melding_id,bsn\r\nM1,123456782\r\n",
			want: csvDialect{Delimiter: ',', Encoding: "utf-8", Header: []string{"melding_id", "bsn"}},
		},
		{
			name: "tab",
			data: "melding_id\tbsn\turen\nM1\t123456782\t12,5\n",
			want: csvDialect{Delimiter: '\t', Encoding: "utf-8", Header: []string{"melding_id", "bsn", "uren"}},
		},
		{
			name: "CR only line ends",
			data: "a;b\r1;2\r",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"a", "b"}},
		},
		{
			name: "quoted cells hold the other separators",
			data: "\"id,nr\";\"naam\tvolledig\";\"a,b,c\";d\n1;2;3;4\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"id,nr", "naam\tvolledig", "a,b,c", "d"}},
		},
		{
			name: "quoted cells hold semicolons in a comma file",
			data: "\"a;b\",\"c;d;e\",f\r\n1,2,3\r\n",
			want: csvDialect{Delimiter: ',', Encoding: "utf-8", Header: []string{"a;b", "c;d;e", "f"}},
		},
		{
			name: "doubled quotes and a quoted line break",
			data: "\"zeg \"\"hoi\"\"\";\"twee\nregels\";c\n1;2;3\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"zeg \"hoi\"", "twee\nregels", "c"}},
		},
		{
			name: "cells kept as written",
			data: " Melding-ID ;BSN ;;x\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{" Melding-ID ", "BSN ", "", "x"}},
		},
		{
			name: "tie goes to semicolon",
			data: "a;b,c\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"a", "b,c"}},
		},
		{
			name: "one column",
			data: "bsn\n123456782\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"bsn"}},
		},
		{
			name: "BOM",
			data: bom + "bsn;naam\r\n123456782;Jan\r\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", BOM: true, Header: []string{"bsn", "naam"}},
		},
		{
			name: "BOM and quoted first cell",
			data: bom + "\"bsn\";\"naam\"\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", BOM: true, Header: []string{"bsn", "naam"}},
		},
		{
			name: "header only without line end",
			data: "bsn;naam",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"bsn", "naam"}},
		},
		{
			name: "header only",
			data: "bsn;naam\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"bsn", "naam"}},
		},
		{
			name: "utf-8 accents",
			data: "café;reünie;prijs €;“quote”\nà;ë;€;’\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"café", "reünie", "prijs €", "“quote”"}},
		},
		{
			name: "utf-8 accents far into the file",
			data: "a;b\n" + far + "é;ë€“”\n",
			want: csvDialect{Delimiter: ';', Encoding: "utf-8", Header: []string{"a", "b"}},
		},
		{
			name: "windows-1252 header",
			data: "caf\xe9;re\xfcnie;prijs \x80;\x93quote\x94\n1;2;3;4\n",
			want: csvDialect{Delimiter: ';', Encoding: "windows-1252", Header: []string{"café", "reünie", "prijs €", "“quote”"}},
		},
		{
			name: "windows-1252 byte only far into the file",
			data: "melding_id;bsn;datum;soort;uren\r\n" + far + "M9;123456782;01-10-2018;caf\xe9 \x93x\x94;\x80\r\n",
			want: csvDialect{Delimiter: ';', Encoding: "windows-1252", Header: []string{"melding_id", "bsn", "datum", "soort", "uren"}},
		},
		{
			name: "windows-1252 in the last byte",
			data: "a,b\n" + far + "\xeb",
			want: csvDialect{Delimiter: ',', Encoding: "windows-1252", Header: []string{"a", "b"}},
		},
		{
			name: "BOM but windows-1252 later",
			data: bom + "a;b\n" + far + "\xe9\n",
			want: csvDialect{Delimiter: ';', Encoding: "windows-1252", BOM: true, Header: []string{"a", "b"}},
		},
		{name: "empty", data: "", wantErr: errEmptyFile},
		{name: "BOM only", data: bom, wantErr: errEmptyFile},
		{name: "blank first line", data: "\nbsn;naam\n", wantErr: errNoHeader},
		{name: "spaces on line 1", data: "   \r\nbsn;naam\r\n", wantErr: errNoHeader},
		{name: "separators only", data: ";;;\n1;2;3;4\n", wantErr: errNoHeader},
		{name: "unterminated quote", data: "\"bsn;naam\n1;2\n", wantErr: errNotCSV},
		{name: "header longer than the limit", data: strings.Repeat("kolom;", maxHeaderBytes/6+10), wantErr: errNotCSV},
		{name: "binary junk", data: "bsn;\x00\x01\x02\xff\xfe junk", wantErr: errNotCSV},
		{name: "NUL late in the first KB", data: "bsn;naam\n" + strings.Repeat("1;2\n", 200) + "\x00", wantErr: errNotCSV},
		{name: "xlsx renamed", data: "PK\x03\x04\x14\x00\x06\x00", wantErr: errNotCSV},
		{name: "xls", data: "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", wantErr: errNotCSV},
		{name: "utf-16", data: "\xFF\xFEb\x00s\x00n\x00", wantErr: errNotCSV},
		{name: "pdf", data: "%PDF-1.7\n", wantErr: errNotCSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTempFile(t, "feed.csv", []byte(tt.data))
			got, err := sniffCSV(path)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("sniffCSV() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("sniffCSV() error = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sniffCSV() = %#v\nwant        %#v", got, tt.want)
			}
		})
	}
}

func TestSniffCSVErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "het bestand is leeg"},
		{"blank first line", "\nbsn\n", "geen kopregel: regel 1 is leeg; de kolomnamen moeten op regel 1 staan"},
		{"nul", "ab\x00", "geen CSV-bestand: het bevat binaire gegevens (een NUL-byte op byte 3)"},
		{"xlsx renamed", "PK\x03\x04rest", "geen CSV-bestand: het is een zip-archief, waarschijnlijk een Excel-werkboek; geef het de extensie .xlsx of exporteer het als CSV"},
		{"unterminated quote", "\"bsn;naam", "geen CSV-bestand: de kopregel heeft een aanhalingsteken (\") dat niet gesloten wordt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sniffCSV(writeTempFile(t, "x.csv", []byte(tt.data)))
			if err == nil || dutch(err) != tt.want {
				t.Errorf("sniffCSV() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSniffCSVMissingFile(t *testing.T) {
	_, err := sniffCSV(filepath.Join(t.TempDir(), "missing.csv"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("sniffCSV(missing) error = %v, want os.ErrNotExist", err)
	}
}

func TestValidUTF8(t *testing.T) {
	inputs := []string{
		"",
		"plain ascii",
		"é",
		"aé",
		"aaé",
		"aaaé",
		"€uro",
		"a€",
		"aa€",
		"aaa€b",
		"😀",
		"a😀",
		"aa😀",
		"aaa😀aaa😀",
		"café reünie “quote” ‘x’ – € 😀",
		"\xe9",
		"a\xe9",
		"aaa\xe9b",
		"aaaa\x80",
		"\xe2\x82",     // truncated €
		"aaa\xe2\x82",  // truncated € at the end
		"aa\xe2\x82a",  // truncated € in the middle
		"\xf0\x9f\x98", // truncated emoji
		"aa\xc3",       // truncated é at the end
		"\xc0\xaf",     // overlong
		"\xed\xa0\x80", // surrogate
		"\xf8\x88\x80\x80\x80",
		"\xbf\xbf\xbf\xbf",
		"ok\xef\xbb\xbfok",
	}
	for _, in := range inputs {
		want := utf8.ValidString(in)
		for _, size := range []int{1, 4, 5, 6, 7, 8, 64} {
			t.Run(strconv.Itoa(size)+"/"+strings.ToValidUTF8(in, "?"), func(t *testing.T) {
				got, err := validUTF8(strings.NewReader(in), make([]byte, size))
				if err != nil {
					t.Fatalf("validUTF8() error = %v", err)
				}
				if got != want {
					t.Errorf("validUTF8(%q, buf %d) = %v, want %v", in, size, got, want)
				}
			})
		}
	}
}

func TestToUTF8File(t *testing.T) {
	far := fixtureLines(60_000) // past the conversion buffers
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "dutch text and symbols",
			src:  "naam;bedrag\r\nJos\xe9 Ren\xe9e;\x80 12,50\r\nCo\xebn \x93quote\x94 \x91x\x92 \x96 \x85\r\n",
			want: "naam;bedrag\r\nJosé Renée;€ 12,50\r\nCoën “quote” ‘x’ – …\r\n",
		},
		{
			name: "BOM dropped",
			src:  "\xEF\xBB\xBFa;b\n\xe9;\xeb\n",
			want: "a;b\né;ë\n",
		},
		{
			name: "long file",
			src:  "a;b\n" + far + "\xe9\n",
			want: "a;b\n" + far + "é\n",
		},
		{name: "empty", src: "", want: ""},
		{name: "BOM only", src: "\xEF\xBB\xBF", want: ""},
		{name: "every byte", src: string(allBytes()), want: charmapDecode(t, allBytes())},
		{name: "every byte, long", src: far + string(allBytes()) + far, want: far + charmapDecode(t, allBytes()) + far},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := writeTempFile(t, "in.csv", []byte(tt.src))
			dst := filepath.Join(t.TempDir(), "out.csv")
			if err := toUTF8File(src, dst); err != nil {
				t.Fatalf("toUTF8File() error = %v", err)
			}
			got, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, []byte(tt.want)) {
				t.Errorf("toUTF8File() wrote %d bytes %q…, want %d bytes %q…",
					len(got), got[:min(len(got), 80)], len(tt.want), tt.want[:min(len(tt.want), 80)])
			}
			if !utf8.Valid(got) {
				t.Errorf("toUTF8File() wrote invalid UTF-8")
			}
		})
	}
}

// allBytes returns the bytes 1 to 255 twice, with ASCII runs of several lengths between.
func allBytes() []byte {
	var b []byte
	for i := 1; i < 256; i++ {
		b = append(b, byte(i), byte(255-i))
		b = append(b, strings.Repeat("x", i%11)...)
	}
	return b
}

// charmapDecode is the reference decoding: x/text's own windows-1252 decoder.
func charmapDecode(t *testing.T, b []byte) string {
	t.Helper()
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestToUTF8FileMissingSource(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "out.csv")
	err := toUTF8File(filepath.Join(dir, "missing.csv"), dst)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("toUTF8File(missing) error = %v, want os.ErrNotExist", err)
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("toUTF8File(missing) left %s behind", dst)
	}
}

func TestScanCSVLayout(t *testing.T) {
	tests := []struct {
		name string
		data string
		want csvLayout
	}{
		{
			name: "regular LF",
			data: "a;b;c\n1;2;3\n4;5;6\n",
			want: csvLayout{Records: 2, Shifts: []lineShift{{1, 2}}},
		},
		{
			name: "regular CRLF without final line end",
			data: "a;b;c\r\n1;2;3\r\n4;5;6",
			want: csvLayout{Records: 2, Shifts: []lineShift{{1, 2}}},
		},
		{
			name: "header only",
			data: "a;b;c\r\n",
			want: csvLayout{},
		},
		{
			name: "BOM",
			data: "\xEF\xBB\xBFa;b;c\r\n1;2;3\r\n",
			want: csvLayout{Records: 1, Shifts: []lineShift{{1, 2}}},
		},
		{
			name: "blank lines are no records",
			data: "a;b;c\n1;2;3\n\n\n4;5;6\n7;8;9\n\n",
			want: csvLayout{Records: 3, Shifts: []lineShift{{1, 2}, {2, 5}}},
		},
		{
			name: "CRLF blank line, separators-only line is a record",
			data: "a;b;c\r\n1;2;3\r\n\r\n4;5;6\r\n;;\r\n7;8;9",
			want: csvLayout{Records: 4, Shifts: []lineShift{{1, 2}, {2, 4}}},
		},
		{
			name: "spaces-only line is a ragged record",
			data: "a;b;c\n1;2;3\n   \n4;5;6\n",
			want: csvLayout{Records: 3, Shifts: []lineShift{{1, 2}}, Ragged: []raggedRecord{{2, 3, 1}}},
		},
		{
			name: "too few and too many fields",
			data: "a;b;c\n1;2;3\n4;5\n6;7;8;9\n10;11;12\n",
			want: csvLayout{Records: 4, Shifts: []lineShift{{1, 2}}, Ragged: []raggedRecord{{2, 3, 2}, {3, 4, 4}}},
		},
		{
			name: "quoted separators and line breaks",
			data: "a;b;c\n1;\"x;y\";3\n4;\"regel 1\nregel 2\r\nregel 3\";6\n7;8;9\n",
			want: csvLayout{Records: 3, QuotedNewlines: true, Shifts: []lineShift{{1, 2}, {3, 6}}},
		},
		{
			name: "doubled quotes and quotes inside values",
			data: "a;b;c\n\"zeg \"\"hoi\"\"\";ab\"c;\"\"\n4;\"ab\"c;6\n",
			want: csvLayout{Records: 2, Shifts: []lineShift{{1, 2}}},
		},
		{
			name: "quoted header over two lines",
			data: "\"a\nA\";b\n1;2\n",
			want: csvLayout{Records: 1, QuotedNewlines: true, Shifts: []lineShift{{1, 3}}},
		},
		{
			name: "mixed line ends and a lone CR",
			data: "a;b;c\n1;2\r3;4\n5;6;7\r\n8;9;10\r",
			want: csvLayout{Records: 4, Shifts: []lineShift{{1, 2}}, Ragged: []raggedRecord{{1, 2, 2}, {2, 3, 2}}},
		},
		{
			name: "CR only",
			data: "a;b;c\r1;2;3\r\r4;5;6\r",
			want: csvLayout{Records: 2, Shifts: []lineShift{{1, 2}, {2, 4}}},
		},
		{
			name: "trailing empty fields pass, surplus values do not",
			data: "a;b\n1;2;\n3;4;;\n5;6;x\n7;8;\"\"\n9;10; \n11;12;\"\"\"\"\n13;14;;\"\"x\n",
			want: csvLayout{Records: 7, Shifts: []lineShift{{1, 2}}, Ragged: []raggedRecord{{3, 4, 3}, {5, 6, 3}, {6, 7, 3}, {7, 8, 4}}},
		},
		{
			name: "lone CR at the end of a CRLF file",
			data: "a;b\r\n1;2\r",
			want: csvLayout{Records: 1, Shifts: []lineShift{{1, 2}}},
		},
		{
			name: "one column: empty lines are records",
			data: "a\n1\n\n2\n\n",
			want: csvLayout{Records: 4, Shifts: []lineShift{{1, 2}}},
		},
		{
			name: "comma dialect ignores semicolons",
			data: "a,b\n1;2,3\n",
			want: csvLayout{Records: 1, Shifts: []lineShift{{1, 2}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTempFile(t, "feed.csv", []byte(tt.data))
			d, err := sniffCSV(path)
			if err != nil {
				t.Fatalf("sniffCSV() error = %v", err)
			}
			got, err := scanCSVLayout(path, d, 0)
			if err != nil {
				t.Fatalf("scanCSVLayout() error = %v", err)
			}
			got.EdgeSpace = false // TestEdgeSpace and FuzzCSVLayoutDuckDB cover it
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("scanCSVLayout() = %+v\nwant             %+v", got, tt.want)
			}
		})
	}
}

func TestScanCSVLayoutLongLines(t *testing.T) {
	long := strings.Repeat("x", 3*scanBufferBytes+17) // past the reader's buffer
	data := "a;b\n1;" + long + "\n\n2;\"" + long + "\n" + long + "\"\n3;4;5\n"
	path := writeTempFile(t, "long.csv", []byte(data))
	d, err := sniffCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scanCSVLayout(path, d, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := csvLayout{Records: 3, QuotedNewlines: true, Shifts: []lineShift{{1, 2}, {2, 4}, {3, 6}}, Ragged: []raggedRecord{{3, 6, 3}}, EdgeSpace: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scanCSVLayout() = %+v, want %+v", got, want)
	}
}

func TestScanCSVLayoutErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr error
		wantMsg string
	}{
		{
			name:    "unclosed quote",
			data:    "a;b;c\n1;2;3\n4;\"5;6\n7;8;9\n",
			wantErr: errUnclosedQuote,
			wantMsg: "het aanhalingsteken (\") dat op regel 3 opent, wordt nooit gesloten, zodat de rest van het bestand als één waarde gelezen zou worden",
		},
		{
			name:    "lone CR in a CRLF file",
			data:    "a;b\r\n1;2\r\n3;4\r5;6\r\n",
			wantErr: errStrayCR,
			wantMsg: "regel 3 eindigt op een losse regelterugloop (CR) in een bestand met CR LF als regeleinde, wat DuckDB verkeerd leest; sla het bestand opnieuw op vanuit Excel",
		},
		{
			name:    "lone CR after a quoted CRLF in the header",
			data:    "a;\"b\r\nB\"\r1;2\n",
			wantErr: errStrayCR,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTempFile(t, "bad.csv", []byte(tt.data))
			d, err := sniffCSV(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = scanCSVLayout(path, d, 0)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("scanCSVLayout() error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" && dutch(err) != tt.wantMsg {
				t.Errorf("scanCSVLayout() error = %q, want %q", dutch(err), tt.wantMsg)
			}
		})
	}
}

// TestCSVLayoutMatchesDuckDB reads files with DuckDB the way the loader should and checks
// that the layout maps every row read_csv gives to the line it is on. Column a of each
// fixture row holds "L" and its line number.
func TestCSVLayoutMatchesDuckDB(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"regular", "a;b;c\nL2;x;y\nL3;x;y\n"},
		{"crlf and blank lines", "a;b;c\r\nL2;x;y\r\n\r\n\r\nL5;x;y\r\nL6;;\r\n\r\nL8;x;y"},
		{"separators only and spaces only", "a;b;c\nL2;x;y\n;;\n   \nL5;x;y\n"},
		{"ragged", "a;b;c\nL2;x\nL3;x;y;z\nL4;x;y\nL5\n"},
		{"quoted line breaks", "a;b;c\nL2;\"1\n2\";y\nL4;x;\"y\r\n\r\nz\"\n\nL8;\"a;b\";\"\"\"q\"\"\"\n"},
		{"mixed line ends and a lone CR", "a;b;c\nL2;x;y\r\nL3;x\rL4;x;y\n\rL6;x;y"},
		{"BOM and tabs", "\xEF\xBB\xBFa\tb\tc\r\nL2\tx\ty\r\n\r\nL4\t\"x\ty\"\tz\r\n"},
		{"windows-1252", "a,b,c\nL2,caf\xe9,\x80\n\nL4,\x93x\x94,y\n"},
		{"quoted header", "\"a\";\"b\nB\";c\nL3;x;y\nL4;x;y\n"},
		{"one column", "a\nL2\n\nL4\n\n"},
		{"lone CR at the end of a CRLF file", "a;b\r\nL2;x\r\nL3;y\r"},
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTempFile(t, "feed.csv", []byte(tt.data))
			d, err := sniffCSV(path)
			if err != nil {
				t.Fatalf("sniffCSV() error = %v", err)
			}
			layout, err := scanCSVLayout(path, d, 0)
			if err != nil {
				t.Fatalf("scanCSVLayout() error = %v", err)
			}
			readPath := path
			if d.Encoding == encodingWindows1252 {
				readPath = filepath.Join(t.TempDir(), "utf8.csv")
				if err := toUTF8File(path, readPath); err != nil {
					t.Fatal(err)
				}
			}
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, "create or replace temp table shifts (record bigint, line bigint)"); err != nil {
				t.Fatal(err)
			}
			for _, s := range layout.Shifts {
				if _, err := conn.ExecContext(ctx, "insert into shifts values (?, ?)", s.Record, s.Line); err != nil {
					t.Fatal(err)
				}
			}
			cols := make([]string, len(d.Header))
			for i := range d.Header {
				cols[i] = fmt.Sprintf("'c%d': 'VARCHAR'", i)
			}
			query := fmt.Sprintf(`with source as (
					select row_number() over () as _record, *
					from read_csv('%s', delim = '%s', quote = '"', escape = '"', header = true,
						auto_detect = false, columns = {%s}, null_padding = true, strict_mode = false,
						parallel = %t)
				)
				select source._record, shifts.line + (source._record - shifts.record) as _line, source.c0
				from source asof join shifts on source._record >= shifts.record
				order by source._record`,
				strings.ReplaceAll(readPath, "'", "''"), string(d.Delimiter), strings.Join(cols, ", "), !layout.QuotedNewlines)
			rows, err := conn.QueryContext(ctx, query)
			if err != nil {
				t.Fatalf("read_csv: %v", err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var record, line int
				var a sql.NullString
				if err := rows.Scan(&record, &line, &a); err != nil {
					t.Fatal(err)
				}
				n++
				if want := "L" + strconv.Itoa(line); strings.HasPrefix(a.String, "L") && a.String != want {
					t.Errorf("record %d: mapped to line %d, but it says it is on %s", record, line, a.String)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n != layout.Records {
				t.Errorf("read_csv gave %d rows, layout counted %d records", n, layout.Records)
			}
		})
	}
}

// FuzzSniffCSV checks that sniffCSV never panics, fails only with its own sentinel
// errors, never calls valid UTF-8 windows-1252, and gives simple headers back as written;
// and that scanCSVLayout gives a consistent layout for whatever sniffCSV accepts.
func FuzzSniffCSV(f *testing.F) {
	seeds := []string{
		"bsn;naam\n1;2\n",
		"a,b,c\r\n1,2,3\r\n",
		"a\tb\n",
		"\xEF\xBB\xBFbsn;naam\n",
		"\"a;b\",c\n",
		"\"zeg \"\"hoi\"\"\";x\n",
		"caf\xe9;b\n",
		"café;b\n",
		"",
		"\n",
		"\"open",
		"\x00\x01",
		"PK\x03\x04",
		"a;b\r",
		"Melding-ID ; BSN;Geboortedatum\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := sniffCSV(path)
		if err != nil {
			if !errors.Is(err, errEmptyFile) && !errors.Is(err, errNoHeader) && !errors.Is(err, errNotCSV) {
				t.Fatalf("sniffCSV(%q) error = %v, want one of the sentinel errors", data, err)
			}
			return
		}
		if utf8.Valid(data) && got.Encoding != encodingUTF8 {
			t.Errorf("sniffCSV(%q) encoding = %q for valid UTF-8", data, got.Encoding)
		}
		if got.Delimiter != ';' && got.Delimiter != ',' && got.Delimiter != '\t' {
			t.Errorf("sniffCSV(%q) delimiter = %q", data, got.Delimiter)
		}
		for _, cell := range got.Header {
			if !utf8.ValidString(cell) {
				t.Errorf("sniffCSV(%q) header cell %q is not UTF-8", data, cell)
			}
		}
		layout, err := scanCSVLayout(path, got, 0)
		if err != nil && !errors.Is(err, errUnclosedQuote) && !errors.Is(err, errStrayCR) {
			t.Fatalf("scanCSVLayout(%q) error = %v", data, err)
		}
		if len(layout.Ragged) > layout.Records || (layout.Records > 0) != (len(layout.Shifts) > 0) {
			t.Errorf("scanCSVLayout(%q) = %+v: inconsistent", data, layout)
		}
		for i, s := range layout.Shifts {
			if s.Record < 1 || s.Record > layout.Records || s.Line <= s.Record ||
				(i > 0 && (s.Record <= layout.Shifts[i-1].Record || s.Line-s.Record <= layout.Shifts[i-1].Line-layout.Shifts[i-1].Record)) {
				t.Errorf("scanCSVLayout(%q) shifts %+v are not increasing", data, layout.Shifts)
			}
		}
		line, _, _ := bytes.Cut(data, []byte("\n"))
		if simpleHeader(line) {
			want := strings.Split(string(line), ";")
			if !reflect.DeepEqual(got.Header, want) {
				t.Errorf("sniffCSV(%q) header = %q, want %q", data, got.Header, want)
			}
		}
	})
}

// simpleHeader reports whether line is a header whose cells need no quoting: letters,
// digits, spaces, '-' and '_', separated by ';', with at least one letter or digit.
func simpleHeader(line []byte) bool {
	named := false
	for _, c := range line {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			named = true
		case c == ' ' || c == '-' || c == '_' || c == ';':
		default:
			return false
		}
	}
	return named
}

// FuzzValidUTF8 checks the chunked scan against utf8.Valid for every buffer size.
func FuzzValidUTF8(f *testing.F) {
	for _, s := range []string{"", "aé€😀", "a\xe9", "aaa\xe2\x82", "\xf0\x9f\x98\x80\x80"} {
		f.Add([]byte(s), uint8(4))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		got, err := validUTF8(bytes.NewReader(data), make([]byte, int(size)))
		if err != nil {
			t.Fatal(err)
		}
		if want := utf8.Valid(data); got != want {
			t.Errorf("validUTF8(%q, buf %d) = %v, want %v", data, size, got, want)
		}
	})
}

// BenchmarkSniffCSV measures the whole-file scan; it must stay far cheaper than DuckDB's
// own read of the file (about 100 MB/s on the CI machine).
func BenchmarkSniffCSV(b *testing.B) {
	data := []byte("melding_id;bsn;datum;soort;uren\r\n" + fixtureLines(1_000_000))
	path := writeTempFile(b, "big.csv", data)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d, err := sniffCSV(path)
		if err != nil || d.Encoding != encodingUTF8 {
			b.Fatalf("sniffCSV() = %+v, %v", d, err)
		}
	}
}

// BenchmarkScanCSVLayout measures the record scan of a regular file.
func BenchmarkScanCSVLayout(b *testing.B) {
	data := []byte("melding_id;bsn;datum;soort;uren\r\n" + fixtureLines(1_000_000))
	path := writeTempFile(b, "big.csv", data)
	d, err := sniffCSV(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		layout, err := scanCSVLayout(path, d, 0)
		if err != nil || layout.Records != 1_000_000 {
			b.Fatalf("scanCSVLayout() = %d records, %v", layout.Records, err)
		}
	}
}

// BenchmarkToUTF8File measures the windows-1252 conversion.
func BenchmarkToUTF8File(b *testing.B) {
	data := []byte("melding_id;bsn;datum;soort;uren\r\n" + strings.ReplaceAll(fixtureLines(1_000_000), "RELATIEF", "REL\xc9TIEF"))
	src := writeTempFile(b, "big.csv", data)
	dst := filepath.Join(b.TempDir(), "out.csv")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := toUTF8File(src, dst); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCSVLayoutDuckDB checks that scanCSVLayout counts exactly the records DuckDB's
// read_csv gives with the loader's options, so that record numbers map to lines.
func FuzzCSVLayoutDuckDB(f *testing.F) {
	for _, s := range []string{
		"a;b\n1;2\n\n3;4\n",
		"a;b\r\n1;\"x\r\ny\"\r\n\r\n3\r\n",
		"a;b\n1;2\r3;4\n\r5;6",
		"a,b\n\"x\"\"y\",\"\"\n ,\n",
		"a;b\n\"1\"x;\"2\"\"\"\n",
		"a\tb\n1\t2\t3\n\n",
		"a;b\r1;2\r\n3;4\r\r\n",
		",0\n\"\"0\"\n0",
		"a;b\n\"ab\"c\"d;e\";f\nx\"y;z\"w;v\n1;2\n",
		",0\n,0,",
		", \"0\n0\"",
		",\"\"0\n0",
		"a;b\n1; \"x;y\"\n2;  \"x\ny\"\n3;x \"y;z\"\n4;\"x\" ;5\n",
		"a;b\n1;2;\n3;4;;\n5;6;x\n7;8;\"\"\n9;10; \n11;12;\"\"\"\"\n",
		"a;b\n1;x\u00a0\n2;\u2003y\n3;\"z \"\n4;Haarlemmerliede en Spaarnwoude\n",
		"a\tb\n1\t x\n2\tcaf\u00e9\n",
		"a;b\r\n1;\"x\r\n y\"\r\n",
	} {
		f.Add([]byte(s))
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := sniffCSV(path)
		// One-column files are left out: no feed has fewer than two columns, and DuckDB
		// reads their empty lines as NULL rows in ways that depend on the line ends.
		if err != nil || d.Encoding != encodingUTF8 || len(d.Header) < 2 || len(d.Header) > 50 {
			return
		}
		layout, err := scanCSVLayout(path, d, 0)
		if err != nil {
			return
		}
		cols := make([]string, len(d.Header))
		for i := range d.Header {
			cols[i] = fmt.Sprintf("'c%d': 'VARCHAR'", i)
		}
		// padded counts the values with white space at an edge, which the validation
		// trims; the scan must not call a file free of them when it is not.
		padded := make([]string, len(d.Header))
		for i := range d.Header {
			padded[i] = fmt.Sprintf("c%[1]d <> trim(c%[1]d, %[2]s)", i, sqlString(whiteSpace))
		}
		var n, nPadded int
		err = db.QueryRow(fmt.Sprintf(`select count(*), count(*) filter (where %s) from read_csv('%s', delim = '%s', quote = '"',
			escape = '"', header = true, auto_detect = false, columns = {%s}, null_padding = true,
			strict_mode = false, parallel = false)`, strings.Join(padded, " or "),
			strings.ReplaceAll(path, "'", "''"), string(d.Delimiter), strings.Join(cols, ", "))).Scan(&n, &nPadded)
		if err != nil {
			t.Skipf("read_csv cannot read %q: %v", data, err)
		}
		if n != layout.Records {
			t.Errorf("read_csv gave %d rows of %q, scanCSVLayout counted %d records", n, data, layout.Records)
		}
		if nPadded > 0 && !layout.EdgeSpace {
			t.Errorf("read_csv gave %d rows of %q with a value starting or ending in white space, scanCSVLayout saw none", nPadded, data)
		}

		// Where DuckDB's strict reading copes with the file, the records it rejects for
		// their number of fields must be the ragged ones. (Its reject line numbers do not
		// count line breaks inside quotes and count CR LF as two in an LF file, so files
		// with those are left out.)
		if layout.QuotedNewlines || bytes.IndexByte(data, '\r') >= 0 {
			return
		}
		conn, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(context.Background(), "drop table if exists fuzz_errors; drop table if exists fuzz_scans"); err != nil {
			t.Fatal(err)
		}
		var strictRows int
		err = conn.QueryRowContext(context.Background(), fmt.Sprintf(`select count(*) from read_csv('%s',
			delim = '%s', quote = '"', escape = '"', header = true, auto_detect = false, columns = {%s},
			store_rejects = true, rejects_table = 'fuzz_errors', rejects_scan = 'fuzz_scans', parallel = false)`,
			strings.ReplaceAll(path, "'", "''"), string(d.Delimiter), strings.Join(cols, ", "))).Scan(&strictRows)
		if err != nil {
			return
		}
		var rejected string
		var rejectedLines, other int
		err = conn.QueryRowContext(context.Background(), `select
				coalesce(string_agg(distinct line::varchar, ',' order by line::varchar)
					filter (where error_type in ('MISSING COLUMNS', 'TOO MANY COLUMNS')), ''),
				count(distinct line),
				count(*) filter (where error_type not in ('MISSING COLUMNS', 'TOO MANY COLUMNS'))
			from fuzz_errors`).Scan(&rejected, &rejectedLines, &other)
		if err != nil {
			t.Fatal(err)
		}
		if other > 0 || strictRows+rejectedLines != layout.Records {
			return // strict reading splits such records differently, or loses them
		}
		var ragged []string
		for _, r := range layout.Ragged {
			ragged = append(ragged, strconv.Itoa(r.Line))
		}
		slices.Sort(ragged)
		if want := strings.Join(ragged, ","); rejected != want {
			t.Errorf("read_csv rejected lines %q of %q for their fields, scanCSVLayout found %q ragged", rejected, data, want)
		}
	})
}

func TestEdgeSpace(t *testing.T) {
	tests := []struct {
		name, line string
		delim      byte
		want       bool
	}{
		{"plain values", "M1;100000009;01-01-1998;GM0392\r\n", ';', false},
		{"space inside a value", "M1;Haarlemmerliede en Spaarnwoude;x\n", ';', false},
		{"accented letters", "café;Zoë;ü\n", ';', false},
		{"space after a separator", "M1; GM0392\n", ';', true},
		{"space before a separator", "M1 ;GM0392\n", ';', true},
		{"space at the start of the line", " M1;GM0392\n", ';', true},
		{"space at the end of the line", "M1;GM0392 \r\n", ';', true},
		{"tab at the end of the line", "M1;GM0392\t\n", ';', true},
		{"no-break space at the end", "M1;GM0392\u00a0\n", ';', true},
		{"em space at the start of a value", "M1;\u2003GM0392\n", ';', true},
		{"ideographic space before a separator", "M1\u3000;GM0392\n", ';', true},
		{"space inside quotes at the edge", "M1;\"GM0392 \"\n", ';', true},
		{"tab as the separator", "M1\tGM0392\r\n", '\t', false},
		{"space next to a tab separator", "M1\t GM0392\n", '\t', true},
		{"no-break space inside a value", "M1;a\u00a0b\n", ';', false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := edgeSpace([]byte(tt.line), tt.delim); got != tt.want {
				t.Errorf("edgeSpace(%q) = %v, want %v", tt.line, got, tt.want)
			}
		})
	}
}

// TestEdgeSpaceTrimsDeepInFile checks the loader still trims a padded value that stands
// far down a large file, after many clean lines.
func TestEdgeSpaceTrimsDeepInFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("melding_id;bsn\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "M%d;100000009\n", i)
	}
	b.WriteString("M-last;\u00a0100000009\n")
	path := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := sniffCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	layout, err := scanCSVLayout(path, d, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !layout.EdgeSpace {
		t.Errorf("scanCSVLayout: EdgeSpace = false for a file whose last value starts with a no-break space")
	}
}
