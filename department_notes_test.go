package main

import (
	"archive/zip"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
	"perfeval/samples"
	"perfeval/sheet"
)

// TestDepartmentShowsApplicableWeights: a department with 不适用 items
// sees its level-1 applicable weight (so score ÷ weight is the rate
// shown), a note naming the declared weight, and how its total was
// rescaled (spec §7.2). 市民政局 of the bureau sample: 产出 22.75 of 30
// applicable points (40 declared), total 100 × 67.35 ÷ 90 = 74.83.
func TestDepartmentShowsApplicableWeights(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr strings.Builder
	if code := run([]string{"perfeval", "run", "samples/bureau.xlsx", "--out", out, "--split"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	f, err := excelize.OpenFile(filepath.Join(out, "bureau", "2022年度部门整体支出绩效评价结果_市民政局.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	find := func(label string) []string {
		for _, r := range rows {
			if len(r) > 0 && r[0] == label {
				return r
			}
		}
		t.Fatalf("no row %s in %v", label, rows)
		return nil
	}
	names, weights, scores, rates := find("一级指标"), find("权重分值"), find("得分"), find("得分率")
	col := -1
	for i, n := range names {
		if n == "产出" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no 产出 in %v", names)
	}
	if weights[col] != "30.00" || scores[col] != "22.75" || rates[col] != "75.83%" {
		t.Errorf("产出 weight %s score %s rate %s, want 30.00 22.75 75.83%%", weights[col], scores[col], rates[col])
	}
	text := ""
	for _, r := range rows {
		text += strings.Join(r, " ") + "\n"
	}
	for _, want := range []string{"产出：权重分值为适用分值 30.00（设定 40.00，不适用的指标不计）", "总分按比例折算：满分 100.00 × 得分 67.35 ÷ 适用分值 90.00 = 74.83"} {
		if !strings.Contains(text, want) {
			t.Errorf("no note %q in\n%s", want, text)
		}
	}
}

// TestVetoRowsShowTheirOutcome: a veto item's weight shows 一票否决 and its
// score 否决 or 通过, in the per-department workbook and in 得分率.
func TestVetoRowsShowTheirOutcome(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr strings.Builder
	if code := run([]string{"perfeval", "run", "samples/models/veto.xlsx", "--out", out, "--split"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	f, err := excelize.OpenFile(filepath.Join(out, "veto", sheet.DepartmentResultName("市交通局", calc.DefaultSettings(), "zh")))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	f.Close()
	got := map[string]string{}
	for _, r := range rows {
		if len(r) > 4 {
			got[r[0]] = r[4]
		}
	}
	if got["一级指标"] != "否决事项" || got["权重分值"] != "一票否决" || got["得分"] != "否决" {
		t.Errorf("veto column: %v", got)
	}
	f, err = excelize.OpenFile(filepath.Join(out, "veto_结果.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rates, _ := f.GetRows("得分率")
	found := false
	for _, r := range rates {
		if len(r) > 5 && r[1] == "重大安全责任事故" {
			found = true
			if r[2] != "一票否决" || r[3] != "通过" || r[5] != "否决" {
				t.Errorf("得分率 veto row %q, want 一票否决 通过 … 否决", r)
			}
		}
	}
	if !found {
		t.Errorf("no veto row in 得分率: %v", rates)
	}
}

// TestSummaryShowsDeductionsAndRescale: 汇总 and 批量汇总 append the
// deductions' sum, and for a rescaled total the applicable points and the
// factor (spec §7.2); 得分率 notes the applicable weight where it differs
// from the declared one. 市民政局 of the bureau sample: 90.00 applicable
// points, factor 100 ÷ 90; 市应急管理局-like departments with a −2
// deduction show −2.00.
func TestSummaryShowsDeductionsAndRescale(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr strings.Builder
	if code := run([]string{"perfeval", "run", "samples/bureau.xlsx", "samples/seed.xlsx", "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	for _, c := range []struct{ file, sheet string }{{"bureau_结果.xlsx", "汇总"}, {"批量汇总.xlsx", "部门汇总"}} {
		text, err := sheet.DumpSheet(filepath.Join(out, c.file), c.sheet)
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		var deducted, rescaled int
		for _, line := range strings.Split(text, "\n") {
			cells := strings.Split(line, "\t")
			if cells[0] == "排名" {
				clear(col)
				for i, h := range cells {
					col[h] = i
				}
				continue
			}
			at := func(h string) string {
				if i, ok := col[h]; ok && i < len(cells) {
					return cells[i]
				}
				return ""
			}
			if at("部门") == "市民政局" {
				if at("适用分值") != "90.00" || at("折算系数") != "1.111111" {
					t.Errorf("%s 市民政局: 适用分值 %q 折算系数 %q", c.file, at("适用分值"), at("折算系数"))
				}
			}
			if at("调节扣分") == "-2.00" {
				deducted++
			}
			if at("折算系数") != "" {
				rescaled++
			}
			if at("部门") == "南阳市政务服务和大数据管理局" && (at("调节扣分") != "" || at("折算系数") != "") {
				t.Errorf("%s: the seed department shows deductions or a rescale: %v", c.file, cells)
			}
		}
		if deducted == 0 || rescaled != 1 {
			t.Errorf("%s %s: %d rows with −2.00 deducted, %d rescaled (want some, 1):\n%s", c.file, c.sheet, deducted, rescaled, text)
		}
	}
	rates, err := sheet.DumpSheet(filepath.Join(out, "bureau_结果.xlsx"), "得分率")
	if err != nil || !strings.Contains(rates, "市民政局 · 产出：适用分值 30.00，得分率按此计算（分值列为设定的 40.00，不适用的指标不计）") {
		t.Errorf("得分率 lacks the applicable-weight note: %v", err)
	}
	seed, err := sheet.DumpSheet(filepath.Join(out, "seed_结果.xlsx"), "汇总")
	if err != nil || strings.Contains(seed, "调节扣分") || strings.Contains(seed, "折算系数") {
		t.Errorf("the seed's 汇总 has extra columns it does not need: %v\n%s", err, seed)
	}
}

// TestExplainScoringModel: check --explain says how scores are read.
func TestExplainScoringModel(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"samples/models/veto.xlsx", "计分方式：分值（得分为该指标分值内的分数）（默认；可在设置中用“计分方式”改为 权重 或 系数）；满分 100；一票否决项 1 个，否决时等级为最低一档"},
		{"samples/models/kpi-weighted.xlsx", "计分方式：权重（分值为占比，得分为 0 到 100 的分数，按占比折成分值）（在设置中声明）；满分 100"},
		{"samples/models/rubric-coefficient.xlsx", "计分方式：系数（得分为 0 到 1 的系数，乘以分值）（在设置中声明）"},
	} {
		var stdout, stderr strings.Builder
		run([]string{"perfeval", "check", "--explain", c.file}, &stdout, &stderr)
		if !strings.Contains(stdout.String(), c.want) {
			t.Errorf("%s: no %q in\n%s", c.file, c.want, stdout.String())
		}
	}
}

// TestVetoZeroNote: with 否决处理 = 总分为0 a vetoed department's workbook
// says why its total is 0 beside level-1 scores that stand.
func TestVetoZeroNote(t *testing.T) {
	dir := t.TempDir()
	spec := samples.Veto()
	for i := range spec.Sheets {
		if spec.Sheets[i].Name == "设置" {
			spec.Sheets[i].Rows = [][]any{{"项目", "值"}, {"否决处理", "总分为0"}}
		}
	}
	if err := sheet.Build(filepath.Join(dir, "veto.xlsx"), spec); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stdout, stderr strings.Builder
	if code := run([]string{"perfeval", "run", filepath.Join(dir, "veto.xlsx"), "--out", out, "--split"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	text, err := sheet.DumpSheet(filepath.Join(out, "veto", "部门整体支出绩效评价结果_市交通局.xlsx"), "评价结果")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "一票否决：按设置“否决处理 = 总分为0”，总分记为 0，各一级指标得分照常列出") || !strings.Contains(text, "\t0.00\n") {
		t.Errorf("no veto note or total 0:\n%s", text)
	}
}

// TestWideSummaryChartOnFirstPage: 汇总 of the bureau sample prints two
// pages wide, its first two columns repeated: the chart of totals is
// anchored right of them (column C), not in them.
func TestWideSummaryChartOnFirstPage(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr strings.Builder
	if code := run([]string{"perfeval", "run", "samples/bureau.xlsx", "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	zr, err := zip.OpenReader(filepath.Join(out, "bureau_结果.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	found := false
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/drawings/drawing") || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if m := regexp.MustCompile(`<xdr:from><xdr:col>(\d+)</xdr:col>`).FindSubmatch(data); m != nil {
			found = true
			if string(m[1]) != "2" {
				t.Errorf("%s: the chart starts in column index %s, want 2 (C)", f.Name, m[1])
			}
		}
	}
	if !found {
		t.Error("no chart drawing in bureau_结果.xlsx")
	}
}
