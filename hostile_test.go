//go:build unix

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"perfeval/internal/hostile"
)

// hostileGuard is how long one run may take before it counts as a hang.
// It is a guard, not a timing assertion: timings are measured by
// scripts/hostile.sh.
const hostileGuard = 10 * time.Second

// perfevalExe is the perfeval command TestMain puts in $PATH (a copy of
// this test binary that runs main's run).
func perfevalExe(t *testing.T) string {
	t.Helper()
	exe, err := exec.LookPath("perfeval")
	if err != nil {
		t.Fatalf("no perfeval command in $PATH (TestMain sets it up): %v", err)
	}
	return exe
}

// TestHostileInputs runs perfeval on each hostile input of package
// hostile, in a process of its own with a time guard, and checks the exact
// outcome: the exit status; per input its status, the error's code and
// cell, and the totals; that the inputs are unchanged; and exactly which
// files the output folder holds.
func TestHostileInputs(t *testing.T) {
	exe := perfevalExe(t)
	for _, c := range hostile.Cases() {
		if c.Slow {
			continue // the interruption test's file
		}
		t.Run(c.Name, func(t *testing.T) {
			dir, in, out, tmp, paths := hostileSetup(t, c)
			before := inputState(t, in)
			reportPath := filepath.Join(dir, "report.json")

			ctx, cancel := context.WithTimeout(context.Background(), hostileGuard)
			defer cancel()
			args := append([]string{"run", "--out", out, "--report", reportPath, "--"}, paths...)
			cmd := exec.CommandContext(ctx, exe, args...)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.WaitDelay = time.Second
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			if ctx.Err() != nil {
				t.Fatalf("perfeval still running after %s: killed (a hang)", hostileGuard)
			}
			code := exitStatus(t, err)
			t.Logf("%s in %.2fs, peak %d MB", c.Name, took.Seconds(), peakMB(cmd))
			if code != c.Exit {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.Exit, stdout.String(), lastLines(stderr.String(), 20))
			}

			data, err := os.ReadFile(reportPath)
			if err != nil {
				t.Fatalf("no report: %v\nstderr:\n%s", err, lastLines(stderr.String(), 20))
			}
			var rep Report
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			checkHostileReport(t, c, rep)

			if after := inputState(t, in); !maps.Equal(before, after) {
				t.Errorf("inputs changed:\nbefore %v\nafter  %v", before, after)
			}
			if got := folderFiles(t, out); !slices.Equal(got, sorted(c.Outputs)) {
				t.Errorf("output folder holds %q, want %q", got, sorted(c.Outputs))
			}
			if left := folderFiles(t, tmp); len(left) != 0 {
				t.Errorf("temporary files left in $TMPDIR: %q", left)
			}
		})
	}
}

// checkHostileReport compares the report with the case's expected files.
func checkHostileReport(t *testing.T, c hostile.Case, rep Report) {
	t.Helper()
	byName := map[string]FileReport{}
	var names []string
	for _, f := range rep.Files {
		byName[filepath.Base(f.Path)] = f
		names = append(names, filepath.Base(f.Path))
	}
	var want []string
	for _, w := range c.Files {
		want = append(want, w.Name)
	}
	if slices.Sort(names); !slices.Equal(names, sorted(want)) {
		t.Errorf("report lists %q, want %q", names, sorted(want))
	}
	for _, w := range c.Files {
		f, ok := byName[w.Name]
		if !ok {
			continue
		}
		if f.Status != w.Status {
			t.Errorf("%s: status %q, want %q; problems:\n%s", w.Name, f.Status, w.Status, problemList(f.Problems))
		}
		var errs, warns []ProblemReport
		for _, p := range f.Problems {
			if p.Severity == "error" {
				errs = append(errs, p)
			} else {
				warns = append(warns, p)
			}
		}
		if w.Code == "" {
			if len(errs) != 0 {
				t.Errorf("%s: want no error, got:\n%s", w.Name, problemList(errs))
			}
		} else {
			found := false
			for _, p := range errs {
				if p.Code == w.Code && p.Cell == w.Cell && (w.Cell == "" || p.Sheet == "指标") {
					found = true
				}
				if p.Code != w.Code {
					t.Errorf("%s: error with code %q, want only %q:\n%s", w.Name, p.Code, w.Code, problemList([]ProblemReport{p}))
				}
			}
			if !found {
				t.Errorf("%s: want an error %q at %q; got:\n%s", w.Name, w.Code, w.Cell, problemList(f.Problems))
			}
		}
		if len(warns) > w.MaxWarnings {
			t.Errorf("%s: %d warnings, want at most %d:\n%s", w.Name, len(warns), w.MaxWarnings, problemList(warns))
		}
		var totals []string
		for _, d := range f.Departments {
			if d.Status == statusInvalid {
				totals = append(totals, d.Name+"=(invalid)")
				continue
			}
			totals = append(totals, d.Name+"="+string(d.Total))
		}
		if slices.Sort(totals); !slices.Equal(totals, sorted(w.Totals)) {
			t.Errorf("%s: totals %q, want %q", w.Name, totals, sorted(w.Totals))
		}
	}
}

// TestHostileInterrupt sends SIGTERM to a run 300 ms into a slow file: it
// must end within a second with status 3, leave no output and no
// temporary file, and leave the input unchanged.
func TestHostileInterrupt(t *testing.T) {
	exe := perfevalExe(t)
	c, ok := hostile.Find("slow-10m")
	if !ok {
		t.Fatal("no slow case")
	}
	_, in, out, tmp, paths := hostileSetup(t, c)
	before := inputState(t, in)
	cmd := exec.Command(exe, append([]string{"run", "--out", out, "--"}, paths...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("perfeval ended (%v) before the signal: the file is not slow enough to test interruption", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("perfeval still running 1 s after SIGTERM: killed\nstderr:\n%s", lastLines(stderr.String(), 20))
	}
	t.Logf("ended %.0f ms after SIGTERM", time.Since(sent).Seconds()*1000)
	if code := exitStatus(t, err); code != exitFailure {
		t.Errorf("exit %d, want %d\nstderr:\n%s", code, exitFailure, lastLines(stderr.String(), 20))
	}
	if after := inputState(t, in); !maps.Equal(before, after) {
		t.Errorf("input changed")
	}
	if left := folderFiles(t, out); len(left) != 0 {
		t.Errorf("output folder holds %q after the interruption, want nothing (no result, no .*.tmp, no excelize-*)", left)
	}
	if left := folderFiles(t, tmp); len(left) != 0 {
		t.Errorf("temporary files left in $TMPDIR: %q", left)
	}
}

// inputState is every entry of dir: a regular file's SHA-256, or the kind
// of anything else (never opened: a FIFO would block).
func inputState(t *testing.T, dir string) map[string]string {
	t.Helper()
	state := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		info, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !info.Mode().IsRegular() {
			state[e.Name()] = info.Mode().Type().String()
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		state[e.Name()] = fmt.Sprintf("%x", h.Sum(nil))
	}
	return state
}

// folderFiles lists every entry under dir (hidden ones too), as slash
// paths relative to dir, sorted; none when dir does not exist.
func folderFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// exitStatus is the exit status a finished command's Wait gave.
func exitStatus(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	default:
		t.Fatal(err)
		return -1
	}
}

func peakMB(cmd *exec.Cmd) int64 {
	if cmd.ProcessState == nil {
		return 0
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss) / 1024
	}
	return 0
}

func problemList(ps []ProblemReport) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s %s!%s %s: %s\n", p.Severity, p.Sheet, p.Cell, p.Code, p.Message)
	}
	return b.String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// hostileSetup makes a case's inputs in a fresh folder: dir holds in/
// (the inputs), out/ (made by the run) and tmp/ (the run's TMPDIR).
func hostileSetup(t *testing.T, c hostile.Case) (dir, in, out, tmp string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	in, out, tmp = filepath.Join(dir, "in"), filepath.Join(dir, "out"), filepath.Join(dir, "tmp")
	for _, d := range []string{in, tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	paths, err := c.Make(in)
	if err != nil {
		t.Fatal(err)
	}
	return dir, in, out, tmp, paths
}
