package main

import (
	"runtime/debug"
	"testing"
)

// TestTightGC: GOGC is lowered while any large workbook is processed and
// put back once the last one is done; a GOGC set lower, or off, is kept.
func TestTightGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	a := tightGC()
	b := tightGC()
	if got := currentGOGC(); got != tightGCPercent {
		t.Fatalf("two large workbooks: GOGC %d, want %d", got, tightGCPercent)
	}
	a()
	if got := currentGOGC(); got != tightGCPercent {
		t.Fatalf("one left: GOGC %d, want %d", got, tightGCPercent)
	}
	b()
	if got := currentGOGC(); got != 100 {
		t.Fatalf("none left: GOGC %d, want 100", got)
	}
	debug.SetGCPercent(20)
	c := tightGC()
	if got := currentGOGC(); got != 20 {
		t.Errorf("a lower GOGC: %d, want 20 kept", got)
	}
	c()
	if got := currentGOGC(); got != 20 {
		t.Errorf("after: GOGC %d, want 20", got)
	}
	debug.SetGCPercent(-1) // GOGC=off
	d := tightGC()
	if got := currentGOGC(); got != -1 {
		t.Errorf("GOGC=off: %d, want off kept", got)
	}
	d()
	if got := currentGOGC(); got != -1 {
		t.Errorf("after GOGC=off: %d", got)
	}
}

// TestTightGCFor: only a workbook of largeInput bytes or more lowers GOGC.
func TestTightGCFor(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	small := tightGCFor(largeInput - 1)
	if got := currentGOGC(); got != 100 {
		t.Errorf("a small workbook: GOGC %d, want 100", got)
	}
	small()
	large := tightGCFor(largeInput)
	if got := currentGOGC(); got != tightGCPercent {
		t.Errorf("a large workbook: GOGC %d, want %d", got, tightGCPercent)
	}
	large()
	if got := currentGOGC(); got != 100 {
		t.Errorf("after: GOGC %d, want 100", got)
	}
}

// TestEndGC: the end of a run is collected with endGCPercent and GOGC is
// put back after; a GOGC set lower, or off, is kept.
func TestEndGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct{ set, during int }{{100, endGCPercent}, {400, endGCPercent}, {5, 5}, {-1, -1}} {
		debug.SetGCPercent(c.set)
		restore := endGC()
		if got := currentGOGC(); got != c.during {
			t.Errorf("GOGC %d: %d at the end of the run, want %d", c.set, got, c.during)
		}
		restore()
		if got := currentGOGC(); got != c.set {
			t.Errorf("GOGC %d: %d after the end of the run", c.set, got)
		}
	}
}

// TestEndOfRunGC: at the end of a run the per-department workbooks are
// written with the GOGC the run started with, the batch summary with
// endGCPercent and the report with tightGCPercent, and the GOGC the run
// started with is back after it; a lower one is kept where it is lower.
func TestEndOfRunGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	dir := bureauAndSeed(t)
	for _, c := range []struct{ start, splits, summary, report int }{
		{100, 100, endGCPercent, tightGCPercent},
		{30, 30, endGCPercent, 30},
		{5, 5, 5, 5},
	} {
		seen := map[string]int{}
		testHookEndGC = func(stage string) { seen[stage] = currentGOGC() }
		debug.SetGCPercent(c.start)
		code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--split", "--report", "out/r.json")
		testHookEndGC = nil
		if code != exitOK {
			t.Fatalf("GOGC %d: exit %d\n%s", c.start, code, stderr)
		}
		want := map[string]int{"splits": c.splits, "summary": c.summary, "report": c.report}
		for stage, gogc := range want {
			if got, ok := seen[stage]; !ok || got != gogc {
				t.Errorf("GOGC %d: %s written with GOGC %d (seen: %v), want %d", c.start, stage, got, ok, gogc)
			}
		}
		if got := currentGOGC(); got != c.start {
			t.Errorf("GOGC %d: %d after the run", c.start, got)
		}
	}
}

// currentGOGC is the collector's GOGC, unchanged.
func currentGOGC() int {
	v := debug.SetGCPercent(-1)
	debug.SetGCPercent(v)
	return v
}
