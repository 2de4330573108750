# turnkeyd: see README.md. Every target works on a fresh clone.
GO       ?= go
BIN      := bin/turnkeyd
PKGS     := ./...
FUZZTIME ?= 10s
# The timeout of one package's tests: the whole `make test` must stay under
# 15 minutes on a loaded 2-core machine, so a hung test fails with its stack
# well inside that budget instead of at go test's default 10 minutes per package.
TESTTIMEOUT ?= 12m

.PHONY: all build test vet fmt-check fuzz bench bench-scale run clean cross dist

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/turnkeyd

# The README's test command: format, vet, the race-enabled tests (which run the
# differential test against ../shared/bin/mig-oracle) and a short fuzz run.
test: fmt-check vet cross
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout $(TESTTIMEOUT) $(PKGS)
	$(MAKE) --no-print-directory fuzz

# The Windows build (the service, paths, renames) must never stop compiling.
cross:
	GOOS=windows GOARCH=amd64 $(GO) vet ./cmd/turnkeyd ./internal/service
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -trimpath -o /dev/null ./cmd/turnkeyd

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# Short runs of every fuzz target, seeded from testdata; FUZZTIME=5m for a longer hunt.
# A failing input is saved under the package's testdata/fuzz/ and fails `go test` from then on.
# Go 1.26's fuzz coordinator can end a run at its -fuzztime deadline with a bare "context
# deadline exceeded" and no failing input (go.dev/issue/75804, fixed in Go 1.27): that
# outcome alone is reported and not counted as a finding; anything else that fails does.
fuzz:
	@set -e; for spec in $$(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' . | \
		sed -E 's#^(.*)/[^/]*:[0-9]+:func (Fuzz[A-Za-z0-9_]+).*#\1:\2#' | sort -u); do \
		pkg=$${spec%%:*}; fn=$${spec##*:}; log=$$(mktemp); \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		if ! $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -timeout 5m $$pkg >$$log 2>&1; then \
			if grep -q '^    context deadline exceeded$$' $$log && ! grep -qi 'failing input\|panic:\|--- FAIL: .*/' $$log; then \
				echo "fuzz $$fn: ended by Go 1.26's deadline race (go.dev/issue/75804), no failing input: not a finding"; \
			else cat $$log; rm -f $$log; exit 1; fi; \
		fi; rm -f $$log; \
	done

# The README's first command: the daemon on the embedded default under ./var
# (created on first use: SQLite ledger, local spool and Turnkey folders,
# sample tracks).
# DAYS_PER_MINUTE=N runs it on a fast clock: the simulator plays the
# calendar (docs/calendar.md), a period passes in 60/N minutes.
run: build
	./$(BIN) sandbox -dir var $(if $(DAYS_PER_MINUTE),-days-per-minute $(DAYS_PER_MINUTE))

# The mig micro-benchmarks, then the real binary: `turnkeyd check` against
# xmllint on 10,000 F0401 files, and 50,000 documents from CSV drop to
# durable XML against this machine's drop limit, the best of 1 to 16 writers
# and syncfs batches, and in the same run over SFTP to a local sshd
# (TURNKEYD_BENCH_DOCS=5000 for a quick run). Each prints a table of ratios.
# Figures and how to read them: docs/PERFORMANCE.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./mig/...
	$(GO) test -run '^$$' -bench 'Check$$|EndToEnd' -benchtime 1x -timeout 30m ./cmd/turnkeyd

# The daemon on a ledger of 2 million documents against an empty one
# (TURNKEYD_BENCH_LEDGER_DOCS to change it); about 20 minutes.
bench-scale:
	$(GO) test -run '^$$' -bench LedgerAtScale -benchtime 1x -timeout 60m ./cmd/turnkeyd

clean:
	rm -rf bin dist

# Release archives in dist/: turnkeyd for each platform with the version
# stamped in (turnkeyd version), the README, a sample configuration, the
# systemd unit, the alert rules, the Grafana dashboard and the docs; a
# SHA256SUMS file over them. Needs tar, zip and sha256sum.
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
PLATFORMS := linux/amd64 linux/arm64 windows/amd64
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)

dist:
	@set -e; rm -rf dist; mkdir -p dist/.sample; \
	$(GO) run ./cmd/turnkeyd init -dir dist/.sample >/dev/null; \
	for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; name=turnkeyd-$(VERSION)-$$os-$$arch; dir=dist/$$name; exe=turnkeyd; \
		if [ $$os = windows ]; then exe=turnkeyd.exe; fi; \
		mkdir -p $$dir/deploy; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $$dir/$$exe ./cmd/turnkeyd; \
		cp README.md $$dir/; cp dist/.sample/turnkeyd.yaml $$dir/turnkeyd.yaml.sample; \
		cp -r deploy/systemd deploy/prometheus deploy/grafana $$dir/deploy/; cp -r docs examples $$dir/; \
		if [ $$os = windows ]; then (cd dist && zip -q -r -X $$name.zip $$name); \
		else tar -C dist --owner=0 --group=0 -czf dist/$$name.tar.gz $$name; fi; \
		rm -rf $$dir; echo "dist/$$name"; \
	done; \
	rm -rf dist/.sample; cd dist && sha256sum turnkeyd-* > SHA256SUMS && cat SHA256SUMS
