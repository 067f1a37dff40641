package main

import (
	"runtime/debug"
	"sync"
)

// largeInput is the size from which a workbook is collected tightly
// while it is processed: a workbook of half a megabyte holds about
// 130,000 score cells or more (the stress workbook of 1,000 departments
// × 200 indicators is 0.75 MB; collected tightly it takes 38 MB instead
// of 45 MB, and 0.04 s more). A batch's small workbooks (24 departments,
// 30 KB) keep the default.
const largeInput = 512 << 10

// tightGCPercent is the collector's GOGC while a large workbook is
// processed: its cells, scores and results are live at once (70 MB for
// a million score cells), and the heap grows to (1 + GOGC/100) times
// what is live. Half the default keeps the peak about a quarter lower,
// for about 5 % more time; small workbooks keep the default.
const tightGCPercent = 50

// endGCPercent is the collector's GOGC at the end of a run, once every
// workbook is done, while the run reads its rows back, ranks them and
// writes the batch summary: every department's row (without its detail)
// is live then, and little else is made, so the heap is kept within a
// tenth of it rather than half. At 2,000 workbooks (48,000 departments)
// the peak is 45–47 MB instead of 56–58 MB, in the same time.
// Per-department workbooks, written in between, allocate as the
// workbooks did and are collected with the run's own GOGC (GOGC 10 there
// doubles the time of --split, and 50 makes it about a tenth slower).
const endGCPercent = 10

// endGC sets GOGC to endGCPercent for the end of a run and returns the
// function that puts it back. A GOGC the user set lower, or off, is kept.
// It may be taken inside tightGC, not around tightGC's first taker: that
// would keep endGCPercent as the GOGC to go back to.
func endGC() (restore func()) {
	prev := lowerGOGC(endGCPercent)
	return func() { debug.SetGCPercent(prev) }
}

// lowerGOGC sets GOGC to percent unless it is lower already, or off
// (-1), and returns what it was.
func lowerGOGC(percent int) (prev int) {
	prev = debug.SetGCPercent(percent)
	if prev < percent {
		debug.SetGCPercent(prev)
	}
	return prev
}

var tight struct {
	sync.Mutex
	n    int // large workbooks being processed
	prev int // the GOGC to go back to
}

// tightGCFor is tightGC for a workbook of size bytes, nothing for a small
// one.
func tightGCFor(size int64) (restore func()) {
	if size < largeInput {
		return func() {}
	}
	return tightGC()
}

// tightGC lowers GOGC while a large workbook is processed, and returns
// the function that puts it back once no large workbook is left (jobs
// process several at once). A GOGC the user set lower, or off, is kept.
func tightGC() (restore func()) {
	tight.Lock()
	defer tight.Unlock()
	if tight.n == 0 {
		tight.prev = lowerGOGC(tightGCPercent)
	}
	tight.n++
	return func() {
		tight.Lock()
		defer tight.Unlock()
		tight.n--
		if tight.n == 0 {
			debug.SetGCPercent(tight.prev)
		}
	}
}
