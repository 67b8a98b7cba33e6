GO      ?= go
# A release tag vX.Y.Z gives version X.Y.Z; any other commit a snapshot.
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' --exact-match 2>/dev/null | sed 's/^v//')
ifeq ($(VERSION),)
VERSION := 0.0.0-SNAPSHOT-$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
endif
LDFLAGS := -s -w -X github.com/procnet/mackerel-plugin-proc-net/internal/version.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# `make dist`'s packager: internal/devtools/tools/pkg, a small program on nfpm (the
# library goreleaser packages with), built once into .cache/tools.
PKG := .cache/tools/pkg
PKG_SRC := $(wildcard internal/devtools/tools/pkg/*.go) internal/devtools/tools/pkg/go.mod internal/devtools/tools/pkg/go.sum
# goreleaser itself, for releases only (`make release-snapshot`): pinned in
# internal/devtools/tools/goreleaser, built once into .cache/tools (a long compile).
GORELEASER := .cache/tools/goreleaser-v2.15.1

# The module of the prometheus/procfs comparisons (differential tests,
# the bench reference program), kept out of the product's go.mod.
PROCFSREF := internal/devtools/procfsref

# Every directory holding a main.go is a binary; it is built into bin/ under
# its directory's name.
CMDS := $(patsubst %/main.go,%,$(wildcard check-*/main.go metrics/*/main.go))
BINS := $(addprefix bin/,$(notdir $(CMDS)))

FUZZ_TIME ?= 10s

# The Debian suites whose own kernels the real-kernel tests boot under
# QEMU (internal/harness/kernel): Debian 12's by default; CI runs all four
# lines (KERNELS="bullseye bookworm trixie sid").
KERNELS ?= bookworm
KERNEL_DIR := .cache/kernels
export PROCNET_KERNELS := $(KERNELS)
REALKERNEL := ./internal/harness/e2e/realkernel

.PHONY: all build run demo test test-kernels test-arm64 lint bench fuzz dist kernels release-snapshot clean

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

# Boots Debian's kernel under QEMU with 4 CPUs, IPVS services,
# keepalived, traffic and a neighbour table, and prints what every binary
# printed there. As root; installs what it needs (internal/harness/prereqs)
# and downloads Debian's kernel once (67 MB; 406 MB unpacked in .cache/kernels).
demo: kernels
	$(GO) run ./internal/harness/kernel/demo

# Debian's own kernels of $(KERNELS), their modules and an initramfs, into
# $(KERNEL_DIR)/SUITE (kept; remove a suite's directory for a newer one).
kernels:
	@$(PREREQS) require kernel
	internal/harness/kernel/fetch-kernels $(KERNEL_DIR) $(KERNELS)

# What the tests need from Debian, in one list (internal/harness/prereqs/
# packages): `prereqs run GROUP -- CMD` runs CMD when the group can run.
# As root with apt-get it installs what is missing, saying so in one line;
# otherwise it prints one line naming the packages and skips CMD. With CI
# set, a group that cannot run fails the build.
PREREQS := internal/harness/prereqs/prereqs

# Everything: the real-kernel cases (Debian's kernels under QEMU; as root),
# verbose, so that the output names each kernel and its time; the quick
# tests (what `go test ./...` runs) and, with the e2e build tag, the
# end-to-end tests (real mackerel-agent, mkr, the packages of dist/,
# cron), each test once; the arm64 builds under user-mode QEMU.
test: dist
	$(GO) vet -tags e2e ./...
	@$(PREREQS) run kernel -- $(MAKE) --no-print-directory test-kernels
	$(GO) test -count=1 -tags e2e -timeout 30m $$($(GO) list -tags e2e ./... | grep -v '/internal/harness/e2e/realkernel$$')
	@$(PREREQS) run arm64 -- $(MAKE) --no-print-directory test-arm64
	cd $(PROCFSREF) && $(GO) vet ./... && $(GO) test -count=1 ./...
	cd internal/devtools/tools/pkg && $(GO) vet ./... && $(GO) test -count=1 ./...

test-kernels: kernels
	$(GO) test -count=1 -tags e2e -timeout 60m -v $(REALKERNEL)

# The arm64 builds that `make dist` ships, under QEMU's user-mode emulator
# (qemu-user-static, no binfmt registration): the five binaries, built for
# arm64, on the fixture trees as internal/harness/testbin runs them; and
# the parsers' and decoders' unit tests compiled for arm64. Tests that
# need the live kernel's netlink skip there (QEMU does not translate it).
ARM64_UNIT := ./procnet/ ./internal/metricout/ ./internal/checkrun/ ./internal/threshold/ ./internal/statefile/ ./internal/ipvsnames/
test-arm64:
	PROCNET_TESTBIN_GOARCH=arm64 $(GO) test -count=1 ./check-arp-table/... ./check-ipvs/... ./metrics/...
	GOARCH=arm64 PROCNET_EMULATED=qemu-aarch64-static $(GO) test -count=1 -exec qemu-aarch64-static $(ARM64_UNIT)

# Vet and staticcheck see the e2e files too.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags e2e ./...
	GOOS=darwin $(GO) vet -tags e2e ./...
	$(GO) run $(STATICCHECK) -tags e2e ./...
	cd $(PROCFSREF) && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./procnet/
	cd $(PROCFSREF) && $(GO) test -run '^$$' -bench . -benchmem .
	cd $(PROCFSREF) && CGO_ENABLED=0 $(GO) build -trimpath -o $(CURDIR)/.cache/bench/procfsref .
	$(GO) run ./internal/devtools/bench/cmd/e2ebench -bin bin -procfsref .cache/bench/procfsref $(E2EBENCH_FLAGS)

# A short run of every fuzz target; FUZZ_TIME=10m for a real session.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZ_TIME) $$pkg || exit 1; \
		done; \
	done

# The mkr zip (mackerel-plugin-proc-net_linux_{amd64,arm64}.zip) and the
# deb and rpm packages, into dist/ (replaced whole): the files goreleaser
# makes from .goreleaser.yaml, whose names and metadata it reads.
dist: $(PKG)
	$(PKG) -version $(VERSION) -ldflags '$(LDFLAGS)' -go $(GO) $(CMDS)

$(PKG): $(PKG_SRC)
	cd internal/devtools/tools/pkg && $(GO) build -o $(CURDIR)/$(PKG) .

# What a release runs: goreleaser's snapshot of .goreleaser.yaml into dist/
# (with goreleaser's extra files: per-build directories, artifacts.json,
# config.yaml, metadata.json).
release-snapshot: $(GORELEASER)
	VERSION=$(VERSION) $(GORELEASER) release --snapshot --clean --skip=publish

$(GORELEASER): internal/devtools/tools/goreleaser/go.mod
	cd internal/devtools/tools/goreleaser && $(GO) build -o $(CURDIR)/$(GORELEASER) github.com/goreleaser/goreleaser/v2

clean:
	rm -rf bin dist
