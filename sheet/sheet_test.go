package sheet

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		header string
		kind   Kind
		level  int
	}{
		{"一级指标", LevelName, 1},
		{" 二级指标 ", LevelName, 2},
		{"三级指标（问题）", LevelName, 3},
		{"四级指标名称", LevelName, 4},
		{"一 级 指 标", LevelName, 1},
		{"Level 1", LevelName, 1},
		{"LEVEL 2 (name)", LevelName, 2},
		{"ｌｅｖｅｌ３", LevelName, 3},
		{"分值", Weight, 0},
		{"权重（%）", Weight, 0},
		{"一级分值", Weight, 1},
		{"三级权重", Weight, 3},
		{"标准分值", Weight, 0},
		{"Weight", Weight, 0},
		{"Points", Weight, 0},
		{"满分", Weight, 0},
		{"评分标准", Descriptive, 0},
		{"指标解释", Descriptive, 0},
		{"No.", Descriptive, 0},
		{"备注", Descriptive, 0},
		{"得分", ScoreColumn, 0},
		{"Score", ScoreColumn, 0},
		{"市教育局", Other, 0},
		{"", Other, 0},
	}
	for _, tt := range tests {
		k, l := Classify(tt.header)
		if k != tt.kind || l != tt.level {
			t.Errorf("Classify(%q) = %v, %d; want %v, %d", tt.header, k, l, tt.kind, tt.level)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"三级指标（问题）": "三级指标",
		"Ｗｅｉｇｈｔ":   "weight",
		"  分 值 ":   "分值",
		"(备注)":     "(备注)", // nothing left after the note: kept
		"合　计":      "合计",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		" 市教育局 ":          "市教育局",
		"市人力资源和\n社会保障局":   "市人力资源和社会保障局",
		"Water\r\nBureau": "Water Bureau",
		"预算\n 绩效":         "预算绩效",
		"Level\n\n1":      "Level 1",
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsDateFormat(t *testing.T) {
	for code, want := range map[string]bool{"yyyy-mm-dd": true, "m/d/yy": true, `0.00"分"`: false, "0.00%": false, "[h]:mm": true, "[Red]0.00": false, "yyyy年m月d日": true} {
		if got := isDateFormat(code); got != want {
			t.Errorf("isDateFormat(%q) = %v", code, got)
		}
	}
}

// writeSample builds, reads and scores a small workbook with a print
// area, and writes its result; it returns the input and output paths.
func writeSample(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.xlsx")
	s, err := SheetFromText("指标", "一级指标\t分值\t部门A\t部门B\n管理\t40\t35.5\t40\n产出\t60\t59\t不适用\n")
	if err != nil {
		t.Fatal(err)
	}
	notes := SheetSpec{Name: "说明", Rows: [][]any{{"carried through"}}}
	if err := Build(in, Spec{Sheets: []SheetSpec{notes, s}}); err != nil {
		t.Fatal(err)
	}
	// A print area on the score table must stay on it after 汇总 moves first.
	f, err := excelize.OpenFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: "'指标'!$A$1:$D$3", Scope: "指标"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// The results' document times are the input's: fixed, so that the
	// results of two calls compare byte for byte.
	fixed := time.Date(2022, 1, 14, 9, 30, 0, 0, time.UTC)
	if err := os.Chtimes(in, fixed, fixed); err != nil {
		t.Fatal(err)
	}

	b, err := Open(context.Background(), in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(b.Tables) != 1 || len(b.Tables[0].Departments) != 2 {
		t.Fatalf("tables %+v", b.Tables)
	}
	tab := &calc.Table{Sheet: "指标"}
	tab.Add(nil, "管理", decimal.NewFromInt(40), 2)
	tab.Add(nil, "产出", decimal.NewFromInt(60), 3)
	tab.Departments = []calc.Department{
		{Name: "部门A", Scores: []calc.Score{{Value: decimal.RequireFromString("35.5")}, {Value: decimal.NewFromInt(59)}}},
		{Name: "部门B", Scores: []calc.Score{{Value: decimal.NewFromInt(40)}, {NA: true}}},
	}
	settings := calc.DefaultSettings()
	results := calc.Evaluate([]*calc.Table{tab}, settings)
	out := filepath.Join(dir, "out", ResultName("in.xlsx", "zh"))
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	problems := []Problem{{Sheet: "指标", Cell: "C2", Department: "部门A", Message: "m", Hint: "h"}}
	if err := b.WriteResult(out, Output{Lang: "zh", Settings: settings, Results: results, Problems: problems}); err != nil {
		t.Fatal(err)
	}
	return in, out
}

func TestWriteResult(t *testing.T) {
	in, out := writeSample(t)
	if filepath.Base(out) != "in_结果.xlsx" {
		t.Fatalf("output name %s", out)
	}
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("output folder holds %d files: a temporary file was left", len(entries))
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "汇总,说明,指标,得分率,校验" {
		t.Errorf("sheets %s", got)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d, want 0 (汇总)", f.GetActiveSheetIndex())
	}
	// Totals and rates are numbers with number formats, not text.
	cases := []struct {
		cell, raw, shown, format string
	}{
		{"G3", "100", "100.00", "0.00"},    // 部门B first: 40 of 40 applicable, rescaled
		{"G4", "94.5", "94.50", "0.00"},    // 部门A total
		{"H4", "0.945", "94.50%", "0.00%"}, // its rate
		{"C4", "35.5", "35.50", "0.00"},
		{"D4", "0.8875", "88.75%", "0.00%"},
	}
	for _, c := range cases {
		typ, _ := f.GetCellType("汇总", c.cell)
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s is of type %v, want a number", c.cell, typ)
		}
		raw, _ := f.GetCellValue("汇总", c.cell, excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue("汇总", c.cell)
		if raw != c.raw || shown != c.shown {
			t.Errorf("%s: raw %q shown %q, want %q %q", c.cell, raw, shown, c.raw, c.shown)
		}
		style, _ := f.GetCellStyle("汇总", c.cell)
		st, _ := f.GetStyle(style)
		if st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != c.format {
			t.Errorf("%s: number format %v, want %s", c.cell, st, c.format)
		}
	}
	for _, cell := range []string{"A3", "A4"} { // ranks are numbers too
		if typ, _ := f.GetCellType("汇总", cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("rank %s is of type %v, want a number", cell, typ)
		}
	}
	if v, _ := f.GetCellValue("汇总", "E3"); v != "不适用" {
		t.Errorf("部门B 产出得分 %q, want 不适用", v)
	}
	panes, err := f.GetPanes("汇总")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("summary panes %+v %v: the header should be frozen", panes, err)
	}
	// The print area still belongs to 指标.
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Area" && dn.Scope != "指标" {
			t.Errorf("print area moved to %s", dn.Scope)
		}
	}
	if link, target, _ := f.GetCellHyperLink("校验", "C2"); !link || target != "'指标'!C2" {
		t.Errorf("checks link %v %q", link, target)
	}
	// The input still has only its own two sheets.
	orig, err := excelize.OpenFile(in)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	if got := strings.Join(orig.GetSheetList(), ","); got != "说明,指标" {
		t.Errorf("input sheets changed: %s", got)
	}
}

func TestResultName(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"a.xlsx", "zh"}:     "a_结果.xlsx",
		{"a.b.XLSX", "en"}:   "a.b_result.xlsx",
		{"macro.xlsm", "zh"}: "macro_结果.xlsm",
		{"M.XLSM", "en"}:     "M_result.xlsm",
		// 市教育局评分.xlsx with its name in GBK, as a zip unpacked on
		// Linux leaves it: lowered, it is longer (each byte that is not
		// UTF-8 becomes U+FFFD), which made ResultName panic.
		{"\xca\xd0\xbd\xcc\xd3\xfd\xbe\xd6\xc6\xc0\xb7\xd6.xlsx", "zh"}: "\xca\xd0\xbd\xcc\xd3\xfd\xbe\xd6\xc6\xc0\xb7\xd6_结果.xlsx",
		{"\xca\xd0.xlsm", "en"}: "\xca\xd0_result.xlsm",
	} {
		if got := ResultName(in[0], in[1]); got != want {
			t.Errorf("ResultName(%v) = %s, want %s", in, got, want)
		}
	}
}

// TestWriteAtomicSettle: with a Settle, the write returns once the file
// is written and its sync and rename run on their own: the file is not at
// its path (an earlier one there stays whole) until Wait returns nil;
// when that last step fails, Wait says so and nothing is left but the
// earlier file.
func TestWriteAtomicSettle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.xlsx")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	release := make(chan error)
	s := &Settle{BeforeRename: func() error { return <-release }}
	if err := writeAtomic(path, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }, s); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("before it settled: %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("before it settled: %d files, want the old one and the new one's temporary", len(entries))
	}
	release <- nil
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(data) != "new" || len(entries) != 1 {
		t.Errorf("settled: %q, %d files", data, len(entries))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("settled: %v %v", fi.Mode(), err)
	}

	failed := errors.New("the disk failed late")
	s = &Settle{BeforeRename: func() error { return failed }}
	if err := writeAtomic(path, func(w io.Writer) error { _, err := w.Write([]byte("newer")); return err }, s); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(); !errors.Is(err, failed) {
		t.Errorf("Wait: %v", err)
	}
	data, _ = os.ReadFile(path)
	entries, _ = os.ReadDir(dir)
	if string(data) != "new" || len(entries) != 1 {
		t.Errorf("after a late failure: %q, %d files", data, len(entries))
	}

	// A write that fails first never starts its last step.
	s = &Settle{BeforeRename: func() error { t.Error("renamed after a failed write"); return nil }}
	if err := writeAtomic(path, func(io.Writer) error { return os.ErrClosed }, s); err == nil {
		t.Error("no error")
	}
	if err := s.Wait(); err != nil {
		t.Errorf("Wait after a failed write: %v", err)
	}
	if err := (*Settle)(nil).Wait(); err != nil {
		t.Error(err)
	}
	if entries, _ = os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("after a failed write: %d files", len(entries))
	}
}

func TestWriteAtomicLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.xlsx")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half"))
		return os.ErrClosed
	})
	if err == nil {
		t.Fatal("no error")
	}
	data, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(data) != "old" || len(entries) != 1 {
		t.Fatalf("after a failed write: %q, %d files", data, len(entries))
	}
}
