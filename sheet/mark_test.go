package sheet

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
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
