package lib

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// files are the kit's published files: package.json's "files" and package.json itself.
//
//go:embed package.json README.md protocol.mjs protocol.d.mts jsonrpc.mjs programs.mjs session.mjs values.mjs values.d.mts tls.mjs tls.d.mts
var files embed.FS

// npmEpoch is the modification time npm pack gives every entry, so that a tarball's bytes
// depend only on its content.
var npmEpoch = time.Date(1985, time.October, 26, 8, 15, 0, 0, time.UTC)

// Manifest is what conform reads from the kit's package.json.
type Manifest struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Files   []string `json:"files"`
}

// ReadManifest reads the embedded package.json.
func ReadManifest() (Manifest, error) {
	data, err := files.ReadFile("package.json")
	if err != nil {
		return Manifest{}, fmt.Errorf("adapter kit: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("adapter kit: package.json: %w", err)
	}
	return m, nil
}

// TarballName is the file name npm pack gives the kit's tarball: the package name without
// its "@", "/" as "-", then "-VERSION.tgz".
func (m Manifest) TarballName() string {
	return strings.ReplaceAll(strings.TrimPrefix(m.Name, "@"), "/", "-") + "-" + m.Version + ".tgz"
}

// Files lists the embedded files, sorted.
func Files() []string {
	var names []string
	_ = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		return err
	})
	slices.Sort(names)
	return names
}

// ReadFile returns one embedded file of the kit.
func ReadFile(name string) ([]byte, error) {
	return files.ReadFile(name)
}

// Tarball returns the kit as npm pack packages it (a gzipped tar whose entries are
// package/FILE, mode 0644, npm's fixed time) and the manifest it was made from.
func Tarball() ([]byte, Manifest, error) {
	m, err := ReadManifest()
	if err != nil {
		return nil, Manifest{}, err
	}
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for _, name := range Files() {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, Manifest{}, fmt.Errorf("adapter kit: %w", err)
		}
		hdr := &tar.Header{Name: "package/" + name, Mode: 0o644, Size: int64(len(data)), ModTime: npmEpoch, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, Manifest{}, fmt.Errorf("adapter kit tarball: %w", err)
		}
		if _, err := tw.Write(data); err != nil {
			return nil, Manifest{}, fmt.Errorf("adapter kit tarball: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, Manifest{}, fmt.Errorf("adapter kit tarball: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, Manifest{}, fmt.Errorf("adapter kit tarball: %w", err)
	}
	return out.Bytes(), m, nil
}
