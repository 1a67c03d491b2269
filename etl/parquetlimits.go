package etl

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// checkParquetMetadata checks a Parquet file's metadata against lim before DuckDB reads
// any of its data: the size of the footer (from the file's last eight bytes), and, with
// DuckDB's parquet_metadata(), the columns and the unpacked size of every row group and
// column chunk, which is what DuckDB holds while it reads one. A file without the
// Parquet magic is left for read_parquet to refuse with its own message.
func checkParquetMetadata(ctx context.Context, conn *sql.Conn, path string, lim Limits) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("etl: read parquet: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("etl: read parquet: %w", err)
	}
	tail := make([]byte, 8)
	_, err = f.ReadAt(tail, max(fi.Size()-8, 0))
	f.Close()
	if err != nil && err != io.EOF {
		return fmt.Errorf("etl: read parquet: %w", err)
	}
	if fi.Size() < 12 || !bytes.Equal(tail[4:], []byte("PAR1")) {
		return nil
	}
	if footer := int64(binary.LittleEndian.Uint32(tail)); footer > lim.ParquetFooterBytes {
		return reject(tekst.ParquetMetadata, dutchSize(footer), dutchSize(lim.ParquetFooterBytes))
	}
	var columns, groupBytes, group, chunkBytes, chunkGroup sql.NullInt64
	var chunkColumn sql.NullString
	err = conn.QueryRowContext(ctx, fmt.Sprintf(`select max(row_group_num_columns),
			max(row_group_bytes), arg_max(row_group_id, row_group_bytes),
			max(total_uncompressed_size), arg_max(row_group_id, total_uncompressed_size), arg_max(path_in_schema, total_uncompressed_size)
		from parquet_metadata(%s)`, sqlString(path))).Scan(&columns, &groupBytes, &group, &chunkBytes, &chunkGroup, &chunkColumn)
	if err != nil {
		return reject(tekst.ParquetOnleesbaar, err)
	}
	switch {
	case columns.Int64 > lim.ParquetColumns:
		return reject(tekst.ParquetKolommen, columns.Int64, lim.ParquetColumns)
	case groupBytes.Int64 > lim.ParquetRowGroupBytes:
		return reject(tekst.ParquetRijgroep, group.Int64+1, dutchSize(groupBytes.Int64), dutchSize(lim.ParquetRowGroupBytes))
	case chunkBytes.Int64 > lim.ParquetColumnChunkBytes:
		return reject(tekst.ParquetKolomRijgroep, chunkColumn.String, chunkGroup.Int64+1, dutchSize(chunkBytes.Int64), dutchSize(lim.ParquetColumnChunkBytes))
	}
	return nil
}

// parquetColumn is a column of a Parquet file as DuckDB describes it.
type parquetColumn struct{ name, typ string }

// checkParquetText measures the text the loader will make of the columns it reads
// before it reads them: a Parquet dictionary lets a one-megabyte file repeat one long
// text in every row, and the validation copies each value. One pass of strlen() over
// the columns, which copies nothing, gives the longest row (at most lim.RowBytes) and
// the total, which may be at most lim.CompressionRatio times the file once it exceeds
// lim.RatioFromBytes. Nested columns (lists, structs, maps) are refused: no feed has
// them, and as text they have no bound.
func checkParquetText(ctx context.Context, conn *sql.Conn, path string, cols []parquetColumn, lim Limits) error {
	var terms []string
	for _, c := range cols {
		switch {
		case strings.Contains(c.typ, "[") || strings.HasPrefix(c.typ, "STRUCT") || strings.HasPrefix(c.typ, "MAP") || strings.HasPrefix(c.typ, "UNION"):
			return reject(tekst.ParquetSamengesteld, c.name, c.typ)
		case c.typ == "BLOB":
			terms = append(terms, fmt.Sprintf("coalesce(octet_length(%s), 0) * 4", ident(c.name))) // \xNN as text
		case c.typ == "VARCHAR" || c.typ == "JSON" || strings.HasPrefix(c.typ, "ENUM") || c.typ == "BIT":
			terms = append(terms, fmt.Sprintf("coalesce(strlen(%s::varchar), 0)", ident(c.name)))
		}
	}
	if len(terms) == 0 {
		return nil
	}
	var longest, row, total sql.NullInt64
	err := conn.QueryRowContext(ctx, fmt.Sprintf(`select max(l), arg_max(r, l), sum(l)::bigint
		from (select file_row_number + 1 as r, %s as l from read_parquet(%s, file_row_number = true))`,
		strings.Join(terms, " + "), sqlString(path))).Scan(&longest, &row, &total)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return reject(tekst.ParquetOnleesbaar, err)
	}
	if longest.Int64 > lim.RowBytes {
		return reject(tekst.ParquetRijTekst, row.Int64, dutchSize(longest.Int64), dutchSize(lim.RowBytes))
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("etl: read parquet: %w", err)
	}
	if total.Int64 >= lim.RatioFromBytes && total.Int64/lim.CompressionRatio > fi.Size() {
		return reject(tekst.ParquetVerhouding, dutchSize(total.Int64), lim.CompressionRatio, dutchSize(fi.Size()))
	}
	return nil
}
