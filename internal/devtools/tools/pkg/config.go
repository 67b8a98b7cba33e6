package main

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The name templates of .goreleaser.yaml that pkg knows how to spell; any
// other is refused rather than guessed at.
const (
	zipNameTemplate     = "{{ .ProjectName }}_{{ .Os }}_{{ .Arch }}"
	packageNameTemplate = "{{ .PackageName }}_{{ .Version }}_{{ .Arch }}"
)

// config is what pkg reads of .goreleaser.yaml: the project name, the one
// archive and the one nfpms entry.
type config struct {
	ProjectName string
	Archive     archive
	Package     packageConfig
}

type archive struct {
	Formats         []string `yaml:"formats"`
	NameTemplate    string   `yaml:"name_template"`
	WrapInDirectory bool     `yaml:"wrap_in_directory"`
	Files           []string `yaml:"files"`
}

type packageConfig struct {
	PackageName      string   `yaml:"package_name"`
	FileNameTemplate string   `yaml:"file_name_template"`
	Formats          []string `yaml:"formats"`
	Bindir           string   `yaml:"bindir"`
	Vendor           string   `yaml:"vendor"`
	Homepage         string   `yaml:"homepage"`
	Maintainer       string   `yaml:"maintainer"`
	Description      string   `yaml:"description"`
	License          string   `yaml:"license"`
	Contents         []struct {
		Src string `yaml:"src"`
		Dst string `yaml:"dst"`
	} `yaml:"contents"`
}

func loadConfig(path string) (*config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw struct {
		ProjectName string          `yaml:"project_name"`
		Archives    []archive       `yaml:"archives"`
		NFPMs       []packageConfig `yaml:"nfpms"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(raw.Archives) != 1 || len(raw.NFPMs) != 1 {
		return nil, fmt.Errorf("%s: want one archive and one nfpms entry, have %d and %d", path, len(raw.Archives), len(raw.NFPMs))
	}
	cfg := &config{ProjectName: raw.ProjectName, Archive: raw.Archives[0], Package: raw.NFPMs[0]}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

func (c *config) check() error {
	a, p := c.Archive, c.Package
	switch {
	case strings.Join(a.Formats, ",") != "zip":
		return fmt.Errorf("archive formats %v: pkg makes only zip", a.Formats)
	case a.NameTemplate != zipNameTemplate || !a.WrapInDirectory:
		return fmt.Errorf("archive: pkg knows only name_template %q with wrap_in_directory", zipNameTemplate)
	case p.FileNameTemplate != packageNameTemplate:
		return fmt.Errorf("nfpms: pkg knows only file_name_template %q", packageNameTemplate)
	case len(p.Formats) == 0:
		return fmt.Errorf("nfpms: no formats")
	}
	fields := []string{c.ProjectName, p.PackageName, p.Bindir, p.Vendor, p.Homepage, p.Maintainer, p.Description, p.License}
	fields = append(fields, a.Files...)
	for _, f := range p.Contents {
		fields = append(fields, f.Src, f.Dst)
	}
	for _, s := range fields {
		if s == "" || strings.Contains(s, "{{") {
			return fmt.Errorf("pkg takes names and metadata literally, found %q", s)
		}
	}
	return nil
}

func (c *config) zipName(arch string) string { return c.wrapDir(arch) + ".zip" }

func (c *config) wrapDir(arch string) string {
	return c.ProjectName + "_linux_" + arch
}

func (c *config) packageName(version, arch, format string) string {
	return c.Package.PackageName + "_" + version + "_" + arch + "." + format
}
