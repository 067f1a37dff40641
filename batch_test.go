package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"perfeval/samples"
	"perfeval/sheet"
)

// batchInbox builds the samples plus a workbook with errors and a text
// file into one folder.
func batchInbox(t *testing.T) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in")
	os.Mkdir(in, 0o755)
	for name, spec := range samples.All() {
		if err := sheet.Build(filepath.Join(in, name), spec); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := sheet.SheetFromText("指标", "一级指标\t分值\t甲\n管理\t40\t41\n产出\t60\t50\n")
	if err := sheet.Build(filepath.Join(in, "bad.xlsx"), sheet.Spec{Sheets: []sheet.SheetSpec{s}}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(in, "notes.xlsx"), []byte("说明文字\n"), 0o644)
	return in
}

// runBatch runs perfeval run and returns its stdout.
func runBatch(t *testing.T, want int, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"perfeval", "run"}, args...), &stdout, &stderr); code != want {
		t.Fatalf("exit %d, want %d\n%s", code, want, stderr.String())
	}
	return stdout.String()
}

// treeHashes maps every file below dir to its SHA-256.
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		sum := sha256.Sum256(data)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	return out
}

// TestJobsGiveIdenticalOutputs: one worker or several, first run or
// re-run, the outputs and the report are the same bytes.
func TestJobsGiveIdenticalOutputs(t *testing.T) {
	in := batchInbox(t)
	out := filepath.Join(t.TempDir(), "out")
	report := filepath.Join(out, "report.json")
	var runs []map[string]string
	var stdouts []string
	for _, jobs := range []string{"1", "2", "4", "2"} {
		stdouts = append(stdouts, runBatch(t, exitInvalid, in, "--out", out, "--report", report, "--split", "--jobs", jobs))
		runs = append(runs, treeHashes(t, out))
	}
	if len(runs[0]) < 30 {
		t.Fatalf("only %d outputs: %v", len(runs[0]), runs[0])
	}
	for i := 1; i < len(runs); i++ {
		if len(runs[i]) != len(runs[0]) {
			t.Fatalf("run %d wrote %d files, run 0 %d", i, len(runs[i]), len(runs[0]))
		}
		for name, h := range runs[0] {
			if runs[i][name] != h {
				t.Errorf("run %d: %s differs", i, name)
			}
		}
		if stdouts[i] != stdouts[0] {
			t.Errorf("run %d printed\n%s\nrun 0 printed\n%s", i, stdouts[i], stdouts[0])
		}
	}
}

// TestSplitHoldsOneDepartment opens every part of every per-department
// workbook and looks for the other departments' names.
func TestSplitHoldsOneDepartment(t *testing.T) {
	in := batchInbox(t)
	out := filepath.Join(t.TempDir(), "out")
	runBatch(t, exitInvalid, in, "--out", out, "--split")
	checkSplit(t, filepath.Join(out, "bureau"), samples.BureauDepartments, 24)
	checkSplit(t, filepath.Join(out, "per-department-en"), samples.PerDepartmentOrder, 3)
	if _, err := os.Stat(filepath.Join(out, "bad")); err == nil {
		t.Error("a workbook with errors got per-department files")
	}
}

func checkSplit(t *testing.T, dir string, departments []string, want int) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if len(files) != want {
		t.Fatalf("%s holds %d workbooks, want %d", dir, len(files), want)
	}
	for _, file := range files {
		own := strings.TrimSuffix(filepath.Base(file), ".xlsx")
		own = own[strings.LastIndex(own, "结果_")+len("结果_"):] // <年度><评价名称>结果_<部门>.xlsx
		z, err := zip.OpenReader(file)
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, part := range z.File {
			rc, err := part.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			all.Write(data)
			for _, other := range departments {
				if other == own || strings.Contains(own, other) {
					continue
				}
				if bytes.Contains(data, []byte(other)) {
					t.Errorf("%s: part %s holds %q", file, part.Name, other)
				}
			}
		}
		z.Close()
		if !strings.Contains(all.String(), own) {
			t.Errorf("%s does not name its own department", file)
		}
	}
	// The seed-like table of one department, read back.
	text, err := sheet.DumpSheet(files[0], sheet.LabelsFor("zh").DeptSheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"一级指标\t", "权重分值\t", "得分\t", "得分率\t"} {
		if !strings.Contains(text, "\n"+row) {
			t.Errorf("%s lacks the %q row:\n%s", files[0], row, text)
		}
	}
}

// TestBatchSummary reads the batch summary back: every department of every
// good workbook, every file with its status, the grade counts and a chart.
func TestBatchSummary(t *testing.T) {
	in := batchInbox(t)
	out := filepath.Join(t.TempDir(), "out")
	stdout := runBatch(t, exitInvalid, in, "--out", out)
	path := filepath.Join(out, "批量汇总.xlsx")
	for _, line := range []string{
		"工作簿  共 5 个：3 个通过，1 个有错误，1 个无法读取；跳过 0 个文件",
		"部门    共 28 个：优 1，良 12，中 11，差 1，Excellent 2，Fair 1",
		"输出    " + out + "（批量汇总 " + path + "）",
	} {
		if !strings.Contains(stdout, line+"\n") {
			t.Errorf("stdout lacks %q:\n%s", line, stdout)
		}
	}
	depts, err := sheet.DumpSheet(path, "部门汇总")
	if err != nil {
		t.Fatal(err)
	}
	// Blocks of departments ranked together (the workbooks' tables have
	// different level-1 indicators), each under a caption and a header.
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(depts), "\n")[1:] {
		cells := strings.Split(line, "\t")
		switch {
		case strings.TrimSpace(line) == "", strings.HasPrefix(line, "第 "), cells[0] == "排名":
		default:
			rows = append(rows, cells)
		}
	}
	// 28 departments ranked, and bad.xlsx's department listed as 有错误.
	ranked, blocked := 0, 0
	for _, r := range rows {
		switch {
		case r[0] != "":
			ranked++
		case strings.Contains(strings.Join(r, "\t"), "\t有错误\t"):
			blocked++
		}
	}
	if ranked != 28 || blocked != 1 || len(rows) != 29 {
		t.Fatalf("部门汇总 has %d rows, %d ranked, %d blocked; want 28 ranked and 1 blocked:\n%s", len(rows), ranked, blocked, depts)
	}
	found := false
	col := map[string]int{}
	for _, line := range strings.Split(depts, "\n") {
		cells := strings.Split(line, "\t")
		if cells[0] == "排名" {
			clear(col)
			for i, h := range cells {
				col[h] = i
			}
			continue
		}
		if len(cells) > col["部门"] && cells[col["部门"]] == samples.SeedDepartment {
			found = true
			if cells[col["总分"]] != "87.96" || cells[col["等级"]] != "良" || cells[col["排名"]] != "1" || cells[col["管理效率得分率"]] != "88.93%" {
				t.Errorf("seed row %v", cells)
			}
		}
	}
	if !found {
		t.Error("no row for the seed department")
	}
	files, _ := sheet.DumpSheet(path, "文件清单")
	for _, want := range []string{"bad.xlsx\t有错误\t1\t1\t0\t\t" + filepath.Join(out, "bad_错误.xlsx"), "notes.xlsx\t无法读取\t0\t1\t0", "seed.xlsx\t通过\t1\t0\t0\t" + filepath.Join(out, "seed_结果.xlsx")} {
		if !strings.Contains(files, want) {
			t.Errorf("文件清单 lacks %q:\n%s", want, files)
		}
	}
	grades, _ := sheet.DumpSheet(path, "等级分布")
	if grades != "等级\t部门数\n优\t1\n良\t12\n中\t11\n差\t1\nExcellent\t2\nFair\t1\n" {
		t.Errorf("等级分布:\n%s", grades)
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	chart := false
	for _, f := range z.File {
		chart = chart || strings.HasPrefix(f.Name, "xl/charts/chart")
	}
	if !chart {
		t.Error("no chart in the batch summary")
	}
	// One workbook: no batch summary.
	one := filepath.Join(t.TempDir(), "one")
	runBatch(t, exitOK, filepath.Join(in, "seed.xlsx"), "--out", one)
	if _, err := os.Stat(filepath.Join(one, "批量汇总.xlsx")); err == nil {
		t.Error("a batch summary for one workbook")
	}
}

// TestAuditLog: one JSON event per workbook, with the input's SHA-256.
func TestAuditLog(t *testing.T) {
	in := batchInbox(t)
	out := filepath.Join(t.TempDir(), "out")
	log := filepath.Join(t.TempDir(), "audit.log")
	runBatch(t, exitInvalid, in, "--out", out, "--log-file", log, "--split")
	runBatch(t, exitInvalid, in, "--out", out, "--log-file", log) // appends
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d events, want 5 per run", len(lines))
	}
	type event struct {
		Event, Path, Sha256, Status string
		Departments, Errors         int
		Outputs                     []string
		DurationMs                  *int64 `json:"duration_ms"`
		Time                        string
	}
	seen := map[string]bool{}
	for _, line := range lines[:5] {
		var e event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		raw, _ := os.ReadFile(e.Path)
		sum := sha256.Sum256(raw)
		if e.Event != "workbook" || e.Sha256 != hex.EncodeToString(sum[:]) || e.DurationMs == nil || e.Time == "" {
			t.Errorf("event %s", line)
		}
		seen[filepath.Base(e.Path)+" "+e.Status] = true
		if filepath.Base(e.Path) == "bureau.xlsx" && (e.Departments != 24 || len(e.Outputs) != 25) {
			t.Errorf("bureau event: %s", line)
		}
	}
	for _, want := range []string{"bad.xlsx invalid", "notes.xlsx unreadable", "seed.xlsx ok"} {
		if !seen[want] {
			t.Errorf("no event %s", want)
		}
	}
}

// TestRecursive reads subfolders but never the output folder inside them.
func TestRecursive(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "2024", "财政"), 0o755)
	os.MkdirAll(filepath.Join(root, ".hidden"), 0o755)
	for i, p := range []string{"a.xlsx", "2024/b.xlsx", "2024/财政/c.xlsx", ".hidden/d.xlsx"} {
		if err := sheet.Build(filepath.Join(root, p), samples.Seed()); err != nil {
			t.Fatal(err)
		}
		// c is the one modified last, whatever the clock's resolution
		// (built in the same tick, a won now and then).
		when := time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)
		if err := os.Chtimes(filepath.Join(root, p), when, when); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(root, "out")
	for range 2 { // the second run finds the first one's outputs inside root
		runBatch(t, exitOK, root, "--recursive", "--out", out, "--split")
	}
	var got []string
	for name := range treeHashes(t, out) {
		got = append(got, name)
	}
	sort.Strings(got)
	// The three workbooks send the same department: it is counted once,
	// from the file modified last (c), and only c's folder has its
	// per-department workbook (spec §8).
	dept := "2021年度部门整体支出绩效评价结果_南阳市政务服务和大数据管理局.xlsx"
	want := "a_结果.xlsx,b_结果.xlsx,c/" + dept + ",c_结果.xlsx,批量汇总.xlsx"
	if strings.Join(got, ",") != want {
		t.Errorf("outputs %v", got)
	}
	flat := runBatch(t, exitOK, root, "--out", filepath.Join(t.TempDir(), "flat"))
	if !strings.Contains(flat, "共 1 个") {
		t.Errorf("without --recursive: %s", flat)
	}
}
