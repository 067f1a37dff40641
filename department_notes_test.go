package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
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
