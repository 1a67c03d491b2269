// Package warehouse owns the DuckDB file: it opens it, migrates it, and offers the
// load transactions and typed read queries the ETL, the API and the reports use.
package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// DefaultPath is where the warehouse lives when no --db is given.
const DefaultPath = "./data/leerplein.duckdb"

// MemoryLimit bounds DuckDB's buffer manager; large loads spill to disk beyond it, so a
// national-scale file loads within a small server's memory.
const MemoryLimit = "1GB"

// DB is an open warehouse. It is safe for concurrent use; DuckDB lets one process hold
// the file, so a process opens it once and shares this value.
type DB struct {
	*sql.DB
	connector *duckdb.Connector
	path      string
}

// Open opens (creating if needed) the warehouse file at path, applies every pending
// migration and marks failed the runs a killed process left running. An empty path or
// ":memory:" opens an in-memory warehouse (tests).
func Open(ctx context.Context, path string) (*DB, error) {
	dsn := path
	if path == ":memory:" {
		dsn = ""
	}
	if dsn != "" {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, fmt.Errorf("warehouse: create directory for %s: %w", dsn, err)
		}
	}
	connector, err := duckdb.NewConnector(dsn+"?memory_limit="+MemoryLimit, nil)
	if err != nil {
		return nil, fmt.Errorf("warehouse: open %s: %w", path, explainLock(err))
	}
	db := &DB{DB: sql.OpenDB(connector), connector: connector, path: path}
	// The functions first: a migration may use them.
	if err := db.registerFunctions(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.createModels(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.closeInterruptedRuns(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if dsn != "" {
		if err := ownerOnly(dsn, dsn+".wal"); err != nil {
			db.Close()
			return nil, fmt.Errorf("warehouse: %w", err)
		}
	}
	return db, nil
}

// ownerOnly takes group and other permissions off the files that exist among paths:
// the warehouse and its copies hold data about minors. (DuckDB creates its files with
// the process umask, which the command sets to 077; this covers files made before.)
func ownerOnly(paths ...string) error {
	for _, p := range paths {
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, info.Mode().Perm()&0o700); err != nil {
				return err
			}
		}
	}
	return nil
}

// Path is the file the warehouse was opened from.
func (db *DB) Path() string { return db.path }

// Close closes the database and the DuckDB instance behind it.
func (db *DB) Close() error {
	err := db.DB.Close()
	if cerr := db.connector.Close(); err == nil {
		err = cerr
	}
	return err
}

// ErrLocked is matched (errors.Is) by the error Open returns when another process holds
// the warehouse file, so a command can add what to do in its own case.
var ErrLocked = errors.New("warehouse: file in use by another process")

// LockError says which process holds the warehouse file: DuckDB lets one process open
// it, and the raw lock error does not tell a data steward what to do.
type LockError struct {
	PID     int    // the holding process, 0 when DuckDB did not say
	Program string // its executable, when DuckDB said
	Err     error  // DuckDB's error
}

// Error names the process and says what to do.
func (e *LockError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("process %d", e.PID)
		if e.Program != "" {
			who += " (" + e.Program + ")"
		}
	}
	return "the warehouse file is in use by " + who + ", probably a running `leerplein serve`; " +
		"DuckDB lets only one process open it. Stop that process first, or let the server do the work: " +
		"to load files, drop them into a job's inbox and start the job with POST /api/v1/jobs/{name}/run " +
		"(or wait for its schedule); reports and KPIs are available from the server's API"
}

// Unwrap returns DuckDB's error.
func (e *LockError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockError) Is(target error) bool { return target == ErrLocked }

// lockHolder matches DuckDB's "Conflicting lock is held in /usr/bin/leerplein (PID 4711)".
var lockHolder = regexp.MustCompile(`held in (.*?) \(PID (\d+)\)`)

// explainLock turns DuckDB's lock error into a LockError that names the process.
func explainLock(err error) error {
	if err == nil || !strings.Contains(err.Error(), "Could not set lock on file") {
		return err
	}
	le := &LockError{Err: err}
	if m := lockHolder.FindStringSubmatch(err.Error()); m != nil {
		le.Program = m[1]
		le.PID, _ = strconv.Atoi(m[2])
	}
	return le
}

// migrate applies the embedded migrations in name order, each in its own transaction,
// and records them in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.ExecContext(ctx, `create table if not exists schema_migrations (
		name varchar primary key, applied_at timestamptz not null default now())`); err != nil {
		return fmt.Errorf("warehouse: migrations table: %w", err)
	}
	names, err := fs.Glob(sqlfiles.FS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("warehouse: list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := db.QueryRowContext(ctx, `select count(*) from schema_migrations where name = ?`, name).Scan(&n); err != nil {
			return fmt.Errorf("warehouse: check migration %s: %w", name, err)
		}
		if n > 0 {
			continue
		}
		body, err := sqlfiles.FS.ReadFile(name)
		if err != nil {
			return fmt.Errorf("warehouse: read migration %s: %w", name, err)
		}
		if err := db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `insert into schema_migrations (name) values (?)`, name)
			return err
		}); err != nil {
			return fmt.Errorf("warehouse: migration %s: %w", name, err)
		}
	}
	return nil
}

// createModels (re)creates the model layer, sql/marts/*.sql in name order, in one
// transaction: views and macros in the schema `mart` (and the analyst views over them),
// always those of the program that opened the warehouse. They hold no data, so unlike a
// migration they are simply replaced; the rules live in those files. The message
// catalogue (mart.reden, mart.reden_tekst) comes first, from warehouse/tekst.
func (db *DB) createModels(ctx context.Context) error {
	names, err := fs.Glob(sqlfiles.FS, "marts/*.sql")
	if err != nil {
		return fmt.Errorf("warehouse: list models: %w", err)
	}
	sort.Strings(names)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, tekst.SQL()); err != nil {
			return fmt.Errorf("warehouse: message catalogue: %w", err)
		}
		for _, name := range names {
			body, err := sqlfiles.FS.ReadFile(name)
			if err != nil {
				return fmt.Errorf("warehouse: read model %s: %w", name, err)
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("warehouse: model %s: %w", name, err)
			}
		}
		return nil
	})
}

// inTx runs fn in a transaction and commits it, or rolls back when fn fails.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}
