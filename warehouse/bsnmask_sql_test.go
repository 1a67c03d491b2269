package warehouse_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// TestMaskSQL checks that the SQL mask gives what bsnmask.Mask gives, on every
// connection of the warehouse, with the prefilter passing what needs masking.
func TestMaskSQL(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	for _, in := range []string{"123456782", "x 1234.56.782 y", "123\u00a0456\u00a0782", "123\u202f456\u202f782",
		"M000012345", "2016-2017", "gemeente '12345672' is onbekend", "", "geen cijfers"} {
		t.Run(in, func(t *testing.T) {
			var got string
			var has bool
			if err := db.QueryRowContext(ctx, "select "+warehouse.MaskSQL("$1")+", "+warehouse.HasBSNSQL("$1"), in).Scan(&got, &has); err != nil {
				t.Fatal(err)
			}
			if want := bsnmask.Mask(in); got != want {
				t.Errorf("SQL mask of %q = %q, want %q", in, got, want)
			}
			if want := bsnmask.Contains(in); has != want {
				t.Errorf("SQL has-BSN of %q = %v, want %v", in, has, want)
			}
		})
	}
	var null sql.NullString
	if err := db.QueryRowContext(ctx, "select "+warehouse.MaskSQL("null::varchar")).Scan(&null); err != nil || null.Valid {
		t.Errorf("mask of null = %v, %v; want null", null, err)
	}
}
