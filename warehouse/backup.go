package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// BackupName is the file name a backup gets inside its directory.
const BackupName = "leerplein.duckdb"

// Backup writes a consistent copy of the warehouse to dir/leerplein.duckdb and returns
// its path. It runs inside the process that holds the warehouse (DuckDB allows one), so
// a running server can back up while it serves and loads: the copy is one transaction
// and holds exactly the committed loads at its start. To restore, stop the server and
// put the copy in place of the warehouse file. An existing backup is never overwritten.
func Backup(ctx context.Context, db *DB, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("warehouse: backup: %w", err)
	}
	dst, err := filepath.Abs(filepath.Join(dir, BackupName))
	if err != nil {
		return "", fmt.Errorf("warehouse: backup: %w", err)
	}
	if _, err := os.Stat(dst); err == nil {
		return "", fmt.Errorf("warehouse: backup: %s exists already; choose an empty directory", dst)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("warehouse: backup: %w", err)
	}
	defer conn.Close()
	var src string
	if err := conn.QueryRowContext(ctx, "select current_database()").Scan(&src); err != nil {
		return "", fmt.Errorf("warehouse: backup: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "attach '"+strings.ReplaceAll(dst, "'", "''")+"' as leerplein_backup"); err != nil {
		return "", fmt.Errorf("warehouse: backup: open %s: %w", dst, err)
	}
	copyErr := copyDatabase(ctx, conn, src)
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "detach leerplein_backup"); err != nil && copyErr == nil {
		copyErr = err
	}
	if copyErr == nil {
		copyErr = ownerOnly(dst, dst+".wal")
	}
	if copyErr != nil {
		os.Remove(dst)
		os.Remove(dst + ".wal")
		return "", fmt.Errorf("warehouse: backup to %s: %w", dst, copyErr)
	}
	return dst, nil
}

// copyDatabase copies schema and data in one transaction, so the copy is one snapshot.
func copyDatabase(ctx context.Context, conn *sql.Conn, src string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `copy from database "`+strings.ReplaceAll(src, `"`, `""`)+`" to leerplein_backup`); err != nil {
		return err
	}
	return tx.Commit()
}
