# leerplein — see README.md. CGO is required: the DuckDB driver is cgo.
export CGO_ENABLED := 1
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
DATA    ?= ./data
BIN     := bin/leerplein

.PHONY: build run test bench lint demo clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/leerplein

demo: build
	./$(BIN) demo --data $(DATA)

run: demo
	./$(BIN) report jaarverslag --db $(DATA)/leerplein.duckdb --schooljaar 2018-2019 --format csv

test:
	$(GO) test -race -count=1 ./...

bench: build
	$(GO) run ./cmd/leerplein bench

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin $(DATA)
