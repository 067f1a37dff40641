package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/urfave/cli/v2"

	"perfeval/sheet"
)

// watchOptions are perfeval watch's flags.
type watchOptions struct {
	runOptions
	Settle  time.Duration // a file is taken once unchanged this long
	Rescan  time.Duration // how often the inbox is listed, besides events
	Retries int           // tries for a file that fails to open while recently changed
}

// Subfolders of the inbox where inputs go once processed.
const (
	processedDir = "processed"
	failedDir    = "failed"
)

func watchCommand(w *helpWords) *cli.Command {
	return &cli.Command{
		Name:        "watch",
		Usage:       w.Watch.Usage,
		UsageText:   w.Watch.UsageText,
		ArgsUsage:   "INBOX",
		Description: w.Watch.Description,
		Flags: append(append([]cli.Flag{
			&cli.DurationFlag{Name: "settle", Value: 2 * time.Second, Usage: w.Flags.Settle},
			&cli.DurationFlag{Name: "rescan", Value: 30 * time.Second, Usage: w.Flags.Rescan},
			&cli.IntFlag{Name: "retries", Value: 5, Usage: w.Flags.WatchRetries},
		}, outputFlags(w)...), inputFlags(w)...),
		Action: func(c *cli.Context) error {
			run, err := runOptionsFrom(c)
			if err != nil {
				return err
			}
			opts := watchOptions{runOptions: run, Settle: c.Duration("settle"), Rescan: c.Duration("rescan"), Retries: c.Int("retries")}
			if opts.Settle <= 0 || opts.Rescan <= 0 || opts.Retries < 1 {
				return usageErrorL(run.Lang, "--settle 和 --rescan 必须为正，--retries 至少为 1", "--settle and --rescan must be positive and --retries at least 1")
			}
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runWatch(ctx, opts, c.Args().Slice())
		},
	}
}

// candidate is a file seen in the inbox, waiting to be complete.
type candidate struct {
	size      int64
	mod       time.Time
	since     time.Time // unchanged since
	attempts  int       // failed opens while recently changed
	notBefore time.Time // next try, after a failed open
}

// watcher is the state of perfeval watch.
type watcher struct {
	opts     watchOptions
	inbox    string
	pending  map[string]*candidate
	noted    map[string]bool // perfeval outputs found in the inbox, noted once
	auditErr error           // the audit log could not be written: the watch stops
	state    *watchState     // every workbook processed, across restarts
	summary  string          // the batch summary, kept up to date with state
}

// runWatch watches the inbox until ctx is done.
func runWatch(ctx context.Context, opts watchOptions, args []string) error {
	if err := checkLang(opts.Lang); err != nil {
		return err
	}
	lang := opts.Lang
	if len(args) != 1 {
		return usageErrorL(lang, "请给出一个要监视的收件文件夹", "give one inbox folder to watch")
	}
	inbox := args[0]
	if info, err := os.Stat(inbox); err != nil || !info.IsDir() {
		return usageErrorL(lang, "%s 不是文件夹", "%s is not a folder", inbox)
	}
	summary := filepath.Join(opts.Out, sheet.LabelsFor(lang).BatchName)
	if err := (&outputPlan{Out: opts.Out, LogFile: opts.LogFile, Summary: summary}).check(lang); err != nil {
		return err
	}
	for _, dir := range []string{filepath.Join(inbox, processedDir), filepath.Join(inbox, failedDir), opts.Out} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return failf(lang, "无法创建 %s：%v", "cannot create %s: %v", dir, err)
		}
	}
	cleanStale(opts.Out, opts.Log)
	var err error
	if opts.TmpDir, err = os.MkdirTemp(opts.Out, sheet.TempPattern()); err != nil {
		return failf(lang, "无法在输出文件夹 %s 中写入：%v", "cannot write in the output folder %s: %v", opts.Out, err)
	}
	defer os.RemoveAll(opts.TmpDir)
	if opts.LogFile != "" {
		if opts.audit, err = openAuditLog(opts.LogFile); err != nil {
			return failf(lang, "无法打开日志文件 %s：%v", "cannot open the log file %s: %v", opts.LogFile, err)
		}
		defer opts.audit.Close()
	}
	events, err := fsnotify.NewWatcher()
	if err != nil {
		return failf(lang, "无法监视 %s：%v", "cannot watch %s: %v", inbox, err)
	}
	defer events.Close()
	if err := events.Add(inbox); err != nil {
		return failf(lang, "无法监视 %s：%v", "cannot watch %s: %v", inbox, err)
	}
	fmt.Fprintf(opts.Stderr, tr(opts.Lang, "perfeval: 正在监视 %s，结果写入 %s；按 Ctrl+C 停止\n", "perfeval: watching %s, results go to %s; Ctrl+C stops\n"), inbox, opts.Out)

	state, err := loadWatchState(opts.Out)
	if err != nil {
		fmt.Fprintf(opts.Stderr, tr(lang, "perfeval: 警告：无法读取监视状态 %v；批量汇总从现在起重新累计\n", "perfeval: warning: cannot read the watch state %v; the batch summary starts afresh\n"), err)
	}
	w := &watcher{opts: opts, inbox: inbox, pending: map[string]*candidate{}, noted: map[string]bool{}, state: state, summary: summary}
	w.scan(time.Now())
	tick := time.NewTicker(min(opts.Settle/4, 250*time.Millisecond))
	defer tick.Stop()
	rescan := time.NewTicker(opts.Rescan)
	defer rescan.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(opts.Stderr, tr(opts.Lang, "perfeval: 已停止监视", "perfeval: stopped watching"))
			return nil
		case ev, ok := <-events.Events:
			if !ok {
				return failf(lang, "文件夹监视已停止", "the folder watch stopped")
			}
			if filepath.Dir(ev.Name) == filepath.Clean(inbox) {
				w.note(ev.Name, time.Now())
			}
		case err, ok := <-events.Errors:
			if !ok {
				return failf(lang, "文件夹监视已停止", "the folder watch stopped")
			}
			opts.Log.Warn().Err(err).Msg("watch event error; the periodic rescan covers it")
		case now := <-rescan.C:
			w.scan(now)
		case now := <-tick.C:
			w.processReady(ctx, now)
			if w.auditErr != nil {
				return failf(lang, "无法写入日志文件 %s：%s；已停止监视", "cannot write the log file %s: %s; stopped watching", opts.LogFile, writeCause(lang, w.auditErr))
			}
		}
	}
}

// scan notes every file in the inbox.
func (w *watcher) scan(now time.Time) {
	entries, err := os.ReadDir(w.inbox)
	if err != nil {
		w.opts.Log.Warn().Err(err).Str("inbox", w.inbox).Msg("cannot list the inbox")
		return
	}
	for _, e := range entries {
		if !e.IsDir() {
			w.note(filepath.Join(w.inbox, e.Name()), now)
		}
	}
}

// note records a file's size and modification time; a change restarts its
// settle period. Files that are not inputs are ignored.
func (w *watcher) note(path string, now time.Time) {
	if code, _ := skipReason(filepath.Base(path), w.opts.Lang); code != "" || outputNamed(filepath.Base(path), w.opts.Lang) != "" {
		return
	}
	if w.opts.Roster != "" && placeOf(path).same(placeOf(w.opts.Roster)) { // the roster kept in the inbox
		return
	}
	if _, seen := w.pending[path]; !seen {
		if why, _ := markReason(path, w.opts.Lang); why != "" {
			if !w.noted[path] {
				w.noted[path] = true
				fmt.Fprintf(w.opts.Stderr, tr(w.opts.Lang, "perfeval: 跳过 %s：%s\n", "perfeval: skipped %s: %s\n"), path, why)
			}
			return
		}
	}
	info, err := os.Stat(path)
	if err != nil || info.IsDir() {
		delete(w.pending, path)
		return
	}
	c, ok := w.pending[path]
	if !ok {
		w.pending[path] = &candidate{size: info.Size(), mod: info.ModTime(), since: now}
		return
	}
	if c.size != info.Size() || !c.mod.Equal(info.ModTime()) {
		// Still arriving: its settle period and its tries start again.
		c.size, c.mod, c.since = info.Size(), info.ModTime(), now
		c.attempts, c.notBefore = 0, time.Time{}
	}
}

// processReady processes, in name order, the files unchanged for the
// settle period; between files it stops when ctx is done.
func (w *watcher) processReady(ctx context.Context, now time.Time) {
	var ready []string
	for path := range w.pending {
		w.note(path, now)
		if c, ok := w.pending[path]; ok && now.Sub(c.since) >= w.opts.Settle && !now.Before(c.notBefore) {
			ready = append(ready, path)
		}
	}
	sort.Strings(ready)
	for _, path := range ready {
		if ctx.Err() != nil || w.auditErr != nil {
			return
		}
		w.process(ctx, path)
	}
	if len(ready) > 0 {
		// Waiting again: the room a large workbook gave the heap goes
		// (roomyGC), and the garbage the room let build up goes back to
		// the system now, not at the runtime's next forced collection
		// minutes later.
		forgetRoom()
		debug.FreeOSMemory()
	}
}

// process handles one complete file: outputs first, then the input moves
// to processed/ or failed/, so that a crash in between only repeats work.
func (w *watcher) process(ctx context.Context, path string) {
	c := w.pending[path]
	if why, _ := markReason(path, w.opts.Lang); why != "" { // complete now: a copy of an output
		delete(w.pending, path)
		if !w.noted[path] {
			w.noted[path] = true
			fmt.Fprintf(w.opts.Stderr, tr(w.opts.Lang, "perfeval: 跳过 %s：%s\n", "perfeval: skipped %s: %s\n"), path, why)
		}
		return
	}
	o := w.processOne(ctx, path)
	if o.report.Status == statusInterrupted {
		fmt.Fprintf(w.opts.Stderr, tr(w.opts.Lang, "perfeval: %s：处理被中断，留在收件文件夹，下次启动时再处理\n",
			"perfeval: %s: interrupted; left in the inbox for the next start\n"), path)
		return
	}
	if w.notComplete(o, c) {
		c.attempts++
		wait := w.opts.Settle << c.attempts
		c.notBefore = time.Now().Add(wait)
		w.opts.Log.Info().Str("file", path).Int("attempt", c.attempts).Str("retry_in", wait.String()).Msg("does not open yet; still being copied?")
		return
	}
	delete(w.pending, path)
	// The run so far as one evaluation: this workbook's departments are
	// ranked with everything processed before (the same file dropped
	// again replaces the earlier one), then its
	// per-department workbooks are written with those ranks.
	lang := w.opts.Lang
	if w.state == nil {
		w.state = &watchState{Version: stateVersion}
	}
	if w.summary == "" {
		w.summary = filepath.Join(w.opts.Out, sheet.LabelsFor(w.opts.Lang).BatchName)
	}
	idx := w.state.put(filepath.Base(path), o.sha256, batchFiles([]outcome{o})[0])
	files := w.state.batchFiles()
	batch, err := assembleBatch(lang, files, w.opts.roster, func(n batchNote) {
		if n.file == idx {
			o.report.Problems = append(o.report.Problems, n.problem)
		}
	})
	if err != nil { // the state's rows are in memory: not expected
		fmt.Fprintf(w.opts.Stderr, tr(lang, "perfeval: 警告：无法汇总 %s：%v\n", "perfeval: warning: cannot rank %s in the batch: %v\n"), path, err)
		return
	}
	setBatchRanks(&o.report, files[idx])
	if o.results != nil && o.splitDir != "" {
		writeSplitOf(w.opts.runOptions, &o, batch, idx, w.opts.Jobs)
	}
	o.results = nil
	printFile(w.opts.Stdout, w.opts.Stderr, lang, o.report)
	if err := w.opts.audit.Log(o); err != nil {
		w.auditErr = err // the input stays in the inbox: the watch stops
		return
	}
	// Saved before the input moves, so that a crash in between loses
	// nothing from the summary (the entry names the inbox path until the
	// next save).
	departments := w.state.Files[idx].File.Departments // as read, before the run's ranks
	w.state.Files[idx].File = batchFiles([]outcome{o})[0]
	w.state.Files[idx].File.Departments = departments
	w.saveState()
	dest := processedDir
	if o.report.Status != statusOK || o.writeErr != nil {
		dest = failedDir
	}
	moved, err := moveAside(path, filepath.Join(w.inbox, dest), time.Now())
	if err != nil {
		fmt.Fprintf(w.opts.Stderr, tr(lang, "perfeval: 无法移动 %s：%v\n", "perfeval: cannot move %s: %v\n"), path, err)
		moved = path
	} else {
		w.opts.Log.Debug().Str("file", path).Str("to", moved).Msg("moved")
	}
	entry := batchFiles([]outcome{o})[0] // after its split folder was written, or failed
	entry.Path, entry.Departments = moved, w.state.Files[idx].File.Departments
	w.state.Files[idx].File = entry
	// The summary names the file where it is now; a copy of a department
	// that this workbook replaces loses its per-department workbook, so
	// that only the department's latest result can be sent.
	if batch, err = assembleBatch(lang, w.state.batchFiles(), w.opts.roster, nil); err != nil {
		fmt.Fprintf(w.opts.Stderr, tr(lang, "perfeval: 警告：无法写入批量汇总 %s：%v\n", "perfeval: warning: cannot write the batch summary %s: %v\n"), w.summary, err)
		return
	}
	for i := range batch.Files {
		if i != idx {
			w.dropSuperseded(&w.state.Files[i].File, batch.Files[i])
			batch.Files[i].SplitDir = w.state.Files[i].File.SplitDir
		}
	}
	w.saveState()
	batch.TmpDir = w.opts.TmpDir
	if err := sheet.WriteBatchSummary(w.summary, lang, batch); err != nil {
		fmt.Fprintf(w.opts.Stderr, tr(lang, "perfeval: 警告：无法写入批量汇总 %s：%s\n", "perfeval: warning: cannot write the batch summary %s: %s\n"), w.summary, writeCause(lang, err))
	}
}

// saveState writes the state file, saying on stderr when it cannot: the
// watch goes on, and the next save may succeed.
func (w *watcher) saveState() {
	if err := w.state.save(w.opts.Out); err != nil {
		fmt.Fprintf(w.opts.Stderr, tr(w.opts.Lang, "perfeval: 警告：无法保存监视状态：%s\n", "perfeval: warning: cannot save the watch state: %s\n"), writeCause(w.opts.Lang, err))
	}
}

// dropSuperseded removes, from an earlier workbook's per-department
// folder, the workbooks of its departments now counted from another file
// (sent again), and the folder once none is left. Only workbooks perfeval
// wrote for those departments are removed.
func (w *watcher) dropSuperseded(kept *sheet.BatchFile, now sheet.BatchFile) {
	if kept.SplitDir == "" {
		return
	}
	gone := map[string]bool{}
	for _, d := range now.Departments {
		if d.CountedIn != "" {
			gone[d.Name] = true
		}
	}
	if len(gone) == 0 {
		return
	}
	entries, err := os.ReadDir(kept.SplitDir)
	if err != nil {
		return
	}
	left := 0
	for _, e := range entries {
		path := filepath.Join(kept.SplitDir, e.Name())
		m, ok, _ := sheet.ReadMark(path)
		if ok && m.Kind == sheet.KindDepartment && gone[m.Department] {
			if err := os.Remove(path); err == nil {
				w.opts.Log.Info().Str("file", path).Msg("removed the per-department workbook of a department sent again")
				continue
			}
		}
		left++
	}
	if left == 0 {
		removeSplitDir(kept.SplitDir, w.opts.runOptions)
		kept.SplitDir = ""
	}
}

// processOne names one input's outputs and writes them. Names are
// chosen so that no two inputs ever share them, even across restarts: a
// name is taken unless nothing is there or what is there was written from
// this very input (same file name and SHA-256); otherwise " (2)", " (3)",
// … is tried. So a.xlsx and a.xlsm, or a second a.xlsx with other
// contents, get their own result and per-department folder, and an input
// processed again after a crash gets the same names.
func (w *watcher) processOne(ctx context.Context, path string) outcome {
	opts := w.opts.runOptions
	base := filepath.Base(path)
	sha := fileSHA256(path)
	first := planNames(opts, path, map[string]bool{})
	var names plannedNames
	for k := 1; ; k++ {
		names = plannedNames{result: numbered(first.result, k), annotated: numbered(first.annotated, k)}
		if first.splitDir != "" {
			names.splitDir = numbered(first.splitDir, k)
		}
		if ownedBy(names.result, base, sha, false) && ownedBy(names.annotated, base, sha, false) && ownedBy(names.splitDir, base, sha, true) {
			break
		}
	}
	plan := &outputPlan{Out: opts.Out, Inputs: []string{path}, Files: []plannedNames{names}, LogFile: opts.LogFile}
	if err := plan.check(opts.Lang); err != nil {
		o := outcome{sha256: sha, report: FileReport{Path: path, Status: statusFailed, Departments: []DepartmentReport{}}}
		o.report.Problems = []ProblemReport{{Severity: "error", Code: "output-is-input", Message: strings.TrimPrefix(err.Error(), errClash.Error()+": "),
			Hint: tr(opts.Lang, "换一个输出文件夹（--out）", "choose another output folder (--out)")}}
		o.writeErr = err
		return o
	}
	return processFile(ctx, path, names, opts)
}

// numbered is path with " (k)" before its workbook extension (k > 1).
func numbered(path string, k int) string {
	if k < 2 || path == "" {
		return path
	}
	ext := filepath.Ext(path)
	if e := strings.ToLower(ext); e != ".xlsx" && e != ".xlsm" {
		ext = ""
	}
	return fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(path, ext), k, ext)
}

// ownedBy reports whether path is free for the outputs of the input named
// base with this SHA-256: nothing is there, or only what perfeval wrote
// from that input (a folder: per-department workbooks from it).
func ownedBy(path, base, sha string, folder bool) bool {
	if path == "" {
		return true
	}
	info, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	ours := func(p string) bool {
		m, ok, _ := sheet.ReadMark(p)
		return ok && m.Source == base && m.SourceSHA256 == sha
	}
	if !folder {
		return info.Mode().IsRegular() && ours(path)
	}
	if !info.IsDir() {
		return false
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if _, tmp := sheet.TempOwner(e.Name()); tmp {
			continue
		}
		if !e.Type().IsRegular() || !ours(filepath.Join(path, e.Name())) {
			return false
		}
	}
	return true
}

// notComplete reports whether a file that did not open looks like one
// still being written: changed recently and failing as a damaged or empty
// file, with tries left.
func (w *watcher) notComplete(o outcome, c *candidate) bool {
	if o.openErr == nil || c.attempts >= w.opts.Retries {
		return false
	}
	if !errors.Is(o.openErr, sheet.ErrCorrupt) && !errors.Is(o.openErr, sheet.ErrEmpty) {
		return false
	}
	return time.Since(c.mod) < 2*time.Minute
}

// moveAside moves a file into dir, adding a timestamp (and a counter) to
// its name when dir already has one by that name.
func moveAside(path, dir string, now time.Time) (string, error) {
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	target := filepath.Join(dir, base)
	for i := 1; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
			break
		}
		suffix := now.Format("20060102-150405")
		if i > 1 {
			suffix += fmt.Sprintf("-%d", i)
		}
		target = filepath.Join(dir, stem+"-"+suffix+ext)
	}
	return target, os.Rename(path, target)
}
