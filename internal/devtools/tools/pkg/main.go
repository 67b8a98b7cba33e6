// Command pkg makes dist/ for `make dist`: the zips that `mkr plugin install`
// reads and the deb and rpm packages, the same files that goreleaser makes
// from .goreleaser.yaml for a release. It packages with nfpm, the library
// goreleaser itself packages with, and builds in a fraction of goreleaser's
// time on a machine with empty Go caches.
//
// Run from the repository root, with the main packages to build (`make dist`
// passes the Makefile's VERSION, LDFLAGS and CMDS):
//
//	pkg -version 1.2.3 -ldflags '-s -w' check-arp-table metrics/mackerel-plugin-proc-net-arp ...
//
// Each is built for linux/amd64 and linux/arm64 with CGO_ENABLED=0 and
// -trimpath, as goreleaser builds them; names, files and package metadata
// come from .goreleaser.yaml. dist/ is replaced whole, and only once
// everything in it has been made.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// arches are the GOARCHes of goreleaser's builds, all for GOOS linux.
var arches = []string{"amd64", "arm64"}

func main() {
	version := flag.String("version", "", "version stamped into the binaries and packages (required)")
	config := flag.String("config", ".goreleaser.yaml", "goreleaser config to take names and package metadata from")
	dist := flag.String("dist", "dist", "directory to replace with the zips and packages")
	ldflags := flag.String("ldflags", "", "go build -ldflags")
	goCmd := flag.String("go", "go", "go command to build with")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: pkg -version VERSION [flags] MAIN_PACKAGE_DIR...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *version == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*config, *dist, *goCmd, *version, *ldflags, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "pkg:", err)
		os.Exit(1)
	}
}

func run(configPath, dist, goCmd, version, ldflags string, mains []string) error {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return err
	}
	// Beside dist/, so that the finished tree is renamed into place.
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dist)), ".dist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "dist")
	if err := os.Mkdir(out, 0o755); err != nil {
		return err
	}

	var jobs []job
	for _, arch := range arches {
		bins, err := build(goCmd, ldflags, arch, filepath.Join(tmp, "bin", arch), mains)
		if err != nil {
			return err
		}
		jobs = append(jobs, job{cfg.zipName(arch), func(w io.Writer) error {
			return writeZip(w, cfg.wrapDir(arch), cfg.Archive.Files, bins)
		}})
		for _, format := range cfg.Package.Formats {
			jobs = append(jobs, job{cfg.packageName(version, arch, format), func(w io.Writer) error {
				return writePackage(w, format, arch, version, cfg.Package, bins)
			}})
		}
	}
	if err := makeAll(out, jobs); err != nil {
		return err
	}

	if err := os.RemoveAll(dist); err != nil {
		return err
	}
	if err := os.Rename(out, dist); err != nil {
		return err
	}
	fmt.Printf("pkg: %s %s: %d zips and packages in %s\n", cfg.ProjectName, version, len(jobs), dist)
	return nil
}

// build compiles the main packages for linux/arch into dir and returns the
// binaries' paths, each named after its package's directory.
func build(goCmd, ldflags, arch, dir string, mains []string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	args := []string{"build", "-trimpath", "-ldflags", ldflags, "-o", dir + string(filepath.Separator)}
	var bins []string
	for _, m := range mains {
		m = filepath.Clean(m)
		if !filepath.IsAbs(m) {
			m = "." + string(filepath.Separator) + m // a directory, not an import path
		}
		args = append(args, m)
		bins = append(bins, filepath.Join(dir, filepath.Base(m)))
	}
	fmt.Printf("pkg: go build linux/%s: %s\n", arch, strings.Join(mains, " "))
	cmd := exec.Command(goCmd, args...)
	// goreleaser's defaults for the sub-architectures, whatever the caller's.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOAMD64=v1", "GOARM64=v8.0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build for linux/%s: %w", arch, err)
	}
	for _, b := range bins {
		if _, err := os.Stat(b); err != nil {
			return nil, fmt.Errorf("go build for linux/%s made no %s (not a main package?)", arch, filepath.Base(b))
		}
	}
	return bins, nil
}

// A job writes one file of dist/.
type job struct {
	file  string
	write func(w io.Writer) error
}

// makeAll runs the jobs at once, each writing its file in dir, and returns
// all their errors.
func makeAll(dir string, jobs []job) error {
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			if err := writeFile(filepath.Join(dir, j.file), j.write); err != nil {
				errs[i] = fmt.Errorf("%s: %w", j.file, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func writeFile(name string, write func(w io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
