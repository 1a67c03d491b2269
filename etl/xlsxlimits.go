package etl

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// xlsxStreamBytes is excelize's UnzipXMLSizeLimit: a worksheet or shared strings table
// larger than this is unpacked to a temporary file and read from there as a stream;
// everything smaller, and every other part, stays in memory (and counts against
// Limits.XLSXOtherBytes).
const xlsxStreamBytes = 4 << 20

// Bounds of the XML inside a workbook that no spreadsheet program comes near.
const (
	maxXMLMarkupBytes = 64 << 10 // one tag, comment or processing instruction
	maxXMLDepth       = 256      // nested elements
	maxRowCells       = 16_384   // cells in one row: Excel's column limit
)

// partKind is how excelize treats a part of the zip, by its name.
type partKind int

const (
	partOther         partKind = iota // read whole into memory
	partSheet                         // a worksheet: streamed from disk when large
	partSharedStrings                 // xl/sharedStrings.xml: streamed from disk when large
)

// kindOf classifies a zip entry name as excelize's ReadZipReader does.
func kindOf(name string) partKind {
	n := strings.ToLower(strings.ReplaceAll(name, `\`, "/"))
	switch {
	case n == "xl/sharedstrings.xml":
		return partSharedStrings
	case strings.HasPrefix(n, "xl/worksheets/sheet"):
		return partSheet
	}
	return partOther
}

// checkWorkbook opens an XLSX file with archive/zip and checks it against lim before
// excelize reads a byte of it: first every entry's declared unpacked size and
// compression ratio, then the XML parts themselves, unpacked as a stream through a
// counter (a declared size is not trusted) and scanned for texts, rows and elements
// that would cost excelize more memory than the limits allow. Nothing is kept but one
// length per shared string. It returns a rejectError with the reason, or an error
// wrapping errNotXLSX for a file that is no zip archive at all.
func checkWorkbook(path string, lim Limits) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read xlsx: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("read xlsx: %w", err)
	}
	if n, err := zipEntries(f, fi.Size()); err != nil {
		return fmt.Errorf("read xlsx: %w", err)
	} else if n > uint64(lim.XLSXParts) {
		return reject(tekst.XLSXOnderdelen, min(n, math.MaxInt64), lim.XLSXParts)
	}
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil {
		return rejectAs(errNotXLSX, tekst.XLSXNietTeOpenen, err)
	}
	if err := checkDeclaredSizes(zr.File, lim); err != nil {
		return err
	}
	sc := workbookScan{lim: lim}
	// The shared strings first: a sheet row's size depends on the texts it refers to.
	for _, kind := range []partKind{partSharedStrings, partSheet, partOther} {
		for _, zf := range zr.File {
			if kindOf(zf.Name) == kind { // a directory mode bit does not stop excelize reading it
				if err := sc.part(zf, kind); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkDeclaredSizes checks what the zip directory says about each entry.
func checkDeclaredSizes(files []*zip.File, lim Limits) error {
	var total, inMemory int64
	for _, zf := range files {
		size := int64(min(zf.UncompressedSize64, math.MaxInt64/2))
		packed := int64(min(zf.CompressedSize64, math.MaxInt64/2))
		kind := kindOf(zf.Name)
		switch {
		case kind == partSheet && size > lim.XLSXSheetBytes:
			return reject(tekst.XLSXWerkbladGroot, zf.Name, dutchSize(size), dutchSize(lim.XLSXSheetBytes))
		case kind == partSharedStrings && size > lim.XLSXSharedStringsBytes:
			return reject(tekst.XLSXGedeeldGroot, zf.Name, dutchSize(size), dutchSize(lim.XLSXSharedStringsBytes))
		case size >= lim.RatioFromBytes && size/lim.CompressionRatio > packed:
			return reject(tekst.XLSXCompressie, zf.Name, dutchSize(packed), dutchSize(size), lim.CompressionRatio)
		}
		total += size
		if total > lim.XLSXTotalBytes {
			return reject(tekst.XLSXTotaalGroot, dutchSize(lim.XLSXTotalBytes))
		}
		if kind == partOther || size <= xlsxStreamBytes {
			inMemory += size
			if inMemory > lim.XLSXOtherBytes {
				return reject(tekst.XLSXOverigGroot, dutchSize(lim.XLSXOtherBytes))
			}
		}
	}
	return nil
}

// zipEntries reads the number of entries the end-of-central-directory record of a zip
// file states (0 when there is none), so that a directory of millions of entries is
// refused before archive/zip makes a value for each.
func zipEntries(r io.ReaderAt, size int64) (uint64, error) {
	const eocdLen = 22
	tail := min(size, eocdLen+math.MaxUint16)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, nil
	}
	n := uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if n != math.MaxUint16 || i < 20 || !bytes.HasPrefix(buf[i-20:], []byte("PK\x06\x07")) {
		return n, nil
	}
	// Zip64: the locator before the record points at the zip64 record.
	rec := make([]byte, 40)
	if _, err := r.ReadAt(rec, int64(min(binary.LittleEndian.Uint64(buf[i-12:]), math.MaxInt64))); err != nil || !bytes.HasPrefix(rec, []byte("PK\x06\x06")) {
		return n, nil
	}
	return binary.LittleEndian.Uint64(rec[32:]), nil
}

// workbookScan carries what scanning one part tells the next.
type workbookScan struct {
	lim           Limits
	sharedStrings []uint32 // unpacked size of each shared string
	longest       uint32   // the longest of them
	elements      int64    // elements in the parts excelize decodes whole
}

// part unpacks one zip entry through a counter and scans it, if it is XML.
func (w *workbookScan) part(zf *zip.File, kind partKind) error {
	rc, err := zf.Open()
	if err != nil {
		return reject(tekst.XLSXCompressiemethode, zf.Name, zf.Method)
	}
	defer rc.Close()
	declared := int64(min(zf.UncompressedSize64, math.MaxInt64-1))
	r := io.LimitReader(rc, declared+1)
	buf := make([]byte, 64<<10)
	var s *xmlScan
	var read int64
	for {
		n, err := r.Read(buf)
		read += int64(n)
		if read > declared {
			return reject(tekst.XLSXGroterDanOpgave, zf.Name)
		}
		if n > 0 && s == nil {
			if !looksLikeXML(buf[:n]) {
				return nil // a picture or other binary part: excelize does not parse it
			}
			if utf16Start(buf[:n]) {
				return reject(tekst.XLSXUTF16, zf.Name)
			}
			s = newXMLScan(zf.Name, kind, w)
		}
		if s != nil {
			if serr := s.feed(buf[:n]); serr != nil {
				return serr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// archive/zip stops at the declared size itself (zip.ErrFormat), and checks
			// the checksum at the end.
			return reject(tekst.XLSXBeschadigd, zf.Name)
		}
	}
	if s != nil && kind == partSharedStrings {
		w.sharedStrings, w.longest = s.lengths, s.longest // excelize, too, keeps the last of duplicate entries
	}
	return nil
}

// looksLikeXML reports whether a part starts (after a byte order mark and white space)
// with '<', or is UTF-16 text, which excelize would decode as XML too.
func looksLikeXML(b []byte) bool {
	if utf16Start(b) {
		return true
	}
	b = bytes.TrimPrefix(b, []byte(utf8BOM))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// utf16Start reports a UTF-16 byte order mark or a NUL byte among the first bytes.
func utf16Start(b []byte) bool {
	return bytes.HasPrefix(b, []byte("\xFE\xFF")) || bytes.HasPrefix(b, []byte("\xFF\xFE")) ||
		bytes.IndexByte(b[:min(len(b), 4)], 0) >= 0
}
