package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
)

// testPortalSuspension drives the extended protocol by hand, as pgjdbc does with a
// fetch size: in a transaction, Execute with a row limit suspends the portal
// (PortalSuspended) and the next Execute sends the rest, then CommandComplete; a
// portal that does not exist is an error that skips to Sync.
func testPortalSuspension(t *testing.T, ws *wireServer) {
	ctx := context.Background()
	conn := ws.connect(t, "analist", pgx.QueryExecModeSimpleProtocol)
	if _, err := conn.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	fe := conn.PgConn().Frontend()
	send := func(msgs ...pgproto3.FrontendMessage) {
		for _, m := range msgs {
			fe.Send(m)
		}
		if err := fe.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	// receive reads until ReadyForQuery and names what came, DataRows counted.
	receive := func() (string, byte) {
		var out []string
		rows := 0
		for {
			msg, err := fe.Receive()
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := msg.(*pgproto3.DataRow); ok {
				rows++
				continue
			}
			if rows > 0 {
				out = append(out, fmt.Sprintf("rows:%d", rows))
				rows = 0
			}
			switch m := msg.(type) {
			case *pgproto3.ReadyForQuery:
				return strings.Join(out, " "), m.TxStatus
			case *pgproto3.CommandComplete:
				out = append(out, "complete:"+string(m.CommandTag))
			case *pgproto3.ErrorResponse:
				out = append(out, "error:"+m.Code)
			default:
				out = append(out, strings.TrimPrefix(fmt.Sprintf("%T", msg), "*pgproto3."))
			}
		}
	}
	send(&pgproto3.Parse{Name: "p", Query: "select jaar from schooljaren where jaar >= $1 order by jaar", ParameterOIDs: []uint32{23}},
		&pgproto3.Bind{DestinationPortal: "c", PreparedStatement: "p", Parameters: [][]byte{[]byte("2016")}},
		&pgproto3.Execute{Portal: "c", MaxRows: 3}, &pgproto3.Sync{})
	got, status := receive()
	if want := "ParseComplete BindComplete rows:3 PortalSuspended"; got != want || status != 'T' {
		t.Errorf("first fetch: %q (%c), want %q in a transaction", got, status, want)
	}
	send(&pgproto3.Execute{Portal: "c"}, &pgproto3.Sync{})
	got, _ = receive()
	var rest, total int
	if _, err := fmt.Sscanf(got, "rows:%d complete:SELECT %d", &rest, &total); err != nil || rest < 1 || total != rest {
		t.Errorf("second fetch: %q, want the remaining rows and CommandComplete SELECT <those rows>", got)
	}
	send(&pgproto3.Execute{Portal: "nope"}, &pgproto3.Execute{Portal: "c"}, &pgproto3.Sync{})
	if got, status := receive(); got != "error:34000" || status != 'E' {
		t.Errorf("unknown portal: %q (%c), want error 34000 and then Sync, in a failed transaction", got, status)
	}
	send(&pgproto3.Query{String: "ROLLBACK"})
	if got, status := receive(); got != "complete:ROLLBACK" || status != 'I' {
		t.Errorf("rollback: %q (%c)", got, status)
	}
}
