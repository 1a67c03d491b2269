//go:build duckdb_arrow

package warehouse

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// runQuery runs one checked statement and reads its result through DuckDB's Arrow
// interface: record batches straight from DuckDB's vectors, no row-by-row conversion.
func runQuery(ctx context.Context, conn *sql.Conn, query string) (array.RecordReader, error) {
	var rr array.RecordReader
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("warehouse: sandbox: not a DuckDB connection")
		}
		ar, err := duckdb.NewArrowFromConn(c)
		if err != nil {
			return err
		}
		rr, err = ar.QueryContext(ctx, query)
		return err
	})
	return rr, err
}
