# Casefile — see README.md.
GO      ?= go
BIN     := bin/casefile
GOFLAGS ?=

.PHONY: all site test lint build clean fuzz

all: build

build:
	$(GO) build -o $(BIN) ./generator/cmd/casefile

## site: build the sample knowledge base into public/
site: build
	./$(BIN) build -s . -o public

## test: every test, with the race detector, plus formatting and vet
test: lint
	$(GO) test -race -count=1 ./...

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
