package etl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// limitWorkbook writes a workbook whose first sheet has the verzuimmeldingen header and
// then rows (XML), with the shared strings sst (<si> elements) and extra parts.
func limitWorkbook(t testing.TB, rows, sst string, extra ...bombPart) string {
	t.Helper()
	parts := bombWorkbook(
		bombPart{prefix: bombSheetStart + bombHeader() + rows + bombSheetEnd},
		bombPart{prefix: bombSSTStart + sst + bombSSTEnd})
	path := filepath.Join(t.TempDir(), "verzuimmeldingen_limiet.xlsx")
	writeBombZip(t, path, append(parts, extra...))
	return path
}

// inlineRow is sheet row r with one inline-string cell holding text (XML).
func inlineRow(r int, text string) string {
	return fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>`, r, r, text)
}

// sharedRow is sheet row r with n cells that each show shared string 0.
func sharedRow(r, n int) string {
	return fmt.Sprintf(`<row r="%d">`, r) + strings.Repeat(`<c t="s"><v>0</v></c>`, n) + `</row>`
}

// cellsRow is sheet row 2 with 20 copies of cell (XML).
func cellsRow(cell string) string {
	return `<row r="2">` + strings.Repeat(cell, 20) + `</row>`
}

// si is a shared string element.
func si(text string) string { return "<si><t>" + text + "</t></si>" }

func TestXLSXLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	big := func(name string, size int) bombPart { // a binary part of about size bytes that compresses ~1000:1
		return bombPart{name: name, prefix: "\x89PNG\r\n", body: long(64 << 10), times: int64(size / (64 << 10))}
	}
	tests := []struct {
		name string
		path func(t *testing.T) string
		lim  Limits
		want string // the start of the rejection, "" for a workbook that must read
	}{
		{
			name: "sheet larger than the limit (zip directory)",
			path: func(t *testing.T) string {
				row := `<row><c t="s"><v>0</v></c></row>`
				return limitWorkbook(t, "", si("a"), bombPart{name: "xl/worksheets/sheet2.xml", prefix: bombSheetStart, body: repeatTo(row, 64<<10), times: 40, suffix: bombSheetEnd})
			},
			lim:  Limits{XLSXSheetBytes: 1 << 20},
			want: "het werkblad xl/worksheets/sheet2.xml is uitgepakt 2,5 MB, groter dan de limiet van 1 MB; splits het bestand of lever het als CSV",
		},
		{
			name: "shared strings larger than the limit",
			path: func(t *testing.T) string {
				return limitWorkbook(t, "", si("a"), bombPart{name: `xl\sharedStrings.xml`, prefix: bombSSTStart + "<si><t>", body: long(64 << 10), times: 20, suffix: "</t></si>" + bombSSTEnd})
			},
			lim:  Limits{XLSXSharedStringsBytes: 512 << 10},
			want: `de gedeelde teksten van het werkboek (xl\sharedStrings.xml) zijn uitgepakt 1,3 MB, groter dan de limiet van 512 KB`,
		},
		{
			name: "compression ratio over 100 on a part of a megabyte or more",
			path: func(t *testing.T) string { return limitWorkbook(t, "", si("a"), big("xl/media/image1.png", 2<<20)) },
			want: "het onderdeel xl/media/image1.png van het werkboek is 2,6 KB ingepakt maar 2 MB uitgepakt, meer dan 100 keer zo groot",
		},
		{
			name: "ratio not checked below a megabyte",
			path: func(t *testing.T) string {
				return limitWorkbook(t, inlineRow(2, "m1"), si("a"), big("xl/media/image1.png", 512<<10))
			},
		},
		{
			name: "workbook larger than the limit",
			path: func(t *testing.T) string {
				return limitWorkbook(t, "", si("a"), big("xl/worksheets/sheet2.xml", 512<<10))
			},
			lim:  Limits{XLSXTotalBytes: 256 << 10},
			want: "het werkboek is uitgepakt groter dan 256 KB (limiet)",
		},
		{
			name: "parts excelize holds in memory",
			path: func(t *testing.T) string { return limitWorkbook(t, "", si("a"), big("xl/media/image1.png", 512<<10)) },
			lim:  Limits{XLSXOtherBytes: 256 << 10},
			want: "het werkboek bevat naast de werkbladen meer dan 256 KB aan andere onderdelen",
		},
		{
			name: "too many parts",
			path: func(t *testing.T) string {
				var extra []bombPart
				for i := range 30 {
					extra = append(extra, bombPart{name: fmt.Sprintf("xl/media/i%d.png", i), prefix: "png"})
				}
				return limitWorkbook(t, "", si("a"), extra...)
			},
			lim:  Limits{XLSXParts: 20},
			want: "het werkboek bestaat uit 37 onderdelen (limiet 20)",
		},
		{
			name: "part larger than its zip header says",
			path: func(t *testing.T) string {
				parts := bombWorkbook(bombPart{prefix: bombSheetStart + bombHeader() + bombSheetEnd},
					bombPart{prefix: bombSSTStart + "<si><t>", body: long(64 << 10), times: 16, suffix: "</t></si>" + bombSSTEnd, declared: 4096})
				path := filepath.Join(t.TempDir(), "x.xlsx")
				writeBombZip(t, path, parts)
				return path
			},
			want: "het onderdeel xl/sharedStrings.xml van het werkboek kan niet worden uitgepakt",
		},
		{
			name: "inline cell longer than the limit",
			path: func(t *testing.T) string { return limitWorkbook(t, inlineRow(2, long(101)), "") },
			lim:  Limits{CellChars: 100},
			want: "cel A2 op rij 2 bevat meer dan 100 tekens, de limiet voor een cel (ook die van Excel)",
		},
		{
			name: "a cell at the limit reads; entities and UTF-8 count as one character",
			path: func(t *testing.T) string {
				return limitWorkbook(t, inlineRow(2, strings.Repeat("&amp;", 50)+strings.Repeat("é", 49)+"&#233;"), "")
			},
			lim: Limits{CellChars: 100},
		},
		{
			name: "CDATA counts as text",
			path: func(t *testing.T) string { return limitWorkbook(t, inlineRow(2, "<![CDATA["+long(150)+"]]>"), "") },
			lim:  Limits{CellChars: 100},
			want: "cel A2 op rij 2 bevat meer dan 100 tekens",
		},
		{
			name: "namespace prefixes",
			path: func(t *testing.T) string {
				return limitWorkbook(t, `<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>`+long(101)+`</x:t></x:is></x:c></x:row>`, "")
			},
			lim:  Limits{CellChars: 100},
			want: "cel B2 op rij 2 bevat meer dan 100 tekens",
		},
		{
			name: "shared string longer than the limit",
			path: func(t *testing.T) string { return limitWorkbook(t, "", si("a")+si(long(101))) },
			lim:  Limits{CellChars: 100},
			want: "gedeelde tekst nr. 2 van het werkboek is langer dan 100 tekens",
		},
		{
			name: "rich text runs of a shared string count together",
			path: func(t *testing.T) string {
				return limitWorkbook(t, "", "<si><r><t>"+long(60)+"</t></r><r><rPr><b/></rPr><t>"+long(60)+"</t></r></si>")
			},
			lim:  Limits{CellChars: 100},
			want: "gedeelde tekst nr. 1 van het werkboek is langer dan 100 tekens",
		},
		{
			name: "row text with the shared strings written out",
			path: func(t *testing.T) string { return limitWorkbook(t, sharedRow(2, 20), si(long(90))) },
			lim:  Limits{RowBytes: 1 << 10},
			want: "rij 2 van het werkblad bevat meer dan 1 KB tekst (limiet per rij)",
		},
		{
			name: "sheet text with the shared strings written out",
			path: func(t *testing.T) string {
				var rows strings.Builder
				for r := 2; r < 60; r++ {
					rows.WriteString(sharedRow(r, 10))
				}
				return limitWorkbook(t, rows.String(), si(long(90)))
			},
			lim:  Limits{XLSXSheetBytes: 20 << 10},
			want: "de tekst in het werkblad xl/worksheets/sheet1.xml is uitgepakt groter dan 20 KB (limiet)",
		},
		// Ways to refer to a shared string that encoding/xml and excelize accept: each must
		// be counted at the string's length (20 × 90 bytes, beyond 1 KB).
		{
			name: "shared-string index written as a character reference",
			path: func(t *testing.T) string {
				return limitWorkbook(t, cellsRow(`<c t="s"><v>&#49;</v></c>`), si("a")+si(long(90)))
			},
			lim:  Limits{RowBytes: 1 << 10},
			want: "rij 2 van het werkblad bevat meer dan 1 KB tekst (limiet per rij)",
		},
		{
			name: "cell type written as a character reference",
			path: func(t *testing.T) string {
				return limitWorkbook(t, cellsRow(`<c t="&#115;"><v>1</v></c>`), si("a")+si(long(90)))
			},
			lim:  Limits{RowBytes: 1 << 10},
			want: "rij 2 van het werkblad bevat meer dan 1 KB tekst (limiet per rij)",
		},
		{
			name: "cell type with a namespace prefix",
			path: func(t *testing.T) string {
				return limitWorkbook(t, cellsRow(`<c x:t="s"><v>1</v></c>`), si("a")+si(long(90)))
			},
			lim:  Limits{RowBytes: 1 << 10},
			want: "rij 2 van het werkblad bevat meer dan 1 KB tekst (limiet per rij)",
		},
		{
			name: "index with leading zeros beyond what is read as an index",
			path: func(t *testing.T) string {
				return limitWorkbook(t, cellsRow(`<c t="s"><v>`+strings.Repeat("0", 100)+`1</v></c>`), si("a")+si(long(90)))
			},
			lim:  Limits{RowBytes: 1 << 10},
			want: "rij 2 van het werkblad bevat meer dan 1 KB tekst (limiet per rij)",
		},
		{
			name: "index in a CDATA section",
			path: func(t *testing.T) string {
				return limitWorkbook(t, cellsRow(`<c t="s"><v><![CDATA[1]]></v></c>`), si("a")+si(long(90)))
			},
			lim:  Limits{RowBytes: 1 << 10},
			want: "rij 2 van het werkblad bevat meer dan 1 KB tekst (limiet per rij)",
		},
		{
			name: "a cell inside a cell is part of it",
			path: func(t *testing.T) string {
				return limitWorkbook(t, cellsRow(`<c t="s"><c/><v>1</v></c>`), si("a")+si(long(90)))
			},
			lim:  Limits{RowBytes: 1 << 10},
			want: "rij 2 van het werkblad bevat meer dan 1 KB tekst (limiet per rij)",
		},
		{
			name: "cells after </row> belong to the row",
			path: func(t *testing.T) string {
				return limitWorkbook(t, `<row r="2"></row>`+strings.Repeat(`<c t="s"><v>1</v></c>`, 20), si("a")+si(long(90)))
			},
			lim:  Limits{RowBytes: 1 << 10},
			want: "rij 2 van het werkblad bevat meer dan 1 KB tekst (limiet per rij)",
		},
		{
			name: "shared string below the top level",
			path: func(t *testing.T) string { return limitWorkbook(t, "", "<x>"+si("a")+"</x>") },
			want: "de gedeelde teksten van het werkboek hebben een opbouw die Excel niet schrijft (een tekst op niveau 3)",
		},
		{
			name: "second root element",
			path: func(t *testing.T) string {
				return limitWorkbook(t, "", "", bombPart{name: "xl/worksheets/sheet2.xml", prefix: "<a/><b/>"})
			},
			want: "het onderdeel xl/worksheets/sheet2.xml van het werkboek is geen geldige XML (meer dan één hoofdelement)",
		},
		{
			name: "rich-text runs without text",
			path: func(t *testing.T) string { return limitWorkbook(t, "", "<si>"+strings.Repeat("<r/>", 801)+"</si>") },
			lim:  Limits{CellChars: 100},
			want: "een cel of gedeelde tekst in het onderdeel xl/sharedStrings.xml van het werkboek bestaat uit meer dan 800 delen",
		},
		{
			name: "sheet marked a directory in its file mode (found by FuzzXLSXLimits)",
			path: func(t *testing.T) string {
				parts := bombWorkbook(bombPart{prefix: bombSheetStart + bombHeader() + inlineRow(2, long(101)) + bombSheetEnd, dir: true},
					bombPart{prefix: bombSSTStart + bombSSTEnd})
				path := filepath.Join(t.TempDir(), "x.xlsx")
				writeBombZip(t, path, parts)
				return path
			},
			lim:  Limits{CellChars: 100},
			want: "cel A2 op rij 2 bevat meer dan 100 tekens",
		},
		{
			name: "too many shared strings",
			path: func(t *testing.T) string { return limitWorkbook(t, "", strings.Repeat(si("a"), 11)) },
			lim:  Limits{XLSXSharedStrings: 10},
			want: "het werkboek heeft meer dan 10 gedeelde teksten (limiet)",
		},
		{
			name: "elements in the parts decoded whole",
			path: func(t *testing.T) string { return limitWorkbook(t, "", si("a")) },
			lim:  Limits{XLSXOtherElements: 10},
			want: "de opmaak en overige onderdelen van het werkboek bevatten meer dan 10 XML-elementen",
		},
		{
			name: "row with more cells than Excel allows",
			path: func(t *testing.T) string {
				return limitWorkbook(t, `<row r="2">`+strings.Repeat("<c/>", 16385)+`</row>`, "")
			},
			want: "rij 2 van het werkblad heeft meer dan 16.384 cellen",
		},
		{
			name: "tag longer than 64 KB",
			path: func(t *testing.T) string {
				return limitWorkbook(t, `<row r="2"><c r="A2" x="`+long(70<<10)+`"/></row>`, "")
			},
			want: "het onderdeel xl/worksheets/sheet1.xml van het werkboek heeft een XML-tag van meer dan 64 KB",
		},
		{
			name: "a '>' inside an attribute value does not end the tag",
			path: func(t *testing.T) string {
				return limitWorkbook(t, `<row r="2" x="<a>'"><c r="A2" t="inlineStr" y='">'><is><t>`+long(101)+`</t></is></c></row>`, "")
			},
			lim:  Limits{CellChars: 100},
			want: "cel A2 op rij 2 bevat meer dan 100 tekens",
		},
		{
			name: "comment longer than 64 KB",
			path: func(t *testing.T) string { return limitWorkbook(t, "<!--"+long(70<<10)+"-->", "") },
			want: "het onderdeel xl/worksheets/sheet1.xml van het werkboek heeft een XML-commentaar of -instructie van meer dan 64 KB",
		},
		{
			name: "nesting deeper than 256",
			path: func(t *testing.T) string {
				return limitWorkbook(t, strings.Repeat("<x>", 300)+strings.Repeat("</x>", 300), "")
			},
			want: "het onderdeel xl/worksheets/sheet1.xml van het werkboek is dieper dan 256 niveaus genest",
		},
		{
			name: "DOCTYPE",
			path: func(t *testing.T) string {
				parts := bombWorkbook(bombPart{prefix: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>` + bombSheetStart[len(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`):] + bombSheetEnd}, bombPart{prefix: bombSSTStart + bombSSTEnd})
				path := filepath.Join(t.TempDir(), "x.xlsx")
				writeBombZip(t, path, parts)
				return path
			},
			want: "het onderdeel xl/worksheets/sheet1.xml van het werkboek bevat een DOCTYPE- of andere declaratie",
		},
		{
			name: "text outside cells longer than the limit",
			path: func(t *testing.T) string { return limitWorkbook(t, "<x>"+long(101)+"</x>", "") },
			lim:  Limits{CellChars: 100},
			want: "het onderdeel xl/worksheets/sheet1.xml van het werkboek bevat een tekst van meer dan 100 tekens",
		},
		{
			name: "UTF-16 part",
			path: func(t *testing.T) string {
				return limitWorkbook(t, "", "", bombPart{name: "xl/worksheets/sheet2.xml", prefix: "\xFF\xFE<\x00x\x00/\x00>\x00"})
			},
			want: "het onderdeel xl/worksheets/sheet2.xml van het werkboek is in UTF-16 geschreven",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows, err := collectXLSXLimits(t, tt.path(t), tt.lim)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("readXLSX() error = %v, want the workbook read", err)
				}
				if len(rows) < 2 {
					t.Fatalf("readXLSX() read %d rows, want the header and data", len(rows))
				}
				return
			}
			var rej rejectError
			if !errors.As(err, &rej) {
				t.Fatalf("readXLSX() error = %v, want a rejection %q", err, tt.want)
			}
			if !strings.HasPrefix(rej.msg.NL(), tt.want) {
				t.Errorf("readXLSX() rejection\n got %q\nwant %q…", rej.msg.NL(), tt.want)
			}
			if len(rows) != 0 {
				t.Errorf("readXLSX() called back %d times for a rejected workbook, want none", len(rows))
			}
		})
	}
}

// collectXLSXLimits reads a workbook within lim and returns every callback.
func collectXLSXLimits(t testing.TB, path string, lim Limits) (string, []xlsxRow, error) {
	t.Helper()
	var got []xlsxRow
	sheet, err := readXLSX(path, lim, func(sheetRow int, cells []string) error {
		got = append(got, xlsxRow{sheetRow, append([]string(nil), cells...)})
		return nil
	})
	return sheet, got, err
}

// TestXLSXExcelizeOptions checks that excelize itself is held to the limits, in case a
// workbook got past the checks: it refuses one that unpacks to more than
// XLSXTotalBytes.
func TestXLSXExcelizeOptions(t *testing.T) {
	lim := Limits{XLSXTotalBytes: 64 << 10}.orDefault()
	opts := xlsxOptions(lim)
	if opts.UnzipSizeLimit != 64<<10 || opts.UnzipXMLSizeLimit != 64<<10 || opts.ShortDatePattern != xlsxDatePattern {
		t.Fatalf("xlsxOptions() = %+v", opts)
	}
	if got := xlsxOptions(DefaultLimits()).UnzipXMLSizeLimit; got != xlsxStreamBytes {
		t.Errorf("UnzipXMLSizeLimit = %d, want %d", got, xlsxStreamBytes)
	}
	path := limitWorkbook(t, "", si(strings.Repeat("x", 100<<10)))
	f, err := excelize.OpenFile(path, opts)
	if err == nil {
		f.Close()
		t.Fatal("excelize opened a workbook beyond its UnzipSizeLimit")
	}
	if f, err := excelize.OpenFile(path, xlsxOptions(DefaultLimits())); err != nil {
		t.Fatalf("excelize with the default limits: %v", err)
	} else {
		f.Close()
	}
}

// TestXLSXLimitRejectsFile checks that a workbook beyond a limit is rejected by the
// loader, whole, with the reason in the ledger and beside the file in rejected/.
func TestXLSXLimitRejectsFile(t *testing.T) {
	dir := t.TempDir()
	src := limitWorkbook(t, inlineRow(2, strings.Repeat("x", 40_000)), "")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "verzuimmeldingen_lang.xlsx"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	db := openTestDB(t)
	sum := runInbox(t, db, dir)
	f := sum.Files[0]
	want := "cel A2 op rij 2 bevat meer dan 32.767 tekens, de limiet voor een cel (ook die van Excel); splits het bestand of lever het als CSV"
	if f.Status != StatusRejected || f.Reason != want {
		t.Fatalf("file = %s %q, want rejected %q", f.Status, f.Reason, want)
	}
	if got := queryStrings(t, db, "select reason from etl_file where status = 'rejected'"); len(got) != 1 || got[0] != want {
		t.Errorf("ledger reasons = %q", got)
	}
	reason, err := os.ReadFile(filepath.Join(dir, "rejected", "verzuimmeldingen_lang.xlsx.reason.txt"))
	if err != nil || strings.TrimSpace(string(reason)) != want {
		t.Errorf("reason file = %q (%v)", reason, err)
	}
}
