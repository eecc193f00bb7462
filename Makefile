# Casefile — see README.md.
GO      ?= go
BIN     := bin/casefile
GOFLAGS ?=

.PHONY: all site serve test test-deps lint build clean fuzz

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

## test-deps: tools the tests need beyond Go (node runs the search.js tests)
test-deps:
	@command -v node >/dev/null 2>&1 || { \
	  echo "installing nodejs for the search.js tests"; \
	  (apt-get update -qq && apt-get install -y -qq nodejs >/dev/null) || \
	  { [ "$$CI" = true ] && echo "cannot install nodejs" && exit 1; echo "nodejs unavailable: search.js tests will be skipped"; }; }

## lint: gofmt and go vet must be clean
lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## fuzz: run each fuzz target for FUZZTIME (default 1m)
FUZZTIME ?= 1m
fuzz:
	$(GO) test ./generator/content -run '^$$' -fuzz FuzzSplitAndDecode -fuzztime $(FUZZTIME)
	$(GO) test ./generator/markdown -run '^$$' -fuzz FuzzFAQExtraction -fuzztime $(FUZZTIME)

clean:
	rm -rf bin public
