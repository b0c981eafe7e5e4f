# corsgate — `make test` is the one test command (README, .ci/run).
GO          ?= go
GOBIN       := $(shell $(GO) env GOPATH)/bin
STATICCHECK := $(GOBIN)/staticcheck
STATICCHECK_VERSION := v0.8.2
PKGS        := ./...

.PHONY: help build test fmt-check vet cross staticcheck unit fuzz bench clean release-check

help: ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## build ./corsgate
	$(GO) build -trimpath -o corsgate ./cmd/corsgate

test: fmt-check vet cross staticcheck unit ## everything CI runs: gofmt, vet (also for every release target), staticcheck, go test -race

fmt-check: ## fail if gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet
	$(GO) vet $(PKGS)

# The release targets of .goreleaser.yaml other than the host: vet type-checks
# every package and its tests there (linux/arm64 once failed to build while
# linux/amd64 passed).
CROSS := linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

cross: ## go vet for every release target (code and tests compile on each)
	@for t in $(CROSS); do \
	  echo "go vet ($$t)"; \
	  CGO_ENABLED=0 GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) vet $(PKGS) || exit 1; \
	done

$(STATICCHECK):
	GOFLAGS= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK) ## staticcheck
	$(STATICCHECK) $(PKGS)

# go test -json read by internal/testenv/summary: a line per package, every
# skipped test with its reason, the whole output of every failure. The status
# is go test's (pipefail) or the summary's, whichever fails.
unit: ## go test -race, printing every skip with its reason; then the lint time bounds without the race detector
	@bash -o pipefail -c '$(GO) test -race -count=1 -timeout 12m -json $(PKGS) | $(GO) run ./internal/testenv/summary'
	$(GO) test -count=1 -run '^(TestAliasShapesLint|FuzzLoadAndLint)$$' ./internal/spec

fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	@for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -h '^func Fuzz' $$spec/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "== $$spec $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-30s} $$spec || exit 1; \
	  done; \
	done

bench: ## Go benchmarks (hot paths)
	$(GO) test -run '^$$' -bench . -benchmem ./internal/spec ./internal/oasschema ./rules ./cors ./internal/proxy

# goreleaser, pinned, installed once per version (a build from source takes
# minutes) into a directory kept between runs.
GORELEASER_VERSION := v2.17.0
GORELEASER := $(shell $(GO) env GOPATH)/corsgate-tools/goreleaser-$(GORELEASER_VERSION)/goreleaser

$(GORELEASER):
	GOBIN=$(dir $(GORELEASER)) GOFLAGS= $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)

release-check: $(GORELEASER) ## goreleaser check, a snapshot release in dist/, then checks of dist/ (scripts/release-check.sh)
	$(GORELEASER) check
	@if docker info >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; then skip=; \
	else echo "release-check: no container engine with buildx (docker info failed): the image is not built"; skip=--skip=docker; fi; \
	echo "$(GORELEASER) release --snapshot --clean $$skip"; \
	$(GORELEASER) release --snapshot --clean $$skip
	bash scripts/release-check.sh dist

clean:
	rm -f corsgate
