package samples

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"perfeval/sheet"
)

var update = flag.Bool("update", false, "rewrite the sample workbooks")

// TestSamplesUpToDate rebuilds every sample and compares it, sheet by
// sheet and cell by cell, with the committed file; -update rewrites them.
func TestSamplesUpToDate(t *testing.T) {
	for name, spec := range All() {
		if *update {
			if err := sheet.Build(name, spec); err != nil {
				t.Fatal(err)
			}
			continue
		}
		fresh := filepath.Join(t.TempDir(), name)
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
