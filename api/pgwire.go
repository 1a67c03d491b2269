package api

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/hetleerplein/leerplein/api/pgwire"
	"github.com/hetleerplein/leerplein/warehouse"
)

// ServePGWire serves the SQL sandbox over the PostgreSQL wire protocol on ln until ctx
// is done: the same sandbox, limits, per-user cap and audit as POST /api/v1/sql
// (wireBackend). cmd decides the address and TLS (pgwire.Config).
func (s *Server) ServePGWire(ctx context.Context, ln net.Listener, cfg pgwire.Config) error {
	srv := pgwire.New(wireBackend{s}, cfg, s.log.With("component", "pgwire"))
	return srv.Serve(ctx, ln)
}

// wireBackend is the server as the wire sees it.
type wireBackend struct{ s *Server }

func (b wireBackend) Login(ctx context.Context, name, addr string, proof pgwire.Proof) (pgwire.Identity, error) {
	return b.s.wireLogin(ctx, name, addr, proof)
}

// Describe checks a statement in the sandbox without running it. A statement that fails
// here never runs, so it is audited here, as over HTTP; one that passes is audited when
// it runs.
func (b wireBackend) Describe(ctx context.Context, id pgwire.Identity, st pgwire.Statement) (*warehouse.SQLDescription, error) {
	s := b.s
	if s.sandbox == nil {
		return nil, warehouse.ErrNoSandbox
	}
	who := id.Role + ":" + id.Name
	d, err := s.sandbox.Describe(ctx, who, st.Run)
	if err != nil {
		start := s.now()
		s.audit(ctx, warehouse.AuditEntry{At: start, Who: id.Name, Role: id.Role, Query: st.Sent,
			Status: auditStatus(err), Message: strings.TrimSpace(wireMessage(err) + rewrittenNote(st))}, start)
	}
	return d, err
}

// Query runs a statement as postSQL does: the caller's place among its running queries
// is held until the result is sent, and the statement is audited once it is.
func (b wireBackend) Query(ctx context.Context, id pgwire.Identity, st pgwire.Statement) (*warehouse.SQLResult, func(int64, error), error) {
	s := b.s
	start := s.now()
	entry := warehouse.AuditEntry{At: start, Who: id.Name, Role: id.Role, Query: st.Sent}
	if s.sandbox == nil {
		entry.Status, entry.Message = warehouse.AuditError, "no SQL sandbox: the server runs on an in-memory warehouse"
		s.audit(ctx, entry, start)
		return nil, nil, warehouse.ErrNoSandbox
	}
	who := id.Role + ":" + id.Name
	if !s.sqlRunning.enter(who) {
		entry.Status, entry.Message = warehouse.AuditRefused, s.sqlRunning.busyMessage()
		s.audit(ctx, entry, start)
		return nil, nil, &pgwire.BusyError{Message: entry.Message}
	}
	res, err := s.sandbox.Query(ctx, who, st.Run, s.cfg.SQLMaxRows)
	if err != nil {
		s.sqlRunning.leave(who)
		entry.Status, entry.Message = auditStatus(err), strings.TrimSpace(wireMessage(err)+rewrittenNote(st))
		s.audit(ctx, entry, start)
		return nil, nil, err
	}
	finish := func(rows int64, werr error) {
		defer s.sqlRunning.leave(who)
		entry.Rows, entry.Status = rows, warehouse.AuditOK
		switch {
		case res.CutAtBytes():
			entry.Message = fmt.Sprintf("truncated at %d rows: the result reached the byte cap", rows)
		case res.Truncated():
			entry.Message = fmt.Sprintf("truncated at %d rows", s.cfg.SQLMaxRows)
		}
		if werr != nil {
			entry.Status, entry.Message = warehouse.AuditError, wireMessage(werr)
		}
		entry.Message = strings.TrimSpace(entry.Message + rewrittenNote(st))
		s.audit(ctx, entry, start)
	}
	return res, finish, nil
}

// rewrittenNote marks the audit entry of a catalogue query: the sandbox ran it with the
// pg_catalog and information_schema names as its own catalogue's (api/pgwire).
func rewrittenNote(st pgwire.Statement) string {
	if st.Rewritten() {
		return " [catalogue query over the PostgreSQL wire, run on the sandbox's own catalogue]"
	}
	return ""
}

// wireMessage is the audit message of a failed wire statement: the analyst's message
// for the sandbox's errors, as sqlError gives it over HTTP.
func wireMessage(err error) string {
	if err == context.Canceled {
		return "cancelled by the client"
	}
	return err.Error()
}
