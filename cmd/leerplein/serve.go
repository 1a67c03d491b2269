package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/api/pgwire"
	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

var serveHelp = commandHelp{
	usage: "[--config BESTAND] [--db PAD] [--addr HOST:POORT] [--pg-addr HOST:POORT] [--demo-login]",
	text: `Start de server: de KPI-API (/api/v1), de Grafana-datasource (/grafana/) en het
dashboard (/) in één proces. Stopt netjes bij Ctrl-C of SIGTERM.

Toegang: API en Grafana met een token (leerplein token create), het dashboard met een
login (leerplein user create); terwijl de server draait beheert een beheerder beide op
/beheer. --demo-login maakt (of herstelt) de logins 'bestuur' (rol bestuur) en 'beheer'
(rol beheer) met nieuwe wachtwoorden en toont die bij de start: alleen voor de demo.

Met --config (zie leerplein.example.yaml) komen warehouse, adres en regio uit het
bestand en draaien de geplande laadtaken (jobs) in dit proces: het enige proces dat
naar het warehouse schrijft. --db en --addr gaan dan voor op het bestand.

De server houdt het warehouse-bestand open. 'etl run', 'token create|revoke', 'user
create|delete', rapporten, exports en 'backup' gaan dan via de server (met een token in
$LEERPLEIN_TOKEN; --server of --config zegt waar hij luistert).

Met --pg-addr (of pgwire: listen in het bestand) spreekt de server ook het
PostgreSQL-protocol: psql, DBeaver, Power BI, Excel en Grafana's eigen
PostgreSQL-datasource gebruiken dan de SQL-zandbak, database leerplein, met een
dashboardlogin of een token (rol analist of beheer). Zonder TLS alleen op loopback.`,
	examples: []string{
		"leerplein serve --config /etc/leerplein.yaml",
		"leerplein serve --db ./data/leerplein.duckdb --demo-login",
		"leerplein serve --db ./data/leerplein.duckdb --pg-addr 127.0.0.1:5433",
	},
}

// demoLogins are the dashboard logins --demo-login creates (name and role alike): a
// board member's view, and the data steward's, who also reaches /beheer.
var demoLogins = []string{"bestuur", "beheer"}

// cmdServe runs the HTTP server until ctx is done, then shuts it down gracefully.
func cmdServe(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("serve")
	configPath := fset.String("config", "", "`BESTAND` het configuratiebestand met warehouse, luisteradres en geplande laadtaken")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	addr := fset.String("addr", "127.0.0.1:8080", "`HOST:POORT` het luisteradres (poort 0: een vrije poort)")
	demoLogin := fset.Bool("demo-login", false, "maak of herstel de dashboardlogins 'bestuur' en 'beheer' met nieuwe wachtwoorden, getoond bij de start (alleen voor de demo)")
	small := fset.Int("small-numbers", 5, "`N` voor rol bestuur: aantallen van 1 tot N afschermen")
	secure := fset.Bool("secure-cookie", false, "markeer de sessiecookie altijd Secure (cookie_secure: true); standaard alleen als er TLS voor de server zit")
	pgAddr := fset.String("pg-addr", "", "`HOST:POORT` serveer ook PostgreSQL-clients (psql, DBeaver, Power BI) op dit adres (pgwire: listen); zonder TLS alleen loopback")
	logLevel := fset.String("log-level", "info", "`NIVEAU` debug (logt elk verzoek), info, warn of error")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return usageError{fmt.Sprintf("serve: unexpected argument %q", fset.Arg(0))}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageError{fmt.Sprintf("serve: --log-level %q: use debug, info, warn or error", *logLevel)}
	}
	if *small < 1 {
		return usageError{"serve: --small-numbers must be at least 1 (1 suppresses nothing)"}
	}
	logger := slog.New(logHandler(e.stderr, level))
	var cfg config
	if *configPath != "" {
		var err error
		if cfg, err = loadConfig(*configPath); err != nil {
			return err
		}
		set := map[string]bool{}
		fset.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["db"] {
			*dbPath = cfg.warehouse
		}
		if !set["addr"] {
			*addr = cfg.listen
		}
	}

	if *pgAddr != "" {
		if err := checkPGWireListen(*pgAddr, cfg.pgwire.tlsCert != ""); err != nil {
			return usageError{"serve: --pg-addr: " + err.Error()}
		}
		cfg.pgwire.listen = *pgAddr
	}
	wireCfg, err := cfg.pgwire.wireConfig()
	if err != nil {
		return err
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	var demoPasswords []string // in the order of demoLogins
	if *demoLogin {
		for _, name := range demoLogins {
			pass, err := newDemoPassword()
			if err != nil {
				return err
			}
			if err := api.SetUserAs(ctx, db, api.CLIActor("serve --demo-login"), name, name, pass, true, time.Now()); err != nil {
				return fmt.Errorf("serve: demo login %s: %w", name, err)
			}
			demoPasswords = append(demoPasswords, pass)
		}
	}
	var srv *api.Server
	sched, err := newScheduler(e, cfg, db, logger, func() {
		srv.Invalidate()
		srv.RefreshSandbox() // the analysts' SQL sandbox: rebuilt once after a burst of loads
	})
	if err != nil {
		return err
	}
	apiCfg := api.Config{SmallNumberThreshold: *small, Version: version}
	if *configPath != "" {
		apiCfg.BackupDir = cfg.backupDir // else: backups beside the warehouse file
	}
	cfg.http.apply(&apiCfg)
	if *secure {
		apiCfg.CookieSecure = api.CookieSecureAlways
	}
	if sched != nil {
		apiCfg.Jobs = schedulerJobs{sched}
	}
	apiCfg.SQLTimeout, apiCfg.SQLMaxRows, apiCfg.SQLMemoryLimit = cfg.sqlTimeout, cfg.sqlMaxRows, cfg.sqlMemoryLimit
	apiCfg.SQLWorkers, apiCfg.SQLPerUser, apiCfg.SQLQueueWait = cfg.sqlWorkers, cfg.sqlPerUser, cfg.sqlQueueWait
	apiCfg.SQLMaxResultBytes, apiCfg.SQLWorkerCommand = cfg.sqlMaxResult, cfg.sqlWorkerCmd
	apiCfg.LoadRequestRate = cfg.loadRequestRate
	apiCfg.UploadMaxBytes, apiCfg.UploadMaxFiles = cfg.uploadMaxBytes, cfg.uploadMaxFiles
	srv = api.New(db, apiCfg, logger)
	// The SQL sandbox (analist.duckdb beside the warehouse) is built in the background;
	// stopSandbox runs before db.Close (deferred earlier), after HTTP has drained.
	stopSandbox := srv.StartSandbox(ctx)
	defer stopSandbox()
	if sched != nil {
		sched.Start()
		defer sched.Stop() // waits for the file in progress to commit or roll back
		// On SIGTERM take no new work at once, while HTTP drains.
		go func() {
			<-ctx.Done()
			sched.Stop()
		}()
	}
	// The PostgreSQL wire endpoint: the same sandbox, stopped with the HTTP server.
	var pgURL string
	if cfg.pgwire.listen != "" {
		ln, err := net.Listen("tcp", cfg.pgwire.listen)
		if err != nil {
			return fmt.Errorf("serve: pgwire: listen on %s: %w", cfg.pgwire.listen, err)
		}
		pgURL = ln.Addr().String()
		wireCtx, stopWire := context.WithCancel(ctx)
		wireDone := make(chan struct{})
		go func() {
			defer close(wireDone)
			if err := srv.ServePGWire(wireCtx, ln, wireCfg); err != nil {
				logger.Error("pgwire stopped", "err", err)
			}
		}()
		defer func() { stopWire(); <-wireDone }()
	}
	return serveHTTP(ctx, e, srv.Handler(), *addr, logger, func(url string) {
		fmt.Fprintf(e.stdout, "leerplein: serving %s on %s\n", *dbPath, url)
		fmt.Fprintf(e.stdout, "  dashboard %s  API %sapi/v1/kpis  Grafana %sgrafana/\n", url, url, url)
		for i, pass := range demoPasswords {
			fmt.Fprintf(e.stdout, "  demo login: %s / %s  (rol %s)\n", demoLogins[i], pass, demoLogins[i])
		}
		if len(demoPasswords) > 0 {
			fmt.Fprintf(e.stdout, "  beheer van gebruikers, tokens en laadtaken: %sbeheer\n", url)
		}
		if pgURL != "" {
			fmt.Fprintf(e.stdout, "  PostgreSQL (psql, DBeaver, Power BI, Grafana) on %s, database %s\n", pgURL, pgwire.Database)
			host, port, _ := net.SplitHostPort(pgURL)
			if len(demoPasswords) > 1 {
				fmt.Fprintf(e.stdout, "  psql: PGPASSWORD=%s psql \"host=%s port=%s dbname=%s user=%s\"\n",
					demoPasswords[1], host, port, pgwire.Database, demoLogins[1])
			} else {
				fmt.Fprintf(e.stdout, "  psql \"host=%s port=%s dbname=%s user=NAAM\"  (wachtwoord, of een token van rol analist)\n",
					host, port, pgwire.Database)
			}
		}
	})
}

// serveHTTP listens on addr, tells announce the URL, and serves h until ctx is done;
// then it stops accepting and gives running requests ten seconds to finish.
func serveHTTP(ctx context.Context, e env, h http.Handler, addr string, logger *slog.Logger, announce func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	announce("http://" + ln.Addr().String() + "/")
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintln(e.stdout, "leerplein: stopped")
	return nil
}

// newDemoPassword makes a password that is easy to type from the screen: 16 random
// base32 characters (80 bits) in groups of four.
func newDemoPassword() (string, error) {
	t := strings.ToLower(rand.Text()) // 26 characters, 130 bits
	return t[0:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:16], nil
}

// newScheduler prepares the configured jobs, or returns nil when there are none.
func newScheduler(e env, cfg config, db *warehouse.DB, logger *slog.Logger, onLoad func()) (*etl.Scheduler, error) {
	if len(cfg.jobs) == 0 {
		return nil, nil
	}
	key, err := cfg.key(e)
	if err != nil {
		return nil, fmt.Errorf("serve: the jobs need the pseudonym key: %w", err)
	}
	region, err := loadRegion(cfg.region)
	if err != nil {
		return nil, err
	}
	return etl.NewScheduler(etl.SchedulerConfig{DB: db, Key: key, Region: region, Jobs: cfg.jobs,
		Logger: logger.With("component", "scheduler"), OnLoad: onLoad, Retention: cfg.retention})
}
