package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"perfeval/sheet"
)

// TestSettingsFile: --settings FILE declares the layout and the unit for
// every workbook of a run; a workbook's own settings win key by key; the
// settings file, lying in the input folder, is not read as an input.
func TestSettingsFile(t *testing.T) {
	dir := t.TempDir()
	sheets(t, filepath.Join(dir, "in/settings.xlsx"), "设置", tsv("一级指标列|考察点", "分值列|满分值", "评价对象|市统计局", "年度|2025"))
	sheets(t, filepath.Join(dir, "in/a.xlsx"), "考核", tsv("考察点|满分值|得分", "管理|40|30", "产出|60|55"))
	sheets(t, filepath.Join(dir, "in/b.xlsx"), "考核", tsv("考察点|满分值|得分", "管理|40|36", "产出|60|50"), "设置", tsv("评价对象|市审计局"))
	code, stdout, stderr := runIn(t, dir, "run", "in", "--out", "out", "--settings", "in/settings.xlsx", "--report", "r.json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	rep := readReport(t, filepath.Join(dir, "r.json"))
	got := map[string]string{}
	for _, f := range rep.Files {
		for _, d := range f.Departments {
			got[filepath.Base(f.Path)] = d.Name + " " + string(d.Total)
		}
	}
	want := map[string]string{"a.xlsx": "市统计局 85.00", "b.xlsx": "市审计局 86.00"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all %v)", k, got[k], v, got)
		}
	}
	if len(rep.Files) != 2 {
		t.Errorf("%d files read, want 2 (the settings file is not an input)", len(rep.Files))
	}
	if !strings.Contains(stdout, "settings.xlsx") {
		t.Errorf("the settings file is not named among the skipped:\n%s", stdout)
	}
}

// sheets writes a workbook of named text sheets.
func sheets(t *testing.T, path string, nameText ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var spec sheet.Spec
	for i := 0; i+1 < len(nameText); i += 2 {
		s, err := sheet.SheetFromText(nameText[i], nameText[i+1])
		if err != nil {
			t.Fatal(err)
		}
		spec.Sheets = append(spec.Sheets, s)
	}
	if err := sheet.Build(path, spec); err != nil {
		t.Fatal(err)
	}
}
