package warehouse

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// SQLDescription is what a query would return and take, known without running it: the
// PostgreSQL wire protocol's Describe asks for it before a client binds parameters.
type SQLDescription struct {
	// Columns are the result's columns, as SQLResult.Columns will have them.
	Columns []SQLColumn `json:"columns"`
	// Params are DuckDB's types of the parameters $1, $2, …: "UNKNOWN" where the query
	// does not tell.
	Params []string `json:"params,omitempty"`
}

// Describe checks a query exactly as Query does (one read-only SELECT, no denied
// names) and returns its columns and parameter types, without running it.
func (s *Sandbox) Describe(ctx context.Context, query string) (*SQLDescription, error) {
	if !s.begin() {
		return nil, ErrSandboxClosed
	}
	defer s.end()
	if err := CheckQueryText(query); err != nil {
		return nil, err
	}
	var timedOut atomic.Bool
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	timer := time.AfterFunc(s.lim.Timeout, func() {
		timedOut.Store(true)
		cancel()
	})
	defer timer.Stop()
	conn, err := s.db.Conn(runCtx)
	if err != nil {
		return nil, s.queryError(err, &timedOut)
	}
	defer conn.Close()
	var d SQLDescription
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("warehouse: sandbox: not a DuckDB connection")
		}
		var err error
		d.Columns, d.Params, err = prepareChecked(c, query)
		return err
	})
	if err == nil {
		err = checkNames(runCtx, conn, query, s.denied)
	}
	if err != nil {
		return nil, s.queryError(err, &timedOut)
	}
	return &d, nil
}

// serveDescribe answers a describe request: a header frame with the description and
// a done frame, or an error frame.
func serveDescribe(ctx context.Context, sb *Sandbox, fw *frameWriter, req workerRequest) error {
	d, err := sb.Describe(ctx, req.Query)
	if err != nil {
		if err := fw.json(frameError, classify(err, sb.secrets)); err != nil {
			return err
		}
		return fw.flush()
	}
	for _, c := range d.Columns {
		if sb.secrets.containsPath([]byte(c.Name)) {
			if err := fw.json(frameError, classify(errLeak, sb.secrets)); err != nil {
				return err
			}
			return fw.flush()
		}
	}
	if err := fw.json(frameHeader, workerHeader{Columns: d.Columns, Params: d.Params}); err != nil {
		return err
	}
	if err := fw.json(frameDone, workerDone{}); err != nil {
		return err
	}
	return fw.flush()
}

// Describe checks a query in a worker of the current sandbox, as Query does, and returns
// its columns and parameter types without running it. It takes a place like a query
// (who as in Query); the errors are Query's.
func (p *Publisher) Describe(ctx context.Context, who, query string) (*SQLDescription, error) {
	if err := CheckQueryText(query); err != nil {
		return nil, err
	}
	g, err := p.enter()
	if err != nil {
		return nil, err
	}
	defer g.end()
	if err := p.places.acquire(ctx, who, p.cfg.QueueWait); err != nil {
		return nil, err
	}
	defer p.places.release(who)
	w, err := g.get()
	if err != nil {
		return nil, err
	}
	a, cause := w.run(workerRequest{Op: "describe", Query: query, MaxBytes: 1 << 20}, io.Discard, p.cfg.Timeout, p.cfg.KillGrace, ctx.Done())
	err = p.answerError(w, a, cause)
	g.put(w)
	if err != nil {
		return nil, err
	}
	return &SQLDescription{Columns: a.header.Columns, Params: a.header.Params}, nil
}
