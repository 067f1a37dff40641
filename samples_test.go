package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"perfeval/samples"
	"perfeval/sheet"
)

// runSamples builds every sample into a folder, runs perfeval on it and
// returns the output folder and the report.
func runSamples(t *testing.T, lang string) (in, out string, rep Report) {
	t.Helper()
	dir := t.TempDir()
	in, out = filepath.Join(dir, "in"), filepath.Join(dir, "out")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, spec := range samples.All() {
		if err := sheet.Build(filepath.Join(in, name), spec); err != nil {
			t.Fatal(err)
		}
	}
	before := hashes(t, in)
	var stdout, stderr bytes.Buffer
	reportPath := filepath.Join(dir, "report.json")
	code := run([]string{"perfeval", "run", in, "--out", out, "--report", reportPath, "--lang", lang}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if after := hashes(t, in); !equalMaps(before, after) {
		t.Fatalf("inputs changed: %v → %v", before, after)
	}
	data, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return in, out, rep
}

func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out[e.Name()] = string(h.Sum(nil))
	}
	return out
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// summaryRows reads a result workbook's summary back: header → column,
// and department → its row's cells as shown.
func summaryRows(t *testing.T, path, sheetName string) (map[string]int, map[string][]string) {
	t.Helper()
	text, err := sheet.DumpSheet(path, sheetName)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	cols := map[string]int{}
	for i, h := range strings.Split(lines[1], "\t") {
		cols[h] = i
	}
	rows := map[string][]string{}
	for _, line := range lines[2:] {
		cells := strings.Split(line, "\t")
		if len(cells) > 1 {
			rows[cells[1]] = cells
		}
	}
	return cols, rows
}

func TestSeedSampleResult(t *testing.T) {
	_, out, rep := runSamples(t, "zh")
	cols, rows := summaryRows(t, filepath.Join(out, "seed_结果.xlsx"), "汇总")
	row, ok := rows[samples.SeedDepartment]
	if !ok {
		t.Fatalf("no row for %s in %v", samples.SeedDepartment, rows)
	}
	// The seed report's own table (truncated rates).
	want := map[string]string{
		"管理效率得分": "14.23", "管理效率得分率": "88.93%",
		"运行成本得分": "12.00", "运行成本得分率": "100.00%",
		"履职效能得分": "54.43", "履职效能得分率": "85.04%",
		"服务满意度得分": "4.60", "服务满意度得分率": "92.00%",
		"可持续性得分": "2.70", "可持续性得分率": "90.00%",
		"总分": "87.96", "得分率": "87.96%", "等级": "良", "排名": "1",
	}
	for h, v := range want {
		c, ok := cols[h]
		if !ok {
			t.Errorf("summary has no column %s", h)
			continue
		}
		if row[c] != v {
			t.Errorf("%s = %q, want %q", h, row[c], v)
		}
	}
	if w := rows["分值"]; w == nil || w[cols["管理效率得分"]] != "16.00" || w[cols["履职效能得分"]] != "64.00" || w[cols["总分"]] != "100.00" {
		t.Errorf("weights row %v", w)
	}
	ded := row[cols["主要扣分项"]]
	for _, item := range []string{"预算绩效管理 -1.77", "推进行政审批制度改革 -3.20", "社会满意度 -0.40", "人才支撑 -0.30"} {
		if !strings.Contains(ded, item) {
			t.Errorf("deductions %q lack %q", ded, item)
		}
	}
	var seed *FileReport
	for i := range rep.Files {
		if filepath.Base(rep.Files[i].Path) == "seed.xlsx" {
			seed = &rep.Files[i]
		}
	}
	if seed == nil || seed.Status != "ok" || len(seed.Departments) != 1 {
		t.Fatalf("report for seed.xlsx: %+v", seed)
	}
	d := seed.Departments[0]
	if d.Total != "87.96" || d.Rate != "0.8796" || d.Shown.Total != "87.96" || d.Shown.Rate != "87.96%" || d.Grade != "良" || d.GradeLabel != "良" || d.Rank != 1 {
		t.Errorf("report department %+v", d)
	}
	if l := d.Level1[2]; l.Name != "履职效能" || l.Weight != "64.00" || l.Score != "54.43" || l.Rate != "0.8504" || l.Shown.Rate != "85.04%" || l.Shown.Score != "54.43" {
		t.Errorf("report level-1 %+v", l)
	}
}

// TestBureauSampleResult checks all 24 departments against totals, grades
// and ranks computed here straight from the sample's score table.
func TestBureauSampleResult(t *testing.T) {
	_, out, rep := runSamples(t, "zh")
	cols, rows := summaryRows(t, filepath.Join(out, "bureau_结果.xlsx"), "汇总")
	totals := make([]decimal.Decimal, len(samples.BureauDepartments))
	for i := range totals {
		totals[i] = samples.BureauTotal(i)
	}
	grade := func(d decimal.Decimal) string {
		switch {
		case d.GreaterThanOrEqual(decimal.NewFromInt(90)):
			return "优"
		case d.GreaterThanOrEqual(decimal.NewFromInt(80)):
			return "良"
		case d.GreaterThanOrEqual(decimal.NewFromInt(60)):
			return "中"
		}
		return "差"
	}
	grades := map[string]int{}
	for i, name := range samples.BureauDepartments {
		row, ok := rows[name]
		if !ok {
			t.Fatalf("no summary row for %s", name)
		}
		rank := 1
		for _, other := range totals {
			if other.GreaterThan(totals[i]) {
				rank++
			}
		}
		want := map[string]string{
			"总分": totals[i].StringFixed(2), "得分率": totals[i].StringFixed(2) + "%",
			"等级": grade(totals[i]), "排名": decimal.NewFromInt(int64(rank)).String(),
		}
		for h, v := range want {
			if got := row[cols[h]]; got != v {
				t.Errorf("%s: %s = %q, want %q", name, h, got, v)
			}
		}
		grades[row[cols["等级"]]]++
	}
	for _, g := range []string{"优", "良", "中", "差"} {
		if grades[g] == 0 {
			t.Errorf("no department graded %s: the sample should show every grade", g)
		}
	}
	// 市民政局's 成本节约率 is 不适用: 产出 is scored out of 30, not 40.
	na := samples.BureauDepartments[samples.BureauNA[0]]
	var sum decimal.Decimal
	for j, l := range samples.BureauTree {
		if l.L1 == "产出" && j != samples.BureauNA[1] {
			sum = sum.Add(decimal.RequireFromString(samples.BureauScore(samples.BureauNA[0], j)))
		}
	}
	if got, want := rows[na][cols["产出得分"]], sum.StringFixed(2); got != want {
		t.Errorf("%s 产出得分 = %s, want %s", na, got, want)
	}
	if got, want := rows[na][cols["产出得分率"]], sum.Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(30)).Round(2).StringFixed(2)+"%"; got != want {
		t.Errorf("%s 产出得分率 = %s, want %s", na, got, want)
	}
	// The report agrees with the workbook.
	for _, f := range rep.Files {
		if filepath.Base(f.Path) != "bureau.xlsx" {
			continue
		}
		if len(f.Departments) != len(samples.BureauDepartments) {
			t.Fatalf("report has %d departments", len(f.Departments))
		}
		for _, d := range f.Departments {
			if row := rows[d.Name]; row[cols["总分"]] != d.Shown.Total || row[cols["等级"]] != d.Grade {
				t.Errorf("report %s %s %s, workbook %s %s", d.Name, d.Total, d.Grade, row[cols["总分"]], row[cols["等级"]])
			}
		}
	}
}

// TestPerDepartmentSampleEnglish checks per-department sheets, English
// labels, 1 decimal, half-even rounding and custom grade bands.
func TestPerDepartmentSampleEnglish(t *testing.T) {
	_, out, _ := runSamples(t, "en")
	cols, rows := summaryRows(t, filepath.Join(out, "per-department-en_result.xlsx"), "Summary")
	want := map[string][4]string{ // total, rate, grade, rank
		"Water Bureau":      {"89.8", "89.8%", "Excellent", "2"}, // 89.75 to even
		"Parks Office":      {"98.0", "98.0%", "Excellent", "1"},
		"Transit Authority": {"64.5", "64.5%", "Fair", "3"},
	}
	for name, w := range want {
		row := rows[name]
		if row == nil {
			t.Fatalf("no row for %s", name)
		}
		got := [4]string{row[cols["Total"]], row[cols["Rate"]], row[cols["Grade"]], row[cols["Rank"]]}
		if got != w {
			t.Errorf("%s: %v, want %v", name, got, w)
		}
	}
	// Outputs: 18 + 13.25 = 31.25 of 35, half-even to 31.2.
	if got := rows["Water Bureau"][cols["Outputs score"]]; got != "31.2" {
		t.Errorf("Water Bureau Outputs score %s, want 31.2", got)
	}
	if _, err := sheet.DumpSheet(filepath.Join(out, "per-department-en_result.xlsx"), "Rates"); err != nil {
		t.Error(err)
	}
}
