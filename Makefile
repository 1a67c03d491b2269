# leerplein — see README.md. CGO is required: the DuckDB driver is cgo.
export CGO_ENABLED := 1
# DuckDB's Arrow interface (the SQL API's Arrow and Parquet results) needs this tag;
# without it the sandbox builds Arrow batches from scanned rows (tested below too).
export GOFLAGS := -tags=duckdb_arrow
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
DATA    ?= ./data
BIN     := bin/leerplein

.PHONY: build run test soak bench lint demo clean browser-deps client-deps

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/leerplein

# UNTIL: the last day of the demo's data (YYYY-MM-DD); empty: yesterday, so the
# dashboard shows the school year in progress. UNTIL=2025-07-31: the first ten years.
UNTIL   ?=

demo: build
	./$(BIN) demo --data $(DATA) $(if $(UNTIL),--until $(UNTIL))

ADDR    ?= 127.0.0.1:8080

run: demo
	./$(BIN) serve --config $(DATA)/demo.yaml --addr $(ADDR) --demo-login

# The second line runs the SQL sandbox without DuckDB's Arrow interface; the third the
# warehouse tests on the ten demo years, which skip under -race (loading takes minutes).
test: browser-deps client-deps
	LEERPLEIN_REQUIRE_BROWSER=1 LEERPLEIN_REQUIRE_PSQL=1 $(GO) test -race -count=1 -timeout 30m ./...
	$(GO) test -tags= -count=1 -run 'Sandbox|SQL' ./warehouse/ ./api/
	$(GO) test -count=1 -run 'Demo$$' ./warehouse/

# Long adversarial tests (memory bombs, kills, slow clients at scale): not part of
# make test. A soak test is named TestSoak… and skips unless LEERPLEIN_SOAK=1.
soak: browser-deps build
	LEERPLEIN_SOAK=1 $(GO) test -count=1 -timeout 60m -run 'Soak' -v ./...

# Headless Chromium for the dashboard's browser test (api/web_browser_test.go).
browser-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "the browser test needs Chromium: run 'sudo apt-get install -y chromium' (Debian) and try again" >&2; exit 1; fi; }

# PostgreSQL clients for the wire tests (api/pgwire*_test.go): psql from Debian's
# postgresql-client, and psycopg 3 for Debian's /usr/bin/python3 (python3-psycopg).
client-deps:
	@{ command -v psql >/dev/null && /usr/bin/python3 -c 'import psycopg' 2>/dev/null; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client python3-psycopg; \
	  else echo "the wire tests need psql and psycopg: run 'sudo apt-get install -y postgresql-client python3-psycopg' (Debian) and try again" >&2; exit 1; fi; }

bench: demo
	./$(BIN) bench
	./$(BIN) bench-api --db $(DATA)/leerplein.duckdb
	./$(BIN) bench-forecast --db $(DATA)/leerplein.duckdb
	./$(BIN) bench-readers --data $(DATA)
	./$(BIN) bench-sql --dir $(DATA)/bench-sql

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags= ./...

clean:
	rm -rf bin $(DATA)
