package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/maphash"
	"io"
	"sync"
)

// A result carries its input's theme as it is (stubSheets). excelize used
// to parse it, and a result whose theme was not well-formed XML failed to
// be written ("workbook is damaged"), rather than carrying the damage to
// a file Excel would offer to repair. checkTheme keeps that: the theme
// is read through once, and a run checks each theme it meets once (a
// batch made from one template, once in all).

// themesKept bounds how many themes checkTheme remembers.
const themesKept = 64

var themesChecked struct {
	mu   sync.Mutex
	seed maphash.Seed
	ok   map[uint64][][]byte // themes found well-formed, as stored
}

func init() { themesChecked.seed = maphash.MakeSeed() }

// checkTheme is nil when the theme part f is well-formed XML, else what
// is wrong, naming the part (openCarrying makes it an ErrCorrupt).
func checkTheme(f *zip.File) error {
	raw, err := f.OpenRaw()
	if err != nil {
		return fmt.Errorf("%s: %v", f.Name, err)
	}
	stored, err := io.ReadAll(raw)
	if err != nil {
		return fmt.Errorf("%s: %v", f.Name, err)
	}
	stored = append(stored, byte(f.Method), byte(f.Method>>8)) // the same bytes stored another way are another theme
	h := maphash.Bytes(themesChecked.seed, stored)
	themesChecked.mu.Lock()
	for _, t := range themesChecked.ok[h] {
		if bytes.Equal(t, stored) {
			themesChecked.mu.Unlock()
			return nil
		}
	}
	themesChecked.mu.Unlock()

	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s: %v", f.Name, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		_, err := d.Token() // checks that every element is closed, and in order
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %v", f.Name, err)
		}
	}

	themesChecked.mu.Lock()
	defer themesChecked.mu.Unlock()
	if len(themesChecked.ok) >= themesKept {
		clear(themesChecked.ok)
	}
	if themesChecked.ok == nil {
		themesChecked.ok = map[uint64][][]byte{}
	}
	themesChecked.ok[h] = append(themesChecked.ok[h], stored)
	return nil
}
