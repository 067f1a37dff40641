package samples

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"perfeval/sheet"
)

var update = flag.Bool("update", false, "rewrite the sample workbooks")

// every is All and Layouts, by path below samples/ (slash-separated).
func every() map[string]sheet.Spec {
	out := All()
	for name, spec := range Layouts() {
		out[name] = spec
	}
	for name, spec := range Models() {
		out[name] = spec
	}
	for name, spec := range YearEnd() {
		out[name] = spec
	}
	return out
}

// TestSamplesUpToDate rebuilds every sample and compares it, sheet by
// sheet and cell by cell, with the committed file; -update rewrites them.
func TestSamplesUpToDate(t *testing.T) {
	for name, spec := range every() {
		name = filepath.FromSlash(name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := sheet.Build(name, spec); err != nil {
				t.Fatal(err)
			}
			continue
		}
		fresh := filepath.Join(t.TempDir(), name)
		if err := os.MkdirAll(filepath.Dir(fresh), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := sheet.Build(fresh, spec); err != nil {
			t.Fatal(err)
		}
		want, err := sheet.Dump(fresh)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sheet.Dump(name)
		if err != nil {
			t.Fatalf("%s: %v (run: go test ./samples -update)", name, err)
		}
		if got != want {
			t.Errorf("%s is out of date with samples/*.go: run go test ./samples -update", name)
		}
	}
	if *update {
		if _, err := os.Stat("seed.xlsx"); err != nil {
			t.Fatal(err)
		}
	}
}
