package lib

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/conform-suite/conform/internal/kitpack"
)

// The embedded files are exactly what package.json publishes: a file added to "files" and
// not to the go:embed line (or the other way round) fails here.
func TestEmbeddedFilesArePackageJSONFiles(t *testing.T) {
	m, err := ReadManifest()
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(m.Files), "package.json")
	slices.Sort(want)
	if got := Files(); !slices.Equal(got, want) {
		t.Fatalf("embedded %q, package.json publishes %q: make the go:embed line in tarball.go name the same files", got, want)
	}
	if m.Name != "@conform-suite/adapter-kit" || m.TarballName() != "conform-suite-adapter-kit-"+m.Version+".tgz" {
		t.Errorf("manifest %+v names the tarball %s", m, m.TarballName())
	}
}

// Tarball holds what npm pack puts in the kit's tarball, byte for byte per file.
func TestTarballHoldsWhatNPMPackHolds(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not on PATH: the comparison with npm pack needs it")
	}
	ours, _, err := Tarball()
	if err != nil {
		t.Fatal(err)
	}
	packed, err := kitpack.Pack(t.Context(), ".", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := os.ReadFile(packed.Tarball)
	if err != nil {
		t.Fatal(err)
	}
	a, b := entries(t, ours), entries(t, theirs)
	if len(a) != len(b) {
		t.Errorf("our tarball has %d entries, npm pack's %d", len(a), len(b))
	}
	for name, data := range b {
		if !bytes.Equal(a[name], data) {
			t.Errorf("%s differs from npm pack's (or is missing from ours)", name)
		}
	}
	m, err := ReadManifest()
	if err != nil {
		t.Fatal(err)
	}
	if got := filepath.Base(packed.Tarball); got != m.TarballName() {
		t.Errorf("npm named the tarball %s, TarballName says %s", got, m.TarballName())
	}
}

func entries(t *testing.T, tgz []byte) map[string][]byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[hdr.Name] = data
	}
}
