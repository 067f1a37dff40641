package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"perfeval/calc"
	"perfeval/internal/ziptest"
)

// rawPart is the part named name of the zip at path, as stored
// (compressed), and its method; nil when there is none.
func rawPart(t *testing.T, path, name string) ([]byte, uint16) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			r, err := f.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return b, f.Method
		}
	}
	return nil, 0
}

// withTheme writes, in dir, a small scored workbook named name whose
// theme edit makes of excelize's, and returns the path of its result
// and what writing the result gave.
func withTheme(t *testing.T, dir, name string, edit func(theme string) string) (string, error) {
	t.Helper()
	base := filepath.Join(dir, "base.xlsx")
	if _, err := os.Stat(base); err != nil {
		s, err := SheetFromText("指标", "一级指标\t分值\t部门A\n管理\t40\t35.5\n产出\t60\t59\n")
		if err != nil {
			t.Fatal(err)
		}
		if err := Build(base, Spec{Sheets: []SheetSpec{s}}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	edited := false
	data, err = ziptest.Edit(data, func(part string, b []byte) []byte {
		if part != themePart {
			return b
		}
		edited = true
		return []byte(edit(string(b)))
	})
	if err != nil || !edited {
		t.Fatalf("no theme to edit (%v)", err)
	}
	in := filepath.Join(dir, name+".xlsx")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Open(context.Background(), in, Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer b.Close()
	tab := &calc.Table{Sheet: "指标"}
	tab.Add(nil, "管理", decimal.NewFromInt(40), 2)
	tab.Add(nil, "产出", decimal.NewFromInt(60), 3)
	tab.Departments = []calc.Department{{Name: "部门A", Scores: []calc.Score{{Value: decimal.RequireFromString("35.5")}, {Value: decimal.NewFromInt(59)}}}}
	settings := calc.DefaultSettings()
	out := filepath.Join(dir, name+"_out.xlsx")
	return out, b.WriteResult(out, Output{Lang: "zh", Settings: settings, Results: calc.Evaluate([]*calc.Table{tab}, settings)})
}

// TestResultCarriesTheme: a result carries the input's theme byte for
// byte, as stored, with what excelize would drop when it reads and
// writes a theme again (a comment, an element it does not know), and
// never the stub excelize is given in its place; the result opens, and
// its styles keep working.
func TestResultCarriesTheme(t *testing.T) {
	dir := t.TempDir()
	const mark = "<!-- the input's own theme -->"
	out, err := withTheme(t, dir, "in", func(theme string) string {
		theme = strings.Replace(theme, "<a:themeElements>", mark+`<a:themeElements><a:unknownToExcelize val="1"/>`, 1)
		return strings.Replace(theme, `name="Office Theme"`, `name="Bureau Theme"`, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	inTheme, inMethod := rawPart(t, filepath.Join(dir, "in.xlsx"), themePart)
	outTheme, outMethod := rawPart(t, out, themePart)
	if !bytes.Equal(outTheme, inTheme) || outMethod != inMethod {
		t.Errorf("the result's theme is %d bytes stored with method %d, the input's %d bytes with method %d", len(outTheme), outMethod, len(inTheme), inMethod)
	}
	outData, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := ziptest.Parts(outData)
	if err != nil {
		t.Fatal(err)
	}
	theme := string(parts[themePart])
	if !strings.Contains(theme, mark) || !strings.Contains(theme, "unknownToExcelize") || !strings.Contains(theme, "Bureau Theme") {
		t.Errorf("the result's theme is not the input's: %.200s", theme)
	}
	if theme == stubTheme {
		t.Error("the result carries the stub theme")
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Theme == nil || f.Theme.Name != "Bureau Theme" {
		t.Errorf("excelize reads the result's theme as %+v", f.Theme)
	}
	if v, _ := f.GetCellValue("汇总", "C3"); v != "35.50" {
		t.Errorf("汇总!C3 %q, want 35.50", v)
	}
}

// TestResultThemeMalformed: a theme excelize could not read (cut off
// inside a tag, cut off with an element left open, a closing tag that
// does not match, a root that is not a theme) makes the result fail as a
// damaged workbook naming the theme, as it did when excelize parsed it;
// one it read (in GBK, as declared; with bytes after its root element;
// after a byte-order mark) is carried, and remembered once checked.
func TestResultThemeMalformed(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, edit func(theme string) string) error {
		t.Helper()
		_, err := withTheme(t, dir, name, edit)
		return err
	}
	for name, edit := range map[string]func(string) string{
		"in-a-tag":  func(th string) string { return th[:len(th)/2] + "<a:srgbClr val=" },
		"left-open": func(th string) string { return th[:strings.LastIndex(th, "</a:theme>")] },
		"mismatch":  func(th string) string { return strings.Replace(th, "</a:themeElements>", "</a:themeElement>", 1) },
		"not-theme": func(string) string { return `<?xml version="1.0"?><foo/>` },
	} {
		err := write(name, edit)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(fmt.Sprint(err), themePart) {
			t.Errorf("%s: %v, want a damaged workbook naming %s", name, err, themePart)
		}
		if _, statErr := os.Stat(filepath.Join(dir, name+"_out.xlsx")); statErr == nil {
			t.Errorf("%s: a result was written", name)
		}
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("宋体")
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(string) string{
		"gbk": func(th string) string {
			if !strings.Contains(th, `encoding="UTF-8"`) || !strings.Contains(th, `typeface="Arial"`) {
				t.Error("gbk: nothing to replace in the theme")
			}
			th = strings.Replace(th, `encoding="UTF-8"`, `encoding="GBK"`, 1)
			return strings.Replace(th, `typeface="Arial"`, `typeface="`+gbk+`"`, 1)
		},
		"trailing": func(th string) string { return th + "\x00\x00</a:theme><" },
		"bom":      func(th string) string { return "\ufeff" + th },
		"fine":     func(th string) string { return th + "<!-- checked -->" },
	} {
		if err := write(name, edit); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		in, _ := rawPart(t, filepath.Join(dir, name+".xlsx"), themePart)
		out, _ := rawPart(t, filepath.Join(dir, name+"_out.xlsx"), themePart)
		if !bytes.Equal(in, out) {
			t.Errorf("%s: the result does not carry the theme", name)
		}
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "fine.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != themePart {
			continue
		}
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		fmt.Fprintf(h, "%d:", f.Method)
		io.Copy(h, raw)
		var key [sha256.Size]byte
		h.Sum(key[:0])
		if !themesChecked.ok[key] {
			t.Error("the well-formed theme is not remembered")
		}
	}
}
