package warehouse

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// maskFunction is the SQL name of bsnmask.Mask in the warehouse: bsn_mask(varchar).
const maskFunction = "bsn_mask"

// MaskSQL is a SQL expression for expr (text) with every possible BSN masked, as
// bsnmask.Mask does: the loader applies it to what it writes into the quarantine. Only
// text the prefilter matches reaches the Go function, so clean text costs one regular
// expression.
func MaskSQL(expr string) string {
	return fmt.Sprintf("case when regexp_matches(%[1]s, %[2]s) then %[3]s(%[1]s) else %[1]s end",
		expr, sqlQuote(bsnmask.Prefilter), maskFunction)
}

// HasBSNSQL is a SQL condition that is true when expr (text) holds a possible BSN, null
// when expr is null. A case, not an and: DuckDB evaluates the branches of a case only
// for the rows that take them.
func HasBSNSQL(expr string) string {
	return fmt.Sprintf("(case when %[1]s is null then null when regexp_matches(%[1]s, %[2]s) then %[3]s(%[1]s) <> %[1]s else false end)",
		expr, sqlQuote(bsnmask.Prefilter), maskFunction)
}

func sqlQuote(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// maskUDF is bsnmask.Mask as a DuckDB scalar function.
type maskUDF struct{}

func (maskUDF) Config() duckdb.ScalarFuncConfig {
	text, err := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	if err != nil {
		panic(err) // VARCHAR is always a valid type
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{text}, ResultTypeInfo: text}
}

func (maskUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		s, ok := v[0].(string)
		if !ok {
			return nil, fmt.Errorf("%s: argument is %T, want text", maskFunction, v[0])
		}
		return bsnmask.Mask(s), nil
	}}
}

// registerFunctions adds the warehouse's own SQL functions to the database: DuckDB keeps
// them in its catalog, so every connection of this DB has them.
func (db *DB) registerFunctions(ctx context.Context) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: register functions: %w", err)
	}
	defer conn.Close()
	if err := duckdb.RegisterScalarUDF(conn, maskFunction, &maskUDF{}); err != nil {
		return fmt.Errorf("warehouse: register %s: %w", maskFunction, err)
	}
	return nil
}
