package etl

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bombPart is one zip entry of a hand-made workbook: prefix, then body repeated times
// times, then suffix. A body of at least 32 KiB deflates once and is then copied as
// compressed bytes, so a part of gigabytes is written in a second and takes about a
// thousandth of its size on disk, as a real zip bomb does.
type bombPart struct {
	name           string
	prefix, suffix string
	body           string
	times          int64
	// declared, when not zero, is the uncompressed size the zip headers claim instead
	// of the true one: a lying header.
	declared uint64
	// dir marks the entry a directory in its file mode (not in its name).
	dir bool
}

// size is the part's true uncompressed size.
func (p bombPart) size() uint64 {
	return uint64(len(p.prefix)) + uint64(len(p.body))*uint64(p.times) + uint64(len(p.suffix))
}

// deflate returns the part's compressed bytes and the CRC-32 of its content.
func (p bombPart) deflate(t testing.TB) ([]byte, uint32) {
	t.Helper()
	var out, seg bytes.Buffer
	fw, err := flate.NewWriter(&seg, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	crc := crc32.ChecksumIEEE([]byte(p.prefix))
	write := func(s string) []byte {
		seg.Reset()
		if _, err := fw.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		if err := fw.Flush(); err != nil {
			t.Fatal(err)
		}
		return seg.Bytes()
	}
	out.Write(write(p.prefix))
	if p.times > 0 {
		if p.times > 1 && len(p.body) < 32<<10 {
			t.Fatalf("bomb part %s: a repeated body must be at least 32 KiB, the deflate window", p.name)
		}
		body := []byte(p.body)
		out.Write(write(p.body)) // refers back to the prefix, if at all
		crc = crc32.Update(crc, crc32.IEEETable, body)
		if p.times > 1 {
			// Every later copy follows a whole body, so its window is always the same.
			again := bytes.Clone(write(p.body))
			crc = crc32.Update(crc, crc32.IEEETable, body)
			out.Write(again)
			for range p.times - 2 {
				out.Write(again)
				crc = crc32.Update(crc, crc32.IEEETable, body)
			}
		}
	}
	seg.Reset()
	if _, err := fw.Write([]byte(p.suffix)); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Write(seg.Bytes())
	crc = crc32.Update(crc, crc32.IEEETable, []byte(p.suffix))
	return out.Bytes(), crc
}

// writeBombZip writes the parts as a zip file at path.
func writeBombZip(t testing.TB, path string, parts []bombPart) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, p := range parts {
		data, crc := p.deflate(t)
		size := p.size()
		if p.declared != 0 {
			size = p.declared
		}
		fh := &zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(len(data)), UncompressedSize64: size}
		if p.dir {
			fh.SetMode(os.ModeDir | 0o755)
		}
		w, err := zw.CreateRaw(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

const (
	bombNS         = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	bombSheetStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + bombNS + `><sheetData>`
	bombSheetEnd   = `</sheetData></worksheet>`
	bombSSTStart   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	bombSSTEnd     = `</sst>`
)

// bombWorkbook returns the parts of a workbook with one sheet and a shared strings
// table, besides the given sheet and shared strings parts.
func bombWorkbook(sheet, sst bombPart) []bombPart {
	sheet.name, sst.name = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
	plain := func(name, body string) bombPart { return bombPart{name: name, prefix: body} }
	return []bombPart{
		plain("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
		plain("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		plain("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook `+bombNS+`><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		plain("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`),
		plain("xl/styles.xml", fixtureStyles),
		sheet, sst,
	}
}

// bombHeader is the verzuimmeldingen header as the first sheet row, inline strings.
func bombHeader() string {
	var b strings.Builder
	b.WriteString(`<row r="1">`)
	for i, h := range strings.Split(verzuimHeader, ";") {
		fmt.Fprintf(&b, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, h)
	}
	b.WriteString(`</row>`)
	return b.String()
}

// repeatTo repeats unit until the result is at least n bytes.
func repeatTo(unit string, n int) string {
	return strings.Repeat(unit, (n+len(unit)-1)/len(unit))
}

// sheetBomb is a workbook whose sheet unpacks to about size bytes of small data rows
// that each refer to shared string 0.
func sheetBomb(t testing.TB, dir string, size int64) string {
	row := `<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>`
	body := repeatTo(row, 64<<10)
	path := filepath.Join(dir, "verzuimmeldingen_bom.xlsx")
	writeBombZip(t, path, bombWorkbook(
		bombPart{prefix: bombSheetStart + bombHeader(), body: body, times: size / int64(len(body)), suffix: bombSheetEnd},
		bombPart{prefix: bombSSTStart + `<si><t>m1</t></si>` + bombSSTEnd},
	))
	return path
}

// stringBomb is a workbook whose one shared string is about size bytes long; when
// declared is not 0, the zip headers claim the shared strings are that long instead.
func stringBomb(t testing.TB, dir string, size int64, declared uint64) string {
	body := strings.Repeat("x", 64<<10)
	path := filepath.Join(dir, "verzuimmeldingen_string.xlsx")
	writeBombZip(t, path, bombWorkbook(
		bombPart{prefix: bombSheetStart + bombHeader() + `<row r="2"><c r="A2" t="s"><v>0</v></c></row>` + bombSheetEnd},
		bombPart{prefix: bombSSTStart + `<si><t>`, body: body, times: size / int64(len(body)), suffix: `</t></si>` + bombSSTEnd, declared: declared},
	))
	return path
}

// sharedTextBomb is a workbook of small parts whose sheet, with its shared strings
// written out, is rows × refs × 8,000 bytes of text: every row shows one
// 8,000-character shared string refs times.
func sharedTextBomb(t testing.TB, dir string, rows, refs int) string {
	var sheet strings.Builder
	sheet.WriteString(bombSheetStart + bombHeader())
	row := `<row>` + strings.Repeat(`<c t="s"><v>0</v></c>`, refs) + `</row>`
	for range rows {
		sheet.WriteString(row)
	}
	sheet.WriteString(bombSheetEnd)
	path := filepath.Join(dir, "verzuimmeldingen_gedeeld.xlsx")
	writeBombZip(t, path, bombWorkbook(
		bombPart{prefix: sheet.String()},
		bombPart{prefix: bombSSTStart + `<si><t>` + strings.Repeat("x", 8_000) + `</t></si>` + bombSSTEnd},
	))
	return path
}
