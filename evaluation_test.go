package main

import (
	"context"
	"fmt"
	"github.com/rs/zerolog"
	"io"
	"os"
	"path/filepath"
	"perfeval/calc"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"perfeval/samples"
	"perfeval/sheet"
)

// yearEndFolder copies samples/year-end into a fresh folder, the revised
// copy of 市教育局 modified after the original unless originalLast.
func yearEndFolder(t *testing.T, originalLast bool) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join("samples", samples.YearEndDir))
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 12, 30, 9, 0, 0, 0, time.Local)
	for i, e := range entries {
		data, err := os.ReadFile(filepath.Join("samples", samples.YearEndDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(in, e.Name())
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		when := base.Add(time.Duration(i) * time.Minute)
		switch e.Name() {
		case "市教育局（修订）.xlsx":
			when = base.Add(2 * time.Hour)
		case "市教育局.xlsx":
			when = base.Add(time.Hour)
			if originalLast {
				when = base.Add(3 * time.Hour)
			}
		}
		if err := os.Chtimes(path, when, when); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// level1Rate is a department's rate of a level-1 indicator of the
// self-evaluation tree, from its scores: the sum of its leaves' scores ÷
// the sum of their weights.
func level1Rate(scores []string, l1 string) decimal.Decimal {
	var sum, weight decimal.Decimal
	for j, l := range samples.SelfEvalTree {
		if l.L1 == l1 {
			sum = sum.Add(decimal.RequireFromString(scores[j]))
			weight = weight.Add(decimal.RequireFromString(l.Weight))
		}
	}
	return sum.Div(weight)
}

// TestYearEndFolder runs the year-end sample folder as one evaluation
// (spec §8) and reads the report, 批量汇总, the per-department workbooks
// and the shared workbook's result back: ranks across workbooks, the
// department sent twice counted once from the later file, the roster's
// lists, the statistics and the department blocked by its bad cell.
func TestYearEndFolder(t *testing.T) {
	dir := yearEndFolder(t, false)
	rosterPath := filepath.Join("in", "名单.xlsx")
	code, stdout, stderr := runIn(t, dir, "run", "in", "--roster", rosterPath, "--out", "out", "--split", "--report", "out/r.json")
	if code != exitInvalid { // the shared workbook has an error
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, line := range []string{
		"部门    共 5 个：优 1，良 2，中 2",
		"名单    共 6 个：5 个已提交，1 个未提交（市财政局）；1 个不在名单中（市农业农村局）",
		"跳过    in/名单.xlsx（这是 --roster 指定的名单）",
		"in/市直部门评分表.xlsx：1 个错误，0 条警告；1 个部门有错误未计分，其余 2 个部门 → out/市直部门评分表_结果.xlsx，标注副本 → out/市直部门评分表_错误.xlsx",
	} {
		if !strings.Contains(stdout, line+"\n") {
			t.Errorf("stdout lacks %q:\n%s", line, stdout)
		}
	}
	if !strings.Contains(stderr, "部门“市教育局”也在 in/市教育局（修订）.xlsx 中提交") {
		t.Errorf("stderr does not name the copy sent twice:\n%s", stderr)
	}

	// The order of the run: totals straight from the samples' scores.
	order := []string{"市教育局", "市卫健委", "市水利局", "市林业局", "市农业农村局"}
	for i := 1; i < len(order); i++ {
		if !samples.YearEndTotal(order[i-1]).GreaterThan(samples.YearEndTotal(order[i])) {
			t.Fatalf("the sample's totals are not in the expected order at %s", order[i])
		}
	}

	// The report.
	r := readReport(t, filepath.Join(dir, "out/r.json"))
	type seen struct {
		status, total, file, countedIn string
		rank, batchRank, batchOf       int
	}
	got := map[string][]seen{}
	for _, f := range r.Files {
		for _, d := range f.Departments {
			got[d.Name] = append(got[d.Name], seen{d.Status, string(d.Total), filepath.Base(f.Path), d.CountedIn, d.Rank, d.BatchRank, d.BatchOf})
		}
	}
	for i, name := range order {
		var counted []seen
		for _, s := range got[name] {
			if s.status == statusOK {
				counted = append(counted, s)
			}
		}
		if len(counted) != 1 || counted[0].batchRank != i+1 || counted[0].batchOf != 5 || counted[0].total != samples.YearEndTotal(name).StringFixed(2) {
			t.Errorf("%s: %+v, want batch rank %d of 5, total %s", name, got[name], i+1, samples.YearEndTotal(name).StringFixed(2))
		}
	}
	if edu := got["市教育局"]; len(edu) != 2 || edu[0].status != "duplicate" || edu[0].file != "市教育局.xlsx" ||
		edu[0].countedIn != filepath.Join("in", "市教育局（修订）.xlsx") || edu[0].batchRank != 0 || edu[1].file != "市教育局（修订）.xlsx" {
		t.Errorf("市教育局: %+v, want the original marked duplicate, counted in the revised copy", edu)
	}
	if tr := got["市交通局"]; len(tr) != 1 || tr[0].status != statusInvalid || tr[0].rank != 0 || tr[0].batchRank != 0 || tr[0].total != "" {
		t.Errorf("市交通局: %+v, want blocked, without rank or total", tr)
	}
	for _, f := range r.Files {
		codes := map[string]int{}
		for _, p := range f.Problems {
			codes[p.Code]++
		}
		switch filepath.Base(f.Path) {
		case "市教育局.xlsx", "市教育局（修订）.xlsx":
			if codes["sent-twice"] != 1 || f.Status != statusOK {
				t.Errorf("%s: %s %v, want ok with a sent-twice warning", f.Path, f.Status, codes)
			}
		case "市直部门评分表.xlsx":
			if codes["not-number"] != 1 || f.Status != statusInvalid || f.Output == "" || f.Annotated == "" {
				t.Errorf("%s: %s %v, output %q, annotated %q: want invalid with a result and an annotated copy", f.Path, f.Status, codes, f.Output, f.Annotated)
			}
		}
	}
	if r.Summary.Departments.Total != 5 {
		t.Errorf("summary counts %d departments, want 5", r.Summary.Departments.Total)
	}
	if r.Batch == nil || len(r.Batch.Groups) != 1 || r.Batch.Groups[0].Ranked != 5 || r.Batch.Roster == nil ||
		fmt.Sprint(r.Batch.Roster.Missing) != "[市财政局]" || len(r.Batch.Roster.Unknown) != 1 || r.Batch.Roster.Unknown[0].Name != "市农业农村局" {
		t.Fatalf("batch: %+v", r.Batch)
	}

	// Statistics: each level-1 indicator's rates over the five counted.
	scores := map[string][]string{"市教育局": samples.YearEndRevised, "市水利局": samples.SelfEvalScores["市水利局"], "市林业局": samples.SelfEvalScores["市林业局"],
		"市卫健委": samples.YearEndScores["市卫健委"], "市农业农村局": samples.YearEndScores["市农业农村局"]}
	stats, err := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "统计")
	if err != nil {
		t.Fatal(err)
	}
	for _, l1 := range []string{"决策", "过程", "产出效益"} {
		var rates []decimal.Decimal
		sum := decimal.Zero
		for _, name := range order {
			r := level1Rate(scores[name], l1)
			rates = append(rates, r)
			sum = sum.Add(r)
		}
		slices.SortFunc(rates, func(a, b decimal.Decimal) int { return a.Cmp(b) })
		pct := func(d decimal.Decimal) string { return d.Mul(decimal.NewFromInt(100)).StringFixed(2) + "%" }
		mean := sum.Div(decimal.NewFromInt(5))
		want := fmt.Sprintf("\t5\t%s\t%s\t%s\t%s\n", pct(mean), pct(rates[2]), pct(rates[0]), pct(rates[4]))
		line := ""
		for _, l := range strings.Split(stats, "\n") {
			if strings.HasPrefix(l, l1+"\t") {
				line = l + "\n"
			}
		}
		if !strings.HasSuffix(line, want) {
			t.Errorf("统计 %s: %q, want …%q", l1, line, want)
		}
	}

	// 批量汇总's departments: in the run's rank order, then the blocked
	// one, then the copy counted elsewhere.
	depts, err := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "部门汇总")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(depts), "\n")
	header := strings.Split(lines[1], "\t")
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var rows [][]string
	for _, l := range lines[2:] {
		rows = append(rows, strings.Split(l, "\t"))
	}
	if len(rows) != 7 {
		t.Fatalf("部门汇总:\n%s", depts)
	}
	for i, name := range order {
		c := rows[i]
		if c[col["排名"]] != fmt.Sprint(i+1) || c[col["部门"]] != name || c[col["总分"]] != samples.YearEndTotal(name).StringFixed(2) || c[col["状态"]] != "通过" {
			t.Errorf("部门汇总 row %d: %v, want %s ranked %d", i+1, c, name, i+1)
		}
	}
	if c := rows[5]; c[col["部门"]] != "市交通局" || c[col["排名"]] != "" || c[col["等级"]] != "有错误" || !strings.HasPrefix(c[col["状态"]], "未计分") {
		t.Errorf("blocked row: %v", c)
	}
	if c := rows[6]; c[col["部门"]] != "市教育局" || c[col["排名"]] != "" || c[col["状态"]] != "重复提交：以 市教育局（修订）.xlsx 为准，不计入" || c[col["文件"]] != "市教育局.xlsx" { // named below the inputs' folder
		t.Errorf("copy row: %v", c)
	}
	roster, err := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "名单核对")
	if err != nil {
		t.Fatal(err)
	}
	rl := strings.Split(roster, "\n")
	if !strings.HasPrefix(rl[1], "市财政局\t未提交") || !strings.HasPrefix(rl[2], "市农业农村局\t不在名单中") || !strings.Contains(roster, "市交通局\t已提交，有错误未计分") {
		t.Errorf("名单核对:\n%s", roster)
	}

	// Per-department workbooks: the run's rank and means; none for the
	// copy counted elsewhere.
	if _, err := os.Stat(filepath.Join(dir, "out", "市教育局")); !os.IsNotExist(err) {
		t.Errorf("the original 市教育局 has a per-department folder: %v", err)
	}
	edu := filepath.Join(dir, "out", "市教育局（修订）", "部门整体支出绩效评价结果_市教育局.xlsx")
	text, err := sheet.DumpSheet(edu, "评价结果")
	if err != nil {
		t.Fatal(err)
	}
	mean := decimal.Zero
	for _, name := range order {
		mean = mean.Add(level1Rate(scores[name], "决策"))
	}
	meanRow := "平均得分率\t" + mean.Div(decimal.NewFromInt(5)).Mul(decimal.NewFromInt(100)).StringFixed(2) + "%"
	if !strings.Contains(text, "排名\t1 / 5") || !strings.Contains(text, meanRow) {
		t.Errorf("%s lacks 排名 1 / 5 or %q:\n%s", edu, meanRow, text)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "市直部门评分表", "部门整体支出绩效评价结果_市交通局.xlsx")); !os.IsNotExist(err) {
		t.Error("the blocked 市交通局 has a per-department workbook")
	}

	// The shared workbook's own result: its two scored departments ranked
	// within it, the blocked one listed without rank.
	summary, err := sheet.DumpSheet(filepath.Join(dir, "out/市直部门评分表_结果.xlsx"), "汇总")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n1\t市卫健委\t", "\n2\t市农业农村局\t", "\n\t市交通局\t"} {
		if !strings.Contains(summary, want) {
			t.Errorf("汇总 lacks %q:\n%s", want, summary)
		}
	}
}

// TestYearEndModifiedLast: when the original is the file modified last,
// it is the one counted, whatever the names' order.
func TestYearEndModifiedLast(t *testing.T) {
	dir := yearEndFolder(t, true)
	code, stdout, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "out/r.json")
	if code != exitInvalid {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readReport(t, filepath.Join(dir, "out/r.json"))
	for _, f := range r.Files {
		for _, d := range f.Departments {
			if d.Name != "市教育局" {
				continue
			}
			want := "duplicate"
			if filepath.Base(f.Path) == "市教育局.xlsx" {
				want = statusOK
				if string(d.Total) != samples.SelfEvalTotal("市教育局").StringFixed(2) || d.BatchRank != 1 {
					t.Errorf("市教育局 from the original: total %s, batch rank %d", d.Total, d.BatchRank)
				}
			}
			if d.Status != want {
				t.Errorf("%s: 市教育局 %s, want %s", f.Path, d.Status, want)
			}
		}
	}
	// Without --roster there is no roster check.
	if r.Batch == nil || r.Batch.Roster != nil || strings.Contains(stdout, "\n名单    ") {
		t.Errorf("batch %+v\n%s", r.Batch, stdout)
	}
}

// TestUnrelatedTablesRankedApart: tables with other level-1 indicators
// are ranked apart, across workbooks and within one, and shown as
// separate blocks, in the result's 汇总 and in 批量汇总.
func TestUnrelatedTablesRankedApart(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	// One workbook holds the seed table and the KPI form on two sheets;
	// another the bureau's 24 departments.
	both := samples.Seed()
	both.Sheets = append(both.Sheets, samples.KPI().Sheets...)
	if err := sheet.Build(filepath.Join(in, "both.xlsx"), both); err != nil {
		t.Fatal(err)
	}
	if err := sheet.Build(filepath.Join(in, "bureau.xlsx"), samples.Bureau()); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "out/r.json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readReport(t, filepath.Join(dir, "out/r.json"))
	if r.Batch == nil || len(r.Batch.Groups) != 3 {
		t.Fatalf("groups: %+v", r.Batch)
	}
	of := map[string]int{}
	for _, f := range r.Files {
		for _, d := range f.Departments {
			of[d.Name] = d.BatchOf
			if filepath.Base(f.Path) == "both.xlsx" && d.Rank != d.BatchRank {
				t.Errorf("%s: rank %d in its workbook, %d in the run: its table is alone in its group", d.Name, d.Rank, d.BatchRank)
			}
		}
	}
	if of[samples.SeedDepartment] != 1 || of["部门A"] != 3 || of[samples.BureauDepartments[0]] != 24 {
		t.Errorf("ranked among: %v", of)
	}
	summary, err := sheet.DumpSheet(filepath.Join(dir, "out/both_结果.xlsx"), "汇总")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(summary, "\n排名\t部门\t") != 2 || !strings.Contains(summary, "第 1 组") || !strings.Contains(summary, "第 2 组") {
		t.Errorf("汇总 does not show two blocks:\n%s", summary)
	}
	if !strings.Contains(summary, "\n1\t"+samples.SeedDepartment+"\t") || !strings.Contains(summary, "\n1\t部门A\t") {
		t.Errorf("汇总 does not rank each block from 1:\n%s", summary)
	}
	batch, err := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "部门汇总")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(batch, "\n排名\t部门\t") != 3 || !strings.Contains(batch, "（24 个部门参与排名）") {
		t.Errorf("批量汇总 does not show three blocks:\n%s", batch)
	}
}

// TestReadRoster reads rosters as finance offices keep them.
func TestReadRoster(t *testing.T) {
	dir := t.TempDir()
	gbk := []byte{0xca, 0xd0, 0xbd, 0xcc, 0xd3, 0xfd, 0xbe, 0xd6, '\r', '\n', 0xca, 0xd0, 0xcb, 0xae, 0xc0, 0xfb, 0xbe, 0xd6, '\r', '\n'} // 市教育局, 市水利局 in GBK
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"plain.txt", []byte("市教育局\n\n市水利局\n# 备注\n市教育局\n"), "[市教育局 市水利局]"},
		{"bom.txt", []byte("\xEF\xBB\xBF部门名称\n 市教育局 \n市水利局"), "[市教育局 市水利局]"},
		{"gbk.txt", gbk, "[市教育局 市水利局]"},
		{"list.csv", []byte("序号,单位名称,联系人\n1,市教育局,张三\n2,市水利局,李四\n"), "[市教育局 市水利局]"},
		{"numbered.csv", []byte("1,市教育局\n2,市水利局\n"), "[市教育局 市水利局]"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		os.WriteFile(path, c.data, 0o644)
		r, err := readRoster(path)
		if err != nil || fmt.Sprint(r.Names) != c.want {
			t.Errorf("%s: %v %v, want %s", c.name, r, err, c.want)
		}
	}
	book := filepath.Join(dir, "名单.xlsx")
	if err := sheet.Build(book, samples.YearEnd()[samples.YearEndRoster]); err != nil {
		t.Fatal(err)
	}
	if r, err := readRoster(book); err != nil || fmt.Sprint(r.Names) != fmt.Sprint(samples.YearEndRosterNames) {
		t.Errorf("名单.xlsx: %v %v", r, err)
	}
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("\n\n"), 0o644)
	code, _, stderr := runIn(t, dir, "run", "名单.xlsx", "--roster", "empty.txt", "--out", "out")
	if code != exitUsage || !strings.Contains(stderr, "无法读取名单 empty.txt") {
		t.Errorf("an empty roster: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Error("a roster that cannot be read made the output folder")
	}
}

// TestPartialResults: one department's bad score blocks that department
// only; an error in the weights blocks the whole table.
func TestPartialResults(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	one := samples.Bureau()
	one.Sheets[0].Rows[3][6] = "九" // the first department's first score
	if err := sheet.Build(filepath.Join(in, "one.xlsx"), one); err != nil {
		t.Fatal(err)
	}
	tree := samples.Bureau()
	tree.Sheets[0].Rows[3][6] = "九"
	tree.Sheets[0].Rows[4][4] = "一分" // a weight that is not a number
	if err := sheet.Build(filepath.Join(in, "tree.xlsx"), tree); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "out/r.json")
	if code != exitInvalid {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readReport(t, filepath.Join(dir, "out/r.json"))
	byFile := map[string]FileReport{}
	for _, f := range r.Files {
		byFile[filepath.Base(f.Path)] = f
	}
	first := samples.BureauDepartments[0]
	f := byFile["one.xlsx"]
	scored := 0
	for _, d := range f.Departments {
		switch {
		case d.Name == first:
			if d.Status != statusInvalid || d.Rank != 0 || d.Total != "" {
				t.Errorf("%s: %+v, want blocked", first, d)
			}
		case d.Status == statusOK && d.Rank >= 1 && d.Rank <= 23:
			scored++
		}
	}
	if f.Status != statusInvalid || scored != 23 || f.Output == "" || f.Annotated == "" {
		t.Errorf("one.xlsx: %s, %d scored, output %q, annotated %q", f.Status, scored, f.Output, f.Annotated)
	}
	f = byFile["tree.xlsx"]
	if f.Status != statusInvalid || len(f.Departments) != 24 || f.Output != "" || f.Annotated == "" {
		t.Errorf("tree.xlsx: %s, %d departments, output %q: a weight error blocks the whole table", f.Status, len(f.Departments), f.Output)
	}
	for _, d := range f.Departments { // listed, none scored
		if d.Status != statusInvalid || d.Total != "" || d.BatchRank != 0 {
			t.Errorf("tree.xlsx %s: %+v", d.Name, d)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "tree_结果.xlsx")); !os.IsNotExist(err) {
		t.Error("tree.xlsx has a result")
	}
	// The annotated copy marks the bad cell of the partial workbook.
	notes, err := sheet.DumpSheet(filepath.Join(dir, "out", "one_错误.xlsx"), "校验")
	if err != nil || !strings.Contains(notes, first) {
		t.Errorf("one_错误.xlsx 校验: %v\n%s", err, notes)
	}
	// 批量汇总 lists it as 有错误 without rank; the others rank 1…23.
	batch, err := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "部门汇总")
	if err != nil || !strings.Contains(batch, "\n\t"+first+"\t") || !strings.Contains(batch, "\n23\t") || strings.Contains(batch, "\n24\t") {
		t.Errorf("批量汇总: %v\n%s", err, batch)
	}
}

// TestBlockedWorkbooksStillCount: a department whose only workbook has
// errors (in its own cells, or in its table) has sent it: it is listed as
// 有错误, the roster says so, and it is the copy counted when it is the
// latest; two names of one file that fold alike are not copies of each
// other; a level-1 name padded with a full-width space ranks with its
// group.
func TestBlockedWorkbooksStillCount(t *testing.T) {
	dir := yearEndFolder(t, false)
	in := filepath.Join(dir, "in")
	specs := samples.YearEnd()
	// 市水利局 sends a revised copy, later, with a bad cell: the revision
	// counts, blocked.
	water := specs[samples.YearEndDir+"/自评表-水利.xlsx"]
	water.Sheets[0].Rows[3][6] = "优"
	path := filepath.Join(in, "自评表-水利（修订）.xlsx")
	if err := sheet.Build(path, water); err != nil {
		t.Fatal(err)
	}
	late := time.Date(2025, 12, 31, 9, 0, 0, 0, time.Local)
	os.Chtimes(path, late, late)
	// 市财政局 sends a workbook whose weights are broken.
	finance := specs[samples.YearEndDir+"/自评表-水利.xlsx"]
	finance.Sheets[0].Rows[1][0] = "单位名称：市财政局"
	finance.Sheets[0].Rows[3][4] = "五"
	if err := sheet.Build(filepath.Join(in, "财政.xlsx"), finance); err != nil {
		t.Fatal(err)
	}
	// A shared workbook whose level-1 names are padded, with two names
	// that fold alike.
	shared := specs[samples.YearEndDir+"/市直部门评分表.xlsx"]
	for _, row := range shared.Sheets[0].Rows[2:] {
		if row[0] == "决策" {
			row[0] = "决　策"
		}
	}
	shared.Sheets[0].Rows[1][7], shared.Sheets[0].Rows[1][8] = "市Ａ局", "市A局"
	shared.Sheets[0].Rows[6][7] = decimal.RequireFromString("9.5") // no bad cell this time
	if err := sheet.Build(filepath.Join(in, "市直部门评分表.xlsx"), shared); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runIn(t, dir, "run", "in", "--roster", "in/名单.xlsx", "--out", "out", "--split", "--report", "out/r.json")
	if code != exitInvalid {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readReport(t, filepath.Join(dir, "out/r.json"))
	status := map[string]string{}
	for _, f := range r.Files {
		for _, d := range f.Departments {
			status[filepath.Base(f.Path)+"/"+d.Name] = d.Status
		}
	}
	for k, want := range map[string]string{
		"自评表-水利（修订）.xlsx/市水利局": statusInvalid, "自评表-水利.xlsx/市水利局": "duplicate",
		"财政.xlsx/市财政局": statusInvalid, "市直部门评分表.xlsx/市Ａ局": statusOK, "市直部门评分表.xlsx/市A局": statusOK,
	} {
		if status[k] != want {
			t.Errorf("%s: %q, want %q (all: %v)", k, status[k], want, status)
		}
	}
	if r.Batch == nil || len(r.Batch.Groups) != 1 {
		t.Fatalf("a padded level-1 name is a group of its own: %+v", r.Batch)
	}
	if got := fmt.Sprint(r.Batch.Roster.Missing); got != "[市交通局]" {
		t.Errorf("roster missing %s: only 市交通局 sent nothing", got)
	}
	for _, e := range r.Batch.Roster.Sent {
		if (e.Name == "市水利局" || e.Name == "市财政局") == e.Scored {
			t.Errorf("roster: %s scored %v", e.Name, e.Scored)
		}
	}
	batch, err := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "部门汇总")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\t市水利局\t", "\t市财政局\t", "未计分：评分表本身有错误"} {
		if !strings.Contains(batch, want) {
			t.Errorf("批量汇总 lacks %q:\n%s", want, batch)
		}
	}
	// No per-department workbook for a department blocked or counted
	// from another file; the superseded copy has no folder.
	for _, gone := range []string{"自评表-水利", "自评表-水利（修订）", "财政"} {
		if _, err := os.Stat(filepath.Join(dir, "out", gone)); !os.IsNotExist(err) {
			t.Errorf("out/%s exists: %v", gone, err)
		}
	}
	files, _ := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "文件清单")
	if strings.Contains(files, filepath.Join("out", "自评表-水利")+"\n") {
		t.Errorf("文件清单 names a folder never written:\n%s", files)
	}
}

// TestRosterForms: a UTF-16 roster (Notepad's "Unicode") is read; a
// header naming 预算单位名称 beside a code column is found; an
// abbreviated name is offered as the roster name it may be meant as.
func TestRosterForms(t *testing.T) {
	dir := t.TempDir()
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "市教育局\r\n市水利局\r\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	os.WriteFile(filepath.Join(dir, "u16.txt"), utf16, 0o644)
	if r, err := readRoster(filepath.Join(dir, "u16.txt")); err != nil || fmt.Sprint(r.Names) != "[市教育局 市水利局]" {
		t.Errorf("UTF-16: %v %v", r, err)
	}
	os.WriteFile(filepath.Join(dir, "nul.txt"), []byte("a\x00b\x00"), 0o644)
	if _, err := readRoster(filepath.Join(dir, "nul.txt")); err == nil {
		t.Error("a text with NUL bytes and no byte-order mark was read")
	}
	os.WriteFile(filepath.Join(dir, "codes.csv"), []byte("编号,预算单位名称,联系人\nA0,市教育局,张\nA1,市卫生健康委员会,李\n"), 0o644)
	r, err := readRoster(filepath.Join(dir, "codes.csv"))
	if err != nil || fmt.Sprint(r.Names) != "[市教育局 市卫生健康委员会]" {
		t.Fatalf("codes.csv: %v %v", r, err)
	}
	c := r.check([]sheet.BatchFile{{Path: "a.xlsx", Departments: []sheet.BatchDepartment{{Name: "市卫健委"}}}})
	if len(c.Unknown) != 1 || c.Unknown[0].Similar != "市卫生健康委员会" {
		t.Errorf("unknown %+v", c.Unknown)
	}
}

// TestRosterNamesAreNotHeaders: a name holding 单位 or 部门 is a name; a
// title above the header is skipped.
func TestRosterNamesAreNotHeaders(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.txt"), []byte("市财政局\n市教育局\n市事业单位登记局\n市水利局\n"), 0o644)
	if r, err := readRoster(filepath.Join(dir, "r.txt")); err != nil || fmt.Sprint(r.Names) != "[市财政局 市教育局 市事业单位登记局 市水利局]" {
		t.Errorf("names: %v %v", r, err)
	}
	os.WriteFile(filepath.Join(dir, "t.csv"), []byte("2025年度参评单位名单\n序号,部门名称,联系人\n1,市财政局,张\n2,市事业单位登记局,李\n"), 0o644)
	if r, err := readRoster(filepath.Join(dir, "t.csv")); err != nil || fmt.Sprint(r.Names) != "[市财政局 市事业单位登记局]" {
		t.Errorf("titled: %v %v", r, err)
	}
	// A department scored from one file and blocked in another is scored.
	c := (&rosterList{Names: []string{"甲局"}}).check([]sheet.BatchFile{
		{Path: "a.xlsx", Departments: []sheet.BatchDepartment{{Name: "甲局"}}},
		{Path: "b.xlsx", Departments: []sheet.BatchDepartment{{Name: "甲局", Blocked: 1, Whole: true}}},
	})
	if len(c.Entries) != 1 || c.Entries[0].Blocked || len(c.Entries[0].Files) != 2 {
		t.Errorf("roster entry %+v", c.Entries)
	}
}

// TestSplitsInterrupted: when the run is interrupted before a workbook's
// per-department folder is written, its old folder is removed (no old
// score is left beside the new results) and the run says so.
func TestSplitsInterrupted(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runIn(t, dir, "run", filepath.Join(wd(t), "samples", "seed.xlsx"), "--out", "out", "--split")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	split := filepath.Join(dir, "out", "seed")
	if _, err := os.Stat(split); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	outcomes := []outcome{{report: FileReport{Path: "seed.xlsx"}, results: []calc.Result{{}}, splitDir: split}}
	skipped, err := writeSplits(ctx, runOptions{inspectOptions: inspectOptions{Log: zerolog.Nop()}, Jobs: 2, Stdout: io.Discard, Stderr: io.Discard}, outcomes, &sheet.Batch{Files: []sheet.BatchFile{{}}})
	if skipped != 1 || err != nil {
		t.Errorf("skipped %d, %v", skipped, err)
	}
	if _, err := os.Stat(split); !os.IsNotExist(err) {
		t.Errorf("the old per-department folder is still there: %v", err)
	}
}

func wd(t *testing.T) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestFileList: a message names at most five files, then counts them.
func TestFileList(t *testing.T) {
	files := []string{"a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx", "e.xlsx", "f.xlsx", "g.xlsx"}
	for _, tt := range []struct {
		lang  string
		files []string
		want  string
	}{
		{"zh", files[:2], "a.xlsx、b.xlsx"},
		{"zh", files[:5], "a.xlsx、b.xlsx、c.xlsx、d.xlsx、e.xlsx"},
		{"zh", files, "a.xlsx、b.xlsx、c.xlsx、d.xlsx、e.xlsx 等 7 个文件"},
		{"en", files, "a.xlsx, b.xlsx, c.xlsx, d.xlsx, e.xlsx and 2 more files"},
	} {
		if got := fileList(tt.lang, tt.files); got != tt.want {
			t.Errorf("%s %d files: %q, want %q", tt.lang, len(tt.files), got, tt.want)
		}
	}
}
