package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"perfeval/internal/ziptest"
)

func TestReadMark(t *testing.T) {
	dir := t.TempDir()
	marked := filepath.Join(dir, "m.xlsx")
	f := excelize.NewFile()
	if err := saveMarked(f, marked, Mark{Kind: KindDepartment, Department: "甲<&>", Source: "a.xlsx", SourceSHA256: "ab"}); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "p.xlsx")
	if err := saveWorkbook(excelize.NewFile(), plain); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "t.xlsx")
	os.WriteFile(text, []byte("not a zip"), 0o644)
	big := filepath.Join(dir, "big.xlsx")
	out, _ := os.Create(big)
	z := zip.NewWriter(out)
	w, _ := z.Create("docProps/custom.xml")
	w.Write([]byte("<Properties>" + strings.Repeat(" ", maxCustomXML) + "</Properties>"))
	z.Close()
	out.Close()
	for _, tc := range []struct {
		path string
		want Mark
		ok   bool
		err  error
	}{
		{marked, Mark{Kind: KindDepartment, Department: "甲<&>", Source: "a.xlsx", SourceSHA256: "ab"}, true, nil},
		{plain, Mark{}, false, nil},
		{text, Mark{}, false, nil},
		{big, Mark{}, false, ErrMarkTooLarge},
	} {
		m, ok, err := ReadMark(tc.path)
		if m != tc.want || ok != tc.ok || !errors.Is(err, tc.err) {
			t.Errorf("%s: %+v %v %v, want %+v %v %v", filepath.Base(tc.path), m, ok, err, tc.want, tc.ok, tc.err)
		}
	}
	props, err := CustomProps(marked)
	if err != nil || props["perfeval"] != KindDepartment || props["perfeval-department"] != "甲<&>" {
		t.Errorf("excelize reads %v %v", props, err)
	}
}

func TestFitName(t *testing.T) {
	short := FitName("部门A", ".xlsx")
	if short != "部门A.xlsx" {
		t.Errorf("short name changed: %s", short)
	}
	a := FitName(strings.Repeat("政", 100)+"甲", "_结果.xlsx")
	b := FitName(strings.Repeat("政", 100)+"乙", "_结果.xlsx")
	for _, n := range []string{a, b} {
		if len(n)+numberRoom > MaxNameBytes || !utf8.ValidString(n) || !strings.HasSuffix(n, "_结果.xlsx") {
			t.Errorf("%s: %d bytes", n, len(n))
		}
	}
	if a == b {
		t.Error("two long names fitted alike")
	}
	if FitName(strings.Repeat("政", 100)+"甲", "_结果.xlsx") != a {
		t.Error("not stable")
	}
}

func TestTempNames(t *testing.T) {
	name := strings.Replace(TempPattern(), "*", "123456", 1)
	if pid, ok := TempOwner(name); !ok || pid != os.Getpid() {
		t.Errorf("%s: %d %v", name, pid, ok)
	}
	for _, n := range []string{".a.xlsx.123.tmp", ".pe-x-1.tmp", ".pe-12-1.xlsx", "pe-12-1.tmp"} {
		if _, ok := TempOwner(n); ok {
			t.Errorf("%s taken for a temporary name", n)
		}
	}
}

// TestSetPropsAsExcelize: setMark writes the custom properties part
// byte for byte as excelize's SetCustomProps, called once per property,
// writes it, on a new workbook (where only the first goes through
// SetCustomProps) and on one that has properties of its own. (One
// difference is meant: see TestSetPropsTakesValuesAsGiven.)
func TestSetPropsAsExcelize(t *testing.T) {
	marks := []Mark{
		{Kind: KindResult},
		{Kind: KindResult, Source: "a b&.xlsx", SourceSHA256: "ab12"},
		{Kind: KindDepartment, Department: "甲<&>\"'\n\t\r\x01", Source: "源.xlsx", SourceSHA256: "cd", facts: `{"x":"<&>","y":"\u2028"}`},
	}
	for i, m := range marks {
		for _, own := range []bool{false, true} {
			got, want := excelize.NewFile(), excelize.NewFile()
			if own {
				for _, f := range []*excelize.File{got, want} {
					if err := f.SetCustomProps(excelize.CustomProperty{Name: "审核人", Value: "张三"}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := setMark(got, m); err != nil {
				t.Fatal(err)
			}
			// What setMark did before: one SetCustomProps per property.
			var props []excelize.CustomProperty
			if m.facts != "" {
				props = append(props, excelize.CustomProperty{Name: markFacts, Value: m.facts})
			}
			for _, p := range [][2]string{{markProp, m.Kind}, {markDepartment, m.Department}, {markSource, m.Source}, {markSourceHash, m.SourceSHA256}} {
				var v any
				if p[1] != "" {
					v = p[1]
				}
				props = append(props, excelize.CustomProperty{Name: p[0], Value: v})
			}
			for _, p := range props {
				if err := want.SetCustomProps(p); err != nil {
					t.Fatal(err)
				}
			}
			gotParts, wantParts := savedParts(t, got), savedParts(t, want)
			for _, part := range []string{customXML, "[Content_Types].xml", "_rels/.rels"} {
				g, w := gotParts[part], wantParts[part]
				if part == "_rels/.rels" && !own {
					// SetCustomProps makes the relationship's target
					// absolute from its second call on; a part set by
					// one call keeps the relative target (Excel's).
					w = bytes.Replace(w, []byte(`Target="/docProps/custom.xml"`), []byte(`Target="docProps/custom.xml"`), 1)
				}
				if g == nil || !bytes.Equal(g, w) {
					t.Errorf("mark %d (own properties %v): %s is\n%s\nwant\n%s", i, own, part, g, w)
				}
			}
			read, err := got.GetCustomProps()
			if err != nil || len(read) != len(props)-countNil(props)+map[bool]int{false: 0, true: 1}[own] {
				t.Errorf("mark %d (own properties %v): excelize reads back %v %v", i, own, read, err)
			}
		}
	}
}

func countNil(props []excelize.CustomProperty) (n int) {
	for _, p := range props {
		if p.Value == nil {
			n++
		}
	}
	return n
}

// savedParts is every part of f as written, unpacked, by name.
func savedParts(t *testing.T, f *excelize.File) map[string][]byte {
	t.Helper()
	buf, err := writeBuffer(f)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := ziptest.Parts(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return parts
}

// TestSetMarkStrict: a workbook saved as Strict Open XML with custom
// properties of its own gets the mark beside them (excelize could not
// read such a part, and the result was not written).
func TestSetMarkStrict(t *testing.T) {
	f := excelize.NewFile()
	f.Pkg.Store(customXML, []byte(`<Properties xmlns="http://purl.oclc.org/ooxml/officeDocument/customProperties" xmlns:vt="http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="审核人"><vt:lpwstr>张三</vt:lpwstr></property></Properties>`))
	if err := setMark(f, Mark{Kind: KindResult, Source: "a.xlsx"}); err != nil {
		t.Fatal(err)
	}
	props, err := f.GetCustomProps()
	got := map[string]any{}
	for _, p := range props {
		got[p.Name] = p.Value
	}
	if err != nil || got["审核人"] != "张三" || got[markProp] != KindResult || got[markSource] != "a.xlsx" || len(got) != 3 {
		t.Errorf("properties %v %v", got, err)
	}
	// In a Transitional part, a property whose text is that namespace
	// keeps it.
	f = excelize.NewFile()
	if err := f.SetCustomProps(excelize.CustomProperty{Name: "来源", Value: strictCustomNS}); err != nil {
		t.Fatal(err)
	}
	if err := setMark(f, Mark{Kind: KindResult}); err != nil {
		t.Fatal(err)
	}
	props, err = f.GetCustomProps()
	if err != nil || len(props) != 2 || props[0].Value != strictCustomNS {
		t.Errorf("properties %v %v, want 来源 = %s kept", props, err, strictCustomNS)
	}
}

// TestSetPropsTakesValuesAsGiven: a value holding a Strict namespace
// address is written as it is (excelize's SetCustomProps rewrote such
// text in the properties set before it, as a namespace).
func TestSetPropsTakesValuesAsGiven(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.xlsx")
	odd := "http://purl.oclc.org/ooxml/spreadsheetml/main"
	m := Mark{Kind: KindDepartment, Department: odd, Source: "a.xlsx", SourceSHA256: "ab", facts: `{"department":"` + odd + `"}`}
	if err := saveMarked(excelize.NewFile(), path, m); err != nil {
		t.Fatal(err)
	}
	got, ok, err := ReadMark(path)
	if err != nil || !ok || got.Department != odd {
		t.Errorf("mark %+v %v %v, want department %s", got, ok, err, odd)
	}
}
