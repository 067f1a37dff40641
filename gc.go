package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
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

// heapRoom is the heap a run may fill between two collections while no
// large workbook is processed (roomyGC): a small workbook leaves 8–10 MB
// live and makes about ten times that in garbage, so with the default
// GOGC a batch was collected after every 10 MB or so it made (260 times
// in 500 workbooks, against 25). With 48 MiB of room, 500 workbooks take
// 10–20 % less time with two jobs and peak at about 65 MB, as 50 do
// (64 MiB was no faster; 40 MiB left 50 workbooks short of the room).
// Where more is live the run's own GOGC governs, as without it.
//
// Once a large workbook has had a heap above heapRoom, the room is that
// heap (collectorState.room): the rest of the run (its per-department
// workbooks, its summaries) is collected when it reaches what the run
// already took, not each time it doubles what is live. A --split of
// 5,000 departments leaves 36 MB live (every department's results)
// and made 167 collections, each marking all of it: with the room of
// its workbook (about 86 MB) it takes about 7 % less time and 1.5 s
// less CPU, in the same memory.
const heapRoom = 48 << 20

// roomSlack is what the soft memory limit allows above the room: what
// the runtime takes besides the heap (stacks, the collector's own data,
// memory not yet given back).
const roomSlack = 16 << 20

// maxRoomyPercent bounds the GOGC roomyGC sets when little is live: the
// runtime never aims below a minimum heap of 4 MB × GOGC/100, so a
// higher GOGC would let the heap grow past heapRoom.
const maxRoomyPercent = heapRoom / (4 << 20) * 100

// collector is the collector's setting. GOGC is set only through it.
var collector collectorState

// room is the heap the run may fill between collections: heapRoom, or
// the highest goal a large workbook had, less roomSlack, so that with
// the memory limit's slack above it the run stays within what the
// workbook took. The caller holds the lock.
func (c *collectorState) room() uint64 { return max(heapRoom, c.high-min(c.high, roomSlack)) }

// forgetRoom lets a large workbook's heap go: the room is heapRoom
// again. perfeval watch calls it once it waits again, so that one large
// workbook does not set the room for the rest of its life.
func forgetRoom() {
	collector.Lock()
	defer collector.Unlock()
	collector.high = 0
	applyGC()
}

type collectorState struct {
	sync.Mutex
	percent  int    // the GOGC asked for: the run's own, or lower (tightGC, endGC); -1 is off
	roomless int    // large workbooks' lowerings in effect (tightGC): no room while they are
	roomy    bool   // roomyGC runs: while nothing is roomless, the heap may fill room()
	live     uint64 // heap bytes live after the latest collection
	roots    uint64 // stack and global bytes it scanned
	high     uint64 // the highest heap goal a collection set while a large workbook was processed (forgetRoom clears it)
}

func init() {
	collector.percent = debug.SetGCPercent(100)
	debug.SetGCPercent(collector.percent)
}

// applyGC gives the collector the GOGC asked for or, while roomyGC runs
// and no large workbook is processed, the one that lets the heap fill
// the room if that is higher. With that one it also sets a soft memory
// limit roomSlack above the room: GOGC is set from what the latest
// collection left live, and when more is live by the next one (two
// jobs starting new workbooks) the limit, not GOGC, bounds the heap
// until GOGC is set again. The caller holds collector's lock.
func applyGC() {
	p := collector.gogc()
	debug.SetGCPercent(p)
	if !collector.roomy {
		return // the memory limit is the user's (GOMEMLIMIT), or none
	}
	limit := int64(math.MaxInt64)
	if p != collector.percent {
		limit = int64(collector.room()) + roomSlack
	}
	debug.SetMemoryLimit(limit)
}

// gogc is the GOGC applyGC gives the collector. The caller holds the
// lock.
func (c *collectorState) gogc() int {
	return roomyPercent(c.percent, c.live, c.roots, c.room(), c.roomy && c.roomless == 0)
}

// roomyPercent is the GOGC that lets the heap fill room bytes before its
// next collection, when roomy and higher than percent; else percent.
// Off (-1) stays off. The runtime's goal is live + (live + roots) ×
// GOGC/100, where roots are the goroutine stacks and globals it scans.
func roomyPercent(percent int, live, roots, room uint64, roomy bool) int {
	if !roomy || percent < 0 || live >= room {
		return percent
	}
	return max(percent, min(int((room-live)*100/max(live+roots, 1<<20)), maxRoomyPercent))
}

var roomyOnce sync.Once

// roomyGC lets the heap fill its room between collections while no
// large workbook is processed: after each collection it sets GOGC from
// what is left live. It is started once, by main, unless the user set
// GOGC or GOMEMLIMIT, which are then the collector's own.
func roomyGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	roomyOnce.Do(func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}, {Name: "/gc/heap/goal:bytes"}}
		metrics.Read(sample)
		for _, s := range sample {
			if s.Value.Kind() != metrics.KindUint64 {
				return // the runtime does not say what is live
			}
		}
		collector.Lock()
		collector.roomy = true
		collector.Unlock()
		watchCollections(sample)
	})
}

// collectionMark is made to be collected: its cleanup runs after the
// collection that found it unreachable. It holds a pointer, so it is not
// one of the tiny objects the runtime packs together.
type collectionMark struct {
	_ *collectionMark
	_ uint64
}

// watchCollections reads what the latest collection left live, applies
// it, and watches for the next collection.
func watchCollections(sample []metrics.Sample) {
	runtime.AddCleanup(new(collectionMark), func(sample []metrics.Sample) {
		collector.Lock() // before reading: a large workbook may start in between
		metrics.Read(sample)
		collector.live = sample[0].Value.Uint64()
		collector.roots = sample[1].Value.Uint64() + sample[2].Value.Uint64()
		if collector.roomless > 0 {
			collector.high = max(collector.high, sample[3].Value.Uint64())
		}
		applyGC()
		collector.Unlock()
		watchCollections(sample)
	}, sample)
}

// lowerGC asks for GOGC percent unless it is lower already, or off, and
// returns the function that asks for what it was again. Unless room,
// roomyGC gives no room while it is in effect.
func lowerGC(percent int, room bool) (restore func()) {
	collector.Lock()
	defer collector.Unlock()
	prev := collector.percent
	if prev >= 0 && percent < prev {
		collector.percent = percent
	}
	if !room {
		collector.roomless++
	}
	applyGC()
	return func() {
		collector.Lock()
		defer collector.Unlock()
		collector.percent = prev
		if !room {
			collector.roomless--
		}
		applyGC()
	}
}

// endGC asks for endGCPercent for the end of a run and returns the
// function that puts it back. A GOGC the user set lower, or off, is kept.
// The heap keeps roomyGC's room: it bounds the end of a batch as it
// bounded its workbooks, and endGCPercent bounds it beyond.
// It may be taken inside tightGC, not around tightGC's first taker: that
// would keep endGCPercent as the GOGC to go back to.
func endGC() (restore func()) {
	return lowerGC(endGCPercent, true)
}

var tight struct {
	sync.Mutex
	n       int    // large workbooks being processed
	restore func() // puts back the GOGC from before the first
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
// roomyGC gives no room meanwhile (what is live is most of the heap),
// and the highest goal the heap has then is the run's room after.
func tightGC() (restore func()) {
	tight.Lock()
	defer tight.Unlock()
	if tight.n == 0 {
		tight.restore = lowerGC(tightGCPercent, false)
	}
	tight.n++
	return func() {
		tight.Lock()
		defer tight.Unlock()
		tight.n--
		if tight.n == 0 {
			tight.restore()
		}
	}
}
