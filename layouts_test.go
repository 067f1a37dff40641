package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"perfeval/samples"
	"perfeval/sheet"
)

// buildLayouts writes the samples.Layouts() named (paths below samples/)
// into dir, keeping their subfolders.
func buildLayouts(t *testing.T, dir string, names ...string) {
	t.Helper()
	all := samples.Layouts()
	for _, name := range names {
		spec, ok := all[name]
		if !ok {
			t.Fatalf("no layout sample %s", name)
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := sheet.Build(path, spec); err != nil {
			t.Fatal(err)
		}
	}
}

// runLayout runs perfeval run on path with a report, checks that it exits
// 0 and leaves every input in dir as it was, and returns the output
// folder, the report and stderr.
func runLayout(t *testing.T, dir, path string, extra ...string) (out string, rep Report, stderr string) {
	t.Helper()
	out = filepath.Join(t.TempDir(), "out")
	reportPath := filepath.Join(t.TempDir(), "report.json")
	before := treeHashes(t, dir)
	var so, se bytes.Buffer
	args := append([]string{"perfeval", "run", path, "--out", out, "--report", reportPath}, extra...)
	if code := run(args, &so, &se); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, so.String(), se.String())
	}
	if after := treeHashes(t, dir); !equalMaps(before, after) {
		t.Fatalf("inputs changed")
	}
	data, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return out, rep, se.String()
}

// shown is how a result shows x: rounded half-up to decimals.
func shown(x decimal.Decimal, decimals int32) string {
	return x.Round(decimals).StringFixed(decimals)
}

// shownRate is score ÷ weight as a percentage with decimals.
func shownRate(score, weight decimal.Decimal, decimals int32) string {
	return shown(score.Mul(decimal.NewFromInt(100)).Div(weight), decimals) + "%"
}

// level1Sums adds a tree's weights and one unit's scores per level-1
// indicator, in tree order.
func level1Sums(tree []samples.Leaf, scores []string) (names []string, weights, sums map[string]decimal.Decimal) {
	weights, sums = map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for j, l := range tree {
		if _, seen := weights[l.L1]; !seen {
			names = append(names, l.L1)
		}
		weights[l.L1] = weights[l.L1].Add(decimal.RequireFromString(l.Weight))
		sums[l.L1] = sums[l.L1].Add(decimal.RequireFromString(scores[j]))
	}
	return names, weights, sums
}

// rankOf is the rank of totals[i] among totals: 1 plus the number above.
func rankOf(totals []decimal.Decimal, i int) int {
	rank := 1
	for _, other := range totals {
		if other.GreaterThan(totals[i]) {
			rank++
		}
	}
	return rank
}

// checkResult compares one department's summary row and report entry with
// what the sample's own data gives.
func checkResult(t *testing.T, cols map[string]int, row []string, d DepartmentReport, tree []samples.Leaf, scores []string, rank int, english bool, decimals int32) {
	t.Helper()
	name := d.Name
	names, weights, sums := level1Sums(tree, scores)
	total := samples.Sum(scores...)
	totalShown := total.Round(decimals)
	want := map[string]string{
		"总分": shown(total, decimals), "得分率": shownRate(total, decimal.NewFromInt(100), decimals),
		"等级": samples.Grade(totalShown, english), "排名": decimal.NewFromInt(int64(rank)).String(),
	}
	scoreSuffix, rateSuffix := "得分", "得分率"
	if english {
		want = map[string]string{
			"Total": want["总分"], "Rate": want["得分率"], "Grade": want["等级"], "Rank": want["排名"],
		}
		scoreSuffix, rateSuffix = " score", " rate"
	}
	for _, l1 := range names {
		want[l1+scoreSuffix] = shown(sums[l1], decimals)
		want[l1+rateSuffix] = shownRate(sums[l1], weights[l1], decimals)
	}
	for h, v := range want {
		c, ok := cols[h]
		if !ok {
			t.Errorf("%s: summary has no column %q", name, h)
			continue
		}
		if c >= len(row) || row[c] != v {
			t.Errorf("%s: summary %s = %q, want %q (row %q)", name, h, cellAt(row, c), v, row)
		}
	}
	grade := samples.Grade(totalShown, english)
	if string(d.Total) != shown(total, decimals) || d.Shown.Total != string(d.Total) || d.Shown.Rate != shownRate(total, decimal.NewFromInt(100), decimals) || d.Grade != grade || d.Rank != rank {
		t.Errorf("%s: report total %s rate %s grade %s rank %d, want %s %s %s %d",
			name, d.Total, d.Rate, d.Grade, d.Rank, shown(total, decimals), shownRate(total, decimal.NewFromInt(100), decimals), grade, rank)
	}
	if len(d.Level1) != len(names) {
		t.Errorf("%s: report level-1 %+v, want %v", name, d.Level1, names)
		return
	}
	for i, l1 := range names {
		got := d.Level1[i]
		if got.Name != l1 || string(got.Weight) != shown(weights[l1], decimals) || string(got.Score) != shown(sums[l1], decimals) || got.Shown.Rate != shownRate(sums[l1], weights[l1], decimals) {
			t.Errorf("%s: report level-1 %+v, want %s %s %s %s", name, got, l1, shown(weights[l1], decimals), shown(sums[l1], decimals), shownRate(sums[l1], weights[l1], decimals))
		}
	}
}

func cellAt(row []string, c int) string {
	if c < len(row) {
		return row[c]
	}
	return ""
}

// noProblems fails if a file of the report has any problem at all.
func noProblems(t *testing.T, rep Report) {
	t.Helper()
	for _, f := range rep.Files {
		if f.Status != "ok" {
			t.Errorf("%s: status %s", f.Path, f.Status)
		}
		for _, p := range f.Problems {
			t.Errorf("%s: %s %s!%s: %s", f.Path, p.Severity, p.Sheet, p.Cell, p.Message)
		}
	}
}

// TestLayoutSamplesAddUp checks the samples' own data: weights add to 100,
// each unit has a score per leaf within its weight, and the three
// self-evaluations and the three KPI departments fall in different grades.
func TestLayoutSamplesAddUp(t *testing.T) {
	hundred := decimal.NewFromInt(100)
	check := func(name string, tree []samples.Leaf, scores map[string][]string) {
		var weights []string
		for _, l := range tree {
			weights = append(weights, l.Weight)
		}
		if s := samples.Sum(weights...); !s.Equal(hundred) {
			t.Errorf("%s: weights add to %s", name, s)
		}
		for unit, s := range scores {
			if len(s) != len(tree) {
				t.Fatalf("%s: %s has %d scores for %d leaves", name, unit, len(s), len(tree))
			}
			for j, v := range s {
				if x := decimal.RequireFromString(v); x.IsNegative() || x.GreaterThan(decimal.RequireFromString(tree[j].Weight)) {
					t.Errorf("%s: %s scores %s on %s (weight %s)", name, unit, v, tree[j].L3+tree[j].L2, tree[j].Weight)
				}
			}
		}
	}
	check("self-evaluation", samples.SelfEvalTree, samples.SelfEvalScores)
	check("kpi", samples.KPITree, samples.KPIScores)
	check("rubric", samples.RubricTree, samples.RubricScores)
	grades := map[string]bool{}
	for _, unit := range samples.SelfEvalUnits {
		grades[samples.Grade(samples.SelfEvalTotal(unit), false)] = true
	}
	if !grades["优"] || !grades["良"] || !grades["中"] {
		t.Errorf("self-evaluation grades %v, want 优, 良 and 中", grades)
	}
	if len(samples.SelfEvalFiles) != len(samples.SelfEvalUnits) || len(samples.Layouts()) != len(samples.SelfEvalFiles)+2 {
		t.Errorf("layouts %d, self-evaluation files %v", len(samples.Layouts()), samples.SelfEvalFiles)
	}
}

// TestSelfEvaluationSamples runs the folder of three self-evaluations (one
// 自评得分 column each) and reads every unit's name, total and grade back
// from its result's 汇总, the report and 批量汇总: each is named by its
// 单位名称 line, its 填报单位 label or its file name, never by the score
// header, the sheet or the 单位：分 line.
func TestSelfEvaluationSamples(t *testing.T) {
	dir := t.TempDir()
	buildLayouts(t, dir, samples.SelfEvalFiles...)
	out, rep, stderr := runLayout(t, dir, filepath.Join(dir, "self-evaluation"))
	noProblems(t, rep)
	if stderr != "" {
		t.Errorf("stderr:\n%s", stderr)
	}
	if len(rep.Files) != len(samples.SelfEvalFiles) {
		t.Fatalf("report has %d files, want %d", len(rep.Files), len(samples.SelfEvalFiles))
	}
	for i, file := range samples.SelfEvalFiles {
		unit := samples.SelfEvalUnits[i]
		base := filepath.Base(file)
		var f *FileReport
		for k := range rep.Files {
			if filepath.Base(rep.Files[k].Path) == base {
				f = &rep.Files[k]
			}
		}
		if f == nil {
			t.Errorf("report has no %s", base)
			continue
		}
		if len(f.Departments) != 1 || f.Departments[0].Name != unit {
			var names []string
			for _, d := range f.Departments {
				names = append(names, d.Name)
			}
			t.Errorf("%s: units %q, want [%s]", base, names, unit)
			continue
		}
		result := filepath.Join(out, strings.TrimSuffix(base, ".xlsx")+"_结果.xlsx")
		if f.Output != result {
			t.Errorf("%s: output %s, want %s", base, f.Output, result)
		}
		cols, rows := summaryRows(t, result, "汇总")
		row, ok := rows[unit]
		if !ok {
			t.Errorf("%s: 汇总 has no row for %s: %v", base, unit, rows)
			continue
		}
		checkResult(t, cols, row, f.Departments[0], samples.SelfEvalTree, samples.SelfEvalScores[unit], 1, false, 2)
		if want := samples.SelfEvalTotal(unit).StringFixed(2); row[cols["总分"]] != want {
			t.Errorf("%s: 总分 %s, want %s", unit, row[cols["总分"]], want)
		}
	}
	// 批量汇总 lists the three units, by name, and nothing else.
	text, err := sheet.DumpSheet(filepath.Join(out, "批量汇总.xlsx"), "部门汇总")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 2+len(samples.SelfEvalUnits) {
		t.Fatalf("部门汇总 has %d lines, want title, header and %d units:\n%s", len(lines), len(samples.SelfEvalUnits), text)
	}
	col := map[string]int{}
	for i, h := range strings.Split(lines[1], "\t") {
		col[h] = i
	}
	got := map[string]string{}
	for _, line := range lines[2:] {
		cells := strings.Split(line, "\t")
		got[cellAt(cells, col["部门"])] = cellAt(cells, col["总分"]) + " " + cellAt(cells, col["等级"])
	}
	for _, unit := range samples.SelfEvalUnits {
		total := samples.SelfEvalTotal(unit)
		if want := total.StringFixed(2) + " " + samples.Grade(total, false); got[unit] != want {
			t.Errorf("部门汇总 %s: %q, want %q (all: %v)", unit, got[unit], want, got)
		}
	}
	for _, bad := range []string{"自评得分", "得分", "Sheet1", "工作表1", "自评表", "单位：分", "分", "2025自评", "自评表-水利"} {
		if _, ok := got[bad]; ok {
			t.Errorf("a unit is named %q", bad)
		}
	}
}

// TestKPISample runs the KPI form (unnumbered level words, 标准分, 小计
// rows, 得分合计, a legend and a signature line below the total): three
// departments, totals and grades as the sample's data give, and no warning
// at all.
func TestKPISample(t *testing.T) {
	dir := t.TempDir()
	buildLayouts(t, dir, "kpi.xlsx")
	out, rep, stderr := runLayout(t, dir, filepath.Join(dir, "kpi.xlsx"))
	noProblems(t, rep)
	if stderr != "" {
		t.Errorf("stderr:\n%s", stderr)
	}
	if len(rep.Files) != 1 {
		t.Fatalf("report has %d files", len(rep.Files))
	}
	f := rep.Files[0]
	result := filepath.Join(out, "kpi_结果.xlsx")
	if _, err := sheet.DumpSheet(result, "校验"); err == nil {
		t.Error("kpi_结果.xlsx has a 校验 sheet: something was warned about")
	}
	cols, rows := summaryRows(t, result, "汇总")
	totals := make([]decimal.Decimal, len(samples.KPIDepartments))
	for i, name := range samples.KPIDepartments {
		totals[i] = samples.KPITotal(name)
	}
	if len(f.Departments) != len(samples.KPIDepartments) {
		t.Fatalf("report departments %+v, want %v", f.Departments, samples.KPIDepartments)
	}
	for i, name := range samples.KPIDepartments {
		var d *DepartmentReport
		for k := range f.Departments {
			if f.Departments[k].Name == name {
				d = &f.Departments[k]
			}
		}
		row, ok := rows[name]
		if d == nil || !ok {
			t.Errorf("no result for %s (report %v, summary %v)", name, d != nil, ok)
			continue
		}
		checkResult(t, cols, row, *d, samples.KPITree, samples.KPIScores[name], rankOf(totals, i), false, 2)
	}
	if w := rows["分值"]; w == nil || cellAt(w, cols["总分"]) != "100.00" || cellAt(w, cols["业务工作得分"]) != "50.00" {
		t.Errorf("weights row %q", w)
	}
}

// TestKPIExplain: check --explain on the KPI form exits 0 and says how
// the header was read, 标准分 included. The wording is the reader's own.
func TestKPIExplain(t *testing.T) {
	dir := t.TempDir()
	buildLayouts(t, dir, "kpi.xlsx")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"perfeval", "check", "--explain", filepath.Join(dir, "kpi.xlsx")}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	text := stdout.String()
	if !strings.Contains(text, "标准分") {
		t.Errorf("--explain does not mention 标准分:\n%s", text)
	}
	lower := strings.ToLower(text)
	if !strings.Contains(text, "表头") && !strings.Contains(lower, "header") {
		t.Errorf("--explain does not mention the header row:\n%s", text)
	}
}

// TestRubricSample runs the English rubric: its section rows are the
// level-1 indicators (Correctness score, …), "Total (100)" in the Points
// column declares 100 points, totals round half-up to 1 decimal (South's
// 79.95 shows 80.0 and is Good), and nothing is warned about.
func TestRubricSample(t *testing.T) {
	dir := t.TempDir()
	buildLayouts(t, dir, "rubric-en.xlsx")
	out, rep, stderr := runLayout(t, dir, filepath.Join(dir, "rubric-en.xlsx"), "--lang", "en")
	noProblems(t, rep)
	if stderr != "" {
		t.Errorf("stderr:\n%s", stderr)
	}
	if len(rep.Files) != 1 || len(rep.Files[0].Departments) != len(samples.RubricOffices) {
		t.Fatalf("report %+v", rep.Files)
	}
	cols, rows := summaryRows(t, filepath.Join(out, "rubric-en_result.xlsx"), "Summary")
	totals := make([]decimal.Decimal, len(samples.RubricOffices))
	for i, o := range samples.RubricOffices {
		totals[i] = samples.RubricTotal(o)
	}
	for i, o := range samples.RubricOffices {
		var d *DepartmentReport
		for k := range rep.Files[0].Departments {
			if rep.Files[0].Departments[k].Name == o {
				d = &rep.Files[0].Departments[k]
			}
		}
		row, ok := rows[o]
		if d == nil || !ok {
			t.Errorf("no result for %s (report %v, summary %v)", o, d != nil, ok)
			continue
		}
		checkResult(t, cols, row, *d, samples.RubricTree, samples.RubricScores[o], rankOf(totals, i), true, samples.RubricDecimals)
		for _, section := range []string{"Correctness", "Clarity", "Timeliness"} {
			if got, want := cellAt(row, cols[section+" score"]), samples.RubricSection(o, section).StringFixed(samples.RubricDecimals); got != want {
				t.Errorf("%s: %s score %s, want %s", o, section, got, want)
			}
		}
	}
	if got := rows["South Office"]; got != nil && cellAt(got, cols["Grade"]) != "Good" {
		t.Errorf("South Office (79.95, shown 80.0) grade %s, want Good", cellAt(got, cols["Grade"]))
	}
	w := rows["Weight"]
	if w == nil || cellAt(w, cols["Total"]) != "100.0" || cellAt(w, cols["Correctness score"]) != "40.0" || cellAt(w, cols["Timeliness score"]) != "25.0" {
		t.Errorf("weights row %q", w)
	}
}
