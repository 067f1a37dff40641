package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"perfeval/sheet"
)

// TestReportOnStdout: --report - prints the report, and only it, on
// stdout: numbers as JSON numbers with the digits shown, the shown text
// beside them, and a summary that adds up; the per-workbook lines and the
// tally go to stderr.
func TestReportOnStdout(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"perfeval", "run", "samples", "--out", out, "--report", "-"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout.String())
	}
	for _, want := range []string{`"total": 87.96,`, `"rate": 0.8796,`, `"total": "87.96",`, `"rate": "87.96%"`, `"rate": 0.8893,`} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report lacks %s", want)
		}
	}
	for _, want := range []string{"seed.xlsx：1 个部门，0 条警告", "工作簿  共 5 个：5 个通过"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	var r Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	s := r.Summary
	if s.Workbooks.Total != len(r.Files) || s.Workbooks.OK != len(r.Files) || s.Skipped != len(r.Skipped) {
		t.Errorf("summary %+v: %d files, %d skipped", s, len(r.Files), len(r.Skipped))
	}
	departments, byGrade := 0, map[string]int{}
	for _, f := range r.Files {
		for _, d := range f.Departments {
			departments++
			byGrade[d.GradeLabel]++
			if string(d.Total) != d.Shown.Total {
				t.Errorf("%s: total %s shown %s", d.Name, d.Total, d.Shown.Total)
			}
		}
	}
	if s.Departments.Total != departments || len(s.Departments.ByGrade) != len(byGrade) {
		t.Errorf("summary departments %+v, want %d %v", s.Departments, departments, byGrade)
	}
	for g, n := range byGrade {
		if s.Departments.ByGrade[g] != n {
			t.Errorf("summary grade %s: %d, want %d", g, s.Departments.ByGrade[g], n)
		}
	}
}

// TestEncodeReport: the report, written a file at a time, is byte for
// byte what json.Encoder with a two-space indent writes of it: with and
// without a batch, with no files, and with files and skipped ones.
func TestEncodeReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"perfeval", "run", "samples", "--out", out, "--report", "-"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	var full Report
	if err := json.Unmarshal(stdout.Bytes(), &full); err != nil {
		t.Fatal(err)
	}
	if full.Batch == nil || len(full.Files) < 2 || len(full.Skipped) == 0 {
		t.Fatalf("the samples' report lacks a batch, files or skipped ones: %d files, %d skipped", len(full.Files), len(full.Skipped))
	}
	noBatch, oneFile, noFiles := full, full, full
	noBatch.Batch = nil
	oneFile.Files = full.Files[:1]
	noFiles.Files, noFiles.Skipped, noFiles.Batch = []FileReport{}, nil, nil
	for name, r := range map[string]*Report{"samples": &full, "no batch": &noBatch, "one file": &oneFile, "no files": &noFiles} {
		var got, want bytes.Buffer
		if err := encodeReport(&got, r); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: written\n%s\nwant\n%s", name, got.String(), want.String())
		}
		if name == "samples" && got.String() != stdout.String() {
			t.Errorf("samples: read back and written again, the report differs from the run's")
		}
	}
}

// TestNumberJSON: a Number is written with exactly its digits, "" as null,
// and read back the same.
func TestNumberJSON(t *testing.T) {
	type doc struct {
		A, B Number
		C    Number `json:",omitempty"`
	}
	data, err := json.Marshal(doc{A: "87.96", B: ""})
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"A":87.96,"B":null}` {
		t.Errorf("marshal: %s", data)
	}
	var back doc
	if err := json.Unmarshal([]byte(`{"A":0.8796,"B":null,"C":100.00}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.A != "0.8796" || back.B != "" || back.C != "100.00" {
		t.Errorf("unmarshal: %+v", back)
	}
}

// TestReportJQExample runs the jq example of docs/report.md on the
// samples' report and compares its output with the one the doc shows
// (skipped without jq).
func TestReportJQExample(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Skip("jq is not installed")
	}
	doc, err := os.ReadFile(filepath.Join("docs", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	_, rest, _ := strings.Cut(text, "## Departments below 80, with jq")
	_, rest, _ = strings.Cut(rest, "\njq -r '")
	program, rest, _ := strings.Cut(rest, "' out/report.json")
	_, rest, _ = strings.Cut(rest, "prints (tab-separated):\n\n```\n")
	want, _, _ := strings.Cut(rest, "```")
	if program == "" || want == "" {
		t.Fatal("docs/report.md: the jq example or its output is not found")
	}
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"perfeval", "run", "samples", "--out", filepath.Join(dir, "out"), "--report", report}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	got, err := exec.Command(jq, "-r", program, report).Output()
	if err != nil {
		t.Fatalf("jq: %v", err)
	}
	if string(got) != want {
		t.Errorf("jq prints\n%s\ndocs/report.md shows\n%s", got, want)
	}
}

// TestParkedReport: with --report, each file's departments wait on disk
// until the report is written; the report is byte for byte the one made
// with them kept in memory (the file closed before the first workbook),
// sent-twice problems and the run's ranks included. When they cannot be
// read back, the report is not written and the run says why; the
// workbooks' outputs are written all the same.
func TestParkedReport(t *testing.T) {
	defer func() { testHookReports = nil }()
	dir := bureauAndSeed(t)
	// A copy of a department sent in two files: sent-twice problems and
	// the run's ranks reach the report through the parked departments.
	data, err := os.ReadFile(filepath.Join(dir, "in", "a.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "in", "c.xlsx"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	report := func(name string, hook func(stage string, p *sheet.SpillFile)) (int, string, string) {
		testHookReports = hook
		code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", name)
		data, _ := os.ReadFile(filepath.Join(dir, name))
		return code, string(data), stderr
	}
	parkedBytes := int64(0)
	code, parked, stderr := report("parked.json", func(stage string, p *sheet.SpillFile) {
		if stage == "end" {
			parkedBytes = p.Size()
		}
	})
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if parkedBytes == 0 {
		t.Fatal("no department was parked")
	}
	code, kept, stderr := report("kept.json", func(stage string, p *sheet.SpillFile) {
		if stage == "made" {
			p.Close()
		}
	})
	if code != exitOK {
		t.Fatalf("kept in memory: exit %d\n%s", code, stderr)
	}
	if parked != kept {
		t.Errorf("the report from parked departments differs from the one kept in memory:\n%s\nwant\n%s", parked, kept)
	}
	for _, want := range []string{`"code": "sent-twice"`, `"batch_rank": 1`, `"status": "duplicate"`, `"counted_in": "`} {
		if !strings.Contains(parked, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
	os.Remove(filepath.Join(dir, "lost.json"))
	code, lost, stderr := report("lost.json", func(stage string, p *sheet.SpillFile) {
		if stage == "end" {
			p.Close()
		}
	})
	if code != exitFailure || !strings.Contains(stderr, "无法写入报告 lost.json：无法读回本次运行放在临时文件夹中的部门结果") || strings.Contains(stderr, "之前的报告") {
		t.Errorf("departments lost: exit %d\n%s", code, stderr)
	}
	if lost != "" {
		t.Errorf("a report was written without its departments:\n%s", lost)
	}
	for _, name := range []string{"a_结果.xlsx", "b_结果.xlsx", "c_结果.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, "out", name)); err != nil {
			t.Error(err)
		}
	}
	// An earlier report at the path is left, and said not to be this run's.
	code, _, stderr = runIn(t, dir, "run", "in", "--out", "out", "--report", "parked.json")
	if code != exitFailure || !strings.Contains(stderr, "parked.json 仍是之前的报告，不是本次运行的") {
		t.Errorf("departments lost, an earlier report: exit %d\n%s", code, stderr)
	}
	// With the system's temporary folder unusable, the departments wait
	// in the run's, and the report for stdout is not spooled.
	testHookReports = nil
	t.Setenv("TMPDIR", filepath.Join(dir, "missing"))
	code, stdout, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "-")
	if code != exitOK || stdout != parked {
		t.Errorf("TMPDIR unusable: exit %d, the report differs from the file's\n%s", code, stderr)
	}
	os.Unsetenv("TMPDIR")
	// On stdout too the report is whole or not there at all.
	testHookReports = nil
	code, stdout, stderr = runIn(t, dir, "run", "in", "--out", "out", "--report", "-")
	if code != exitOK || stdout != parked {
		t.Errorf("--report -: exit %d, the report differs from the file's\n%s", code, stderr)
	}
	// The last file's departments damaged, after more of the report
	// than a buffer holds has been written.
	for _, name := range []string{"d.xlsx", "e.xlsx", "f.xlsx"} {
		if err := os.WriteFile(filepath.Join(dir, "in", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	testHookReports = func(stage string, p *sheet.SpillFile) {
		if stage == "end" {
			os.Truncate(p.Name(), p.Size()-10)
		}
	}
	code, stdout, stderr = runIn(t, dir, "run", "in", "--out", "out", "--report", "-")
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, "无法写入报告 -") {
		t.Errorf("--report -, departments damaged: exit %d, %d bytes on stdout\n%s", code, len(stdout), stderr)
	}
	// The same with the system's temporary folder unusable: the report is
	// put together in the run's.
	t.Setenv("TMPDIR", filepath.Join(dir, "missing"))
	code, stdout, stderr = runIn(t, dir, "run", "in", "--out", "out", "--report", "-")
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, "无法写入报告 -") {
		t.Errorf("--report -, TMPDIR unusable, departments damaged: exit %d, %d bytes on stdout\n%s", code, len(stdout), stderr)
	}
}

// TestParkedWhole: a parked file's departments come back as they were,
// with the run's ranks; a file never printed (an interrupted run) keeps
// its own; a closed or damaged file is an error, never a report without
// its departments.
func TestParkedWhole(t *testing.T) {
	p, err := sheet.NewSpillFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	depts := []DepartmentReport{
		{Name: "甲", Sheet: "评分", Total: "90.5", Rate: "0.905", Grade: "优", GradeLabel: "优", Status: statusOK, Rank: 1, Veto: []string{},
			Level1: []Level1Report{{Name: "决策", Weight: "20", Score: "18", Rate: "0.9"}}, Deductions: []DeductionReport{}},
		{Name: "乙", Sheet: "评分", Status: statusInvalid, Veto: []string{}, Level1: []Level1Report{}, Deductions: []DeductionReport{}},
	}
	o := outcome{report: FileReport{Path: "a.xlsx", Status: statusOK, Departments: slices.Clone(depts), Problems: []ProblemReport{}}}
	o.report.park(p)
	if o.report.parked == nil {
		t.Fatal("not parked")
	}
	w, err := o.report.whole() // not printed yet
	if err != nil || !reflect.DeepEqual(w.Departments, depts) {
		t.Fatalf("unprinted: %v %+v", err, w.Departments)
	}
	o.compact()
	if o.report.Departments != nil || o.report.departmentCount() != 2 {
		t.Fatalf("printed: departments %v, count %d", o.report.Departments, o.report.departmentCount())
	}
	if w, err = o.report.whole(); err != nil || !reflect.DeepEqual(w.Departments, depts) {
		t.Fatalf("read back: %v %+v", err, w.Departments)
	}
	if o.report.Departments != nil {
		t.Error("whole changed the report it read back")
	}
	os.Truncate(p.Name(), p.Size()-1)
	if _, err := o.report.whole(); err == nil {
		t.Error("a damaged file read back")
	}
	p.Close()
	if _, err := o.report.whole(); err == nil {
		t.Error("a closed file read back")
	}
}

// TestCheckReportParked: check --format json parks each workbook's
// departments too; the document is byte for byte the one made with them
// kept in memory (the system's temporary folder unusable), and its
// summary counts the same grades.
func TestCheckReportParked(t *testing.T) {
	check := func() (string, string) {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"perfeval", "check", "samples", "-r", "--format", "json"}, &stdout, &stderr); code != exitInvalid {
			t.Fatalf("exit %d\n%s", code, stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	parked, _ := check()
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	kept, _ := check()
	if parked != kept {
		t.Errorf("check's report from parked departments differs from the one kept in memory:\n%s\nwant\n%s", parked, kept)
	}
	var r Report
	if err := json.Unmarshal([]byte(parked), &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Departments.Total == 0 || len(r.Summary.Departments.ByGrade) == 0 {
		t.Errorf("summary %+v", r.Summary.Departments)
	}
}

// TestLateProblemsParked: problems found at the end of a run (sent twice)
// wait on disk with a parked file's departments and come back with them,
// after the file's own problems and in the order added, also once the
// disk could not take one (those after it stay in memory); a file that
// fails at the end gets them back in its problems and out of the counts
// of those dropped.
func TestLateProblemsParked(t *testing.T) {
	store, err := sheet.NewSpillFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	own := make([]ProblemReport, 1, 8) // room after it: whole must not write there
	own[0] = ProblemReport{Severity: "warning", Message: "own"}
	fr := FileReport{Path: "a.xlsx", Problems: own, Departments: []DepartmentReport{{Name: "甲", Status: statusOK, GradeLabel: "优"}}}
	fr.park(store)
	fr.dropParked()
	if fr.parked == nil || !fr.compacted {
		t.Fatal("not parked")
	}
	late := func(msg, severity string) ProblemReport { return ProblemReport{Severity: severity, Message: msg} }
	gbk := "部门也在 g/\xca\xd0\xbd\xcc.xlsx 中提交" // a GBK file name: its bytes come back as they were
	fr.addLateProblem(late("one", "warning"))
	fr.addLateProblem(late(gbk, "error"))
	if len(fr.parked.problems) != 2 || len(fr.Problems) != 1 {
		t.Fatalf("%d parked, %d in memory", len(fr.parked.problems), len(fr.Problems))
	}
	fr.parked.late = append(fr.parked.late, late("three", "warning")) // as when the disk refused it
	fr.addLateProblem(late("four", "warning"))                        // so after it, in memory too
	w, err := fr.whole()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range w.Problems {
		got = append(got, p.Message)
	}
	if strings.Join(got, ",") != "own,one,"+gbk+",three,four" || len(w.Departments) != 1 {
		t.Errorf("problems %q, departments %d", got, len(w.Departments))
	}
	if len(fr.Problems) != 1 || own[:2][1].Message != "" {
		t.Errorf("whole wrote into the file's own problems: %v", own[:2])
	}
	// A --split that fails at the end: the problems come back.
	fr.droppedErrors, fr.droppedWarnings = 1, 3
	o := outcome{report: fr}.fail("en", "out/a", errors.New("boom"))
	got = got[:0]
	for _, p := range o.report.Problems {
		got = append(got, p.Message)
	}
	if len(got) != 6 || strings.Join(got[:5], ",") != "own,one,"+gbk+",three,four" || o.report.droppedErrors != 0 || o.report.droppedWarnings != 0 {
		t.Errorf("after fail: problems %v, dropped %d errors %d warnings", got, o.report.droppedErrors, o.report.droppedWarnings)
	}
	if e, w := problemCounts(o.report); e != 2 || w != 4 {
		t.Errorf("counts %d errors %d warnings, want 2 and 4", e, w)
	}
}

// TestProblemEncoding: a parked problem comes back with every field's
// bytes as they were, text that is not UTF-8 included (JSON made it
// U+FFFD), and damaged bytes are an error.
func TestProblemEncoding(t *testing.T) {
	var p ProblemReport
	v := reflect.ValueOf(&p).Elem()
	for i := range v.NumField() {
		if v.Field(i).Kind() != reflect.String {
			t.Fatalf("ProblemReport.%s is not text: encodeProblem writes text only", v.Type().Field(i).Name)
		}
		v.Field(i).SetString(fmt.Sprintf("%s \xca\xd0 %d", v.Type().Field(i).Name, i))
	}
	b := encodeProblem(p)
	got, err := decodeProblem(b)
	if err != nil || got != p {
		t.Errorf("%+v %v, want %+v", got, err, p)
	}
	for _, bad := range [][]byte{b[:len(b)-1], append(b, 0), {0xff}} {
		if _, err := decodeProblem(bad); !errors.Is(err, errBadProblem) {
			t.Errorf("%q: %v, want errBadProblem", bad, err)
		}
	}
}

// TestParkValue: a report's departments, every field set (text that is
// not UTF-8 too, nil and empty lists apart), come back from parkValue as
// they were, and JSON writes them the same; damaged bytes are an error,
// never a panic; a kind parkValue does not know is an error (the file's
// departments then stay in memory).
func TestParkValue(t *testing.T) {
	fill := filler(t)
	depts := make([]DepartmentReport, 3)
	for i := range depts {
		fill(reflect.ValueOf(&depts[i]).Elem())
	}
	depts[1].Veto, depts[1].Deductions = nil, []DeductionReport{}
	b, err := parkValue(nil, reflect.ValueOf(depts))
	if err != nil {
		t.Fatal(err)
	}
	var got []DepartmentReport
	if err := unparkAll(b, reflect.ValueOf(&got).Elem()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, depts) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, depts)
	}
	if got[1].Veto != nil || got[1].Deductions == nil {
		t.Error("nil and empty lists not told apart")
	}
	j1, _ := json.Marshal(depts)
	j2, _ := json.Marshal(got)
	if !bytes.Equal(j1, j2) {
		t.Error("JSON differs once read back")
	}
	for cut := range len(b) {
		var d []DepartmentReport
		if err := unparkAll(b[:cut], reflect.ValueOf(&d).Elem()); err == nil {
			t.Fatalf("cut at %d of %d: no error", cut, len(b))
		}
	}
	var d []DepartmentReport
	if err := unparkAll(append(slices.Clip(b), 0), reflect.ValueOf(&d).Elem()); err == nil {
		t.Error("a byte too many: no error")
	}
	if err := unparkAll([]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, reflect.ValueOf(&d).Elem()); err == nil {
		t.Error("a huge length: no error")
	}
	if _, err := parkValue(nil, reflect.ValueOf(struct{ F float64 }{1})); err == nil {
		t.Error("a float parked")
	}
	// JSON writes the fields an embedded struct promotes; a struct with
	// none to keep would take no bytes: neither is parked.
	type inner struct{ A string }
	if _, err := parkValue(nil, reflect.ValueOf(struct {
		inner
		B string
	}{inner{"a"}, "b"})); err == nil {
		t.Error("an embedded struct parked")
	}
	if _, err := parkValue(nil, reflect.ValueOf([]struct{ a string }{{"x"}})); err == nil {
		t.Error("a struct with no field to keep parked")
	}
	var skip struct {
		A string
		B string `json:"-"`
		c string
	}
	skip.A, skip.B, skip.c = "a", "b", "c"
	b, _ = parkValue(nil, reflect.ValueOf(skip))
	skip.B, skip.c = "", ""
	if want, _ := parkValue(nil, reflect.ValueOf(skip)); !bytes.Equal(b, want) {
		t.Error("a field JSON does not write was parked")
	}
}

// TestIndentJSON: indentJSON writes a file's report as json.MarshalIndent
// does, byte for byte: every field set, none set, every byte and the
// runes JSON escapes in text (check --explain's layout too); it declines
// what it does not write (a number that is not one, a map), for
// encodeReport to leave to json.
func TestIndentJSON(t *testing.T) {
	same := func(name string, v any) {
		t.Helper()
		want, err := json.MarshalIndent(v, "    ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got, ok := indentJSON(nil, v, "    ")
		if !ok {
			t.Fatalf("%s: declined", name)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n%s\nwant\n%s", name, got, want)
		}
	}
	fill := filler(t)
	var full FileReport
	fill(reflect.ValueOf(&full).Elem())
	same("every field", full)
	full.Departments[0].Veto, full.Departments[1].Level1 = []string{}, nil
	full.Departments[0].Rank, full.Departments[1].CountedIn = 0, ""
	same("empty, nil and omitted", full)
	same("none set", FileReport{})
	same("a department", full.Departments[0])
	full.Split, full.Layout = []string{}, []TableLayout{} // omitted: empty, not only nil
	same("empty lists omitted", full)

	// Every byte alone, and beside text, and the runes JSON escapes.
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "甲"} {
			want, _ := json.Marshal(s)
			if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
				t.Fatalf("%q: %s, want %s", s, got, want)
			}
		}
	}
	for _, s := range []string{"\u2028\u2029", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\U0010FFFF", "\uFFFD", "\xff\xfe", "</script>&amp;"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: %s, want %s", s, got, want)
		}
	}

	bad := full
	bad.Departments = slices.Clone(bad.Departments)
	bad.Departments[0].Total = "87.96 "
	if _, ok := indentJSON(nil, bad, "    "); ok {
		t.Error("a number with a space written as it is")
	}
	type inner struct{ A string }
	for name, v := range map[string]any{
		"a map":             struct{ M map[string]int }{},
		"an embedded field": struct{ inner }{inner{"a"}},
		"a tag option": struct {
			N int `json:",string"`
		}{1},
		"a key to escape": struct {
			N int `json:"<n>"`
		}{1},
		"a marshaler": struct{ T time.Time }{},
		"bytes":       struct{ B []byte }{[]byte("x")},
		"a pointer":   struct{ P *int }{},
	} {
		if _, ok := indentJSON(nil, v, "    "); ok {
			t.Errorf("%s written: it is left to json", name)
		}
	}
}

// TestReportNameNotUTF8: a department whose name holds bytes that are not
// UTF-8 (a workbook written by a tool that does not check) keeps the
// run's rank and its sent-twice status in the report, as any other
// does. The report used to read its parked departments back through
// JSON, which made those bytes U+FFFD, and the run's ranks no longer
// found the department by its name (helper-33).
func TestReportNameNotUTF8(t *testing.T) {
	dir := t.TempDir()
	for i, n := range []string{"a", "b"} {
		p := filepath.Join(dir, "in", n+".xlsx")
		book(t, p, "部门")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// The name as an inline string: shared strings are read as XML,
		// which must be UTF-8; a sheet's cells are scanned as they are.
		data = editParts(t, data, func(name string, part []byte) []byte {
			if !strings.HasPrefix(name, "xl/worksheets/") {
				return part
			}
			return regexp.MustCompile(`<c r="C1"[^>]*>.*?</c>`).ReplaceAll(part, []byte("<c r=\"C1\" t=\"inlineStr\"><is><t>\xca\xd0部门</t></is></c>"))
		})
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 1+i, 9, 0, 0, 0, time.UTC) // b is the later copy: it counts
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--report", "out/r.json")
	if code == exitFailure || code == exitUsage {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	r := readReport(t, filepath.Join(dir, "out/r.json"))
	if len(r.Files) != 2 || len(r.Files[0].Departments) != 1 || len(r.Files[1].Departments) != 1 {
		t.Fatalf("report files %+v", r.Files)
	}
	a, b := r.Files[0].Departments[0], r.Files[1].Departments[0]
	if a.Name != "\ufffd\ufffd部门" || b.Name != a.Name {
		t.Errorf("names %q %q", a.Name, b.Name)
	}
	if a.Status != "duplicate" || !strings.HasSuffix(a.CountedIn, "b.xlsx") {
		t.Errorf("the earlier copy: status %q, counted in %q", a.Status, a.CountedIn)
	}
	if b.Status != "ok" || b.BatchRank != 1 || b.BatchOf != 1 {
		t.Errorf("the later copy: status %q, batch rank %d of %d", b.Status, b.BatchRank, b.BatchOf)
	}
}

// filler gives a function that sets every exported field below a value,
// each to a value of its own: text with bytes that are not UTF-8, the
// characters JSON escapes and Chinese; numbers and null Numbers; lists of
// two.
func filler(t *testing.T) func(v reflect.Value) {
	t.Helper()
	n := 0
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		n++
		if v.Type() == reflect.TypeFor[Number]() {
			v.SetString([]string{"87.96", "-0.5", "100", "1e3", ""}[n%5])
			return
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString(fmt.Sprintf("%d \xca\xd0 <&> \u2028\u2029 \"q\" \\ \x00\x1f\x7f\b\f\n\r\t 甲", n))
		case reflect.Int:
			v.SetInt(int64(n*1000 - 5000))
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Slice:
			s := reflect.MakeSlice(v.Type(), 2, 2)
			for i := range 2 {
				fill(s.Index(i))
			}
			v.Set(s)
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					fill(v.Field(i))
				}
			}
		default:
			t.Fatalf("%s: a kind the test does not fill", v.Type())
		}
	}
	return fill
}
