package sheet

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"perfeval/calc"
	"perfeval/internal/ziptest"
)

// TestBlankBook: a workbook started from the blank (newBlankBook) and one
// started as a per-department workbook was before it (excelize.NewFile,
// newWriter, setFont), given the same cells, are the same bytes, for two
// languages and two numbers of decimals, made in turn so that each blank
// is used twice; the blank's styles are the file's own (a score shows
// with its decimals, in the language's font) and its theme is the one
// excelize writes.
func TestBlankBook(t *testing.T) {
	dir := t.TempDir()
	var themes [][]byte
	for round := range 2 {
		for _, k := range []blankKey{{"zh", 2}, {"en", 1}, {"zh", 3}} {
			s := calc.DefaultSettings()
			s.Decimals = k.decimals
			s.Evaluator = "某市财政局"
			fill := func(f *excelize.File, w *writer) {
				t.Helper()
				if err := f.SetSheetName("Sheet1", "分数"); err != nil {
					t.Fatal(err)
				}
				if err := w.set("分数", 1, 1, "部门A", w.header); err != nil {
					t.Fatal(err)
				}
				if err := w.set("分数", 2, 1, decimal.RequireFromString("87.5"), w.points); err != nil {
					t.Fatal(err)
				}
				if err := w.set("分数", 3, 1, decimal.RequireFromString("0.875"), w.percent); err != nil {
					t.Fatal(err)
				}
			}
			m := Mark{Kind: KindDepartment, Department: "部门A"}

			f, w, carried, err := newBlankBook(k.lang, s)
			if err != nil {
				t.Fatal(err)
			}
			fill(f, w)
			fromBlank := filepath.Join(dir, "blank.xlsx")
			if err := saveCarrying(f, carried, fromBlank, "", m, w.streamed, "", nil); err != nil {
				t.Fatal(err)
			}
			w.close()
			f.Close()

			f = excelize.NewFile()
			w, err = newWriter(f, k.lang, s)
			if err != nil {
				t.Fatal(err)
			}
			if err := setFont(f, w.L.Font); err != nil {
				t.Fatal(err)
			}
			fill(f, w)
			fromNew := filepath.Join(dir, "new.xlsx")
			if err := saveMarkedCols(f, fromNew, m, w.streamed, ""); err != nil {
				t.Fatal(err)
			}
			w.close()
			f.Close()

			a, _ := os.ReadFile(fromBlank)
			b, _ := os.ReadFile(fromNew)
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("round %d, %v: the workbook from the blank is %d bytes, from a new file %d, not the same", round, k, len(a), len(b))
			}

			got, err := excelize.OpenFile(fromBlank)
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := got.GetCellValue("分数", "B1"); v != decimal.RequireFromString("87.5").StringFixed(k.decimals) {
				t.Errorf("%v: B1 shows %q", k, v)
			}
			if font, _ := got.GetDefaultFont(); font != LabelsFor(k.lang).Font {
				t.Errorf("%v: default font %q, want %q", k, font, LabelsFor(k.lang).Font)
			}
			got.Close()
			parts, err := ziptest.Parts(a)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts[themePart]) < 1000 || bytes.Contains(parts[themePart], []byte("<a:themeElements/>")) {
				t.Errorf("%v: the theme is %d bytes: %.100s", k, len(parts[themePart]), parts[themePart])
			}
			themes = append(themes, parts[themePart])
		}
	}
	for _, th := range themes[1:] {
		if !bytes.Equal(th, themes[0]) {
			t.Error("the files' themes differ")
		}
	}
	if n := len(blanks.made); n < 3 {
		t.Errorf("%d blanks made, want one per language and decimals", n)
	}
}

// TestBlankBookOwnStyles: each workbook opened from a blank has styles of
// its own: a style one adds is in no other, nor in the blank, also when
// jobs open and add at once (run with -race).
func TestBlankBookOwnStyles(t *testing.T) {
	s := calc.DefaultSettings()
	f, _, _, err := newBlankBook("zh", s)
	if err != nil {
		t.Fatal(err)
	}
	n := len(f.Styles.CellXfs.Xf)
	if _, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"123456"}}}); err != nil {
		t.Fatal(err)
	}
	if len(f.Styles.CellXfs.Xf) != n+1 {
		t.Fatalf("%d styles after one was added to %d", len(f.Styles.CellXfs.Xf), n)
	}
	f.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range 20 {
				f, _, _, err := newBlankBook("zh", s)
				if err != nil {
					t.Error(err)
					return
				}
				if got := len(f.Styles.CellXfs.Xf); got != n {
					t.Errorf("job %d: a new workbook has %d styles, want %d", g, got, n)
				}
				if _, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: float64(9 + k)}}); err != nil {
					t.Error(err)
				}
				f.Close()
			}
		})
	}
	wg.Wait()
}

// TestBlankBooksSavedTogether: workbooks opened from one blank and saved
// at once (a --split with jobs) are whole and alike; they share the
// blank's theme part, which each copies without writing into it (run
// with -race).
func TestBlankBooksSavedTogether(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			f, w, carried, err := newBlankBook("zh", calc.DefaultSettings())
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			defer w.close()
			if err := w.set("Sheet1", 1, 1, "部门A", w.header); err != nil {
				t.Error(err)
				return
			}
			m := Mark{Kind: KindDepartment, Department: "部门A"}
			if err := saveCarrying(f, carried, filepath.Join(dir, fmt.Sprint(i, ".xlsx")), "", m, w.streamed, "", nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	first, err := os.ReadFile(filepath.Join(dir, "0.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 4; i++ {
		if b, err := os.ReadFile(filepath.Join(dir, fmt.Sprint(i, ".xlsx"))); err != nil || !bytes.Equal(b, first) {
			t.Errorf("file %d differs from file 0 (%v)", i, err)
		}
	}
	if _, err := ziptest.Parts(first); err != nil {
		t.Error(err)
	}
}

// TestBlankStylesLayout: the fields of excelize's styles, which each
// workbook opened from a blank gets copied by go-deepcopy. When an
// excelize upgrade changes them, check that the copy is still whole
// (TestBlankBook, TestBlankBookOwnStyles) before updating this list.
func TestBlankStylesLayout(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	typ := reflect.TypeOf(f.Styles).Elem()
	var fields []string
	for i := range typ.NumField() {
		fields = append(fields, typ.Field(i).Name+" "+typ.Field(i).Type.String())
	}
	want := "mu sync.Mutex, XMLName xml.Name, NumFmts *excelize.xlsxNumFmts, Fonts *excelize.xlsxFonts, Fills *excelize.xlsxFills, " +
		"Borders *excelize.xlsxBorders, CellStyleXfs *excelize.xlsxCellStyleXfs, CellXfs *excelize.xlsxCellXfs, CellStyles *excelize.xlsxCellStyles, " +
		"Dxfs *excelize.xlsxDxfs, TableStyles *excelize.xlsxTableStyles, Colors *excelize.xlsxStyleColors, ExtLst *excelize.xlsxExtLst"
	if got := strings.Join(fields, ", "); got != want {
		t.Errorf("excelize's styles are now\n%s\nwere\n%s", got, want)
	}
}
