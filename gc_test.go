package main

import (
	"runtime/debug"
	"testing"
)

// TestTightGC: GOGC is lowered while any large workbook is processed and
// put back once the last one is done; a GOGC set lower is kept.
func TestTightGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	gogc := func() int { v := debug.SetGCPercent(-1); debug.SetGCPercent(v); return v }
	a := tightGC()
	b := tightGC()
	if got := gogc(); got != tightGCPercent {
		t.Fatalf("two large workbooks: GOGC %d, want %d", got, tightGCPercent)
	}
	a()
	if got := gogc(); got != tightGCPercent {
		t.Fatalf("one left: GOGC %d, want %d", got, tightGCPercent)
	}
	b()
	if got := gogc(); got != 100 {
		t.Fatalf("none left: GOGC %d, want 100", got)
	}
	debug.SetGCPercent(20)
	c := tightGC()
	if got := gogc(); got != 20 {
		t.Errorf("a lower GOGC: %d, want 20 kept", got)
	}
	c()
	if got := gogc(); got != 20 {
		t.Errorf("after: GOGC %d, want 20", got)
	}
}
