package main

import (
	"archive/zip"
	"compress/flate"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// writeZip writes to w the zip that `mkr plugin install` reads: the files
// (sorted by name) and then the binaries, all in the directory dir, as
// goreleaser's wrap_in_directory lays them out, each with its own mode and
// mtime.
func writeZip(w io.Writer, dir string, files, bins []string) error {
	z := zip.NewWriter(w)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, src := range append(slices.Sorted(slices.Values(files)), bins...) {
		if err := addToZip(z, src, path.Join(dir, filepath.Base(src))); err != nil {
			return err
		}
	}
	return z.Close()
}

func addToZip(z *zip.Writer, src, name string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	h, err := zip.FileInfoHeader(info)
	if err != nil {
		return err
	}
	h.Name, h.Method = name, zip.Deflate
	w, err := z.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, in)
	return err
}
