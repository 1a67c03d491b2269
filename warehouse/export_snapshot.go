package warehouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Snapshot writes the analyst views, materialised as tables of the same names, to a
// standalone DuckDB file at path: for analysts' own tools (DuckDB, DBeaver, R, Python).
// The tables are in the file's default schema, so `from verzuimmeldingen` works in every
// tool (a schema `analist` would also clash with a file named analist.duckdb, whose
// catalog is called analist; with that name `analist.verzuimmeldingen` still works). It holds nothing else — no facts with lineage, no load
// ledger or quarantine, no tokens, users, sessions or audit — and its tables and
// columns carry the descriptions of AnalistSchema as comments. The file is written
// beside path and renamed into place, so a failed run leaves no half snapshot; an
// existing file at path is replaced.
func (db *DB) Snapshot(ctx context.Context, path string) (err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("warehouse: snapshot: %w", err)
	}
	if db.path != "" && db.path != ":memory:" {
		if same, _ := filepath.Abs(db.path); same == abs {
			return fmt.Errorf("warehouse: snapshot: %s is the warehouse itself; write the snapshot to another file", path)
		}
	}
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		return fmt.Errorf("warehouse: snapshot: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+"."+hex.EncodeToString(suffix)+".tmp")
	alias := "leerplein_snapshot_" + hex.EncodeToString(suffix)
	defer func() {
		if err != nil {
			os.Remove(tmp)
			os.Remove(tmp + ".wal")
		}
	}()

	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: snapshot: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "attach "+quoteLiteral(tmp)+" as "+alias); err != nil {
		return fmt.Errorf("warehouse: snapshot: create %s: %w", path, err)
	}
	attached := true
	defer func() {
		if attached {
			_, derr := conn.ExecContext(context.WithoutCancel(ctx), "detach "+alias)
			err = errors.Join(err, derr)
		}
	}()

	// One transaction: every table shows the same state of the warehouse, even while a
	// load commits. It writes to the snapshot only, as a DuckDB transaction must.
	var stmts []string
	stmts = append(stmts, "begin transaction")
	for _, v := range AnalistSchema() {
		cols := make([]string, len(v.Columns))
		for i, c := range v.Columns {
			cols[i] = quoteIdent(c.Name)
		}
		table := alias + ".main." + quoteIdent(v.Name)
		stmts = append(stmts,
			fmt.Sprintf("create table %s as select %s from %s.%s", table, strings.Join(cols, ", "), AnalistSchemaName, quoteIdent(v.Name)),
			fmt.Sprintf("comment on table %s is %s", table, quoteLiteral(v.DescriptionNL+"\n"+v.DescriptionEN)))
		for _, c := range v.Columns {
			stmts = append(stmts, fmt.Sprintf("comment on column %s.%s is %s", table, quoteIdent(c.Name), quoteLiteral(c.DescriptionNL+"\n"+c.DescriptionEN)))
		}
	}
	stmts = append(stmts, "commit", "checkpoint "+alias)
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "rollback")
			return fmt.Errorf("warehouse: snapshot: %w", err)
		}
	}
	attached = false
	if _, err := conn.ExecContext(ctx, "detach "+alias); err != nil {
		return fmt.Errorf("warehouse: snapshot: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // pseudonymised, still about minors
		return fmt.Errorf("warehouse: snapshot: %w", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("warehouse: snapshot: %w", err)
	}
	return nil
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteIdent quotes s as an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
