GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/procnet/mackerel-plugin-proc-net/internal/version.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Every directory holding a main.go is a binary; it is built into bin/ under
# its directory's name.
CMDS := $(patsubst %/main.go,%,$(wildcard check-*/main.go metrics/*/main.go))
BINS := $(addprefix bin/,$(notdir $(CMDS)))

FUZZ_TIME ?= 10s

.PHONY: all build run test lint bench fuzz clean

all: build

build:
	@mkdir -p bin
	@for d in $(CMDS); do \
		echo "go build -o bin/$$(basename $$d) ./$$d"; \
		CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/$$(basename $$d) ./$$d || exit 1; \
	done

# Runs every plugin once on this host's own /proc.
run: build
	@for b in $(BINS); do echo "== $$b"; ./$$b; echo "(exit $$?)"; done

test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./procnet/

# A short run of every fuzz target; FUZZ_TIME=10m for a real session.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZ_TIME) $$pkg || exit 1; \
		done; \
	done

clean:
	rm -rf bin dist
