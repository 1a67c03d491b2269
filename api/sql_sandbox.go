package api

import (
	"context"
	"path/filepath"
	"sync"

	"github.com/hetleerplein/leerplein/warehouse"
)

// newSandbox prepares the SQL sandbox's publisher; nil when there is no snapshot path
// (an in-memory warehouse without Config.SQLSnapshot) or its configuration cannot run
// (logged; cmd checks it before it starts a server).
func (s *Server) newSandbox() *warehouse.Publisher {
	if s.db == nil {
		return nil
	}
	path := s.cfg.SQLSnapshot
	if path == "" {
		if p := s.db.Path(); p != "" && p != ":memory:" {
			path = filepath.Join(filepath.Dir(p), warehouse.SandboxFile)
		}
	}
	if path == "" {
		return nil
	}
	cfg := warehouse.SandboxConfig{Timeout: s.cfg.SQLTimeout, Memory: s.cfg.SQLMemoryLimit, Workers: s.cfg.SQLWorkers,
		QueueWait: s.cfg.SQLQueueWait, MaxResultBytes: s.cfg.SQLMaxResultBytes, Command: s.cfg.SQLWorkerCommand}
	p, err := warehouse.NewPublisher(s.db, path, cfg, s.cfg.SQLRefreshDelay, s.log.With("component", "sql-sandbox"))
	if err != nil {
		s.log.Error("no SQL sandbox", "err", err)
		return nil
	}
	return p
}

// StartSandbox builds the SQL sandbox in the background and rebuilds it after every
// RefreshSandbox, until ctx is done or stop is called; stop waits for it to close. Until
// the first build is done the SQL API answers 503.
func (s *Server) StartSandbox(ctx context.Context) (stop func()) {
	if s.sandbox == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.sandbox.Run(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}

// PublishSandbox builds the SQL sandbox now and waits for it: for tests and commands
// that need it at once. StartSandbox does this in the background.
func (s *Server) PublishSandbox(ctx context.Context) error {
	if s.sandbox == nil {
		return nil
	}
	return s.sandbox.Publish(ctx)
}

// RefreshSandbox asks for the SQL sandbox to be rebuilt from the warehouse: call it
// after a load commits. It returns at once; loads in quick succession rebuild it once.
func (s *Server) RefreshSandbox() {
	if s.sandbox != nil {
		s.sandbox.Trigger()
	}
}

// CloseSandbox closes the SQL sandbox once its running queries are done; for servers
// that used PublishSandbox without StartSandbox.
func (s *Server) CloseSandbox() error {
	if s.sandbox == nil {
		return nil
	}
	return s.sandbox.Close()
}
