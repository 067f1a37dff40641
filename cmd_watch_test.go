package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"perfeval/samples"
	"perfeval/sheet"
)

// syncBuffer is a bytes.Buffer safe for the watcher's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func seedBytes(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.xlsx")
	if err := sheet.Build(path, samples.Seed()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestWatch drops workbooks into a watched inbox: one waiting at start,
// one copied slowly in pieces with lock files beside it, one with errors,
// one that is no workbook, and a second file of a name already processed.
func TestWatch(t *testing.T) {
	dir := t.TempDir()
	inbox, out := filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	os.Mkdir(inbox, 0o755)
	seed := seedBytes(t)
	os.WriteFile(filepath.Join(inbox, "waiting.xlsx"), seed, 0o644)

	var stdout, stderr syncBuffer
	opts := watchOptions{
		runOptions: runOptions{
			inspectOptions: inspectOptions{Lang: "zh", MaxSizeMiB: 256, Log: zerolog.Nop()},
			Out:            out, Jobs: 1, LogFile: filepath.Join(dir, "audit.log"), Stdout: &stdout, Stderr: &stderr,
		},
		Settle: 150 * time.Millisecond, Rescan: 300 * time.Millisecond, Retries: 8,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- runWatch(ctx, opts, []string{inbox}) }()
	processed := filepath.Join(inbox, processedDir)
	failed := filepath.Join(inbox, failedDir)
	waitFor(t, "the waiting workbook", 10*time.Second, func() bool { return len(names(t, processed)) == 1 })

	// A copy in pieces, slower than the settle period, with lock files.
	os.WriteFile(filepath.Join(inbox, "~$slow.xlsx"), []byte("lock"), 0o644)
	os.WriteFile(filepath.Join(inbox, ".~lock.slow.xlsx#"), []byte("lock"), 0o644)
	slow, err := os.Create(filepath.Join(inbox, "slow.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	third := len(seed) / 3
	for _, piece := range [][]byte{seed[:third], seed[third : 2*third], seed[2*third:]} {
		slow.Write(piece)
		slow.Sync()
		time.Sleep(400 * time.Millisecond)
	}
	slow.Close()

	bad := "一级指标\t分值\t甲\n管理\t40\t41\n产出\t60\t50\n"
	s, _ := sheet.SheetFromText("指标", bad)
	if err := sheet.Build(filepath.Join(inbox, "bad.xlsx"), sheet.Spec{Sheets: []sheet.SheetSpec{s}}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(inbox, "notes.xlsx"), []byte("这不是工作簿\n"), 0o644)
	waitFor(t, "all inputs", 15*time.Second, func() bool {
		return len(names(t, processed)) == 2 && len(names(t, failed)) == 2
	})
	// The same name again: it gets a timestamp in processed/.
	os.WriteFile(filepath.Join(inbox, "waiting.xlsx"), seed, 0o644)
	waitFor(t, "the second waiting.xlsx", 10*time.Second, func() bool { return len(names(t, processed)) == 3 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	if got := names(t, failed); strings.Join(got, ",") != "bad.xlsx,notes.xlsx" {
		t.Errorf("failed/ holds %v", got)
	}
	got := names(t, processed) // waiting-<time>.xlsx sorts before waiting.xlsx
	if got[0] != "slow.xlsx" || !strings.HasPrefix(got[1], "waiting-2") || got[2] != "waiting.xlsx" {
		t.Errorf("processed/ holds %v", got)
	}
	if got := names(t, inbox); strings.Join(got, ",") != ".~lock.slow.xlsx#,~$slow.xlsx" {
		t.Errorf("inbox holds %v: lock files stay, inputs move", got)
	}
	if got := names(t, out); strings.Join(got, ",") != ".perfeval-watch.json,bad_错误.xlsx,slow_结果.xlsx,waiting_结果.xlsx,批量汇总.xlsx" {
		t.Errorf("out holds %v", got)
	}
	data, _ := os.ReadFile(filepath.Join(processed, "slow.xlsx"))
	if !bytes.Equal(data, seed) {
		t.Error("slow.xlsx changed")
	}
	audit, _ := os.ReadFile(opts.LogFile)
	if n := strings.Count(string(audit), `"event":"workbook"`); n != 5 {
		t.Errorf("%d audit events, want 5:\n%s", n, audit)
	}
	if !strings.Contains(stdout.String(), "slow.xlsx：1 个部门") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}

// TestWatchStopAndRestart stops a real perfeval watch with SIGTERM in the
// middle of a batch and starts it again: every input ends in processed/
// exactly once, with its result, and no result is duplicated.
func TestWatchStopAndRestart(t *testing.T) {
	bin, err := exec.LookPath("perfeval")
	if err != nil {
		t.Skip("no perfeval on PATH:", err)
	}
	dir := t.TempDir()
	inbox, out := filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	os.Mkdir(inbox, 0o755)
	// Forty 24-department workbooks: enough work that the stop falls in
	// the middle of the batch.
	// Each a file of its own (its title differs), all with the same 24
	// departments: each department is sent 40 times.
	const n = 40
	var inputs []string
	for i := range n {
		spec := samples.Bureau()
		spec.Sheets[0].Rows[0][0] = fmt.Sprintf("2022年度市直部门整体支出绩效评价评分表（第 %d 份）", i+1)
		name := filepath.Join(inbox, fmt.Sprintf("dept%02d.xlsx", i))
		if err := sheet.Build(name, spec); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, filepath.Base(name))
	}
	processed := filepath.Join(inbox, processedDir)
	start := func() (*exec.Cmd, *bytes.Buffer) {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "watch", inbox, "--out", out, "--settle", "100ms", "--rescan", "300ms")
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &stderr
	}
	cmd, stderr := start()
	waitFor(t, "a first workbook", 15*time.Second, func() bool { return len(names(t, processed)) >= 1 })
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watch after SIGTERM: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr.String(), "已停止监视") {
		t.Errorf("stderr: %s", stderr)
	}
	first := len(names(t, processed))
	if first == n {
		t.Fatal("every workbook was done before the stop: the test did not stop mid-batch")
	}
	t.Logf("%d of %d workbooks done before the stop", first, n)
	// Nothing is in two places at once.
	for _, name := range names(t, processed) {
		if _, err := os.Stat(filepath.Join(inbox, name)); err == nil {
			t.Errorf("%s is both in the inbox and in processed/", name)
		}
	}

	cmd, stderr = start()
	waitFor(t, "every workbook", 30*time.Second, func() bool { return len(names(t, processed)) == n })
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("second watch: %v\n%s", err, stderr)
	}
	if got := names(t, processed); strings.Join(got, ",") != strings.Join(inputs, ",") {
		t.Errorf("processed/ holds %v, want each input once: %v", got, inputs)
	}
	if got := names(t, filepath.Join(inbox, failedDir)); len(got) != 0 {
		t.Errorf("failed/ holds %v", got)
	}
	want := []string{stateName}
	for _, in := range inputs {
		want = append(want, strings.TrimSuffix(in, ".xlsx")+"_结果.xlsx")
	}
	want = append(want, "批量汇总.xlsx")
	if got := names(t, out); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("out holds %v, want one result per input", got)
	}
	// The batch summary holds everything processed, before and after the
	// restart: 40 files; the 24 departments, sent 40 times, are ranked
	// once each.
	rows, err := sheet.DumpSheet(filepath.Join(out, "批量汇总.xlsx"), "文件清单")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(rows, "processed/dept"); got != n {
		t.Errorf("文件清单 lists %d files, want %d:\n%s", got, n, rows)
	}
	depts, err := sheet.DumpSheet(filepath.Join(out, "批量汇总.xlsx"), "部门汇总")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(depts, "重复提交"); got != (n-1)*24 {
		t.Errorf("部门汇总 marks %d rows as sent twice, want %d", got, (n-1)*24)
	}
	if !strings.Contains(depts, "（24 个部门参与排名）") && !strings.Contains(depts, "\n24\t") {
		t.Errorf("部门汇总 does not rank 24 departments:\n%.2000s", depts)
	}
}

// TestRunInterrupted: Ctrl+C during a batch run finishes the workbooks
// being written and starts no new one; nothing half-written is left.
func TestRunInterrupted(t *testing.T) {
	bin, err := exec.LookPath("perfeval")
	if err != nil {
		t.Skip("no perfeval on PATH:", err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	os.Mkdir(in, 0o755)
	path := filepath.Join(dir, "bureau.xlsx")
	if err := sheet.Build(path, samples.Bureau()); err != nil {
		t.Fatal(err)
	}
	bureau, _ := os.ReadFile(path)
	const n = 60
	for i := range n {
		os.WriteFile(filepath.Join(in, fmt.Sprintf("b%02d.xlsx", i)), bureau, 0o644)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "run", in, "--out", out, "--jobs", "2")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a first result", 15*time.Second, func() bool { return len(names(t, out)) >= 1 })
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailure {
		t.Fatalf("exit %v, want %d\n%s", err, exitFailure, stderr.String())
	}
	if !strings.Contains(stderr.String(), "perfeval: 共 60 个工作簿，处理完 ") || !strings.Contains(stderr.String(), "个后被中断") {
		t.Errorf("stderr: %s", stderr.String())
	}
	done := names(t, out)
	if len(done) == n {
		t.Fatal("every workbook was done before the interrupt")
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	for _, name := range done {
		if name == "批量汇总.xlsx" { // written on interruption too, listing what was done
			continue
		}
		if _, err := sheet.DumpSheet(filepath.Join(out, name), "汇总"); err != nil {
			t.Errorf("%s is not a complete workbook: %v", name, err)
		}
	}
}

// TestWatchRescanWithoutEvents: on a share where change events are lost,
// listing the inbox again finds the files, and they are taken once
// unchanged for the settle period.
func TestWatchRescanWithoutEvents(t *testing.T) {
	w, inbox, out, _ := testWatcher(t, "en", false)
	os.WriteFile(filepath.Join(inbox, "a.xlsx"), seedBytes(t), 0o644)
	os.WriteFile(filepath.Join(inbox, "~$a.xlsx"), []byte("lock"), 0o644)
	now := time.Now()
	w.scan(now)
	if len(w.pending) != 1 {
		t.Fatalf("pending %v: the lock file must be ignored", w.pending)
	}
	w.processReady(context.Background(), now.Add(500*time.Millisecond))
	if got := names(t, filepath.Join(inbox, processedDir)); len(got) != 0 {
		t.Fatalf("taken before the settle period: %v", got)
	}
	w.scan(now.Add(1100 * time.Millisecond))
	w.processReady(context.Background(), now.Add(1100*time.Millisecond))
	if got := names(t, filepath.Join(inbox, processedDir)); strings.Join(got, ",") != "a.xlsx" {
		t.Fatalf("processed/ holds %v", got)
	}
	if got := names(t, out); strings.Join(got, ",") != ".perfeval-watch.json,a_result.xlsx,batch-summary.xlsx" {
		t.Errorf("out holds %v", got)
	}
	if len(w.pending) != 0 {
		t.Errorf("still pending: %v", w.pending)
	}
}

// TestWatchRevisedCopy: a department that sends its workbook again is
// counted from the revision; the earlier copy's per-department workbook
// goes, so that only the latest result can be mailed; the batch summary
// names the files where they are now, in processed/.
func TestWatchRevisedCopy(t *testing.T) {
	w, inbox, out, stderr := testWatcher(t, "zh", true)
	specs := samples.YearEnd()
	drop := func(name, spec string, at time.Time) {
		path := filepath.Join(inbox, name)
		if err := sheet.Build(path, specs[samples.YearEndDir+"/"+spec]); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, at, at)
		now := time.Now()
		w.scan(now)
		w.processReady(context.Background(), now.Add(2*time.Second))
	}
	base := time.Date(2025, 12, 30, 9, 0, 0, 0, time.Local)
	drop("市教育局.xlsx", "市教育局.xlsx", base)
	drop("自评表-水利.xlsx", "自评表-水利.xlsx", base)
	drop("市教育局（修订）.xlsx", "市教育局（修订）.xlsx", base.Add(time.Hour))
	var edu []string
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if strings.HasSuffix(path, "_市教育局.xlsx") {
			edu = append(edu, strings.TrimPrefix(path, out+string(filepath.Separator)))
		}
		return nil
	})
	if len(edu) != 1 || !strings.HasPrefix(edu[0], "市教育局（修订）") {
		t.Errorf("per-department workbooks of 市教育局: %v, want the revision's only\n%s", edu, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "市教育局")); !os.IsNotExist(err) {
		t.Errorf("the superseded copy's folder is still there: %v", err)
	}
	depts, err := sheet.DumpSheet(filepath.Join(out, "批量汇总.xlsx"), "部门汇总")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(depts, "重复提交：以 市教育局（修订）.xlsx 为准") {
		t.Errorf("部门汇总 does not name the revision:\n%s", depts)
	}
	files, err := sheet.DumpSheet(filepath.Join(out, "批量汇总.xlsx"), "文件清单")
	if err != nil || !strings.Contains(files, filepath.Join(inbox, processedDir, "市教育局（修订）.xlsx")+"\t") || strings.Contains(files, filepath.Join(inbox, "市教育局（修订）.xlsx")+"\t") {
		t.Errorf("文件清单 does not name the files where they are now: %v\n%s", err, files)
	}
	if strings.Count(depts, "\n1\t市教育局\t") != 1 {
		t.Errorf("市教育局 not ranked first once:\n%s", depts)
	}
}

// testWatcher is a watcher of a new inbox (with its processed and failed
// folders) writing to a new out folder, settling and rescanning every
// second, without its loop: tests scan and process by hand.
func testWatcher(t *testing.T, lang string, split bool) (w *watcher, inbox, out string, stderr *syncBuffer) {
	dir := t.TempDir()
	inbox, out = filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	for _, d := range []string{inbox, filepath.Join(inbox, processedDir), filepath.Join(inbox, failedDir), out} {
		os.MkdirAll(d, 0o755)
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	w = &watcher{
		opts: watchOptions{
			runOptions: runOptions{inspectOptions: inspectOptions{Lang: lang, MaxSizeMiB: 256, Log: zerolog.Nop()}, Out: out, Split: split, Jobs: 1, Stdout: stdout, Stderr: stderr},
			Settle:     time.Second, Rescan: time.Second, Retries: 3,
		},
		inbox: inbox, pending: map[string]*candidate{},
	}
	return w, inbox, out, stderr
}
