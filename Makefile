# Casefile — see README.md.
GO      ?= go
BIN     := bin/casefile
GOFLAGS ?=

.PHONY: all site serve test test-deps browser-deps screenshots lint build clean fuzz corpus bench bench-deps bench-go pgo soak

all: build

build:
	$(GO) build -o $(BIN) ./generator/cmd/casefile

## site: build the sample knowledge base into public/
site: build
	./$(BIN) build -s . -o public

## serve: live preview of the sample knowledge base on http://127.0.0.1:1313/
serve: build
	./$(BIN) serve -s .

## test: every test, with the race detector, plus formatting and vet
test: lint test-deps
	$(GO) test -race -count=1 ./...

## test-deps: tools the tests need beyond Go (node runs the search.js tests, hugo the bench harness test,
## chromium and axe-core the end-to-end and accessibility tests: see browser-deps)
test-deps: browser-deps
	@command -v node >/dev/null 2>&1 || { \
	  echo "installing nodejs for the search.js tests"; \
	  (apt-get update -qq && apt-get install -y -qq nodejs >/dev/null) || \
	  { [ "$$CI" = true ] && echo "cannot install nodejs" && exit 1; echo "nodejs unavailable: search.js tests will be skipped"; }; }
	@command -v hugo >/dev/null 2>&1 || { \
	  echo "installing hugo for the benchmark harness test"; \
	  (apt-get update -qq && apt-get install -y -qq hugo >/dev/null) || \
	  { [ "$$CI" = true ] && echo "cannot install hugo" && exit 1; echo "hugo unavailable: the bench end-to-end test will be skipped"; }; }

## browser-deps: Debian's chromium for the end-to-end tests (generator/internal/e2e) and make screenshots,
## and axe-core $(AXE_VERSION) from npm into $(AXE_DIR)/ for the accessibility checks
AXE_VERSION := 4.14.1
AXE_DIR     := .cache/axe
browser-deps:
	@{ command -v chromium || command -v chromium-browser || command -v google-chrome; } >/dev/null 2>&1 || { \
	  echo "installing chromium for the end-to-end tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null) || \
	  { [ "$$CI" = true ] && echo "cannot install chromium" && exit 1; echo "chromium unavailable: the browser tests will be skipped"; }; }
	@grep -qs '"version": "$(AXE_VERSION)"' $(AXE_DIR)/node_modules/axe-core/package.json || { \
	  echo "installing axe-core $(AXE_VERSION) into $(AXE_DIR)/ for the accessibility tests"; \
	  { command -v npm >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq npm >/dev/null); } && \
	  npm install --prefix $(AXE_DIR) --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) >/dev/null || \
	  { [ "$$CI" = true ] && echo "cannot install axe-core" && exit 1; echo "axe-core unavailable: the accessibility tests will be skipped"; }; }

## screenshots: PNGs of the sample's home, incident, keyword and search pages, desktop (1280×800) and phone (390×844), into docs/screenshots/
screenshots: browser-deps
	CASEFILE_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestScreenshots$$' -v ./generator/internal/e2e/

## lint: gofmt and go vet must be clean
lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## soak: serve's edit/rebuild loop for SOAK_CYCLES cycles (default 20000; make test runs 1000 with -race); heap, RSS and goroutines must stay bounded
SOAK_CYCLES ?= 20000
soak:
	CASEFILE_SOAK_CYCLES=$(SOAK_CYCLES) $(GO) test -count=1 -run '^TestServeSoak$$' -v -timeout 60m ./generator/cmd/casefile

## fuzz: run each fuzz target for FUZZTIME (default 1m); seed corpora are in each package's testdata/fuzz/.
## FuzzRenderLinear times renderings, so it runs one worker at a time
## FUZZMINIMIZE bounds the time spent minimising each new input: at Go's default (60s) a short run can
## spend all its time minimising (FuzzPlainText ran 12,000 inputs in 20 s instead of 400,000)
FUZZTIME ?= 1m
FUZZMINIMIZE ?= 1s
fuzz:
	$(GO) test ./generator/content -run '^$$' -fuzz '^FuzzSplitAndDecode$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/content -run '^$$' -fuzz '^FuzzSlugify$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/markdown -run '^$$' -fuzz '^FuzzFAQExtraction$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/markdown -run '^$$' -fuzz '^FuzzInternalBlock$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/markdown -run '^$$' -fuzz '^FuzzQuickLinkify$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/markdown -run '^$$' -fuzz '^FuzzParserAsGoldmark$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/markdown -run '^$$' -fuzz '^FuzzRenderLinear$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) -parallel 1
	$(GO) test ./generator/site -run '^$$' -fuzz '^FuzzResolveLink$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/site -run '^$$' -fuzz '^FuzzExportJSON$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/seo -run '^$$' -fuzz '^FuzzPlainText$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/seo -run '^$$' -fuzz '^FuzzAnswerHTML$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)
	$(GO) test ./generator/internal/spaces -run '^$$' -fuzz '^FuzzCollapse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE)

## corpus: write the synthetic benchmark corpus of N incidents (default 1000) to bench/corpora/corpus-N
N ?= 1000
corpus:
	$(GO) run ./generator/cmd/corpus -n $(N) -o bench/corpora/corpus-$(N)

## bench-deps: install hugo, which make bench compares with
bench-deps:
	@command -v hugo >/dev/null 2>&1 || { \
	  echo "installing hugo for make bench"; \
	  apt-get update -qq && apt-get install -y -qq hugo >/dev/null; }

## bench: build times of Casefile and Hugo on the same corpora, into bench/RESULTS.md
## (long: 1,000 and 10,000 incidents against Hugo, 100,000 Casefile alone; BENCHFLAGS="-sizes 1000 -big 0 -runs 1" for a quick one)
BENCHFLAGS ?=
bench: build bench-deps
	$(GO) run ./generator/cmd/bench $(BENCHFLAGS)

## bench-go: the Go benchmarks of each stage (load, markdown, related, render, write, whole build), with allocations
BENCHTIME ?= 1x
bench-go:
	$(GO) test -run '^$$' -benchmem -benchtime $(BENCHTIME) \
	  -bench 'BenchmarkLoad|BenchmarkRenderCorpus|BenchmarkRelated10k|BenchmarkRenderIncidentPage|BenchmarkRenderTermPage|BenchmarkWritePages|BenchmarkBuild' \
	  ./generator/content ./generator/markdown ./generator/related ./generator/site

## pgo: refresh the profile the compiler optimises casefile with (three 10,000-incident builds, merged)
pgo: build
	$(GO) run ./generator/cmd/corpus -n 10000 -o bench/corpora/corpus-10000
	for i in 1 2 3; do ./$(BIN) build -q -s bench/corpora/corpus-10000 -o bench/corpora/out-pgo-$$i --cpuprofile bench/corpora/pgo-$$i.pprof || exit 1; done
	$(GO) tool pprof -proto bench/corpora/pgo-1.pprof bench/corpora/pgo-2.pprof bench/corpora/pgo-3.pprof > generator/cmd/casefile/default.pgo
	rm -rf bench/corpora/out-pgo-* bench/corpora/pgo-*.pprof

clean:
	rm -rf bin public
