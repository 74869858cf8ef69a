package kitpack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Packed is the tarball `npm pack` made of the kit.
type Packed struct {
	// Tarball is the absolute path of the .tgz.
	Tarball string
	// Name and Version are the package's, from its package.json.
	Name, Version string
	// Files are the paths inside the package, sorted, as npm lists them.
	Files []string
}

// Pack packs the npm package in libDir into dest (created if missing) and returns what it
// made.
func Pack(ctx context.Context, libDir, dest string) (Packed, error) {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return Packed{}, err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return Packed{}, fmt.Errorf("pack destination: %w", err)
	}
	out, err := NPM(ctx, libDir, "pack", "--json", "--pack-destination", dest)
	if err != nil {
		return Packed{}, err
	}
	// npm prints the JSON array after whatever a lifecycle script printed.
	start := strings.Index(out, "[")
	if start < 0 {
		return Packed{}, fmt.Errorf("npm pack in %s printed no JSON:\n%s", libDir, out)
	}
	var packs []struct {
		Name, Version, Filename string
		Files                   []struct{ Path string }
	}
	if err := json.Unmarshal([]byte(out[start:]), &packs); err != nil || len(packs) != 1 {
		return Packed{}, fmt.Errorf("npm pack in %s: cannot read its JSON (%v):\n%s", libDir, err, out)
	}
	p := packs[0]
	packed := Packed{Tarball: filepath.Join(dest, p.Filename), Name: p.Name, Version: p.Version}
	for _, f := range p.Files {
		packed.Files = append(packed.Files, f.Path)
	}
	if _, err := os.Stat(packed.Tarball); err != nil {
		return Packed{}, fmt.Errorf("npm pack named %s, which is not there: %w", p.Filename, err)
	}
	return packed, nil
}

// NPM runs npm with args in dir and returns its combined output; a failure's error carries
// the output. Audits, funding notes and the update check are off: they reach the network
// and say nothing a test needs.
func NPM(ctx context.Context, dir string, args ...string) (string, error) {
	args = append(args, "--no-audit", "--no-fund", "--no-update-notifier")
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("npm %s in %s: %w\n%s", strings.Join(args, " "), dir, err, out.String())
	}
	return out.String(), nil
}
