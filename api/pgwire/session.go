package pgwire

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hetleerplein/leerplein/warehouse"
)

// session is one logged-in connection. Its messages are handled one at a time, in the
// connection's goroutine; only cancelRunning comes from another.
type session struct {
	srv      *Server
	conn     interface{ Write([]byte) (int, error) }
	be       *pgproto3.Backend
	id       Identity
	params   map[string]string // session settings: startup parameters and SET
	stmts    map[string]*statement
	portals  map[string]*portal
	txStatus byte // 'I' idle, 'T' in a transaction block, 'E' in a failed one
	pid      uint32
	secret   []byte
	types    *pgtype.Map
	out      []byte // DataRows not yet written

	mu     sync.Mutex
	cancel context.CancelFunc // of the running statement
}

// statement is a parsed statement: named, or the unnamed one.
type statement struct {
	query     string // as the client sent it
	text      string // as the sandbox gets it (catalogue names rewritten)
	local     *localStmt
	paramOIDs []uint32 // as Parse gave them; 0: unspecified
	desc      *warehouse.SQLDescription
}

// portal is a bound statement, ready to run or part-way through its result.
type portal struct {
	stmt    *statement
	text    string   // parameters in place
	lits    []string // the parameters' literals, for the audit
	formats []int16

	res    *warehouse.SQLResult
	finish func(int64, error)
	cols   []warehouse.SQLColumn
	batch  arrow.RecordBatch
	encs   []encoder
	row    int
	sent   int64
}

// start sends what a client expects after a login.
func (s *session) start() {
	s.types = pgtype.NewMap()
	s.be.Send(&pgproto3.AuthenticationOk{})
	for _, p := range [][2]string{
		{"server_version", ServerVersion}, {"server_encoding", "UTF8"}, {"client_encoding", "UTF8"},
		{"DateStyle", "ISO, MDY"}, {"IntervalStyle", "postgres"}, {"TimeZone", "UTC"},
		{"integer_datetimes", "on"}, {"standard_conforming_strings", "on"}, {"is_superuser", "off"},
		{"session_authorization", s.id.Name}, {"application_name", s.params["application_name"]},
		{"default_transaction_read_only", "on"}, {"in_hot_standby", "off"},
	} {
		s.be.Send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
	s.be.Send(&pgproto3.BackendKeyData{ProcessID: s.pid, SecretKey: s.secret})
	s.be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	s.flush()
}

// run handles messages until the client leaves or ctx is done.
func (s *session) run(ctx context.Context) {
	defer s.closePortals()
	skip := false // after an error in the extended protocol, until Sync
	for {
		if d, ok := s.conn.(interface{ SetReadDeadline(time.Time) error }); ok {
			d.SetReadDeadline(time.Now().Add(s.srv.cfg.IdleTimeout))
		}
		msg, err := s.be.Receive()
		if err != nil {
			return
		}
		if ctx.Err() != nil {
			return
		}
		if skip {
			switch msg.(type) {
			case *pgproto3.Sync:
				skip = false
			case *pgproto3.Terminate:
				return
			case *pgproto3.Query:
				skip = false
			default:
				continue
			}
		}
		var werr error
		switch m := msg.(type) {
		case *pgproto3.Query:
			s.simpleQuery(ctx, m.String)
			s.ready()
			werr = s.flush()
		case *pgproto3.Parse:
			err = s.parse(m)
		case *pgproto3.Bind:
			err = s.bind(ctx, m)
		case *pgproto3.Describe:
			err = s.describe(ctx, m)
		case *pgproto3.Execute:
			err = s.execute(ctx, m)
		case *pgproto3.Close:
			s.closeObject(m)
		case *pgproto3.Sync:
			if s.txStatus == 'I' {
				s.closePortals()
			}
			s.ready()
			werr = s.flush()
		case *pgproto3.Flush:
			werr = s.flush()
		case *pgproto3.Terminate:
			return
		case *pgproto3.FunctionCall:
			err = &Error{Code: codeFeatureNotSupported, Message: "functieaanroepen via het protocol worden niet ondersteund"}
		case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
			continue // COPY FROM STDIN is refused before the client sends data
		default:
			err = &Error{Code: codeProtocolViolation, Message: fmt.Sprintf("onverwacht bericht %T", msg)}
		}
		if err != nil {
			s.sendError(err)
			skip = true
			if werr = s.flush(); werr != nil {
				return
			}
		}
		if werr != nil {
			return
		}
	}
}

// ready sends ReadyForQuery with the transaction status.
func (s *session) ready() { s.be.Send(&pgproto3.ReadyForQuery{TxStatus: s.txStatus}) }

// flush writes what is buffered, DataRows included, within the write timeout.
func (s *session) flush() error {
	if d, ok := s.conn.(interface{ SetWriteDeadline(time.Time) error }); ok {
		d.SetWriteDeadline(time.Now().Add(s.srv.cfg.WriteTimeout))
	}
	if err := s.be.Flush(); err != nil {
		return err
	}
	if len(s.out) > 0 {
		_, err := s.conn.Write(s.out)
		s.out = s.out[:0]
		return err
	}
	return nil
}

// send queues a protocol message after the DataRows already queued.
func (s *session) send(m pgproto3.BackendMessage) {
	if len(s.out) > 0 {
		s.flushRows()
	}
	s.be.Send(m)
}

// flushRows writes the queued DataRows (after the messages before them).
func (s *session) flushRows() error {
	if err := s.be.Flush(); err != nil {
		return err
	}
	_, err := s.conn.Write(s.out)
	s.out = s.out[:0]
	return err
}

// sendError sends an ErrorResponse; in a transaction block the block has failed.
func (s *session) sendError(err error) {
	e := errorOf(err)
	if e.Code == codeInternal && e.Message == "interne fout" {
		s.srv.log.Error("pgwire statement failed", "user", s.id.Name, "err", err)
	}
	if s.txStatus == 'T' {
		s.txStatus = 'E'
	}
	s.send(errorResponse(e))
}

// cancelRunning stops the running statement, if any (a cancel request).
func (s *session) cancelRunning() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

// running gives ctx a cancel for cancel requests; done ends it.
func (s *session) running(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	return ctx, func() {
		s.mu.Lock()
		s.cancel = nil
		s.mu.Unlock()
		cancel()
	}
}

// simpleQuery runs each statement of a simple query, in text format; the first error
// ends it.
func (s *session) simpleQuery(ctx context.Context, q string) {
	if err := checkLength(q); err != nil {
		s.sendError(err)
		return
	}
	stmts := splitStatements(q)
	if len(stmts) == 0 {
		s.send(&pgproto3.EmptyQueryResponse{})
		return
	}
	prepared := make([]*statement, len(stmts))
	toSandbox := 0
	for i, text := range stmts {
		prepared[i] = s.prepare(text, nil)
		if prepared[i].local == nil {
			toSandbox++
		}
	}
	if toSandbox > 1 {
		// The sandbox runs one statement per query, as over HTTP: it refuses (and
		// audits) the whole text. Session statements beside one query are fine.
		prepared = []*statement{{query: q, text: q}}
	}
	for _, st := range prepared {
		if err := s.inFailedBlock(st); err != nil {
			s.sendError(err)
			return
		}
		if st.local != nil {
			if err := s.runLocal(st.local, true); err != nil {
				s.sendError(err)
				return
			}
			continue
		}
		p := &portal{stmt: st, text: st.text}
		if _, err := s.runPortal(ctx, p, 0, true); err != nil {
			s.sendError(err)
			return
		}
	}
}

// maxQueryBytes bounds a statement's text, as POST /api/v1/sql bounds its body.
const maxQueryBytes = 1 << 20

// checkLength refuses a statement text over maxQueryBytes.
func checkLength(q string) error {
	if len(q) > maxQueryBytes {
		return &Error{Code: "54000", Message: fmt.Sprintf("de query is %d bytes; hoogstens 1 MB", len(q))}
	}
	return nil
}

// inFailedBlock refuses everything but the end of a failed transaction block.
func (s *session) inFailedBlock(st *statement) error {
	if s.txStatus != 'E' || st.local != nil && st.local.endsTx {
		return nil
	}
	return &Error{Code: codeInFailedTransaction, Message: "de transactie is afgebroken door een eerdere fout; stuur ROLLBACK"}
}

// prepare classifies a statement: answered here, or rewritten for the sandbox.
func (s *session) prepare(query string, oids []uint32) *statement {
	st := &statement{query: query, paramOIDs: oids}
	if l := classifyLocal(query); l != nil {
		st.local = l
		return st
	}
	st.text = rewriteCatalog(query, s.id)
	return st
}

func (s *session) parse(m *pgproto3.Parse) error {
	if m.Name != "" {
		if _, ok := s.stmts[m.Name]; ok {
			return &Error{Code: "42P05", Message: fmt.Sprintf("prepared statement %q bestaat al", m.Name)}
		}
	}
	if err := checkLength(m.Query); err != nil {
		return err
	}
	oids := append([]uint32(nil), m.ParameterOIDs...)
	var st *statement
	switch stmts := splitStatements(m.Query); len(stmts) {
	case 0:
		st = &statement{paramOIDs: oids}
	case 1:
		st = s.prepare(stmts[0], oids)
	default:
		// The sandbox refuses more than one statement, and audits it, as over HTTP.
		st = &statement{query: m.Query, text: m.Query, paramOIDs: oids}
	}
	s.stmts[m.Name] = st
	s.send(&pgproto3.ParseComplete{})
	return nil
}

// describeStatement asks the sandbox for a statement's columns and parameter types, once.
func (s *session) describeStatement(ctx context.Context, st *statement) error {
	if st.desc != nil || st.local != nil || st.text == "" {
		return nil
	}
	ctx, done := s.running(ctx)
	defer done()
	d, err := s.srv.backend.Describe(ctx, s.id, Statement{Run: st.text, Sent: st.query})
	if err != nil {
		return err
	}
	st.desc = d
	return nil
}

func (s *session) bind(ctx context.Context, m *pgproto3.Bind) error {
	st, ok := s.stmts[m.PreparedStatement]
	if !ok {
		return &Error{Code: codeInvalidStatementName, Message: fmt.Sprintf("prepared statement %q bestaat niet", m.PreparedStatement)}
	}
	if old, ok := s.portals[m.DestinationPortal]; ok {
		old.close(nil)
		delete(s.portals, m.DestinationPortal)
	}
	if err := s.inFailedBlock(st); err != nil {
		return err
	}
	p := &portal{stmt: st, text: st.text, formats: append([]int16(nil), m.ResultFormatCodes...)}
	if len(m.Parameters) > 0 {
		if st.local != nil {
			return &Error{Code: codeProtocolViolation, Message: "dit statement heeft geen parameters"}
		}
		if err := s.describeStatement(ctx, st); err != nil {
			return err
		}
		lits := make([]string, len(m.Parameters))
		for i, v := range m.Parameters {
			format := int16(0)
			switch {
			case len(m.ParameterFormatCodes) == 1:
				format = m.ParameterFormatCodes[0]
			case i < len(m.ParameterFormatCodes):
				format = m.ParameterFormatCodes[i]
			}
			var oid uint32
			if i < len(st.paramOIDs) {
				oid = st.paramOIDs[i]
			}
			duck := ""
			if i < len(st.desc.Params) {
				duck = st.desc.Params[i]
			}
			if oid == 0 {
				oid = paramOID(duck)
			}
			lit, err := paramLiteral(s.types, v, format, oid, duck)
			if err != nil {
				return &Error{Code: codeInvalidParameter, Message: fmt.Sprintf("parameter $%d: %v", i+1, err)}
			}
			lits[i] = lit
		}
		p.text, p.lits = substituteParams(st.text, lits), lits
	}
	s.portals[m.DestinationPortal] = p
	s.send(&pgproto3.BindComplete{})
	return nil
}

func (s *session) describe(ctx context.Context, m *pgproto3.Describe) error {
	var st *statement
	var formats []int16
	if m.ObjectType == 'S' {
		var ok bool
		if st, ok = s.stmts[m.Name]; !ok {
			return &Error{Code: codeInvalidStatementName, Message: fmt.Sprintf("prepared statement %q bestaat niet", m.Name)}
		}
	} else {
		p, ok := s.portals[m.Name]
		if !ok {
			return &Error{Code: codeInvalidCursorName, Message: fmt.Sprintf("portal %q bestaat niet", m.Name)}
		}
		st, formats = p.stmt, p.formats
	}
	if err := s.inFailedBlock(st); err != nil {
		return err
	}
	if err := s.describeStatement(ctx, st); err != nil {
		return err
	}
	if m.ObjectType == 'S' {
		var oids []uint32
		n := 0
		if st.desc != nil {
			n = len(st.desc.Params)
		}
		n = max(n, len(st.paramOIDs), maxParam(st.query))
		for i := range n {
			var oid uint32
			if i < len(st.paramOIDs) {
				oid = st.paramOIDs[i]
			}
			if oid == 0 {
				duck := ""
				if st.desc != nil && i < len(st.desc.Params) {
					duck = st.desc.Params[i]
				}
				oid = paramOID(duck)
			}
			oids = append(oids, oid)
		}
		s.send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
	}
	switch {
	case st.local != nil && st.local.show != "":
		s.send(rowDescription([]warehouse.SQLColumn{{Name: st.local.show, Type: "VARCHAR"}}, formats))
	case st.desc != nil && len(st.desc.Columns) > 0:
		s.send(rowDescription(st.desc.Columns, formats))
	default:
		s.send(&pgproto3.NoData{})
	}
	return nil
}

func (s *session) execute(ctx context.Context, m *pgproto3.Execute) error {
	p, ok := s.portals[m.Portal]
	if !ok {
		return &Error{Code: codeInvalidCursorName, Message: fmt.Sprintf("portal %q bestaat niet", m.Portal)}
	}
	if err := s.inFailedBlock(p.stmt); err != nil {
		return err
	}
	if p.stmt.local != nil {
		return s.runLocal(p.stmt.local, false)
	}
	if p.stmt.text == "" {
		s.send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	_, err := s.runPortal(ctx, p, int(m.MaxRows), false)
	return err
}

func (s *session) closeObject(m *pgproto3.Close) {
	if m.ObjectType == 'S' {
		delete(s.stmts, m.Name)
	} else if p, ok := s.portals[m.Name]; ok {
		p.close(nil)
		delete(s.portals, m.Name)
	}
	s.send(&pgproto3.CloseComplete{})
}

// closePortals ends every portal (the end of a transaction).
func (s *session) closePortals() {
	for name, p := range s.portals {
		p.close(nil)
		delete(s.portals, name)
	}
}

// sentText is the statement as the client sent it, with its parameters in place.
func (p *portal) sentText() string {
	if p.stmt.text == p.stmt.query {
		return p.text
	}
	if len(p.lits) == 0 {
		return p.stmt.query
	}
	return substituteParams(p.stmt.query, p.lits)
}

// close releases a portal's result and audits what it sent.
func (p *portal) close(err error) {
	if p.res == nil {
		return
	}
	if p.batch != nil {
		p.batch = nil
	}
	p.res.Close()
	p.finish(p.sent, err)
	p.res = nil
}

// rowFlushBytes is how many bytes of DataRows are gathered before they are written.
const rowFlushBytes = 256 << 10

// runPortal runs a portal's statement (the first time) and sends up to maxRows rows of
// its result (0: all). describe sends the RowDescription first (simple query). It
// reports whether the portal was suspended with rows left.
func (s *session) runPortal(ctx context.Context, p *portal, maxRows int, describe bool) (bool, error) {
	ctx, done := s.running(ctx)
	defer done()
	if p.res == nil {
		if p.sent > 0 { // finished before: nothing left
			s.send(&pgproto3.CommandComplete{CommandTag: []byte(fmt.Sprintf("SELECT %d", 0))})
			return false, nil
		}
		res, finish, err := s.srv.backend.Query(ctx, s.id, Statement{Run: p.text, Sent: p.sentText()})
		if err != nil {
			return false, err
		}
		p.res, p.finish, p.cols = res, finish, res.Columns
		if describe {
			s.send(rowDescription(p.cols, p.formats))
		}
	}
	var n int
	for {
		if p.batch == nil || p.row >= int(p.batch.NumRows()) {
			if ctx.Err() != nil {
				err := context.Canceled
				p.close(err)
				return false, err
			}
			if !p.res.Next() {
				break
			}
			p.batch, p.row = p.res.RecordBatch(), 0
			p.encs = make([]encoder, p.batch.NumCols())
			for c := range p.encs {
				p.encs[c] = newEncoder(s.types, p.batch.Column(c), pgTypeOf(p.cols[c].Type), formatOf(p.formats, c))
			}
		}
		if maxRows > 0 && n >= maxRows {
			if err := s.flushRows(); err != nil {
				p.close(err)
				return false, err
			}
			s.send(&pgproto3.PortalSuspended{})
			return true, nil
		}
		s.out = s.appendRow(s.out, p)
		p.row++
		p.sent++
		n++
		if len(s.out) >= rowFlushBytes {
			if err := s.flush(); err != nil {
				p.close(err)
				return false, err
			}
		}
	}
	err := p.res.Err()
	if err != nil {
		p.close(err)
		return false, err
	}
	if p.res.Truncated() {
		s.send(&pgproto3.NoticeResponse{Severity: "WARNING", SeverityUnlocalized: "WARNING", Code: "01000",
			Message: fmt.Sprintf("resultaat afgekapt na %d rijen: de SQL-zandbak geeft hoogstens zoveel; tel of filter in de query zelf", p.sent)})
	}
	// As PostgreSQL: the rows of this Execute (all of them, unless it was suspended).
	s.send(&pgproto3.CommandComplete{CommandTag: []byte(fmt.Sprintf("SELECT %d", n))})
	p.close(nil)
	return false, nil
}

// appendRow appends the portal's current row as a DataRow message.
func (s *session) appendRow(dst []byte, p *portal) []byte {
	start := len(dst)
	dst = append(dst, 'D', 0, 0, 0, 0)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(p.encs)))
	for _, enc := range p.encs {
		dst = enc(dst, p.row)
	}
	binary.BigEndian.PutUint32(dst[start+1:], uint32(len(dst)-start-1))
	return dst
}

func formatOf(formats []int16, c int) int16 {
	switch {
	case len(formats) == 1:
		return formats[0]
	case c < len(formats):
		return formats[c]
	}
	return 0
}

// rowDescription describes result columns in the given formats.
func rowDescription(cols []warehouse.SQLColumn, formats []int16) *pgproto3.RowDescription {
	rd := &pgproto3.RowDescription{Fields: make([]pgproto3.FieldDescription, len(cols))}
	for i, c := range cols {
		t := pgTypeOf(c.Type)
		rd.Fields[i] = pgproto3.FieldDescription{Name: []byte(c.Name), DataTypeOID: t.oid, DataTypeSize: t.size,
			TypeModifier: t.typmod, Format: formatOf(formats, i)}
	}
	return rd
}

// runLocal answers a statement the server handles itself.
func (s *session) runLocal(l *localStmt, describe bool) error {
	if l.err != nil {
		return l.err
	}
	if l.apply != nil {
		l.apply(s)
	}
	if l.show != "" {
		v, err := s.showValue(l.show)
		if err != nil {
			return err
		}
		if describe {
			s.send(rowDescription([]warehouse.SQLColumn{{Name: l.show, Type: "VARCHAR"}}, nil))
		}
		s.send(&pgproto3.DataRow{Values: [][]byte{[]byte(v)}})
		s.send(&pgproto3.CommandComplete{CommandTag: []byte("SHOW")})
		return nil
	}
	s.send(&pgproto3.CommandComplete{CommandTag: []byte(l.tag)})
	return nil
}
