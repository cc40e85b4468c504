# Tollgate — build, test, run. `make help` lists targets.
SHELL      := /bin/bash
GO         ?= go
BIN        := bin
TOOLS      := $(CURDIR)/.tools
export PATH := $(TOOLS):$(PATH)

# Pinned tool versions (the module proxy refuses @latest).
STATICCHECK_VERSION := v0.8.2
ERRCHECK_VERSION    := v1.30.0
INEFFASSIGN_VERSION := v0.2.0
BENCHSTAT_VERSION   := v0.0.0-20260908200009-22c9c6c9d4da

ADDR ?= 127.0.0.1:9000
DATA ?= $(CURDIR)/data
FUZZTIME ?= 20s

.PHONY: all build wasm wasm-tinygo sizes test test-deps run check fuzz bench clean help tools

all: build

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: wasm ## build bin/issuer, bin/edge (validator.wasm embedded) and bin/demoapi
	$(GO) build -o $(BIN)/issuer ./issuer/cmd/issuer
	$(GO) build -o $(BIN)/edge ./edge/cmd/edge
	$(GO) build -o $(BIN)/demoapi ./examples/demoapi

WASIP1 := GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath

TINYGO := $(TOOLS)/tinygo/bin/tinygo

wasm: ## build the standard-Go guests: bin/validator.wasm (embedded into bin/edge), bin/envoy.wasm, bin/httpwasm.wasm
	@mkdir -p $(BIN)
	$(WASIP1) -o $(BIN)/validator.wasm ./wasm/cmd/validator
	$(WASIP1) -o $(BIN)/envoy.wasm ./wasm/cmd/envoy
	$(WASIP1) -o $(BIN)/httpwasm.wasm ./wasm/cmd/httpwasm
	cp $(BIN)/validator.wasm edge/embed/validator.wasm

wasm-tinygo: ## bin/validator-tinygo.wasm (TinyGo 0.41.1 is built into .tools/ by scripts/install-tinygo.sh)
	@mkdir -p $(BIN)
	@scripts/install-tinygo.sh >/dev/null
	$(TINYGO) build -target=wasip1 -buildmode=c-shared -scheduler=none -no-debug -interp-timeout=15m \
	  -o $(BIN)/validator-tinygo.wasm ./wasm/cmd/validator

sizes: wasm wasm-tinygo ## raw and gzipped size of each wasm artifact (the README table)
	@printf '| artifact | raw bytes | gzip -9 bytes |\n|---|---|---|\n'
	@for f in validator.wasm validator-tinygo.wasm envoy.wasm httpwasm.wasm; do \
	  printf '| `%s` | %d | %d |\n' $$f $$(stat -c %s $(BIN)/$$f) $$(gzip -9 -c $(BIN)/$$f | wc -c); done

test-deps: ## chromium + chromedriver (apt), npm openid-client and workerd, pinned, for the e2e tests
	scripts/install-test-deps.sh
	scripts/install-workerd.sh

test: wasm wasm-tinygo test-deps ## every test, with -race
	TOLLGATE_VALIDATOR_WASM=$(CURDIR)/$(BIN)/validator.wasm TOLLGATE_ENVOY_WASM=$(CURDIR)/$(BIN)/envoy.wasm \
	TOLLGATE_HTTPWASM_WASM=$(CURDIR)/$(BIN)/httpwasm.wasm TOLLGATE_TINYGO_WASM=$(CURDIR)/$(BIN)/validator-tinygo.wasm \
	  $(GO) test -race -count=1 -timeout 30m ./...

run: build ## start the issuer, edge proxy and a demo API (store under ./data); print a working sequence
	@ADDR=$(ADDR) DATA=$(DATA) BIN=$(CURDIR)/$(BIN) scripts/run.sh

check: tools wasm ## gofmt, vet, linters, go mod tidy diff, wasip1 cross-build
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./wasm/... ./jwks/
	staticcheck ./...
	errcheck -exclude .errcheck-excludes ./...
	ineffassign ./...
	$(GO) mod tidy -diff

tools: ## install the pinned linters into .tools/
	@mkdir -p $(TOOLS)
	@test -x $(TOOLS)/staticcheck || GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@test -x $(TOOLS)/errcheck    || GOBIN=$(TOOLS) $(GO) install github.com/kisielk/errcheck@$(ERRCHECK_VERSION)
	@test -x $(TOOLS)/ineffassign || GOBIN=$(TOOLS) $(GO) install github.com/gordonklaus/ineffassign@$(INEFFASSIGN_VERSION)

fuzz: ## run every fuzz target for FUZZTIME each (default 20s; FUZZTIME=5m make fuzz); failures land in testdata/fuzz
	GO=$(GO) FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

bench: build wasm-tinygo ## benchmarks; results in bench/results, report in bench/REPORT.md (BENCHFLAGS: bench/cmd/bench flags)
	GO=$(GO) scripts/bench.sh $(BENCHFLAGS)

clean: ## remove build output (not ./data)
	rm -rf $(BIN)
