package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/samples"
	"perfeval/sheet"
)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.xlsx")
	if err := sheet.Build(good, samples.Seed()); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.xlsx")
	s, _ := sheet.SheetFromText("指标", "一级指标\t分值\t甲\n管理\t100\t101\n")
	if err := sheet.Build(bad, sheet.Spec{Sheets: []sheet.SheetSpec{s}}); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "not-a-folder")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"all fine", []string{"run", good, "--out", out}, exitOK},
		{"one invalid", []string{"run", good, bad, "--out", out}, exitInvalid},
		{"a missing file", []string{"run", good, filepath.Join(dir, "missing.xlsx"), "--out", out}, exitInvalid},
		{"no paths", []string{"run", "--out", out}, exitUsage},
		{"unknown flag", []string{"run", good, "--nope"}, exitUsage},
		{"bad language", []string{"run", good, "--lang", "de"}, exitUsage},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"output folder is a file", []string{"run", good, "--out", aFile}, exitFailure},
		{"report cannot be written", []string{"run", good, "--out", out, "--report", filepath.Join(aFile, "r.json")}, exitFailure},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		got := run(append([]string{"perfeval"}, tt.args...), &stdout, &stderr)
		if got != tt.want {
			t.Errorf("%s: exit %d, want %d\nstderr: %s", tt.name, got, tt.want, stderr.String())
		}
		if got != exitOK && !strings.Contains(stderr.String(), "perfeval: ") {
			t.Errorf("%s: no diagnostic on stderr", tt.name)
		}
	}
}

// TestOutputNeverReplacesInput: an output path that names the input (here
// through a symbolic link) is refused and the input stays as it was.
func TestOutputNeverReplacesInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.xlsx")
	if err := sheet.Build(in, samples.Seed()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(in)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	if err := os.Symlink(in, filepath.Join(out, "a_结果.xlsx")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"perfeval", "run", in, "--out", out}, &stdout, &stderr); code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFailure, stderr.String())
	}
	if !strings.Contains(stderr.String(), "写入会覆盖它；已停止，未写入任何文件") {
		t.Errorf("stderr %q", stderr.String())
	}
	after, _ := os.ReadFile(in)
	if !bytes.Equal(before, after) {
		t.Fatal("input changed")
	}
}

func TestReorderArgs(t *testing.T) {
	app := newApp(nil, nil, &helpZh, "zh")
	tests := []struct{ in, want string }{
		{"perfeval run inbox --out results", "perfeval run --out results -- inbox"},
		{"perfeval run --out results inbox", "perfeval run --out results -- inbox"},
		{"perfeval run a.xlsx --out=o b.xlsx --lang en", "perfeval run --out=o --lang en -- a.xlsx b.xlsx"},
		{"perfeval run -- --odd-name.xlsx", "perfeval run -- --odd-name.xlsx"},
		{"perfeval help run", "perfeval help -- run"},
		{"perfeval help run --lang en", "perfeval help --lang en -- run"},
		{"perfeval help run -h", "perfeval help -- run"},
		{"perfeval --lang en check a.xlsx --format json", "perfeval check --lang en --format json -- a.xlsx"},
		{"perfeval --lang=en -j 2 run a.xlsx", "perfeval run --lang=en -j 2 -- a.xlsx"},
		{"perfeval -h check", "perfeval help check"},
		{"perfeval --lang en run a.xlsx --help", "perfeval help run"},
		{"perfeval --version run a.xlsx", "perfeval --version"},
		{"perfeval run a.xlsx --version", "perfeval run --version -- a.xlsx"},
		{"perfeval --version", "perfeval --version"},
		{"perfeval a.xlsx", "perfeval a.xlsx"},
	}
	for _, tt := range tests {
		if got := strings.Join(reorderArgs(app, strings.Fields(tt.in)), " "); got != tt.want {
			t.Errorf("reorder(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPanicInOneFileDoesNotStopTheBatch: a panic while processing one
// workbook is that file's failure; the others are processed and nothing
// half-written is left.
func TestPanicInOneFileDoesNotStopTheBatch(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	os.Mkdir(in, 0o755)
	for _, name := range []string{"a.xlsx", "boom.xlsx", "c.xlsx"} {
		if err := sheet.Build(filepath.Join(in, name), samples.Seed()); err != nil {
			t.Fatal(err)
		}
	}
	testHookInspect = func(path string) {
		if filepath.Base(path) == "boom.xlsx" {
			panic("simulated failure")
		}
	}
	defer func() { testHookInspect = nil }()
	var stdout, stderr bytes.Buffer
	report := filepath.Join(dir, "r.json")
	code := run([]string{"perfeval", "run", in, "--out", out, "--report", report, "--log-level", "error", "--log-format", "json"}, &stdout, &stderr)
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d", code, exitInvalid)
	}
	if !strings.Contains(stderr.String(), "boom.xlsx: perfeval 内部错误：simulated failure") || !strings.Contains(stderr.String(), "hint: 其余文件照常处理") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "a_结果.xlsx,c_结果.xlsx,批量汇总.xlsx" {
		t.Errorf("output folder holds %v", names)
	}
	data, _ := os.ReadFile(report)
	var rep Report
	json.Unmarshal(data, &rep)
	if !strings.Contains(string(data), `"code": "internal"`) || rep.Summary.Workbooks.OK != 2 {
		t.Errorf("report:\n%s", data)
	}
}

// TestParkedRows: a workbook's batch rows leave memory for the run's
// batch rows and come back at its end; when they cannot, the run fails
// saying what is written and what to do, and a file it could not park
// keeps its rows in memory.
func TestParkedRows(t *testing.T) {
	dir := t.TempDir()
	rows, err := sheet.NewBatchRows(dir)
	if err != nil {
		t.Fatal(err)
	}
	o := outcome{batch: []sheet.BatchDepartment{{Sheet: "评分表", Name: "甲局", Band: "优"}, {Sheet: "评分表", Name: "乙局", Blocked: 2}}}
	o.park(rows)
	if o.batch != nil || o.parked == nil || o.parked.Len() != 2 {
		t.Fatalf("not parked: %v %v", o.batch, o.parked)
	}
	if err := o.unpark(rows); err != nil {
		t.Fatal(err)
	}
	if len(o.batch) != 2 || o.batch[0].Name != "甲局" || o.batch[0].Band != "优" || o.batch[1].Blocked != 2 || o.parked != nil {
		t.Fatalf("back: %+v", o.batch)
	}

	o.park(rows)
	rows.Close()
	err = o.unpark(rows)
	if err == nil {
		t.Fatal("rows read back from a closed file")
	}
	if msg := rowsLost("zh", dir, false, true, false, err).Error(); !strings.Contains(msg, "无法读回本次运行放在") || !strings.Contains(msg, dir) || !strings.HasSuffix(msg, "没有跨工作簿排名：分部门工作簿没有写出") {
		t.Errorf("message: %s", msg)
	}
	en := rowsLost("en", dir, true, true, true, err)
	if h, ok := en.(hinted); !ok || !strings.Contains(h.hint, "run again") ||
		!strings.HasSuffix(h.Error(), "the batch summary and the per-department workbooks are not written, and the earlier ones were removed, so that no old rank is left") {
		t.Errorf("English: %v", en)
	}

	kept := outcome{batch: []sheet.BatchDepartment{{Name: "丙局"}}}
	kept.park(rows) // closed: kept in memory
	if len(kept.batch) != 1 || kept.parked != nil {
		t.Errorf("a row that could not be parked: %v %v", kept.batch, kept.parked)
	}
	var none *sheet.BatchRows
	kept.park(none)
	if len(kept.batch) != 1 {
		t.Error("a run without batch rows lost a row")
	}
}

// TestRowsLost: when the run's rows cannot be read back, each workbook's
// result is still written and the report and audit log are complete,
// but nothing shows the run's ranks: no batch summary and no
// per-department workbooks, and an earlier run's are removed so that no
// old rank or score is left beside the new results; the run fails
// saying so.
func TestRowsLost(t *testing.T) {
	dir := bureauAndSeed(t)
	args := []string{"run", "in", "--out", "out", "--split", "--log-file", "audit.log", "--report", "r.json"}
	if code, _, stderr := runIn(t, dir, args...); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	summary := filepath.Join(dir, "out", sheet.LabelsFor("zh").BatchName)
	for _, p := range []string{summary, filepath.Join(dir, "out", "a"), filepath.Join(dir, "out", "b")} {
		if _, err := os.Stat(p); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(dir, "audit.log"))

	testHookRows = func(rows *sheet.BatchRows) { rows.Close() }
	defer func() { testHookRows = nil }()
	code, stdout, stderr := runIn(t, dir, args...)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailure, stderr)
	}
	if !strings.Contains(stderr, "无法读回本次运行放在 out 中的临时文件") || !strings.Contains(stderr, "批量汇总和分部门工作簿没有写出，旧的已删除") || !strings.Contains(stderr, "hint: 已写出的结果都是完整的") {
		t.Errorf("message:\n%s", stderr)
	}
	if !strings.Contains(stdout, "部门    未统计") {
		t.Errorf("tally:\n%s", stdout)
	}
	for _, p := range []string{summary, filepath.Join(dir, "out", "a"), filepath.Join(dir, "out", "b")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there: %v", p, err)
		}
	}
	for _, name := range []string{"a_结果.xlsx", "b_结果.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, "out", name)); err != nil {
			t.Error(err)
		}
	}
	r := readReport(t, filepath.Join(dir, "r.json"))
	if len(r.Files) != 2 || r.Batch != nil || r.Files[0].Status != statusOK || len(r.Files[0].Departments) != len(samples.BureauDepartments) || len(r.Files[0].Split) != 0 {
		t.Errorf("report: %d files, batch %v, %+v", len(r.Files), r.Batch, r.Files[0].Status)
	}
	if d := r.Summary.Departments; !d.Uncounted || d.Total != 0 || len(d.ByGrade) != 0 {
		t.Errorf("report's department counts: %+v", d)
	}

	// Without --split or an earlier summary: only what was not written.
	os.RemoveAll(filepath.Join(dir, "out"))
	code, _, stderr = runIn(t, dir, "run", "in", "--out", "out", "--lang", "en")
	if code != exitFailure || !strings.Contains(stderr, "nothing is ranked across the run: the batch summary is not written\n") || strings.Contains(stderr, "removed") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	log, err := os.ReadFile(filepath.Join(dir, "audit.log"))
	if err != nil || strings.Count(string(log), "\n") != 2 {
		t.Errorf("audit log (%v):\n%s", err, log)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "out")); len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("out holds %v", names)
	}
}

// TestSharedSettings: workbooks with the same settings share one copy;
// settings that differ, even only in how a number is written, do not.
func TestSharedSettings(t *testing.T) {
	var ss sharedSettings
	a, b := calc.DefaultSettings(), calc.DefaultSettings()
	if &a.Bands[0] == &b.Bands[0] {
		t.Fatal("two defaults already share their bands")
	}
	first := ss.of(a)
	if got := ss.of(b); &got.Bands[0] != &first.Bands[0] || !reflect.DeepEqual(got, b) {
		t.Error("the same settings are not shared")
	}
	c := calc.DefaultSettings()
	c.TotalPoints = decimal.RequireFromString("100.0") // the same number, written otherwise
	if got := ss.of(c); &got.Bands[0] == &first.Bands[0] || got.TotalPoints.String() != c.TotalPoints.String() || got.TotalPoints.Exponent() != -1 {
		t.Error("settings that differ were shared")
	}
	d := calc.DefaultSettings()
	d.Year = "2025"
	if got := ss.of(d); got.Year != "2025" {
		t.Errorf("year %q", got.Year)
	}
	for i := range 2 * maxShared {
		s := calc.DefaultSettings()
		s.Evaluation = fmt.Sprint(i)
		ss.of(s)
	}
	if len(ss) != maxShared {
		t.Errorf("%d settings kept, want at most %d", len(ss), maxShared)
	}
}

// TestSummaryFailure: when the batch summary cannot be written, an
// earlier run's is removed (its ranks would sit beside the new results)
// and the message says so; the results are written.
func TestSummaryFailure(t *testing.T) {
	dir := bureauAndSeed(t)
	if code, _, stderr := runIn(t, dir, "run", "in", "--out", "out"); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	summary := filepath.Join(dir, "out", sheet.LabelsFor("zh").BatchName)
	if _, err := os.Stat(summary); err != nil {
		t.Fatal(err)
	}
	testHookWrite = func(path string) error {
		if path == filepath.Join("out", sheet.LabelsFor("zh").BatchName) {
			return &fs.PathError{Op: "open", Path: path, Err: syscall.ENOSPC}
		}
		return nil
	}
	defer func() { testHookWrite = nil }()
	code, stdout, stderr := runIn(t, dir, "run", "in", "--out", "out")
	if code != exitFailure {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "无法写入批量汇总 out/批量汇总.xlsx：磁盘已满") || !strings.Contains(stderr, "旧的批量汇总已删除，以免留下旧的排名") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if strings.Contains(stdout, "批量汇总 out") {
		t.Errorf("the tally names a summary not written:\n%s", stdout)
	}
	if _, err := os.Stat(summary); !os.IsNotExist(err) {
		t.Errorf("the earlier summary is still there: %v", err)
	}
	for _, name := range []string{"a_结果.xlsx", "b_结果.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, "out", name)); err != nil {
			t.Error(err)
		}
	}
}

// bureauAndSeed is a folder holding in/a.xlsx (the bureau sample) and
// in/b.xlsx (the seed): two workbooks none of whose departments is a
// copy of the other's, so that each has a per-department folder.
func bureauAndSeed(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := sheet.Build(filepath.Join(in, "a.xlsx"), samples.Bureau()); err != nil {
		t.Fatal(err)
	}
	if err := sheet.Build(filepath.Join(in, "b.xlsx"), samples.Seed()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestOutputHint: a workbook's output that fails for a reason of the
// system gets the hint for it; one the workbook writer refused (excelize
// on a part of this workbook) gets the writer's hint, not "check the
// disk".
func TestOutputHint(t *testing.T) {
	full := &fs.PathError{Op: "write", Path: "out/a_结果.xlsx", Err: syscall.ENOSPC}
	for _, c := range []struct {
		err  error
		want string
	}{
		{full, writeHint("zh", syscall.ENOSPC)},
		{fmt.Errorf("saving: %w", &os.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.EACCES}), writeHint("zh", fs.ErrPermission)},
		{errors.New("expected element <Properties> in name space …"), writeHint("zh", sheet.ErrWriter)},
		{fmt.Errorf("%w: sheet 得分率", sheet.ErrSheetLimit), writeHint("zh", sheet.ErrSheetLimit)},
	} {
		if got := outputHint("zh", c.err); got != c.want {
			t.Errorf("%v: hint %q, want %q", c.err, got, c.want)
		}
	}
	if writeHint("zh", sheet.ErrWriter) == writeHint("zh", errors.New("other")) {
		t.Fatal("the writer's hint is the generic one")
	}
}
