package main

import (
	"io"
	"path"
	"path/filepath"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

// writePackage writes to w a deb or rpm package of the binaries (into the
// bindir) and the contents of .goreleaser.yaml, with the info that
// goreleaser's nfpm pipe gives nfpm for the same config.
func writePackage(w io.Writer, format, arch, version string, p packageConfig, bins []string) error {
	packager, err := nfpm.Get(format)
	if err != nil {
		return err
	}
	var contents files.Contents
	for _, c := range p.Contents {
		contents = append(contents, &files.Content{Source: c.Src, Destination: c.Dst})
	}
	for _, b := range bins {
		contents = append(contents, &files.Content{
			Source:      b,
			Destination: path.Join(p.Bindir, filepath.Base(b)),
			FileInfo:    &files.ContentFileInfo{Mode: 0o755},
		})
	}
	info := nfpm.WithDefaults(&nfpm.Info{
		Name:        p.PackageName,
		Arch:        arch,
		Platform:    "linux",
		Version:     version,
		Maintainer:  p.Maintainer,
		Description: p.Description,
		Vendor:      p.Vendor,
		Homepage:    p.Homepage,
		License:     p.License,
		Overridables: nfpm.Overridables{
			Contents: contents,
			Deb:      nfpm.Deb{ArchVariant: archVariant(arch)},
		},
	})
	return packager.Package(info, w)
}

// archVariant is goreleaser's GOAMD64 for amd64, which its nfpm pipe passes
// on as the deb's Architecture-Variant (amd64v1).
func archVariant(arch string) string {
	if arch == "amd64" {
		return "v1"
	}
	return ""
}
