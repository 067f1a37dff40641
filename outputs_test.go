package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/xuri/excelize/v2"

	"perfeval/internal/ziptest"
	"perfeval/sheet"
)

// book writes a valid workbook at path whose departments are depts (two
// level-1 indicators, weights 40 and 60), creating its folder.
func book(t *testing.T, path string, depts ...string) {
	t.Helper()
	if len(depts) == 0 {
		depts = []string{"甲"}
	}
	rows := []string{"一级指标|分值|" + strings.Join(depts, "|")}
	for _, r := range [][2]string{{"管理", "40"}, {"产出", "60"}} {
		row := r[0] + "|" + r[1]
		for i := range depts {
			row += fmt.Sprintf("|%d", 30+i)
		}
		rows = append(rows, row)
	}
	bookText(t, path, tsv(rows...))
}

// badBook writes a workbook with an error (a score above its weight).
func badBook(t *testing.T, path string) {
	t.Helper()
	bookText(t, path, tsv("一级指标|分值|甲", "管理|40|41", "产出|60|50"))
}

func bookText(t *testing.T, path, text string) {
	t.Helper()
	sheets(t, path, "指标", text)
}

// tree lists every file and folder below dir, relative, sorted; folders
// end in "/".
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(out)
	return out
}

// sums maps files to their SHA-256.
func sums(t *testing.T, paths ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(data)
		out[p] = hex.EncodeToString(s[:])
	}
	return out
}

// runIn runs perfeval in dir (relative paths in args are below dir) and
// returns exit status, stdout and stderr.
func runIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"perfeval"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func readReport(t *testing.T, path string) Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func same(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// TestOutputClashes: a run whose planned outputs would replace an input,
// hold one, or share a path is refused with exit status 3 before any
// byte is written: the inputs keep their bytes and nothing appears.
func TestOutputClashes(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(t *testing.T, dir string) []string // the inputs
		args   []string
		stderr string
	}{
		{"input named like the batch summary, --out the input folder", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/批量汇总.xlsx"))
			book(t, filepath.Join(dir, "in/b.xlsx"))
			return []string{"in/批量汇总.xlsx", "in/b.xlsx"}
		}, []string{"run", "in", "--out", "in"}, "批量汇总 in/批量汇总.xlsx 就是输入文件 in/批量汇总.xlsx"},
		{"English: input named like the batch summary", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/batch-summary.xlsx"))
			book(t, filepath.Join(dir, "in/b.xlsx"))
			return []string{"in/batch-summary.xlsx", "in/b.xlsx"}
		}, []string{"run", "in", "--out", "in", "--lang", "en"}, "the batch summary, in/batch-summary.xlsx, is the input in/batch-summary.xlsx"},
		{"split folder holds an input (-r)", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"), "甲")
			book(t, filepath.Join(dir, "in/a/甲.xlsx"), "乙")
			return []string{"in/a.xlsx", "in/a/甲.xlsx"}
		}, []string{"run", "in", "-r", "--out", "in", "--split"}, "的分部门文件夹 in/a 包含输入文件 in/a/甲.xlsx"},
		{"split folder holds a file perfeval did not write", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"), "甲")
			book(t, filepath.Join(dir, "in/a/甲.xlsx"), "乙")
			return []string{"in/a.xlsx", "in/a/甲.xlsx"}
		}, []string{"run", "in", "--out", "in", "--split"}, "含有不是 perfeval 写出的 in/a/甲.xlsx"},
		{"split folder is an input's folder", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/x.xlsx"))
			book(t, filepath.Join(dir, "in/x/x.xlsx"))
			return []string{"in/x.xlsx", "in/x/x.xlsx"}
		}, []string{"run", "in/x.xlsx", "in/x/x.xlsx", "--out", "in", "--split"}, "包含输入文件 in/x/x.xlsx"},
		{"a result would replace the second input", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			book(t, filepath.Join(dir, "in/a_结果.xlsx"))
			return []string{"in/a.xlsx", "in/a_结果.xlsx"}
		}, []string{"run", "in/a.xlsx", "in/a_结果.xlsx", "--out", "in"}, "in/a.xlsx 的结果 in/a_结果.xlsx 就是输入文件 in/a_结果.xlsx"},
		{"a numbered result would replace an input", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "x/a.xlsx"))
			book(t, filepath.Join(dir, "y/a.xlsx"))
			book(t, filepath.Join(dir, "out/a_结果 (2).xlsx"))
			return []string{"x/a.xlsx", "y/a.xlsx", "out/a_结果 (2).xlsx"}
		}, []string{"run", "x/a.xlsx", "y/a.xlsx", "out/a_结果 (2).xlsx", "--out", "out"}, "y/a.xlsx 的结果 out/a_结果 (2).xlsx 就是输入文件 out/a_结果 (2).xlsx"},
		{"output folder is a link to the input folder", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/批量汇总.xlsx"))
			book(t, filepath.Join(dir, "in/b.xlsx"))
			if err := os.Symlink("in", filepath.Join(dir, "out")); err != nil {
				t.Skip(err)
			}
			return []string{"in/批量汇总.xlsx", "in/b.xlsx"}
		}, []string{"run", "in", "--out", "out"}, "批量汇总 out/批量汇总.xlsx 就是输入文件 in/批量汇总.xlsx"},
		{"an annotated copy would replace an input", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			book(t, filepath.Join(dir, "in/a_错误.xlsx"))
			return []string{"in/a.xlsx", "in/a_错误.xlsx"}
		}, []string{"run", "in/a.xlsx", "in/a_错误.xlsx", "--out", "in"}, "的标注副本 in/a_错误.xlsx 就是输入文件"},
		{"report is an input", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			return []string{"in/a.xlsx"}
		}, []string{"run", "in", "--out", "out", "--report", "in/a.xlsx"}, "报告（--report） in/a.xlsx 就是输入文件 in/a.xlsx"},
		{"report is an input through another path", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			return []string{"in/a.xlsx"}
		}, []string{"run", "in", "--out", "out", "--report", "in/../in/./a.xlsx"}, "就是输入文件 in/a.xlsx"},
		{"log file is an input", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			return []string{"in/a.xlsx"}
		}, []string{"run", "in", "--out", "out", "--log-file", "in/a.xlsx"}, "日志文件（--log-file） in/a.xlsx 就是输入文件 in/a.xlsx"},
		{"log file is a hard link to an input", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			if err := os.Link(filepath.Join(dir, "in/a.xlsx"), filepath.Join(dir, "audit.log")); err != nil {
				t.Skip(err)
			}
			return []string{"in/a.xlsx", "audit.log"}
		}, []string{"run", "in", "--out", "out", "--log-file", "audit.log"}, "就是输入文件 in/a.xlsx"},
		{"report and log file are one file", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			return []string{"in/a.xlsx"}
		}, []string{"run", "in", "--out", "out", "--report", "r.json", "--log-file", "r.json"}, "报告（--report）和日志文件（--log-file）是同一个文件 r.json"},
		{"report is the batch summary", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			book(t, filepath.Join(dir, "in/b.xlsx"))
			return []string{"in/a.xlsx", "in/b.xlsx"}
		}, []string{"run", "in", "--out", "out", "--report", "out/批量汇总.xlsx"}, "是同一个文件 out/批量汇总.xlsx"},
		{"report inside a split folder", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			return []string{"in/a.xlsx"}
		}, []string{"run", "in", "--out", "out", "--split", "--report", "out/a/report.json"}, "的分部门文件夹 out/a 包含报告（--report）"},
		{"report is a folder", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			os.Mkdir(filepath.Join(dir, "rep"), 0o755)
			return []string{"in/a.xlsx"}
		}, []string{"run", "in", "--out", "out", "--report", "rep"}, "已存在且不是普通文件"},
		{"a real workbook named like a result, skipped by name, in the output folder", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			book(t, filepath.Join(dir, "in/a_结果.xlsx"))
			return []string{"in/a.xlsx", "in/a_结果.xlsx"}
		}, []string{"run", "in", "--out", "in"}, "上已有一个不是 perfeval 写出的文件（没有 perfeval 标记）"},
		{"a real workbook named like the batch summary in an output subfolder of a recursive input", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			book(t, filepath.Join(dir, "in/sub/c.xlsx"))
			book(t, filepath.Join(dir, "in/sub/批量汇总.xlsx"))
			return []string{"in/a.xlsx", "in/sub/c.xlsx", "in/sub/批量汇总.xlsx"}
		}, []string{"run", "in", "-r", "--out", "in/sub"}, "就是输入文件 in/sub/批量汇总.xlsx"},
		{"report named like a workbook", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			return []string{"in/a.xlsx"}
		}, []string{"run", "in", "--out", "out", "--report", "other.xlsx"}, "是工作簿的文件名，perfeval 不会把 JSON 写进去"},
		{"log file that is not JSON", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("年度工作记录\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{"in/a.xlsx", "notes.txt"}
		}, []string{"run", "in", "--out", "out", "--log-file", "notes.txt"}, "已存在，且不是 perfeval 写出的 JSON 文件"},
		{"watch: log file is a workbook in the inbox", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "inbox/a.xlsx"))
			return []string{"inbox/a.xlsx"}
		}, []string{"watch", "inbox", "--out", "out", "--log-file", "inbox/a.xlsx"}, "是工作簿的文件名，perfeval 不会把 JSON 写进去"},
		{"result name is a symbolic link to an input", func(t *testing.T, dir string) []string {
			book(t, filepath.Join(dir, "in/a.xlsx"))
			book(t, filepath.Join(dir, "keep.xlsx"))
			os.Mkdir(filepath.Join(dir, "out"), 0o755)
			if err := os.Symlink("../keep.xlsx", filepath.Join(dir, "out/b_结果.xlsx")); err != nil {
				t.Skip(err)
			}
			if err := os.Symlink("in/a.xlsx", filepath.Join(dir, "b.xlsx")); err != nil {
				t.Skip(err)
			}
			return []string{"in/a.xlsx", "keep.xlsx"}
		}, []string{"run", "b.xlsx", "keep.xlsx", "--out", "out"}, "就是输入文件 keep.xlsx"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			inputs := tc.setup(t, dir)
			var abs []string
			for _, in := range inputs {
				abs = append(abs, filepath.Join(dir, in))
			}
			before, beforeTree := sums(t, abs...), tree(t, dir)
			code, _, stderr := runIn(t, dir, tc.args...)
			if code != exitFailure {
				t.Fatalf("exit %d, want %d\n%s", code, exitFailure, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q\nwant %q", stderr, tc.stderr)
			}
			if !strings.Contains(stderr, "hint: ") {
				t.Errorf("no hint: %q", stderr)
			}
			if after := sums(t, abs...); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Error("an input changed")
			}
			if after := tree(t, dir); !same(after, beforeTree) {
				t.Errorf("files changed:\n%v\nwant\n%v", after, beforeTree)
			}
		})
	}
}

// TestSameNameInputs: two inputs of one name get results that do not
// overwrite each other, the same on every run.
func TestSameNameInputs(t *testing.T) {
	dir := t.TempDir()
	book(t, filepath.Join(dir, "x/a.xlsx"), "甲")
	book(t, filepath.Join(dir, "y/a.xlsx"), "乙")
	book(t, filepath.Join(dir, "y/A.xlsm"), "丙")
	inputs := sums(t, filepath.Join(dir, "x/a.xlsx"), filepath.Join(dir, "y/a.xlsx"), filepath.Join(dir, "y/A.xlsm"))
	code, _, stderr := runIn(t, dir, "run", "x", "y", "--out", "out", "--split", "--report", "r.json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	// In path order: x/a.xlsx, y/A.xlsm, y/a.xlsx; names differing only in
	// case are taken as the same (they are on Windows and macOS).
	want := []string{"a/", "a/部门整体支出绩效评价结果_甲.xlsx", "A (2)/", "A (2)/部门整体支出绩效评价结果_丙.xlsx", "a (3)/", "a (3)/部门整体支出绩效评价结果_乙.xlsx", "A_结果.xlsm", "a_结果 (2).xlsx", "a_结果.xlsx", "批量汇总.xlsx"}
	sort.Strings(want)
	if got := tree(t, filepath.Join(dir, "out")); !same(got, want) {
		t.Errorf("out holds %v\nwant %v", got, want)
	}
	r := readReport(t, filepath.Join(dir, "r.json"))
	if r.Files[2].Output != filepath.Join("out", "a_结果 (2).xlsx") || r.Files[2].Departments[0].Name != "乙" {
		t.Errorf("third input: %+v", r.Files[2])
	}
	if fmt.Sprint(sums(t, filepath.Join(dir, "x/a.xlsx"), filepath.Join(dir, "y/a.xlsx"), filepath.Join(dir, "y/A.xlsm"))) != fmt.Sprint(inputs) {
		t.Error("an input changed")
	}
}

// TestMarks: every workbook perfeval writes carries its mark, read back
// by excelize and by ReadMark.
func TestMarks(t *testing.T) {
	dir := t.TempDir()
	book(t, filepath.Join(dir, "in/a.xlsx"), "甲", "乙")
	badBook(t, filepath.Join(dir, "in/b.xlsx"))
	code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--split")
	if code != exitInvalid {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	sum := sums(t, filepath.Join(dir, "in/a.xlsx"))[filepath.Join(dir, "in/a.xlsx")]
	for path, want := range map[string]sheet.Mark{
		"out/a_结果.xlsx": {Kind: "result", Source: "a.xlsx", SourceSHA256: sum},
		"out/a/部门整体支出绩效评价结果_甲.xlsx": {Kind: "department", Department: "甲", Source: "a.xlsx", SourceSHA256: sum},
		"out/a/部门整体支出绩效评价结果_乙.xlsx": {Kind: "department", Department: "乙", Source: "a.xlsx", SourceSHA256: sum},
		"out/b_错误.xlsx": {Kind: "annotated", Source: "b.xlsx"},
		"out/批量汇总.xlsx": {Kind: "batch-summary"},
	} {
		m, ok, err := sheet.ReadMark(filepath.Join(dir, path))
		if want.Kind == "annotated" {
			m.SourceSHA256 = ""
		}
		if !ok || err != nil || m != want {
			t.Errorf("%s: mark %+v %v %v, want %+v", path, m, ok, err, want)
		}
		props, err := sheet.CustomProps(filepath.Join(dir, path))
		if err != nil || props["perfeval"] != want.Kind {
			t.Errorf("%s: excelize reads %v %v", path, props, err)
		}
	}
	if _, ok, _ := sheet.ReadMark(filepath.Join(dir, "in/a.xlsx")); ok {
		t.Error("an input carries a mark")
	}
}

// TestOwnOutputsSkipped: perfeval's outputs are never read as inputs,
// whatever their name, and each skipped file is named in the tally and
// the report.
func TestOwnOutputsSkipped(t *testing.T) {
	dir := t.TempDir()
	book(t, filepath.Join(dir, "in/a.xlsx"), "甲", "乙")
	book(t, filepath.Join(dir, "in/b.xlsx"), "丙")
	in := sums(t, filepath.Join(dir, "in/a.xlsx"), filepath.Join(dir, "in/b.xlsx"))
	code, _, stderr := runIn(t, dir, "run", "in", "-r", "--out", "in", "--split")
	if code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	first := treeHashes(t, filepath.Join(dir, "in"))
	// A renamed copy of a result and of the summary, as people make them.
	for from, to := range map[string]string{"in/a_结果.xlsx": "in/a_结果 (1).xlsx", "in/批量汇总.xlsx": "in/汇总副本.xlsx"} {
		data, _ := os.ReadFile(filepath.Join(dir, from))
		os.WriteFile(filepath.Join(dir, to), data, 0o644)
	}
	// An old, unmarked output, skipped by its name.
	book(t, filepath.Join(dir, "in/2024自评_结果.xlsx"))
	code, stdout, stderr := runIn(t, dir, "run", "in", "-r", "--out", "in", "--split", "--report", "r.json")
	if code != exitOK {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"跳过    in/a_结果 (1).xlsx（perfeval 写出的结果工作簿）",
		"跳过    in/汇总副本.xlsx（perfeval 写出的批量汇总）",
		"跳过    in/a/（2 个 perfeval 写出的分部门工作簿，来自 a.xlsx）",
		"跳过    in/b/部门整体支出绩效评价结果_丙.xlsx（perfeval 写出的分部门工作簿（丙，来自 b.xlsx））",
		"跳过    in/a_结果.xlsx（perfeval 写出的结果工作簿）",
		"跳过    in/2024自评_结果.xlsx（文件名是 perfeval 输出的名字（*_结果、*_错误））",
		"工作簿  共 2 个：2 个通过，0 个有错误，0 个无法读取；跳过 9 个文件",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "perfeval: 跳过 in/a_结果 (1).xlsx（perfeval 写出的结果工作簿）") || strings.Contains(stderr, "2024自评") {
		t.Errorf("stderr %s", stderr)
	}
	r := readReport(t, filepath.Join(dir, "r.json"))
	if len(r.Files) != 2 || len(r.Skipped) != 9 {
		t.Fatalf("report: %d files, skipped %+v", len(r.Files), r.Skipped)
	}
	var skipped []string
	for _, s := range r.Skipped {
		skipped = append(skipped, s.Path+" "+s.Code)
	}
	want := []string{"in/2024自评_结果.xlsx perfeval-output", "in/a/部门整体支出绩效评价结果_乙.xlsx perfeval-output", "in/a/部门整体支出绩效评价结果_甲.xlsx perfeval-output",
		"in/a_结果 (1).xlsx perfeval-output", "in/a_结果.xlsx perfeval-output", "in/b/部门整体支出绩效评价结果_丙.xlsx perfeval-output",
		"in/b_结果.xlsx perfeval-output", "in/批量汇总.xlsx perfeval-output", "in/汇总副本.xlsx perfeval-output"}
	sort.Strings(skipped)
	sort.Strings(want)
	if !same(skipped, want) {
		t.Errorf("skipped %v\nwant %v", skipped, want)
	}
	second := treeHashes(t, filepath.Join(dir, "in"))
	for name, h := range first {
		if second[name] != h {
			t.Errorf("%s differs after a rerun", name)
		}
	}
	if fmt.Sprint(sums(t, filepath.Join(dir, "in/a.xlsx"), filepath.Join(dir, "in/b.xlsx"))) != fmt.Sprint(in) {
		t.Error("an input changed")
	}
	// check skips them too.
	code, stdout, _ = runIn(t, dir, "check", "in", "-r")
	if code != exitOK || !strings.Contains(stdout, "共 2 个工作簿") || !strings.Contains(stdout, "跳过    in/a/（2 个") {
		t.Errorf("check: exit %d\n%s", code, stdout)
	}
}

// TestSplitFolderReplacedWhole: the per-department folder is the
// workbook's departments now, nothing else; it goes when the workbook
// turns invalid; clashing names are numbered in column order.
func TestSplitFolderReplacedWhole(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in/a.xlsx")
	step := func(want int, wantTree ...string) {
		t.Helper()
		before := sums(t, in)
		code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--split")
		if code != want {
			t.Fatalf("exit %d, want %d\n%s", code, want, stderr)
		}
		sort.Strings(wantTree)
		if got := tree(t, filepath.Join(dir, "out")); !same(got, wantTree) {
			t.Errorf("out holds %v\nwant %v", got, wantTree)
		}
		if fmt.Sprint(sums(t, in)) != fmt.Sprint(before) {
			t.Error("the input changed")
		}
	}
	book(t, in, "甲", "乙")
	step(exitOK, "a/", "a/部门整体支出绩效评价结果_甲.xlsx", "a/部门整体支出绩效评价结果_乙.xlsx", "a_结果.xlsx")
	book(t, in, "甲", "丙") // 乙 renamed 丙
	step(exitOK, "a/", "a/部门整体支出绩效评价结果_甲.xlsx", "a/部门整体支出绩效评价结果_丙.xlsx", "a_结果.xlsx")
	badBook(t, in)
	step(exitInvalid, "a_错误.xlsx")
	// "部门/A" comes first: it keeps the plain name, whatever the ranks.
	book(t, in, "部门/A", "部门_A", "部门:A")
	step(exitOK, "a/", "a/部门整体支出绩效评价结果_部门_A.xlsx", "a/部门整体支出绩效评价结果_部门_A (2).xlsx", "a/部门整体支出绩效评价结果_部门_A (3).xlsx", "a_结果.xlsx")
	for name, dept := range map[string]string{"部门整体支出绩效评价结果_部门_A.xlsx": "部门/A", "部门整体支出绩效评价结果_部门_A (2).xlsx": "部门_A", "部门整体支出绩效评价结果_部门_A (3).xlsx": "部门:A"} {
		m, _, _ := sheet.ReadMark(filepath.Join(dir, "out/a", name))
		if m.Department != dept {
			t.Errorf("%s holds %q, want %q", name, m.Department, dept)
		}
	}
}

// TestLongNames: department and workbook names are shortened to fit 255
// bytes, stay apart, and every output is written.
func TestLongNames(t *testing.T) {
	dir := t.TempDir()
	long79 := strings.Repeat("财", 79)
	long100a := strings.Repeat("政", 100) + "甲"
	long100b := strings.Repeat("政", 100) + "乙"
	name80 := strings.Repeat("绩", 80) + ".xlsx"
	book(t, filepath.Join(dir, "in", name80), long79, long100a, long100b)
	code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--split", "--report", "r.json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got := tree(t, filepath.Join(dir, "out"))
	if len(got) != 5 {
		t.Fatalf("out holds %v", got)
	}
	for _, p := range got {
		for _, part := range strings.Split(strings.TrimSuffix(p, "/"), "/") {
			if len(part) > 255 {
				t.Errorf("%s: a name of %d bytes", p, len(part))
			}
		}
	}
	r := readReport(t, filepath.Join(dir, "r.json"))
	f := r.Files[0]
	if f.Status != statusOK || len(f.Split) != 3 || f.Output == "" {
		t.Fatalf("report: %+v", f)
	}
	if filepath.Base(f.Split[0]) != long79+".xlsx" {
		t.Errorf("a name that fits was shortened: %s", f.Split[0])
	}
	if f.Split[1] == f.Split[2] {
		t.Error("two long names shortened alike")
	}
	for i, d := range []string{long79, long100a, long100b} {
		if m, _, _ := sheet.ReadMark(filepath.Join(dir, f.Split[i])); m.Department != d {
			t.Errorf("%s holds %q", f.Split[i], m.Department)
		}
	}
	// Again: the same names.
	if code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--split"); code != exitOK || !same(tree(t, filepath.Join(dir, "out")), got) {
		t.Errorf("rerun: exit %d, %v\n%s", code, tree(t, filepath.Join(dir, "out")), stderr)
	}
}

// TestWriteFailures: an output that cannot be written makes its workbook
// failed, with the real cause, in the tally, the report, the batch
// summary and the exit status; the report is still written and nothing
// half-written is left. A result that fails once written, as its sync or
// rename runs beside the next workbook (settleLater), fails the same way.
func TestWriteFailures(t *testing.T) {
	cases := []struct {
		name      string
		failOn    string // base name of the output that fails
		err       error
		late      bool // on its sync and rename (testHookSettle), not its write
		message   string
		wantTree  []string
		wantFiles []string // status per input
	}{
		{"disk full on a result", "a_结果.xlsx", syscall.ENOSPC, false, "磁盘已满",
			[]string{"b/", "b/部门整体支出绩效评价结果_乙.xlsx", "b_结果.xlsx", "批量汇总.xlsx", "r.json"}, []string{"failed", "ok"}},
		{"permission on a split folder", "a", syscall.EACCES, false, "没有写入权限",
			[]string{"a_结果.xlsx", "b/", "b/部门整体支出绩效评价结果_乙.xlsx", "b_结果.xlsx", "批量汇总.xlsx", "r.json"}, []string{"failed", "ok"}},
		{"name too long", "b_结果.xlsx", syscall.ENAMETOOLONG, false, "文件名太长",
			[]string{"a/", "a/部门整体支出绩效评价结果_甲.xlsx", "a_结果.xlsx", "批量汇总.xlsx", "r.json"}, []string{"ok", "failed"}},
		{"disk full once a result is written", "a_结果.xlsx", syscall.ENOSPC, true, "磁盘已满",
			[]string{"b/", "b/部门整体支出绩效评价结果_乙.xlsx", "b_结果.xlsx", "批量汇总.xlsx", "r.json"}, []string{"failed", "ok"}},
		{"rename refused once a result is written", "b_结果.xlsx", syscall.EACCES, true, "没有写入权限",
			[]string{"a/", "a/部门整体支出绩效评价结果_甲.xlsx", "a_结果.xlsx", "批量汇总.xlsx", "r.json"}, []string{"ok", "failed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			book(t, filepath.Join(dir, "in/a.xlsx"), "甲")
			book(t, filepath.Join(dir, "in/b.xlsx"), "乙")
			before := sums(t, filepath.Join(dir, "in/a.xlsx"), filepath.Join(dir, "in/b.xlsx"))
			hook := func(path string) error {
				if filepath.Base(path) == tc.failOn {
					return &fs.PathError{Op: "open", Path: path, Err: tc.err}
				}
				return nil
			}
			if tc.late {
				testHookSettle = hook
			} else {
				testHookWrite = hook
			}
			defer func() { testHookWrite, testHookSettle = nil, nil }()
			code, stdout, stderr := runIn(t, dir, "--log-level", "debug", "run", "in", "--out", "out", "--split", "--report", "out/r.json")
			if code != exitFailure {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			// The debug log tells each file's status once its outputs are
			// in place (or not).
			for i, in := range []string{"in/a.xlsx", "in/b.xlsx"} {
				if want := "processed file=" + in + " status=" + tc.wantFiles[i]; !strings.Contains(stderr, want) {
					if tc.failOn == "a" { // the split folder fails at the end of the run, after
						continue
					}
					t.Errorf("no %q in the log:\n%s", want, stderr)
				}
			}
			if !strings.Contains(stderr, tc.message) || !strings.Contains(stderr, "1 个工作簿的输出无法写入") {
				t.Errorf("stderr %s", stderr)
			}
			if !strings.Contains(stdout, "1 个写入失败") {
				t.Errorf("stdout %s", stdout)
			}
			sort.Strings(tc.wantTree)
			if got := tree(t, filepath.Join(dir, "out")); !same(got, tc.wantTree) {
				t.Errorf("out holds %v\nwant %v", got, tc.wantTree)
			}
			r := readReport(t, filepath.Join(dir, "out/r.json"))
			for i, f := range r.Files {
				if f.Status != tc.wantFiles[i] {
					t.Errorf("%s: status %s, want %s", f.Path, f.Status, tc.wantFiles[i])
				}
				if f.Status == statusFailed {
					p := f.Problems[len(f.Problems)-1]
					if p.Code != "write" || !strings.Contains(p.Message, tc.message) || p.Hint == "" {
						t.Errorf("problem %+v", p)
					}
				}
			}
			rows, err := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "文件清单")
			if err != nil || !strings.Contains(rows, "写入失败") {
				t.Errorf("batch summary files: %v\n%s", err, rows)
			}
			// A workbook without its result has no department ranked; the
			// other's is. (One whose split folder failed keeps its result.)
			failed, ok := "甲", "乙"
			if tc.wantFiles[0] == "ok" {
				failed, ok = ok, failed
			}
			if rows, err := sheet.DumpSheet(filepath.Join(dir, "out/批量汇总.xlsx"), "部门汇总"); err != nil || strings.Contains(rows, failed) != !strings.HasSuffix(tc.failOn, "_结果.xlsx") || !strings.Contains(rows, ok) {
				t.Errorf("batch summary departments: %v\n%s", err, rows)
			}
			if fmt.Sprint(sums(t, filepath.Join(dir, "in/a.xlsx"), filepath.Join(dir, "in/b.xlsx"))) != fmt.Sprint(before) {
				t.Error("an input changed")
			}
		})
	}
}

// TestAuditLogWriteFailure: an event that cannot be written fails and
// leaves the file as it was.
func TestAuditLogWriteFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	os.WriteFile(path, []byte("{\"earlier\":1}\n"), 0o644)
	a, err := openAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Log(outcome{report: FileReport{Path: "a.xlsx", Status: statusOK}}); err != nil {
		t.Fatal(err)
	}
	a.file.Close() // every write now fails
	if err := a.Log(outcome{report: FileReport{Path: "b.xlsx", Status: statusOK}}); err == nil {
		t.Error("a failed write was not reported")
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"path":"a.xlsx"`) {
		t.Errorf("log: %q", data)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("torn line %q", l)
		}
	}
}

// TestInterruptedRun: a workbook cut short by Ctrl+C is reported
// interrupted, gets no output, and the run exits 3 with the report and
// tally written.
func TestInterruptedRun(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		book(t, filepath.Join(dir, "in", n+".xlsx"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	testHookInspect = func(path string) {
		if filepath.Base(path) == "b.xlsx" {
			cancel()
		}
	}
	defer func() { testHookInspect = nil }()
	var stdout, stderr bytes.Buffer
	wd, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(wd)
	opts := runOptions{inspectOptions: inspectOptions{Lang: "en", MaxSizeMiB: 256, Log: zerolog.Nop()}, Out: "out", Report: "r.json", Jobs: 1, Stdout: &stdout, Stderr: &stderr}
	err := runRun(ctx, opts, []string{"in"})
	if exitCode(err) != exitFailure || err.Error() != "interrupted after 1 of 3 workbooks; the outputs written are complete, run again to finish" {
		t.Fatalf("error %v", err)
	}
	want := []string{"a_result.xlsx", "batch-summary.xlsx"}
	if got := tree(t, filepath.Join(dir, "out")); !same(got, want) {
		t.Errorf("out holds %v", got)
	}
	r := readReport(t, "r.json")
	var statuses []string
	for _, f := range r.Files {
		code := ""
		if len(f.Problems) > 0 {
			code = f.Problems[len(f.Problems)-1].Code
		}
		statuses = append(statuses, f.Status+" "+code)
	}
	if len(r.Files) != 3 || r.Files[0].Status != statusOK || statuses[1] != "interrupted interrupted" || statuses[2] != "interrupted interrupted" {
		t.Errorf("report statuses %v", statuses)
	}
	if !strings.Contains(stdout.String(), "workbooks    3: 1 ok, 0 invalid, 0 unreadable, 2 interrupted") {
		t.Errorf("stdout %s", stdout.String())
	}
}

// TestEncryptedInputRerun: the result of an encrypted workbook is written
// in the clear, so a rerun gives the same bytes.
func TestEncryptedInputRerun(t *testing.T) {
	dir := t.TempDir()
	path := makeBadInput(t, badCase{sheets: []string{"指标", tsv(good...)}, password: "s3cret"})
	os.Mkdir(filepath.Join(dir, "in"), 0o755)
	data, _ := os.ReadFile(path)
	os.WriteFile(filepath.Join(dir, "in/secret.xlsx"), data, 0o644)
	var runs []map[string]string
	for range 2 {
		code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--split", "--password", "s3cret")
		if code != exitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		runs = append(runs, treeHashes(t, filepath.Join(dir, "out")))
	}
	if len(runs[0]) != 3 || fmt.Sprint(runs[0]) != fmt.Sprint(runs[1]) {
		t.Errorf("reruns differ or are incomplete: %v\n%v", runs[0], runs[1])
	}
	if m, ok, _ := sheet.ReadMark(filepath.Join(dir, "out/secret_结果.xlsx")); !ok || m.Kind != "result" {
		t.Error("the result is not a plain workbook with its mark")
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "in/secret.xlsx")); !bytes.Equal(after, data) {
		t.Error("the input changed")
	}
}

// TestStaleTemporaryFilesRemoved: what killed runs left in the output
// folder goes at the start; a running perfeval's temporary files stay.
func TestStaleTemporaryFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	book(t, filepath.Join(dir, "in/a.xlsx"))
	out := filepath.Join(dir, "out")
	os.MkdirAll(filepath.Join(out, ".pe-4194000-123.tmp/old"), 0o755)
	os.WriteFile(filepath.Join(out, ".pe-4194000-123.tmp/excelize-999"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(out, ".pe-4194000-77.tmp"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(out, ".a_结果.xlsx.12345.tmp"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(out, fmt.Sprintf(".pe-%d-1.tmp", os.Getpid())), []byte("half"), 0o644) // a killed run that had our process id
	live := fmt.Sprintf(".pe-%d-5.tmp", os.Getppid())
	os.WriteFile(filepath.Join(out, live), []byte("busy"), 0o644)
	os.WriteFile(filepath.Join(out, "notes.tmp"), []byte("mine"), 0o644)
	code, _, stderr := runIn(t, dir, "run", "in", "--out", "out")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := []string{live, "a_结果.xlsx", "notes.tmp"}
	sort.Strings(want)
	if got := tree(t, out); !same(got, want) {
		t.Errorf("out holds %v\nwant %v", got, want)
	}
}

// TestStaleSystemTemporaryFilesRemoved: the files a killed run left in
// the system's temporary folder (the report's departments) are removed at
// the next start; nothing else there is: not a live run's, not this
// process's, not a folder, not another program's.
func TestStaleSystemTemporaryFilesRemoved(t *testing.T) {
	dir, tmp := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp)
	book(t, filepath.Join(dir, "in/a.xlsx"))
	os.WriteFile(filepath.Join(tmp, ".pe-4194000-77.tmp"), []byte("[{"), 0o600)
	mine := fmt.Sprintf(".pe-%d-1.tmp", os.Getpid())
	live := fmt.Sprintf(".pe-%d-5.tmp", os.Getppid())
	for _, name := range []string{mine, live, ".x.tmp", "other.tmp"} {
		os.WriteFile(filepath.Join(tmp, name), []byte("keep"), 0o600)
	}
	os.Mkdir(filepath.Join(tmp, ".pe-4194000-9.tmp"), 0o755)
	code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "out/r.json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := []string{".pe-4194000-9.tmp/", ".x.tmp", live, mine, "other.tmp"}
	sort.Strings(want)
	if got := tree(t, tmp); !same(got, want) {
		t.Errorf("TMPDIR holds %v\nwant %v", got, want)
	}
}

// TestWatchNamesNeverShared: in watch, a.xlsx and a.xlsm, or a second
// a.xlsx with other contents, get their own outputs; an interrupted file
// stays in the inbox.
func TestWatchNamesNeverShared(t *testing.T) {
	dir := t.TempDir()
	inbox, out := filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	for _, d := range []string{inbox, filepath.Join(inbox, processedDir), filepath.Join(inbox, failedDir), out} {
		os.MkdirAll(d, 0o755)
	}
	var stdout, stderr bytes.Buffer
	opts := watchOptions{runOptions: runOptions{inspectOptions: inspectOptions{Lang: "zh", MaxSizeMiB: 256, Log: zerolog.Nop()},
		Out: out, Split: true, Jobs: 1, Stdout: &stdout, Stderr: &stderr}, Settle: time.Millisecond, Retries: 1}
	w := &watcher{opts: opts, inbox: inbox, pending: map[string]*candidate{}, noted: map[string]bool{}}
	drop := func(name string, depts ...string) {
		t.Helper()
		path := filepath.Join(inbox, name)
		book(t, path, depts...)
		w.pending[path] = &candidate{}
		w.process(context.Background(), path)
	}
	drop("a.xlsx", "甲")
	drop("a.xlsm", "乙")
	drop("a.xlsx", "丙")
	want := []string{"a/", "a/部门整体支出绩效评价结果_甲.xlsx", "a (2)/", "a (2)/部门整体支出绩效评价结果_乙.xlsx", "a (3)/", "a (3)/部门整体支出绩效评价结果_丙.xlsx",
		"a_结果.xlsx", "a_结果 (2).xlsm", "a_结果 (3).xlsx", stateName, "批量汇总.xlsx"}
	sort.Strings(want)
	if got := tree(t, out); !same(got, want) {
		t.Errorf("out holds %v\nwant %v\n%s", got, want, stderr.String())
	}
	// Interrupted: left in the inbox, nothing written, not moved.
	path := filepath.Join(inbox, "b.xlsx")
	book(t, path)
	w.pending[path] = &candidate{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w.process(ctx, path)
	if _, err := os.Stat(path); err != nil {
		t.Error("the interrupted file left the inbox")
	}
	if got := tree(t, out); !same(got, want) {
		t.Errorf("out holds %v after an interruption", got)
	}
	if !strings.Contains(stderr.String(), "处理被中断，留在收件文件夹") {
		t.Errorf("stderr %s", stderr.String())
	}
	// The same input again (a crash before it was moved): same names.
	w.pending[path] = &candidate{}
	w.process(context.Background(), path)
	os.Rename(filepath.Join(inbox, processedDir, "b.xlsx"), path)
	w.pending[path] = &candidate{}
	w.process(context.Background(), path)
	// b.xlsx holds 甲 as the first a.xlsx did: 甲 was sent again, so the
	// first a.xlsx's per-department folder goes (three names more, two
	// fewer).
	if got := tree(t, out); len(got) != len(want)+1 || slices.Contains(got, "a/") || !slices.Contains(got, "b/") {
		t.Errorf("reprocessing the same input made new names: %v", got)
	}
	// A result dropped into the inbox, under another name, is skipped
	// with a note, once.
	data, _ := os.ReadFile(filepath.Join(out, "a_结果.xlsx"))
	os.WriteFile(filepath.Join(inbox, "转发.xlsx"), data, 0o644)
	w.scan(time.Now())
	w.scan(time.Now())
	if _, pending := w.pending[filepath.Join(inbox, "转发.xlsx")]; pending || strings.Count(stderr.String(), "跳过 "+filepath.Join(inbox, "转发.xlsx")) != 1 {
		t.Errorf("a marked file in the inbox: pending %v\n%s", pending, stderr.String())
	}
	// One that was still arriving when first seen is skipped once complete.
	late := filepath.Join(inbox, "慢.xlsx")
	w.pending[late] = &candidate{}
	os.WriteFile(late, data, 0o644)
	w.process(context.Background(), late)
	if _, err := os.Stat(late); err != nil || strings.Count(stderr.String(), "跳过 "+late) != 1 || len(tree(t, out)) != len(want)+1 {
		t.Errorf("a marked file complete late: %v\n%s", err, stderr.String())
	}
}

// TestReportCannotBeWritten: a report that cannot be written fails the
// run (exit status 3) with the cause and what to do.
func TestReportCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	book(t, filepath.Join(dir, "in/a.xlsx"))
	os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644)
	code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "file/r.json", "--lang", "en")
	if code != exitFailure || !strings.Contains(stderr, "perfeval: cannot write the report file/r.json: ") || !strings.Contains(stderr, "hint: ") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if got := tree(t, filepath.Join(dir, "out")); !same(got, []string{"a_result.xlsx"}) {
		t.Errorf("out holds %v", got)
	}
}

// TestPlan: the plan names every output before anything is written, and
// can be inspected as it is.
func TestPlan(t *testing.T) {
	opts := runOptions{inspectOptions: inspectOptions{Lang: "zh"}, Out: "out", Split: true, Report: "r.json", LogFile: "audit.log"}
	inputs := []string{"x/a.xlsx", "y/a.xlsx", "y/批量汇总.xlsm", "y/" + strings.Repeat("绩", 90) + ".xlsx"}
	if filepath.Separator != '/' {
		t.Skip("paths written with /")
	}
	p, err := planRun(opts, inputs)
	if err != nil {
		t.Fatal(err)
	}
	stem := strings.Repeat("绩", 90)
	long := sheet.FitName(stem, "")
	want := []plannedNames{
		{"out/a_结果.xlsx", "out/a_错误.xlsx", "out/a"},
		{"out/a_结果 (2).xlsx", "out/a_错误 (2).xlsx", "out/a (2)"},
		{"out/批量汇总_结果.xlsm", "out/批量汇总_错误.xlsm", "out/批量汇总"},
		{"out/" + sheet.FitName(stem, "_结果.xlsx"), "out/" + sheet.FitName(stem, "_错误.xlsx"), "out/" + long},
	}
	if fmt.Sprint(p.Files) != fmt.Sprint(want) || p.Summary != "out/批量汇总.xlsx" || p.Report != "r.json" || p.LogFile != "audit.log" {
		t.Errorf("plan %+v", p)
	}
	for _, name := range []string{p.Files[3].result, p.Files[3].annotated, p.Files[3].splitDir} {
		if base := filepath.Base(name); !strings.Contains(base, "~") || len(base) > 255 {
			t.Errorf("long name %q", base)
		}
	}
	// 市.xlsx and 教.xlsx in GBK (not UTF-8) are two names, and
	// ABC.xlsx in GBK folds with abc.xlsx as in UTF-8.
	gbk := []string{"g/\xca\xd0.xlsx", "g/\xbd\xcc.xlsx", "g/\xca\xd0ABC.xlsx", "g/\xca\xd0abc.xlsx"}
	if p, err = planRun(opts, gbk); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"out/\xca\xd0_结果.xlsx", "out/\xbd\xcc_结果.xlsx", "out/\xca\xd0ABC_结果.xlsx", "out/\xca\xd0abc_结果 (2).xlsx"} {
		if p.Files[i].result != want {
			t.Errorf("%q: result %q, want %q", gbk[i], p.Files[i].result, want)
		}
	}
}

// TestOutputFolderCannotBeMade: the report still records every workbook,
// as failed, with the cause.
func TestOutputFolderCannotBeMade(t *testing.T) {
	dir := t.TempDir()
	book(t, filepath.Join(dir, "in/a.xlsx"))
	os.WriteFile(filepath.Join(dir, "out"), []byte("a file"), 0o644)
	code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "r.json")
	if code != exitFailure || !strings.Contains(stderr, "perfeval: 无法写入 out：") || !strings.Contains(stderr, "hint: ") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	r := readReport(t, filepath.Join(dir, "r.json"))
	if len(r.Files) != 1 || r.Files[0].Status != statusFailed || r.Files[0].Problems[0].Code != "write" {
		t.Errorf("report %+v", r)
	}
}

// TestWriterPanicFailsOneFile: an invalid workbook whose styles part has
// an empty font makes excelize panic while its annotated copy is written;
// that file fails (status failed, code write, the writer named), the
// others get their results, the report and tally are written, and no
// temporary file is left.
func TestWriterPanicFailsOneFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "in/b-font.xlsx")
	badBook(t, bad)
	replacePart(t, bad, "xl/styles.xml", `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/></cellXfs></styleSheet>`)
	for _, n := range []string{"a", "c"} {
		book(t, filepath.Join(dir, "in", n+".xlsx"))
	}
	before := sums(t, bad)
	code, stdout, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "r.json", "-j", "1")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailure, stderr)
	}
	rep := readReport(t, filepath.Join(dir, "r.json"))
	got := map[string]string{}
	for _, f := range rep.Files {
		code := ""
		for _, p := range f.Problems {
			if p.Code == "write" {
				code = p.Code
			}
		}
		got[filepath.Base(f.Path)] = f.Status + " " + code
	}
	want := map[string]string{"a.xlsx": "ok ", "b-font.xlsx": "failed write", "c.xlsx": "ok "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if !strings.Contains(stderr, "写出工作簿的程序在这个工作簿上出错") {
		t.Errorf("the cause is not named:\n%s", stderr)
	}
	if !strings.Contains(stdout, "工作簿  共 3 个") {
		t.Errorf("no tally:\n%s", stdout)
	}
	if fmt.Sprint(sums(t, bad)) != fmt.Sprint(before) {
		t.Error("the input changed")
	}
	if got, want := tree(t, filepath.Join(dir, "out")), []string{"a_结果.xlsx", "c_结果.xlsx", "批量汇总.xlsx"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("output folder holds %v, want %v", got, want)
	}
}

// zipAt reads the package at path.
func zipAt(t *testing.T, path string) *zip.Reader {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

// replacePart rewrites one part of a workbook package.
func replacePart(t *testing.T, path, name, content string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = editParts(t, data, func(part string, b []byte) []byte {
		if part == name {
			return []byte(content)
		}
		return b
	})
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editParts is ziptest.Edit, failing t on an error.
func editParts(t *testing.T, data []byte, edit func(name string, part []byte) []byte) []byte {
	t.Helper()
	out, err := ziptest.Edit(data, edit)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFolderEntries: a workbook whose zip holds a folder entry the way
// Java's zip writer makes it (deflated, with a data descriptor) gets its
// result like any other; the folder is not carried.
func TestFolderEntries(t *testing.T) {
	zr := zipAt(t, filepath.Join("samples", "bureau.xlsx"))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// "xl/media_" becomes "xl/media/" below: archive/zip writes no data
	// under a folder's name.
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/media_", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(nil)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "java.xlsx")
	if err := os.WriteFile(in, bytes.ReplaceAll(buf.Bytes(), []byte("xl/media_"), []byte("xl/media/")), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	out := filepath.Join(dir, "out")
	if code := run([]string{"perfeval", "run", in, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	result := filepath.Join(out, "java_结果.xlsx")
	rz, err := zip.OpenReader(result)
	if err != nil {
		t.Fatal(err)
	}
	defer rz.Close()
	for _, f := range rz.File {
		if strings.HasSuffix(f.Name, "/") {
			t.Errorf("the result carries the folder entry %s", f.Name)
		}
	}
	f, err := excelize.OpenFile(result)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rows, err := f.GetRows(f.GetSheetList()[0]); err != nil || len(rows) < 3 {
		t.Errorf("the result's first sheet: %d rows, %v", len(rows), err)
	}
}

// TestDamageNamed: a workbook damaged in one part says where: the sheet,
// or the part when it holds no sheet.
func TestDamageNamed(t *testing.T) {
	whole, err := os.ReadFile(filepath.Join("samples", "bureau.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	damage := func(part string) string {
		data, err := ziptest.EditRaw(whole, part, func(b []byte) []byte { return b[:len(b)/2] }) // cut short
		if err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(t.TempDir(), "damaged.xlsx")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := run([]string{"perfeval", "check", in}, &stdout, &stderr); code != exitInvalid {
			t.Errorf("%s cut short: exit %d, want %d", part, code, exitInvalid)
		}
		return stdout.String() + stderr.String()
	}
	if out := damage("xl/theme/theme1.xml"); !strings.Contains(out, "工作簿已损坏或不完整，无法读取（损坏处：部件 xl/theme/theme1.xml）") {
		t.Errorf("the theme cut short:\n%s", out)
	}
	if out := damage("xl/worksheets/sheet1.xml"); !strings.Contains(out, "（损坏处：工作表 ") {
		t.Errorf("a sheet cut short:\n%s", out)
	}
}

// TestSlashNames: a workbook whose zip names every part with a leading
// "/" (some writers do) gets its outputs, as check passes it: the result
// holds every part the same workbook written plainly gets (its own
// styles too), with the names as Excel writes them, and a workbook with
// errors gets its annotated copy.
func TestSlashNames(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	slashed(t, filepath.Join("samples", "bureau.xlsx"), filepath.Join(in, "slash.xlsx"))
	plain, err := os.ReadFile(filepath.Join("samples", "bureau.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "plain.xlsx"), plain, 0o644); err != nil {
		t.Fatal(err)
	}
	slashed(t, filepath.Join("samples", "year-end", "市直部门评分表.xlsx"), filepath.Join(in, "errors.xlsx"))
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) // the document times are the input's
	for _, name := range []string{"slash.xlsx", "plain.xlsx", "errors.xlsx"} {
		if err := os.Chtimes(filepath.Join(in, name), when, when); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	code := run([]string{"perfeval", "run", in, "--out", out}, &stdout, &stderr)
	if code != exitInvalid || strings.Contains(stdout.String()+stderr.String(), "输出写入失败") {
		t.Fatalf("exit %d, want %d (errors.xlsx has errors), every output written:\n%s%s", code, exitInvalid, stdout.String(), stderr.String())
	}
	got, want := zipParts(t, filepath.Join(out, "slash_结果.xlsx")), zipParts(t, filepath.Join(out, "plain_结果.xlsx"))
	for name := range got {
		if strings.HasPrefix(name, "/") {
			t.Errorf("the result names a part %s", name)
		}
	}
	delete(got, "docProps/custom.xml") // names its input
	delete(want, "docProps/custom.xml")
	if !reflect.DeepEqual(got, want) {
		for name := range want {
			if !bytes.Equal(got[name], want[name]) {
				t.Errorf("%s differs from the plain workbook's result", name)
			}
		}
		t.Errorf("parts %d, want %d", len(got), len(want))
	}
	if values := sheetValues(t, filepath.Join(out, "errors_错误.xlsx")); len(values["评分表"]) < 3 || len(values["校验"]) < 2 {
		t.Errorf("the annotated copy: %v", values)
	}
}

// slashed writes the workbook at src to dst with a "/" before every
// part's name but [Content_Types].xml's.
func slashed(t *testing.T, src, dst string) {
	t.Helper()
	zr := zipAt(t, src)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		h := f.FileHeader
		if !strings.HasPrefix(h.Name, "[") {
			h.Name = "/" + h.Name
		}
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// zipParts is every part of the package at path, unpacked, by name.
func zipParts(t *testing.T, path string) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := ziptest.Parts(data)
	if err != nil {
		t.Fatal(err)
	}
	return parts
}

// sheetValues is every sheet's rows as excelize reads them, by name.
func sheetValues(t *testing.T, path string) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}
