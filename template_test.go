package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"perfeval/samples"
	"perfeval/sheet"
)

// templateOf runs perfeval template with args and fails the test unless
// it exits 0.
func templateOf(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"perfeval", "template"}, args...), &stdout, &stderr); code != exitOK {
		t.Fatalf("template %v: exit %d\nstderr: %s", args, code, stderr.String())
	}
	return stdout.String()
}

// runReport runs perfeval run on paths and returns its report.
func runReport(t *testing.T, out string, paths ...string) (Report, int, string) {
	t.Helper()
	report := filepath.Join(out, "report.json")
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"perfeval", "run", "--out", out, "--report", report}, paths...), &stdout, &stderr)
	var r Report
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report: %v\nstderr: %s", err, stderr.String())
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r, code, stderr.String()
}

// bureau sample layout: header on row 3, 19 leaves on rows 4–22 (the last
// a deduction item of −5), 24 departments in G:AD, 合计 on row 23.
const (
	bureauHeader = 3
	bureauFirst  = 4
	bureauLeaves = 19
	bureauTotal  = 23
)

func TestTemplateReadBack(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "模板.xlsx")
	templateOf(t, "samples/bureau.xlsx", "-o", out)

	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "评分表,设置,填写说明" {
		t.Errorf("sheets %v, want 评分表,填写说明", got)
	}
	const sh = "评分表"
	if v, _ := f.GetCellValue(sh, "G3"); v != "市教育局" {
		t.Errorf("G3 = %q, want the first department", v)
	}
	if v, _ := f.GetCellValue(sh, "AD3"); v != "市信访局" {
		t.Errorf("AD3 = %q, want the last department", v)
	}
	// every score cell empty
	for r := bureauFirst; r < bureauFirst+bureauLeaves; r++ {
		for c := 7; c <= 30; c++ {
			if v, _ := f.GetCellValue(sh, cellName(c, r)); v != "" {
				t.Fatalf("score cell %s holds %q", cellName(c, r), v)
			}
		}
	}

	// Validation: one rule per leaf row over the department block.
	dvs, err := f.GetDataValidations(sh)
	if err != nil {
		t.Fatal(err)
	}
	if len(dvs) != bureauLeaves {
		t.Fatalf("%d validations, want %d", len(dvs), bureauLeaves)
	}
	byRef := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		byRef[dv.Sqref] = dv
	}
	for j, leaf := range samples.BureauTree {
		r := bureauFirst + j
		dv := byRef[cellName(7, r)+":"+cellName(30, r)]
		if dv == nil {
			t.Fatalf("row %d: no validation over G:AD (have %v)", r, keys(byRef))
		}
		lo, hi := "0", leaf.Weight
		if strings.HasPrefix(leaf.Weight, "-") {
			lo, hi = leaf.Weight, "0"
		}
		want := sheet.ScoreRule(cellName(7, r), lo, hi)
		if dv.Type != "custom" || dv.Formula1 != want {
			t.Errorf("row %d: %s %q, want custom %q", r, dv.Type, dv.Formula1, want)
		}
		if !dv.AllowBlank || !dv.ShowErrorMessage || dv.ErrorStyle == nil || *dv.ErrorStyle != "stop" || dv.Error == nil || !strings.Contains(*dv.Error, leaf.L3) {
			t.Errorf("row %d: error message %v", r, dv.Error)
		}
		if !dv.ShowInputMessage || dv.Prompt == nil || *dv.Prompt != "对照年度目标核定" || dv.PromptTitle == nil || !strings.Contains(*dv.PromptTitle, leaf.L3) {
			t.Errorf("row %d: input message %v %v", r, dv.PromptTitle, dv.Prompt)
		}
	}

	// Protection: sheets protected without a password; score cells unlocked, the rest locked.
	for _, s := range []string{sh, "填写说明"} {
		p, err := f.GetSheetProtection(s)
		if err != nil {
			t.Fatal(err)
		}
		if p.Password != "" || p.AlgorithmName != "" || !p.SelectUnlockedCells || p.FormatCells || p.InsertRows || p.DeleteColumns {
			t.Errorf("%s: protection %+v", s, p)
		}
	}
	locked := func(cell string) bool {
		id, err := f.GetCellStyle(sh, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.Protection == nil || st.Protection.Locked
	}
	for _, c := range []string{"G4", "AD22", "M10"} {
		if locked(c) {
			t.Errorf("score cell %s is locked", c)
		}
	}
	for _, c := range []string{"A1", "D4", "E4", "F4", "G3", "E23", "G23", "B20"} {
		if !locked(c) {
			t.Errorf("%s is not locked", c)
		}
	}

	// 合计: total points in the weight column, a formula per department.
	if v, _ := f.GetCellValue(sh, "A23"); v != "合计" {
		t.Errorf("A23 = %q, want 合计", v)
	}
	if v, _ := f.GetCellValue(sh, "E23", excelize.Options{RawCellValue: true}); v != "100" {
		t.Errorf("E23 = %q, want 100", v)
	}
	formula, _ := f.GetCellFormula(sh, "G23")
	for _, part := range []string{"COUNTBLANK(G4:G21)", "COUNTBLANK(G22:G22)", "SUM(G4:G21)", `SUMIF(G4:G21,"不适用",$E$4:$E$21)`, "SUM(G22:G22)", "MAX(0,"} {
		if !strings.Contains(formula, part) {
			t.Errorf("G23 formula %q lacks %q", formula, part)
		}
	}
	if formula2, _ := f.GetCellFormula(sh, "AD23"); !strings.Contains(formula2, "SUM(AD4:AD21)") {
		t.Errorf("AD23 formula %q", formula2)
	}

	// Conditional formats: blanks and low scores over the score cells.
	cfs, err := f.GetConditionalFormats(sh)
	if err != nil {
		t.Fatal(err)
	}
	main := cfs["G4:AD21"]
	if len(main) != 2 || main[0].Type != "blanks" || main[1].Type != "formula" || main[1].Criteria != "AND(ISNUMBER(G4),G4<0.6*$E4)" {
		t.Errorf("conditional formats of G4:AD21: %+v (all: %v)", main, cfs)
	}
	if d := cfs["G22:AD22"]; len(d) != 1 || d[0].Type != "blanks" {
		t.Errorf("conditional formats of the deduction row: %+v", d)
	}

	// Frozen panes below the header and right of the leaf names.
	panes, _ := f.GetPanes(sh)
	if !panes.Freeze || panes.XSplit != 4 || panes.YSplit != bureauHeader {
		t.Errorf("panes %+v", panes)
	}
	// marked as a template
	props, err := sheet.CustomProps(out)
	if err != nil {
		t.Fatal(err)
	}
	if props["perfeval"] != sheet.KindTemplate || props["perfeval-source"] != "bureau.xlsx" {
		t.Errorf("mark %v", props)
	}
}

func keys(m map[string]*excelize.DataValidation) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// fillBureau writes the bureau sample's scores into a template of it
// (department i in column 7+i), through excelize as a person's Excel would.
func fillBureau(t *testing.T, path string, sheetName string, departments []int, col func(i int) int) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, i := range departments {
		for j := range samples.BureauTree {
			cell := cellName(col(i), bureauFirst+j+rowShift(sheetName))
			v := samples.BureauScore(i, j)
			var err error
			if v == "" {
				err = f.SetCellStr(sheetName, cell, "不适用")
			} else {
				err = f.SetCellValue(sheetName, cell, mustFloat(t, v))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// rowShift: per-department templates have a 单位名称 row inserted above
// the header.
func rowShift(sheetName string) int {
	if sheetName == "评分表" {
		return 0
	}
	return 1
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// TestTemplateRoundTrip fills the bureau template with the sample's own
// scores (one 不适用 and a deduction included) and checks that perfeval
// run scores it exactly as it scores the sample, without a warning.
func TestTemplateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "in", "模板.xlsx")
	templateOf(t, "samples/bureau.xlsx", "-o", tpl)

	// a blank template is not an input
	var stdout, errBuf bytes.Buffer
	code := run([]string{"perfeval", "run", "--out", filepath.Join(dir, "blank"), filepath.Dir(tpl)}, &stdout, &errBuf)
	if stderr := errBuf.String(); code != exitUsage || !strings.Contains(stderr, "空白模板") {
		t.Errorf("blank template: exit %d, stderr %s", code, errBuf.String())
	}

	all := make([]int, len(samples.BureauDepartments))
	for i := range all {
		all[i] = i
	}
	fillBureau(t, tpl, "评分表", all, func(i int) int { return 7 + i })
	got, code, stderr := runReport(t, filepath.Join(dir, "out"), tpl)
	if code != exitOK || len(got.Files) != 1 {
		t.Fatalf("filled template: exit %d\n%s", code, stderr)
	}
	if p := got.Files[0].Problems; len(p) != 0 {
		t.Errorf("filled template: problems %+v", p)
	}
	want, code, _ := runReport(t, filepath.Join(dir, "want"), "samples/bureau.xlsx")
	if code != exitOK {
		t.Fatal("the sample does not score")
	}
	if g, w := totals(got), totals(want); g != w {
		t.Errorf("totals of the filled template:\n%s\nwant (the sample's):\n%s", g, w)
	}
	// the result workbook holds the same totals
	res, err := excelize.OpenFile(got.Files[0].Output)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	rows, _ := res.GetRows("汇总")
	found := false
	first := want.Files[0].Departments[0]
	for _, r := range rows {
		if len(r) > 1 && r[1] == first.Name {
			found = strings.Contains(strings.Join(r, "|"), "|"+first.Shown.Total+"|")
		}
	}
	if !found {
		t.Errorf("the result's 汇总 lacks %s's total %s: %v", first.Name, first.Total, rows)
	}

	// one department short of a score: the filler's error, and no other
	f, _ := excelize.OpenFile(tpl)
	f.SetCellValue("评分表", "G5", nil)
	f.SetCellStr("评分表", "H5", "待定")
	f.Save()
	f.Close()
	bad, code, _ := runReport(t, filepath.Join(dir, "bad"), tpl)
	if code != exitInvalid {
		t.Fatalf("exit %d", code)
	}
	var codes []string
	for _, p := range bad.Files[0].Problems {
		codes = append(codes, p.Cell+":"+p.Code)
	}
	if strings.Join(codes, ",") != "G5:missing,H5:not-number" {
		t.Errorf("problems of a template filled with a blank and 待定: %v", codes)
	}
}

func totals(r Report) string {
	var b strings.Builder
	for _, f := range r.Files {
		for _, d := range f.Departments {
			b.WriteString(d.Name + " " + string(d.Total) + " " + d.Grade + "\n")
		}
	}
	return b.String()
}

// perDepartmentName is the unit a filled per-department template is
// scored as: the reader names a one-score-column table from the
// 单位名称：X cell the template writes above the header (spec §6.4).
const perDepartmentName = "市民政局"

func TestTemplatePerDepartment(t *testing.T) {
	dir := t.TempDir()
	names := filepath.Join(dir, "部门.txt")
	os.WriteFile(names, []byte("\ufeff部门\n市教育局\n\n市民政局\n"), 0o644)
	folder := filepath.Join(dir, "分部门")
	templateOf(t, "samples/bureau.xlsx", "--departments", names, "--per-department", "-o", folder)
	entries, _ := os.ReadDir(folder)
	if len(entries) != 2 || entries[0].Name() != "市教育局.xlsx" || entries[1].Name() != "市民政局.xlsx" {
		t.Fatalf("files %v", entries)
	}
	path := filepath.Join(folder, "市民政局.xlsx")
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sh := f.GetSheetName(0)
	if v, _ := f.GetCellValue(sh, "A3"); v != "单位名称：市民政局" {
		t.Errorf("A3 = %q", v)
	}
	if v, _ := f.GetCellValue(sh, "G4"); v != "得分" {
		t.Errorf("G4 = %q, want 得分", v)
	}
	if v, _ := f.GetCellValue(sh, "H4"); v != "" {
		t.Errorf("H4 = %q: one score column only", v)
	}
	id, _ := f.GetCellStyle(sh, "A3")
	if st, _ := f.GetStyle(id); st.Protection == nil || st.Protection.Locked {
		t.Error("the 单位名称 cell is locked")
	}
	f.Close()
	// nothing of another department in the file
	data, _ := os.ReadFile(path)
	if bytes.Contains(data, []byte("市教育局")) {
		t.Error("a per-department template names another department")
	}

	fillBureau(t, path, sh, []int{2}, func(int) int { return 7 })
	got, code, stderr := runReport(t, filepath.Join(dir, "out"), path)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if len(got.Files[0].Problems) != 0 {
		t.Errorf("problems %+v", got.Files[0].Problems)
	}
	want, _, _ := runReport(t, filepath.Join(dir, "want"), "samples/bureau.xlsx")
	wantTotal := ""
	for _, d := range want.Files[0].Departments {
		if d.Name == "市民政局" {
			wantTotal = d.Shown.Total
		}
	}
	d := got.Files[0].Departments
	if len(d) != 1 || d[0].Name != perDepartmentName || d[0].Shown.Total != wantTotal || wantTotal == "" {
		t.Errorf("departments %+v, want %s with %s", d, perDepartmentName, wantTotal)
	}
}

// TestTemplateBadSources: sources run would reject get the same answers,
// and no template is written.
func TestTemplateBadSources(t *testing.T) {
	dir := t.TempDir()
	badWeights := filepath.Join(dir, "weights.xlsx")
	s, _ := sheet.SheetFromText("指标", "一级指标\t二级指标\t分值\t甲\n管理\t预算\t60\t\n管理\t执行\t30\t\n")
	sheet.Build(badWeights, sheet.Spec{Sheets: []sheet.SheetSpec{s}})
	noTable := filepath.Join(dir, "notable.xlsx")
	s2, _ := sheet.SheetFromText("Sheet1", "hello\tworld\n")
	sheet.Build(noTable, sheet.Spec{Sheets: []sheet.SheetSpec{s2}})
	text := filepath.Join(dir, "text.xlsx")
	os.WriteFile(text, []byte("this is not a workbook\n"), 0o644)
	legacy := "testdata/files/legacy.xls"
	tests := []struct {
		name, source, want string
		code               int
	}{
		{"weights do not add up", badWeights, "90", exitInvalid},
		{"no score table", noTable, "评分表", exitInvalid},
		{"a text file", text, "文本文件", exitInvalid},
		{"legacy .xls", legacy, ".xls", exitInvalid},
		{"missing", filepath.Join(dir, "missing.xlsx"), "不存在", exitInvalid},
	}
	for _, tt := range tests {
		out := filepath.Join(dir, "out", tt.name+".xlsx")
		var stdout, stderr bytes.Buffer
		code := run([]string{"perfeval", "template", tt.source, "-o", out}, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) || !strings.Contains(stderr.String(), "未写出模板") || !strings.Contains(stderr.String(), "hint:") {
			t.Errorf("%s: exit %d, stderr:\n%s", tt.name, code, stderr.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: a template was written", tt.name)
		}
	}
	// scores do not matter: last year's invalid scores still give a template
	scores := filepath.Join(dir, "scores.xlsx")
	s3, _ := sheet.SheetFromText("指标", "一级指标\t分值\t甲\t乙\n管理\t40\t50\t待定\n产出\t60\t\t1\n")
	sheet.Build(scores, sheet.Spec{Sheets: []sheet.SheetSpec{s3}})
	templateOf(t, scores, "-o", filepath.Join(dir, "ok.xlsx"))
	// usage
	for _, args := range [][]string{{"template", scores}, {"template", scores, "-o", filepath.Join(dir, "x.txt")}, {"template", "-o", filepath.Join(dir, "y.xlsx")}} {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"perfeval"}, args...), &stdout, &stderr); code != exitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

// TestTemplateFromResult: a result workbook's own sheets are not taken
// for score tables, and a tree without departments gets one 得分 column.
func TestTemplateFromResult(t *testing.T) {
	dir := t.TempDir()
	if _, code, _ := runReport(t, filepath.Join(dir, "r"), "samples/seed.xlsx"); code != exitOK {
		t.Fatal("seed does not score")
	}
	out := filepath.Join(dir, "t.xlsx")
	templateOf(t, filepath.Join(dir, "r", "seed_结果.xlsx"), "-o", out)
	f, _ := excelize.OpenFile(out)
	if got := strings.Join(f.GetSheetList(), ","); got != "评分表,设置,填写说明" {
		t.Errorf("sheets %s", got)
	}
	f.Close()

	tree := filepath.Join(dir, "tree.xlsx")
	s, _ := sheet.SheetFromText("指标体系", "一级指标\t二级指标\t分值\t评分标准\n决策\t目标\t40\t目标明确得满分\n产出\t数量\t60\t按完成率计分\n")
	sheet.Build(tree, sheet.Spec{Sheets: []sheet.SheetSpec{s}})
	out2 := filepath.Join(dir, "tree_t.xlsx")
	templateOf(t, tree, "-o", out2)
	f2, _ := excelize.OpenFile(out2)
	defer f2.Close()
	if v, _ := f2.GetCellValue("指标体系", "E2"); v != "得分" {
		t.Errorf("E2 = %q, want 得分", v)
	}
	if v, _ := f2.GetCellValue("指标体系", "A1"); v != "单位名称：" {
		t.Errorf("A1 = %q", v)
	}
	dvs, _ := f2.GetDataValidations("指标体系")
	if len(dvs) != 2 || *dvs[1].Prompt != "按完成率计分" {
		t.Errorf("validations %+v", dvs)
	}
}

// TestTemplateLibreOffice re-saves a filled template through LibreOffice,
// which stores its own computed 合计 values, and scores it. Skipped where
// LibreOffice is not installed.
func TestTemplateLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) not installed")
	}
	dir := t.TempDir()
	tpl := filepath.Join(dir, "filled.xlsx")
	templateOf(t, "samples/bureau.xlsx", "-o", tpl)
	all := make([]int, len(samples.BureauDepartments))
	for i := range all {
		all[i] = i
	}
	fillBureau(t, tpl, "评分表", all, func(i int) int { return 7 + i })
	lo := filepath.Join(dir, "lo")
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "xlsx", "--outdir", lo, tpl)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	got, code, stderr := runReport(t, filepath.Join(dir, "out"), filepath.Join(lo, "filled.xlsx"))
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if len(got.Files[0].Problems) != 0 {
		t.Errorf("problems %+v", got.Files[0].Problems)
	}
	want, _, _ := runReport(t, filepath.Join(dir, "want"), "samples/bureau.xlsx")
	if g, w := totals(got), totals(want); g != w {
		t.Errorf("totals after LibreOffice:\n%s\nwant:\n%s", g, w)
	}
}

// TestTemplateVeto: a veto item keeps 一票否决 in its weight cell, its
// score cells take only 否决 or 通过 from a list, and a filled template
// with one department vetoed scores as the source would.
func TestTemplateVeto(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "in", "veto.xlsx")
	templateOf(t, "samples/models/veto.xlsx", "-o", tpl)
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	dvs, err := f.GetDataValidations("评分表")
	if err != nil {
		t.Fatal(err)
	}
	lists := 0
	for _, dv := range dvs {
		if dv.Type == "list" {
			lists++
			if dv.Sqref != "E5:F5" || !strings.Contains(dv.Formula1, "否决,通过") {
				t.Errorf("veto list %s %q, want E5:F5 否决,通过", dv.Sqref, dv.Formula1)
			}
		}
	}
	if lists != 1 {
		t.Errorf("%d list validations, want 1", lists)
	}
	if v, _ := f.GetCellValue("评分表", "C5"); v != "一票否决" {
		t.Errorf("veto weight cell %q, want 一票否决", v)
	}
	scores := map[string]any{"E2": 18, "F2": 19, "E3": 25, "F3": 28, "E4": 40, "F4": 49, "E5": "通过", "F5": "否决"}
	for cell, v := range scores {
		if err := f.SetCellValue("评分表", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, code, stderr := runReport(t, filepath.Join(dir, "out"), tpl)
	if code != exitOK || len(got.Files) != 1 || len(got.Files[0].Problems) != 0 {
		t.Fatalf("exit %d, %+v\n%s", code, got.Files, stderr)
	}
	want := map[string]string{"市卫健委": "83.00 良 0", "市交通局": "96.00 差（一票否决：重大安全责任事故） 1"}
	for _, d := range got.Files[0].Departments {
		if g := fmt.Sprintf("%s %s %d", d.Total, d.Grade, len(d.Veto)); g != want[d.Name] {
			t.Errorf("%s: %s, want %s", d.Name, g, want[d.Name])
		}
	}
	// The summary counts the vetoed department under its band, 差.
	if g := got.Summary.Departments.ByGrade; len(g) != 2 || g["良"] != 1 || g["差"] != 1 {
		t.Errorf("summary by grade %v, want 良 1 and 差 1", g)
	}
}
