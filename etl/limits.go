package etl

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits bounds what one input file may make the loader unpack and hold. A file beyond
// any of them is rejected whole, with a reason that names the limit, before the part
// that would cost the memory is read: a 2 MB workbook can unpack to gigabytes, and a
// one-megabyte Parquet file can repeat one long text a million times. A zero field
// means its default (DefaultLimits).
type Limits struct {
	// XLSXSheetBytes bounds a worksheet unpacked, and the text of its cells with the
	// shared strings written out.
	XLSXSheetBytes int64
	// XLSXSharedStringsBytes bounds the shared strings table (xl/sharedStrings.xml)
	// unpacked, and XLSXSharedStrings the number of texts in it.
	XLSXSharedStringsBytes int64
	XLSXSharedStrings      int64
	// XLSXOtherBytes bounds, together, the parts excelize reads whole into memory:
	// everything but the worksheets and shared strings it streams from disk (styles,
	// the workbook, small sheets, pictures). XLSXOtherElements bounds the XML elements
	// in them that are not worksheet or shared-string content (excelize decodes those
	// parts into structures several times their size).
	XLSXOtherBytes    int64
	XLSXOtherElements int64
	// XLSXTotalBytes bounds the whole workbook unpacked; XLSXParts its number of parts.
	XLSXTotalBytes int64
	XLSXParts      int64
	// CompressionRatio bounds unpacked size over packed size: of each zip entry of at
	// least RatioFromBytes unpacked, and of a Parquet file's text against the file.
	CompressionRatio int64
	RatioFromBytes   int64
	// CellChars bounds the characters of one XLSX cell or shared string (Excel's own
	// limit is 32,767).
	CellChars int64
	// RowBytes bounds one CSV line (a record, with its quoted line breaks), the text of
	// one sheet row and that of one Parquet row. DuckDB works on 2048 rows at a time:
	// at 1 MiB a row, a workbook within every other limit took it past its memory limit,
	// and at 64 KB a 256 MB Parquet file of such rows took the loader to 1.9 GB; at 16 KB
	// the same 256 MB takes 1.3 GB as CSV and 1.5 GB as Parquet (make soak). A row of
	// these feeds is well under 1 KB.
	RowBytes int64
	// ParquetColumns, ParquetRowGroupBytes and ParquetColumnChunkBytes bound a Parquet
	// file's columns and the unpacked size of a row group and of one column in it, as
	// its metadata states them; ParquetFooterBytes bounds the metadata itself. DuckDB
	// reads a row group per thread: with 192 MB column chunks it ran out of its memory.
	ParquetColumns          int64
	ParquetRowGroupBytes    int64
	ParquetColumnChunkBytes int64
	ParquetFooterBytes      int64
}

// DefaultLimits are generous for every real export of the feeds (whose rows are a few
// hundred bytes) and keep what a hostile file costs within DuckDB's memory limit and a
// few hundred megabytes besides.
func DefaultLimits() Limits {
	return Limits{
		XLSXSheetBytes:          1 << 30,
		XLSXSharedStringsBytes:  256 << 20,
		XLSXSharedStrings:       2_000_000,
		XLSXOtherBytes:          64 << 20,
		XLSXOtherElements:       1_000_000,
		XLSXTotalBytes:          2 << 30,
		XLSXParts:               10_000,
		CompressionRatio:        100,
		RatioFromBytes:          1 << 20,
		CellChars:               32_767,
		RowBytes:                16 << 10,
		ParquetColumns:          1_000,
		ParquetRowGroupBytes:    256 << 20,
		ParquetColumnChunkBytes: 64 << 20,
		ParquetFooterBytes:      16 << 20,
	}
}

// orDefault fills the zero fields of l from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits()
	for _, f := range []struct{ v, def *int64 }{
		{&l.XLSXSheetBytes, &d.XLSXSheetBytes},
		{&l.XLSXSharedStringsBytes, &d.XLSXSharedStringsBytes},
		{&l.XLSXSharedStrings, &d.XLSXSharedStrings},
		{&l.XLSXOtherBytes, &d.XLSXOtherBytes},
		{&l.XLSXOtherElements, &d.XLSXOtherElements},
		{&l.XLSXTotalBytes, &d.XLSXTotalBytes},
		{&l.XLSXParts, &d.XLSXParts},
		{&l.CompressionRatio, &d.CompressionRatio},
		{&l.RatioFromBytes, &d.RatioFromBytes},
		{&l.CellChars, &d.CellChars},
		{&l.RowBytes, &d.RowBytes},
		{&l.ParquetColumns, &d.ParquetColumns},
		{&l.ParquetRowGroupBytes, &d.ParquetRowGroupBytes},
		{&l.ParquetColumnChunkBytes, &d.ParquetColumnChunkBytes},
		{&l.ParquetFooterBytes, &d.ParquetFooterBytes},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// dutchSize writes a byte count the way a Dutch reader expects it: "1 GB", "2,5 GB",
// "256 MB", "32 KB" (1 KB = 1024 bytes, as Windows counts).
func dutchSize(n int64) string {
	units := []struct {
		size int64
		name string
	}{{1 << 40, "TB"}, {1 << 30, "GB"}, {1 << 20, "MB"}, {1 << 10, "KB"}}
	for _, u := range units {
		if n >= u.size {
			s := strconv.FormatFloat(float64(n)/float64(u.size), 'f', 1, 64)
			s = strings.TrimSuffix(s, ".0")
			return strings.Replace(s, ".", ",", 1) + " " + u.name
		}
	}
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
