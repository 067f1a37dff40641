package sheet

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"io"
	"sync"

	"golang.org/x/net/html/charset"
)

// A result carries its input's theme as it is (stubSheets). excelize used
// to parse it, and a result whose theme it could not parse failed to be
// written ("workbook is damaged"), rather than carrying the damage to a
// file Excel would offer to repair. checkTheme keeps that: it reads the
// theme as excelize did (its declared encoding, up to the end of its
// root element, which must be a theme), and a run checks each theme it
// meets once (a batch made from one template, once in all).

// themesKept bounds how many themes checkTheme remembers.
const themesKept = 64

var themesChecked struct {
	mu sync.Mutex
	ok map[[sha256.Size]byte]bool // themes found well-formed: their stored bytes and method, hashed
}

// checkTheme is nil when the theme part f reads as excelize read it, else
// what is wrong, naming the part (openCarrying makes it an ErrCorrupt).
func checkTheme(f *zip.File) error {
	raw, err := f.OpenRaw()
	if err != nil {
		return fmt.Errorf("%s: %v", f.Name, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d:", f.Method) // the same bytes stored another way are another theme
	if _, err := io.Copy(h, raw); err != nil {
		return fmt.Errorf("%s: %v", f.Name, err)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	themesChecked.mu.Lock()
	known := themesChecked.ok[key]
	themesChecked.mu.Unlock()
	if known {
		return nil
	}

	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s: %v", f.Name, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.CharsetReader = charset.NewReaderLabel
	var theme struct {
		XMLName xml.Name `xml:"theme"` // in any namespace: excelize reads a strict workbook's as a transitional one's
	}
	if err := d.Decode(&theme); err != nil && err != io.EOF {
		return fmt.Errorf("%s: %v", f.Name, err)
	}

	themesChecked.mu.Lock()
	defer themesChecked.mu.Unlock()
	if len(themesChecked.ok) >= themesKept {
		clear(themesChecked.ok)
	}
	if themesChecked.ok == nil {
		themesChecked.ok = map[[sha256.Size]byte]bool{}
	}
	themesChecked.ok[key] = true
	return nil
}
