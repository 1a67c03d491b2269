// Package pgwire serves the analysts' SQL sandbox over the PostgreSQL wire protocol,
// so psql, DBeaver, Power BI, Excel, Grafana, R and Python reach it as a PostgreSQL
// database. It speaks the protocol (pgproto3) and answers what clients ask on connect
// (pg_catalog, information_schema, SET, SHOW); every statement runs in the same sandbox,
// under the same limits and audit, as POST /api/v1/sql (Backend).
package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Database is the one database name the server accepts.
const Database = "leerplein"

// Schema is the schema the analyst views are in, as over HTTP (analist.verzuimmeldingen).
const Schema = "analist"

// ServerVersion is the PostgreSQL version the server reports: clients choose their
// catalogue queries by it.
const ServerVersion = "15.0"

// Identity is who logged in.
type Identity struct {
	Name string // user or token name
	Role string // analist or beheer
	Kind string // user or token
}

// Proof asks the client to prove who it is, once.
type Proof interface {
	// TLS reports whether the connection is encrypted: only then is a password asked
	// for in clear text.
	TLS() bool
	// Password asks for the password in clear text.
	Password() (string, error)
	// SCRAM runs a SCRAM-SHA-256 exchange against a stored verifier ("" for none: the
	// exchange then fails like a wrong password). ok: the client knew the password.
	SCRAM(verifier string) (ok bool, err error)
}

// Backend is the leerplein server behind the wire: its logins, its sandbox and its
// audit.
type Backend interface {
	// Login decides a login of name from addr, asking proof for the password; a
	// refusal is a *LoginError with the reason the client sees. It throttles and
	// audits failures.
	Login(ctx context.Context, name, addr string, proof Proof) (Identity, error)
	// Describe checks a statement as Query would, without running it (a failure is
	// audited).
	Describe(ctx context.Context, id Identity, st Statement) (*warehouse.SQLDescription, error)
	// Query runs a statement in the sandbox; a failure is audited. On success the
	// caller sends the result, closes it and calls finish with what was sent, which
	// audits it.
	Query(ctx context.Context, id Identity, st Statement) (*warehouse.SQLResult, func(rows int64, err error), error)
}

// Statement is one statement for the sandbox: the text it runs, and the text the
// client sent (parameters in place), which the audit keeps. They differ only for a
// catalogue query, whose pg_catalog names run as the sandbox's own (catalog.go).
type Statement struct {
	Run, Sent string
}

// Rewritten reports a catalogue query: Run is not what the client sent.
func (s Statement) Rewritten() bool { return s.Run != s.Sent }

// Config configures the wire server; the zero value of a field means its default.
type Config struct {
	// TLS, when set, is offered to clients that ask (sslmode=require); without it
	// clients connect in plain text, which the caller allows on loopback only.
	TLS *tls.Config
	// MaxConnections bounds the connections open at once. Default 64.
	MaxConnections int
	// IdleTimeout closes a connection that sends nothing this long. Default 8 h.
	IdleTimeout time.Duration
	// WriteTimeout bounds sending one result. Default 15 min.
	WriteTimeout time.Duration
}

// Server is a PostgreSQL wire server over a Backend.
type Server struct {
	cfg     Config
	backend Backend
	log     *slog.Logger

	mu       sync.Mutex
	sessions map[uint32]*session // by process id, for cancel requests
	conns    map[net.Conn]struct{}
	closed   bool
	wg       sync.WaitGroup
}

// New makes a wire server; Serve starts it.
func New(backend Backend, cfg Config, logger *slog.Logger) *Server {
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 64
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 8 * time.Hour
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 15 * time.Minute
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, backend: backend, log: logger, sessions: map[uint32]*session{}, conns: map[net.Conn]struct{}{}}
}

// Serve accepts connections on ln until ctx is done or ln is closed; then it closes
// the open connections and waits for them.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	defer s.closeAll()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			return fmt.Errorf("pgwire: accept: %w", err)
		}
		if !s.track(c) {
			c.Close()
			continue
		}
		s.wg.Go(func() {
			defer s.untrack(c)
			s.serveConn(ctx, c)
		})
	}
}

// track counts a connection in; false past MaxConnections (it is told so first).
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if len(s.conns) >= s.cfg.MaxConnections {
		go func() {
			be := pgproto3.NewBackend(c, c)
			c.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := be.ReceiveStartupMessage(); err == nil {
				be.Send(errorResponse(&Error{Code: codeTooManyConnections, Fatal: true,
					Message: fmt.Sprintf("te veel verbindingen: het maximum is %d; sluit een andere verbinding en probeer het opnieuw", s.cfg.MaxConnections)}))
				be.Flush()
			}
			c.Close()
		}()
		return true // closed by the goroutine; not counted
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Server) closeAll() {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// register gives a session its process id and secret for cancel requests.
func (s *Server) register(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b [8]byte
	for {
		rand.Read(b[:])
		pid := binary.BigEndian.Uint32(b[:4]) & 0x7fffffff
		if _, taken := s.sessions[pid]; !taken && pid != 0 {
			ss.pid, ss.secret = pid, append([]byte(nil), b[4:]...)
			s.sessions[pid] = ss
			return
		}
	}
}

func (s *Server) unregister(ss *session) {
	s.mu.Lock()
	delete(s.sessions, ss.pid)
	s.mu.Unlock()
}

// cancel handles a cancel request: the statement running in the session it names
// stops, when the secret is right. PostgreSQL answers a cancel request with nothing.
func (s *Server) cancel(req *pgproto3.CancelRequest) {
	s.mu.Lock()
	ss, ok := s.sessions[req.ProcessID]
	s.mu.Unlock()
	if ok && subtle.ConstantTimeCompare(ss.secret, req.SecretKey) == 1 {
		ss.cancelRunning()
	}
}

// serveConn runs one connection: its startup, its login and its session.
func (s *Server) serveConn(ctx context.Context, c net.Conn) {
	c.SetDeadline(time.Now().Add(30 * time.Second)) // the startup and the login
	conn := c
	be := pgproto3.NewBackend(conn, conn)
	be.SetMaxBodyLen(maxMessage)
	secure := false
	var startup *pgproto3.StartupMessage
	for startup == nil {
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if s.cfg.TLS == nil || secure {
				if _, err := conn.Write([]byte{'N'}); err != nil {
					return
				}
				continue
			}
			if _, err := conn.Write([]byte{'S'}); err != nil {
				return
			}
			tc := tls.Server(conn, s.cfg.TLS)
			if err := tc.HandshakeContext(ctx); err != nil {
				s.log.Info("pgwire tls handshake failed", "addr", remoteIP(c), "err", err)
				return
			}
			conn, secure = tc, true
			be = pgproto3.NewBackend(conn, conn)
			be.SetMaxBodyLen(maxMessage)
		case *pgproto3.GSSEncRequest:
			if _, err := conn.Write([]byte{'N'}); err != nil {
				return
			}
		case *pgproto3.CancelRequest:
			s.cancel(m)
			return
		case *pgproto3.StartupMessage:
			startup = m
		default:
			return
		}
	}
	fail := func(e *Error) {
		e.Fatal = true
		be.Send(errorResponse(e))
		be.Flush()
	}
	user := startup.Parameters["user"]
	db := startup.Parameters["database"]
	if db == "" {
		db = user
	}
	if user == "" {
		fail(&Error{Code: codeInvalidAuthorization, Message: "geef een gebruikersnaam: de naam van een dashboardgebruiker of van een API-token"})
		return
	}
	if db != Database {
		fail(&Error{Code: codeInvalidCatalog, Message: fmt.Sprintf("database %q bestaat niet: de database heet %s", db, Database)})
		return
	}
	ss := &session{srv: s, conn: conn, be: be, params: map[string]string{}, stmts: map[string]*statement{},
		portals: map[string]*portal{}, txStatus: 'I'}
	for k, v := range startup.Parameters {
		if k != "user" && k != "database" && k != "options" {
			ss.params[lowerName(k)] = v
		}
	}
	proof := &wireProof{be: be, tls: secure}
	id, err := s.backend.Login(ctx, user, remoteIP(c), proof)
	if err != nil {
		var le *LoginError
		if errors.As(err, &le) {
			fail(&Error{Code: le.Code, Message: le.Message})
		} else {
			s.log.Error("pgwire login failed", "err", err)
			fail(&Error{Code: codeInternal, Message: "interne fout bij het inloggen"})
		}
		return
	}
	ss.id = id
	s.register(ss)
	defer s.unregister(ss)
	c.SetDeadline(time.Time{})
	ss.start()
	ss.run(ctx)
}

// maxMessage bounds one message from a client: a query of at most a megabyte, as the
// HTTP route, with room for its framing and parameters.
const maxMessage = 4 << 20

func remoteIP(c net.Conn) string {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	return c.RemoteAddr().String()
}

// wireProof asks the client on the connection for its password.
type wireProof struct {
	be   *pgproto3.Backend
	tls  bool
	used bool
}

func (p *wireProof) TLS() bool { return p.tls }

func (p *wireProof) Password() (string, error) {
	if !p.tls {
		return "", errors.New("pgwire: a password in clear text is asked over TLS only")
	}
	p.be.Send(&pgproto3.AuthenticationCleartextPassword{})
	if err := p.be.Flush(); err != nil {
		return "", err
	}
	p.be.SetAuthType(pgproto3.AuthTypeCleartextPassword)
	msg, err := p.be.Receive()
	if err != nil {
		return "", err
	}
	pm, ok := msg.(*pgproto3.PasswordMessage)
	if !ok {
		return "", errors.New("pgwire: expected a password message")
	}
	return pm.Password, nil
}

func (p *wireProof) SCRAM(verifier string) (bool, error) {
	secret, err := parseSCRAMVerifier(verifier)
	if err != nil {
		secret = dummySCRAMSecret()
	}
	srv := &scramServer{secret: secret}
	p.be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}})
	if err := p.be.Flush(); err != nil {
		return false, err
	}
	p.be.SetAuthType(pgproto3.AuthTypeSASL)
	msg, err := p.be.Receive()
	if err != nil {
		return false, err
	}
	init, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok || init.AuthMechanism != "SCRAM-SHA-256" {
		return false, errors.New("pgwire: expected a SCRAM-SHA-256 initial response")
	}
	first, err := srv.first(string(init.Data))
	if err != nil {
		return false, err
	}
	p.be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(first)})
	if err := p.be.Flush(); err != nil {
		return false, err
	}
	p.be.SetAuthType(pgproto3.AuthTypeSASLContinue)
	msg, err = p.be.Receive()
	if err != nil {
		return false, err
	}
	resp, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return false, errors.New("pgwire: expected a SCRAM response")
	}
	final, ok, err := srv.final(string(resp.Data))
	if err != nil || !ok {
		return false, err
	}
	p.be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte(final)})
	return true, nil
}
