package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// QuarantineRow is one quarantined problem as the steward downloads it to fix the
// source: the file, its line (and sheet), the column, the offending value and why.
type QuarantineRow struct {
	FileName string
	Line     int64
	Sheet    string
	Column   string
	Value    *string // nil for the bsn column, whatever the ledger holds
	Reason   string
}

// QuarantineRows returns the quarantined problems of f in file and line order, at most
// limit, and how many there are in all. Values and reasons are masked as on every
// other page (MaskDigits).
func (db *DB) QuarantineRows(ctx context.Context, f QuarantineFilter, limit int) ([]QuarantineRow, int64, error) {
	const where = `from etl_quarantine as q inner join etl_file as f on f.file_id = q.file_id
		where (? = '' or q.feed = ?) and (? = 0 or f.run_id = ?)`
	var total int64
	if err := db.QueryRowContext(ctx, `select count(*) `+where, f.Feed, f.Feed, f.RunID, f.RunID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("warehouse: quarantine rows: %w", err)
	}
	rows, err := db.QueryContext(ctx, `select q.file_name, q.line, coalesce(q.sheet, ''), q.column_name, q.value, q.reason `+
		where+` order by q.file_id, q.line, q.column_name limit ?`, f.Feed, f.Feed, f.RunID, f.RunID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("warehouse: quarantine rows: %w", err)
	}
	defer rows.Close()
	out := []QuarantineRow{}
	for rows.Next() {
		var r QuarantineRow
		var value sql.NullString
		if err := rows.Scan(&r.FileName, &r.Line, &r.Sheet, &r.Column, &value, &r.Reason); err != nil {
			return nil, 0, fmt.Errorf("warehouse: quarantine rows: %w", err)
		}
		if value.Valid && !strings.EqualFold(r.Column, "bsn") {
			v := MaskDigits(value.String)
			r.Value = &v
		}
		r.FileName, r.Sheet, r.Reason = MaskDigits(r.FileName), MaskDigits(r.Sheet), MaskDigits(r.Reason)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("warehouse: quarantine rows: %w", err)
	}
	return out, total, nil
}
