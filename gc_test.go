package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestTightGC: GOGC is lowered while any large workbook is processed and
// put back once the last one is done; a GOGC set lower, or off, is kept.
func TestTightGC(t *testing.T) {
	defer setGCPercent(setGCPercent(100))
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
	setGCPercent(20)
	c := tightGC()
	if got := currentGOGC(); got != 20 {
		t.Errorf("a lower GOGC: %d, want 20 kept", got)
	}
	c()
	if got := currentGOGC(); got != 20 {
		t.Errorf("after: GOGC %d, want 20", got)
	}
	setGCPercent(-1) // GOGC=off
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
	defer setGCPercent(setGCPercent(100))
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
	defer setGCPercent(setGCPercent(100))
	for _, c := range []struct{ set, during int }{{100, endGCPercent}, {400, endGCPercent}, {5, 5}, {-1, -1}} {
		setGCPercent(c.set)
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
	defer setGCPercent(setGCPercent(100))
	dir := bureauAndSeed(t)
	for _, c := range []struct{ start, splits, summary, report int }{
		{100, 100, endGCPercent, tightGCPercent},
		{30, 30, endGCPercent, 30},
		{5, 5, 5, 5},
	} {
		seen := map[string]int{}
		testHookEndGC = func(stage string) { seen[stage] = currentGOGC() }
		setGCPercent(c.start)
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

// setGCPercent asks for GOGC percent (-1 off), as a GOGC the user set
// would, and returns what was asked before.
func setGCPercent(percent int) (prev int) {
	collector.Lock()
	defer collector.Unlock()
	prev = collector.percent
	collector.percent = percent
	applyGC()
	return prev
}

// currentGOGC is the GOGC asked for, without roomyGC's room.
func currentGOGC() int {
	collector.Lock()
	defer collector.Unlock()
	return collector.percent
}

// runtimeGOGC is the collector's GOGC as the runtime has it, unchanged.
func runtimeGOGC() int {
	collector.Lock()
	defer collector.Unlock()
	v := debug.SetGCPercent(-1)
	debug.SetGCPercent(v)
	return v
}

// TestRoomyPercent: the GOGC that lets the heap fill heapRoom (with the
// stacks and globals the runtime counts), never below the one asked for,
// bounded, and none while a large workbook is processed or GOGC is off.
func TestRoomyPercent(t *testing.T) {
	const mb = 1 << 20
	if heapRoom != 48*mb {
		t.Fatalf("the cases below are worked out for 48 MiB of room, not %d bytes", heapRoom)
	}
	for _, c := range []struct {
		percent     int
		live, roots uint64
		roomy       bool
		want        int
	}{
		{100, 8 * mb, 0, true, 500},      // 8 MB live: room for 40 more
		{100, 6 * mb, 2 * mb, true, 525}, // 42 MB of room over 8 counted
		{100, 16 * mb, 0, true, 200},     //
		{100, 30 * mb, 0, true, 100},     // 60 % room is less than asked
		{100, heapRoom, 0, true, 100},    // nothing left
		{100, 200 * mb, 0, true, 100},    // a large workbook
		{100, 0, 0, true, 1200},          // nothing seen yet: the runtime's minimum heap bounds it
		{100, 2 * mb, mb / 2, true, 1200},
		{100, 4 * mb, 0, true, 1100},
		{100, 8 * mb, 0, false, 100},    // a large workbook, or roomyGC not running
		{50, 8 * mb, 0, false, 50},      //
		{20, 16 * mb, 0, true, 200},     // a lower GOGC still gets the room
		{-1, 8 * mb, 0, true, -1},       // off stays off
		{12000, 8 * mb, 0, true, 12000}, // a higher GOGC is kept
	} {
		if got := roomyPercent(c.percent, c.live, c.roots, heapRoom, c.roomy); got != c.want {
			t.Errorf("roomyPercent(%d, %d, %d, %v) = %d, want %d", c.percent, c.live, c.roots, c.roomy, got, c.want)
		}
	}
	// A room a large workbook left: 100 MB.
	for _, c := range []struct {
		live uint64
		want int
	}{{36 * mb, 177}, {8 * mb, 1150}, {2 * mb, 1200}, {100 * mb, 100}, {80 * mb, 100}} {
		if got := roomyPercent(100, c.live, 0, 100*mb, true); got != c.want {
			t.Errorf("100 MB of room, %d live: GOGC %d, want %d", c.live, got, c.want)
		}
	}
	// The goal the runtime computes from what is set stays within the room.
	for _, live := range []uint64{0, mb / 4, mb, 3 * mb, 10 * mb, 50 * mb} {
		for _, roots := range []uint64{0, mb / 8, mb, 4 * mb} {
			p := roomyPercent(100, live, roots, heapRoom, true)
			goal := max(live+(live+roots)*uint64(p)/100, 4*mb*uint64(p)/100) // the runtime's minimum heap
			if p > 100 && goal > heapRoom {
				t.Errorf("%d live, %d in roots: GOGC %d makes a goal of %d, over %d", live, roots, p, goal, heapRoom)
			}
		}
	}
}

// TestRoomyGC: once roomyGC runs, a collection that leaves little live
// raises the runtime's GOGC so that the heap may fill heapRoom, with a
// soft memory limit; endGC keeps the room, tightGC (a large workbook)
// takes it away while it is in effect, and the GOGC asked for is
// unchanged throughout.
func TestRoomyGC(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: roomyGC leaves the collector alone")
	}
	defer setGCPercent(setGCPercent(100))
	roomyGC()
	collector.Lock()
	roomy := collector.roomy
	collector.Unlock()
	if !roomy {
		t.Fatal("roomyGC did not start")
	}
	// collect collects and waits for the collection's cleanup to apply
	// what it left live, and returns that.
	collect := func() uint64 {
		t.Helper()
		var live uint64
		for seen, deadline := 0, time.Now().Add(10*time.Second); seen < 2; {
			// Twice: a cleanup of an earlier collection may come late.
			collector.Lock()
			collector.live = 0
			collector.Unlock()
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
			collector.Lock()
			live = collector.live
			collector.Unlock()
			if live != 0 {
				seen++
			}
			if time.Now().After(deadline) {
				t.Fatal("no collection seen in 10 s")
			}
		}
		return live
	}
	live := collect()
	if live >= heapRoom/2 {
		t.Skipf("%d bytes live in the test process: no room to see", live)
	}
	// check: the runtime has the GOGC and memory limit the collector's
	// state calls for (read under its lock: a collection may change it).
	check := func(when string) {
		t.Helper()
		collector.Lock()
		defer collector.Unlock()
		want := collector.gogc()
		wantLimit := int64(math.MaxInt64)
		if want != collector.percent {
			wantLimit = int64(collector.room()) + roomSlack
		}
		got := debug.SetGCPercent(-1)
		debug.SetGCPercent(got)
		if got != want {
			t.Errorf("%s: runtime GOGC %d, want %d", when, got, want)
		}
		if got := debug.SetMemoryLimit(-1); got != wantLimit {
			t.Errorf("%s: memory limit %d, want %d", when, got, wantLimit)
		}
	}
	if got := runtimeGOGC(); got <= 100 {
		t.Errorf("after a collection with %d bytes live: runtime GOGC %d, want above 100", live, got)
	}
	check("roomy")
	e := endGC()
	if got := runtimeGOGC(); got <= 100 {
		t.Errorf("the end of a run: runtime GOGC %d, want the room kept", got)
	}
	check("the end")
	e()
	r := tightGC()
	if got := runtimeGOGC(); got != tightGCPercent {
		t.Errorf("a large workbook: runtime GOGC %d, want %d", got, tightGCPercent)
	}
	check("a large workbook")
	e = endGC()
	if got := runtimeGOGC(); got != endGCPercent {
		t.Errorf("the end inside a large workbook: runtime GOGC %d, want %d", got, endGCPercent)
	}
	check("the end inside a large workbook")
	e()
	r()
	if got := currentGOGC(); got != 100 {
		t.Errorf("after: GOGC %d asked, want 100", got)
	}
	if got := runtimeGOGC(); got <= 100 {
		t.Errorf("after: runtime GOGC %d, want the room back", got)
	}
	check("after")

	// A large workbook's heap is the room after it.
	defer func() {
		collector.Lock()
		collector.high = 0
		applyGC()
		collector.Unlock()
	}()
	r = tightGC()
	released := false
	defer func() {
		if !released {
			r()
		}
	}()
	var kept [][]byte
	for range 48 {
		kept = append(kept, make([]byte, 1<<20))
	}
	if live := collect(); live < 48<<20 {
		t.Fatalf("%d bytes live with 48 MB kept", live)
	}
	collect() // the goal the last collection set is read by the next one's cleanup
	r()
	released = true
	collector.Lock()
	high, room := collector.high, collector.room()
	collector.Unlock()
	if high < 72<<20 {
		t.Errorf("after 48 MB live at GOGC %d: highest goal %d, want at least 72 MB", tightGCPercent, high)
	}
	if want := high - roomSlack; room != want {
		t.Errorf("after a large workbook whose highest goal was %d: room %d, want %d", high, room, want)
	}
	// 8 MB stay live, so that neither room is bounded by maxRoomyPercent.
	kept = kept[:8]
	if live := collect(); live < heapRoom/2 {
		if got, small := runtimeGOGC(), roomyPercent(100, live, 0, heapRoom, true); got <= small {
			t.Errorf("after a large workbook, %d bytes live: runtime GOGC %d, no more than heapRoom gives (%d)", live, got, small)
		}
	}
	check("after a large workbook")
	runtime.KeepAlive(kept)
	kept = nil
	forgetRoom()
	collector.Lock()
	room = collector.room()
	collector.Unlock()
	if room != heapRoom {
		t.Errorf("forgetRoom: room %d, want %d", room, heapRoom)
	}
	check("forgotten")

	// A run's end keeps the room: at each stage the runtime has what the
	// collector's state calls for, above the GOGC asked for while little
	// is live.
	dir := bureauAndSeed(t)
	seen := map[string]bool{}
	testHookEndGC = func(stage string) {
		collector.Lock()
		defer collector.Unlock()
		want := collector.gogc()
		got := debug.SetGCPercent(-1)
		debug.SetGCPercent(got)
		if got != want {
			t.Errorf("%s: runtime GOGC %d, want %d", stage, got, want)
		}
		if collector.live < heapRoom/4 && got <= collector.percent {
			t.Errorf("%s: runtime GOGC %d, asked %d, with %d bytes live: no room", stage, got, collector.percent, collector.live)
		}
		seen[stage] = true
	}
	defer func() { testHookEndGC = nil }()
	if code, _, stderr := runIn(t, dir, "run", "in", "--out", "out", "--split", "--report", "out/r.json"); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if len(seen) != 3 {
		t.Errorf("stages seen: %v, want splits, summary and report", seen)
	}
}

// TestUserMemoryLimitKept: without roomyGC (the user set GOGC or
// GOMEMLIMIT), lowering GOGC and putting it back leaves the memory limit
// as it was.
func TestUserMemoryLimitKept(t *testing.T) {
	collector.Lock()
	roomy := collector.roomy
	collector.roomy = false
	collector.Unlock()
	defer func() {
		collector.Lock()
		collector.roomy = roomy
		applyGC()
		collector.Unlock()
	}()
	const limit = 40 << 20
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	defer setGCPercent(setGCPercent(-1)) // GOGC=off GOMEMLIMIT=40MiB
	r := tightGC()
	e := endGC()
	e()
	r()
	lowerGC(tightGCPercent, true)()
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("memory limit %d after a large workbook and a run's end, want the user's %d", got, limit)
	}
	if got := runtimeGOGC(); got != -1 {
		t.Errorf("runtime GOGC %d, want off kept", got)
	}
}
