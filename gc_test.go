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

// currentGOGC is the collector's GOGC, unchanged.
func currentGOGC() int {
	v := debug.SetGCPercent(-1)
	debug.SetGCPercent(v)
	return v
}
