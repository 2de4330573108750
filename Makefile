# turnkeyd: see README.md. Every target works on a fresh clone.
GO       ?= go
BIN      := bin/turnkeyd
PKGS     := ./...
FUZZTIME ?= 10s

.PHONY: all build test vet fmt-check fuzz bench run clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/turnkeyd

# The README's test command: format, vet, the race-enabled tests (which run the
# differential test against ../shared/bin/mig-oracle) and a short fuzz run.
test: fmt-check vet
	CGO_ENABLED=1 $(GO) test -race -count=1 $(PKGS)
	$(MAKE) --no-print-directory fuzz

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# Short runs of every fuzz target, seeded from testdata; FUZZTIME=5m for a longer hunt.
# A failing input is saved under the package's testdata/fuzz/ and fails `go test` from then on.
fuzz:
	@set -e; for spec in $$(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' . | \
		sed -E 's#^(.*)/[^/]*:[0-9]+:func (Fuzz[A-Za-z0-9_]+).*#\1:\2#' | sort -u); do \
		pkg=$${spec%%:*}; fn=$${spec##*:}; log=$$(mktemp); \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		if ! $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg >$$log 2>&1; then \
			cat $$log; rm -f $$log; exit 1; fi; rm -f $$log; \
	done

# The README's first command: the daemon on the embedded default under ./var
# (created on first use: SQLite ledger, local spool and Turnkey folders,
# sample tracks).
# DAYS_PER_MINUTE=N runs it on a fast clock: the simulator plays the
# calendar (docs/calendar.md), a period passes in 60/N minutes.
run: build
	./$(BIN) sandbox -dir var $(if $(DAYS_PER_MINUTE),-days-per-minute $(DAYS_PER_MINUTE))

# The mig micro-benchmarks, then the end-to-end benchmark of the real binary:
# 50,000 documents from CSV drop to durable XML, against this machine's raw
# write+fsync+rename limit (TURNKEYD_BENCH_DOCS=5000 for a quick run). Figures
# and how to read them: docs/PERFORMANCE.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./mig/...
	$(GO) test -run '^$$' -bench EndToEnd -benchtime 1x -timeout 30m ./cmd/turnkeyd

clean:
	rm -rf bin
