//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNotRegularInputs: a pipe, a folder named like a workbook and a
// device are reported, never opened (opening a pipe would block).
func TestNotRegularInputs(t *testing.T) {
	dir := t.TempDir()
	book(t, filepath.Join(dir, "in/a.xlsx"))
	if err := syscall.Mkfifo(filepath.Join(dir, "in/pipe.xlsx"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	os.Mkdir(filepath.Join(dir, "in/folder.xlsx"), 0o755)
	os.Symlink("a.xlsx", filepath.Join(dir, "in/link.xlsx"))
	args := []string{"run", "in", "missing.xlsx", "--out", "out", "--report", "r.json"}
	if _, err := os.Stat("/dev/zero"); err == nil {
		args = append(args, "/dev/zero")
	}
	done := make(chan struct{})
	var code int
	var stderr string
	go func() {
		code, _, stderr = runIn(t, dir, args...)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run hangs")
	}
	if code != exitInvalid {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	r := readReport(t, filepath.Join(dir, "r.json"))
	got := map[string]string{}
	for _, f := range r.Files {
		code := ""
		if len(f.Problems) > 0 {
			code = f.Problems[0].Code
		}
		got[f.Path] = f.Status + " " + code
	}
	want := map[string]string{
		// link.xlsx is a.xlsx again: its department is sent twice, and
		// counted once (spec §8).
		"in/a.xlsx": "ok sent-twice", "in/link.xlsx": "ok sent-twice", "in/pipe.xlsx": "unreadable not-regular",
		"in/folder.xlsx": "unreadable not-regular", "missing.xlsx": "unreadable not-found",
	}
	if len(args) == 8 {
		want["/dev/zero"] = "unreadable not-regular"
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("report %v\nwant %v", got, want)
	}
	if !strings.Contains(stderr, "这不是普通文件") {
		t.Errorf("stderr %s", stderr)
	}
}
