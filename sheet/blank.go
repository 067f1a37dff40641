package sheet

import (
	"archive/zip"
	"bytes"
	"sync"

	"github.com/tiendc/go-deepcopy"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// A per-department workbook starts as excelize's new file with perfeval's
// styles and font. Making it so for each of 5,000 departments had
// excelize.NewFile parse its theme and styles and newWriter make every
// style again (NewStyle compares each with those before it): 0.7–0.9 ms
// of the 3.8 ms of CPU a department's workbook took. makeBlank makes that
// start once per language and number of decimals and saves it with its
// theme and styles stubbed (stubTheme, stubStyles); each department's
// workbook is opened from it and given a copy of the styles as excelize
// had them in memory (0.2–0.3 ms), and the theme excelize wrote is
// compressed once and carried into every file (as a result carries its
// input's theme). The files are the same bytes as those made from
// excelize.NewFile (TestBlankBook).

// stubStyles is the styles part a blank workbook is saved with: each
// workbook opened from it gets the blank's styles, copied.
const stubStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`

const stylesPart = "xl/styles.xml"

// blankKey is what a blank workbook's styles and font depend on.
type blankKey struct {
	lang     string
	decimals int32
}

// blank is a blank workbook, saved: its package (theme and styles
// stubbed), its writer (the style ids in it; no file, no sheets), its
// styles as excelize holds them, and excelize's theme as written (nil
// when it wrote none).
type blank struct {
	data   []byte
	w      writer
	theme  *zip.File
	styles any // *excelize's styles, as newWriter and setFont left them; only read
}

var blanks struct {
	mu   sync.Mutex
	made map[blankKey]*blank
}

// newBlankBook is a new workbook for a department, with its writer: as
// excelize.NewFile, newWriter and setFont would make them, and the
// carrying that gives the file its theme when it is saved.
func newBlankBook(lang string, s calc.Settings) (*excelize.File, *writer, *carrying, error) {
	b, err := blankFor(blankKey{lang, s.Decimals})
	if err != nil {
		return nil, nil, nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.data))
	if err != nil {
		return nil, nil, nil, err
	}
	f.Styles = nil // the stub's; the blank's are copied whole, so that a style one file adds is in no other
	if err := deepcopy.Copy(&f.Styles, b.styles); err != nil {
		f.Close()
		return nil, nil, nil, err
	}
	w := b.w
	w.f, w.s = f, s
	w.widths, w.streamed = map[string]map[int]float64{}, map[string]*streamedSheet{}
	carried := &carrying{parts: map[string]*zip.File{}}
	if b.theme != nil {
		carried.parts[themePart] = b.theme
	}
	return f, &w, carried, nil
}

// blankFor is the blank workbook for k, made the first time it is asked
// for.
func blankFor(k blankKey) (*blank, error) {
	blanks.mu.Lock()
	defer blanks.mu.Unlock()
	if b := blanks.made[k]; b != nil {
		return b, nil
	}
	b, err := makeBlank(k)
	if err != nil {
		return nil, err
	}
	if blanks.made == nil {
		blanks.made = map[blankKey]*blank{}
	}
	blanks.made[k] = b
	return b, nil
}

func makeBlank(k blankKey) (*blank, error) {
	f := excelize.NewFile()
	defer f.Close()
	s := calc.DefaultSettings()
	s.Decimals = k.decimals
	w, err := newWriter(f, k.lang, s)
	if err != nil {
		return nil, err
	}
	if err := setFont(f, w.L.Font); err != nil {
		return nil, err
	}
	full, err := writeBuffer(f)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(full.Bytes()), int64(full.Len()))
	if err != nil {
		return nil, err
	}
	b := &blank{w: *w, styles: f.Styles}
	b.w.f, b.w.widths, b.w.streamed = nil, nil, nil
	b.data, err = withStubs(zr.File, func(zf *zip.File) (string, error) {
		switch zf.Name {
		case themePart:
			b.theme = zf
			return stubTheme, nil
		case stylesPart:
			return stubStyles, nil
		}
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}
