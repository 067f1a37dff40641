package main

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"perfeval/calc"
	"perfeval/sheet"
)

// runOptions are perfeval run's flags.
type runOptions struct {
	inspectOptions
	Out       string
	Report    string
	Jobs      int
	Recursive bool
	Split     bool
	LogFile   string
	Roster    string // --roster FILE

	Stdout, Stderr io.Writer
	audit          *auditLog   // nil without --log-file
	roster         *rosterList // read from Roster
	// settleLater leaves each result's last step (sync and rename) to
	// run while the next workbook is processed: processFile's outcome
	// then waits for it in settled (runRun's jobs; watch waits at once).
	settleLater bool
}

// inputFlags are the flags of every command that reads workbooks.
func inputFlags(w *helpWords) []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "password", Usage: w.Flags.Password},
		&cli.Int64Flag{Name: "max-size", Value: sheet.DefaultUnzipLimit >> 20, Usage: w.Flags.MaxSize},
		&cli.StringFlag{Name: "settings", Usage: w.Flags.Settings},
	}, commonFlags(w)...)
}

func runCommand(w *helpWords) *cli.Command {
	return &cli.Command{
		Name:        "run",
		Usage:       w.Run.Usage,
		UsageText:   w.Run.UsageText,
		ArgsUsage:   "PATH...",
		Description: w.Run.Description,
		Flags: append(append([]cli.Flag{
			&cli.StringFlag{Name: "report", Usage: w.Flags.Report},
			&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: runtime.NumCPU(), DefaultText: w.Flags.JobsDefault, Usage: w.Flags.Jobs},
			&cli.BoolFlag{Name: "recursive", Aliases: []string{"r"}, Usage: w.Flags.Recursive},
		}, outputFlags(w)...), inputFlags(w)...),
		Action: func(c *cli.Context) error {
			opts, err := runOptionsFrom(c)
			if err != nil {
				return err
			}
			opts.Report, opts.Jobs, opts.Recursive = c.String("report"), c.Int("jobs"), c.Bool("recursive")
			if opts.Jobs < 1 {
				return usageErrorL(opts.Lang, "--jobs 至少为 1", "--jobs must be 1 or more")
			}
			// Ctrl+C or SIGTERM: the workbooks being written are finished,
			// no new one is started.
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runRun(ctx, opts, c.Args().Slice())
		},
	}
}

// outputFlags are the flags of every command that writes results.
func outputFlags(w *helpWords) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: w.Flags.Out},
		&cli.BoolFlag{Name: "split", Usage: w.Flags.Split},
		&cli.StringFlag{Name: "log-file", Usage: w.Flags.LogFile},
		&cli.StringFlag{Name: "roster", Usage: w.Flags.Roster},
	}
}

// runOptionsFrom reads the flags that run and watch share.
func runOptionsFrom(c *cli.Context) (runOptions, error) {
	in, err := inspectOptionsFrom(c)
	if err != nil {
		return runOptions{}, err
	}
	opts := runOptions{
		inspectOptions: in, Out: c.String("out"), Split: c.Bool("split"), LogFile: c.String("log-file"), Jobs: 1,
		Roster: c.String("roster"), Stdout: c.App.Writer, Stderr: c.App.ErrWriter,
	}
	return opts, opts.readRoster()
}

// readRoster reads --roster, if given: a roster that cannot be read, or
// names no department, is a usage error (exit status 2) before anything
// is read or written.
func (opts *runOptions) readRoster() error {
	if opts.Roster == "" || opts.roster != nil {
		return nil
	}
	r, err := readRoster(opts.Roster)
	if err != nil {
		return usageErrorL(opts.Lang, "无法读取名单 %s：%v（名单是工作簿或文本文件，每行一个部门名称）",
			"cannot read the roster %s: %v (a roster is a workbook or text file with one department name per row)", opts.Roster, err)
	}
	opts.roster = r
	return nil
}

// flagProblem is a flag urfave/cli could not parse (exit status 2); run
// says so in the chosen language.
type flagProblem struct{ err error }

func (f flagProblem) Error() string   { return f.err.Error() }
func (f flagProblem) Unwrap() []error { return []error{errUsage, f.err} }

func onUsageError(_ *cli.Context, err error, _ bool) error { return flagProblem{err} }

// inspectOptionsFrom reads the flags that every reading command shares.
func inspectOptionsFrom(c *cli.Context) (inspectOptions, error) {
	log, err := newLogger(c)
	if err != nil {
		return inspectOptions{}, err
	}
	opts := inspectOptions{Lang: c.String("lang"), Password: c.String("password"), MaxSizeMiB: c.Int64("max-size"), Log: log}
	if err := checkLang(opts.Lang); err != nil {
		return opts, err
	}
	if opts.MaxSizeMiB <= 0 {
		return opts, usageErrorL(opts.Lang, "--max-size 必须是正数（单位 MiB）", "--max-size must be a positive number of MiB")
	}
	if path := c.String("settings"); path != "" {
		settings, err := sheet.ReadSettingsFile(c.Context, path, sheet.Options{UnzipLimit: opts.MaxSizeMiB << 20})
		if err != nil {
			return opts, usageErrorL(opts.Lang, "无法读取设置文件 %s：%v", "cannot read the settings file %s: %v", path, err)
		}
		opts.SettingsFile, opts.Settings = path, settings
	}
	return opts, nil
}

// runRun processes every workbook of args with opts.Jobs workers and
// writes results, annotated copies, per-department workbooks, the batch
// summary, the report and the audit log. Every output is planned and
// checked against every input before anything is written. Outputs, report
// and stdout are the same whatever the number of workers. It returns
// errInvalid when some workbook was invalid or unreadable, after
// processing all the others, and a failure (exit status 3) when an output
// could not be written or the run was interrupted; the report and the
// tally are written in every case.
func runRun(ctx context.Context, opts runOptions, args []string) error {
	if err := checkLang(opts.Lang); err != nil {
		return err
	}
	lang := opts.Lang
	if len(args) == 0 {
		return usageErrorL(lang, "没有给出工作簿或文件夹", "no workbook or folder given")
	}
	opts.settleLater = true // the jobs below wait for each result in handIn
	if err := opts.readRoster(); err != nil {
		return err
	}
	reportOut := opts.Stdout
	if opts.Report == "-" { // the report on stdout: the lines and the tally go to stderr, so that stdout is JSON
		opts.Stdout = opts.Stderr
	}
	inputs, skipped, err := collectInputs(args, opts.Recursive, opts.Log, lang) // the output folder too: its outputs are skipped by their marks, anything else in it is read
	if err != nil {
		return err
	}
	inputs, skipped = skipSettingsFile(inputs, skipped, opts.SettingsFile, lang)
	inputs, skipped = skipRosterFile(inputs, skipped, opts.Roster, lang)
	printSkipNotes(opts.Stderr, lang, skipped)
	if len(inputs) == 0 {
		return usageErrorL(lang, "在 %s 中没有找到 .xlsx 或 .xlsm 工作簿", "no .xlsx or .xlsm workbook found in %s", strings.Join(args, ", "))
	}
	plan, err := planRun(opts, inputs)
	if err != nil {
		return err
	}
	// Setting up the output folder and log: when that fails, the report
	// (if it can be written) still records every workbook as failed.
	setupFailed := func(what string, err error) error {
		if opts.Report != "" {
			report := &Report{Files: []FileReport{}, Skipped: skipped}
			for _, in := range inputs {
				report.Files = append(report.Files, outcome{report: FileReport{Path: in, Problems: []ProblemReport{}}}.fail(lang, what, err).report)
			}
			writeReport(opts.Report, reportOut, report, "")
		}
		return withHint(failf(lang, "无法写入 %s：%s", "cannot write %s: %s", what, writeCause(lang, err)), writeHint(lang, err))
	}
	removeIfEmpty, err := makeOutDir(opts.Out)
	if err != nil {
		return setupFailed(opts.Out, err)
	}
	defer removeIfEmpty()
	cleanStale(opts.Out, opts.Log)
	cleanStaleTemp(opts.Log)
	if opts.TmpDir, err = os.MkdirTemp(opts.Out, sheet.TempPattern()); err != nil {
		return setupFailed(opts.Out, err)
	}
	defer os.RemoveAll(opts.TmpDir)
	// Each workbook's batch rows wait on disk for the end of the run, so
	// that a batch's memory does not grow with its workbooks; kept in
	// memory when the file cannot be made.
	rows, _ := sheet.NewBatchRows(opts.TmpDir) // nil when it fails
	defer rows.Close()
	// So do the departments of the report, with --report: in the
	// system's temporary folder, so as not to take the outputs' space,
	// else in the run's; in memory when neither can be used.
	var reports *sheet.SpillFile
	if opts.Report != "" {
		var perr error
		if reports, perr = sheet.NewSpillFile(""); perr != nil {
			reports, _ = sheet.NewSpillFile(opts.TmpDir) // nil when it fails
		}
		defer reports.Close()
		if testHookReports != nil {
			testHookReports("made", reports)
		}
	}
	if opts.LogFile != "" {
		if opts.audit, err = openAuditLog(opts.LogFile); err != nil {
			return setupFailed(opts.LogFile, err)
		}
		defer opts.audit.Close()
	}

	progress := newProgress(opts.Stderr, len(inputs), lang)
	stdout, stderr := progress.writers(opts.Stdout, opts.Stderr)
	outcomes := make([]outcome, len(inputs))
	done := make([]bool, len(inputs))
	var mu sync.Mutex
	var auditErr error
	var settings sharedSettings
	next := 0 // the first outcome not yet printed: printing keeps input order
	// handIn takes a processed workbook's outcome, its result in place:
	// it prints the lines of every workbook done up to the first not
	// done, in input order.
	handIn := func(i int, o outcome) {
		o = o.settled(opts)
		mu.Lock()
		o.settings = settings.of(o.settings)
		outcomes[i], done[i] = o, true
		for next < len(inputs) && done[next] {
			printFile(stdout, stderr, lang, outcomes[next].report)
			if outcomes[next].splitDir == "" { // else logged once its per-department workbooks are written
				if err := opts.audit.Log(outcomes[next]); err != nil && auditErr == nil {
					auditErr = err
				}
			}
			if opts.Report == "" || outcomes[next].report.parked != nil { // only the tally, the batch summary and the report are left to write
				outcomes[next].compact()
			}
			next++
		}
		mu.Unlock()
		progress.increment()
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Jobs, len(inputs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A job goes on with its next workbook while the last one's
			// result is synced and renamed (settleLater), which waits on
			// the disk, not on a core; that one is handed in as soon as
			// it is in place, and before the next one is.
			var settling chan struct{} // closed once the last one is handed in
			for i := range work {
				o := processFile(ctx, inputs[i], plan.Files[i], opts)
				o.park(rows)
				o.report.park(reports) // dropped once printed
				if settling != nil {
					<-settling
					settling = nil
				}
				if o.settling == nil {
					handIn(i, o)
					continue
				}
				handedIn := make(chan struct{})
				settling = handedIn
				go func() {
					defer close(handedIn)
					handIn(i, o)
				}()
			}
			if settling != nil {
				<-settling
			}
		}()
	}
feed:
	for i := range inputs {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	progress.wait()
	// What is left holds every department's row (without its detail,
	// which stays on disk) while it ranks them and writes the batch
	// summary: it starts from the memory the workbooks no longer need,
	// given back, and is collected tightly (endGC) while it reads the
	// rows back, ranks them and writes the batch summary.
	debug.FreeOSMemory()
	restoreGC := endGC()

	report := &Report{Files: []FileReport{}, Skipped: skipped}
	finished, writeFailed := 0, 0
	for i := range outcomes {
		if !done[i] { // never started: the run was interrupted first
			outcomes[i] = interrupted(inputs[i], lang)
			printFile(opts.Stdout, io.Discard, lang, outcomes[i].report) // its line; the closing message says why
		}
		switch outcomes[i].report.Status {
		case statusInterrupted:
		case statusFailed:
			writeFailed++
			finished++
		default:
			finished++
		}
		report.Files = append(report.Files, outcomes[i].report)
	}
	// The run as one evaluation: ranks across workbooks, copies sent
	// twice, statistics, the roster; then the per-department workbooks,
	// which show the run's rank and means.
	var lost error // the run's rows could not be read back: nothing is ranked across the run
	if testHookRows != nil {
		testHookRows(rows)
	}
	for i := range outcomes {
		if lost = outcomes[i].unpark(rows); lost != nil {
			break
		}
	}
	var batch *sheet.Batch
	var files []sheet.BatchFile
	if lost == nil {
		files = batchFiles(outcomes)
		notesOut := bufio.NewWriter(opts.Stderr) // a batch of copies has thousands: one write, not one per line
		batch, lost = assembleBatch(lang, files, opts.roster, func(n batchNote) {
			fr := &outcomes[n.file].report
			printProblems(notesOut, "perfeval: ", lang, FileReport{Path: fr.Path, Problems: []ProblemReport{n.problem}})
			switch {
			case !fr.compacted || opts.LogFile != "": // kept for the report or the log
				fr.Problems = append(fr.Problems, n.problem)
				return
			case fr.parked != nil: // waits on disk with the file's departments, for the report
				fr.addLateProblem(n.problem)
			}
			if n.problem.Severity == "error" { // printed, and counted in the tally and the batch summary
				fr.droppedErrors++
			} else {
				fr.droppedWarnings++
			}
		})
		notesOut.Flush()
	}
	restoreGC()
	// The per-department workbooks are written with the GOGC the run
	// started with: what is live then (each department's result, its
	// detail read back one at a time) is a part of what was live while
	// the workbooks were processed, so twice it stays about at that peak
	// (20,000 departments: 334 MB against 321 MB with GOGC 50), and half
	// the collections make --split 5–10 % faster (79 s against 86 s).
	splitsSkipped := 0
	if lost == nil {
		for i := range outcomes {
			setBatchRanks(&outcomes[i].report, files[i])
		}
		report.Batch = batchReport(batch)
		if testHookEndGC != nil {
			testHookEndGC("splits")
		}
		var err error
		splitsSkipped, err = writeSplits(ctx, opts, outcomes, batch)
		if err != nil && auditErr == nil {
			auditErr = err
		}
	}
	// The rest (the batch summary, below endGC; the report, whole) is
	// collected with a large workbook's GOGC, within roomyGC's room.
	defer lowerGC(tightGCPercent, true)()
	if lost != nil {
		removed, err := dropRanked(opts, outcomes, plan.Summary)
		if err != nil && auditErr == nil {
			auditErr = err
		}
		lost = rowsLost(lang, opts.Out, plan.Summary != "", opts.Split, removed, lost)
		report.uncounted = true // copies sent twice are not known
	}
	for i := range outcomes {
		o := &outcomes[i]
		if lost == nil {
			if o.splitFailed { // the summary lists the file as failed, without its folder
				writeFailed++
				files[i].Status = o.report.Status
			}
			files[i].Errors, files[i].Warnings = problemCounts(o.report) // with the run's own warnings (sent twice)
			if len(o.report.Split) == 0 {                                // none written: every department counted from another file, or it failed
				files[i].SplitDir = ""
			}
		}
		report.Files[i] = o.report
	}
	var failures []error
	if lost != nil {
		failures = append(failures, lost)
		plan.Summary = ""
	}
	if plan.Summary != "" {
		batch.TmpDir = opts.TmpDir
		restore := endGC()
		if testHookEndGC != nil {
			testHookEndGC("summary")
		}
		err := writeWith(plan.Summary, func() error { return sheet.WriteBatchSummary(plan.Summary, lang, batch) })
		restore()
		if err != nil {
			removed := ""
			if removeSummary(plan.Summary, opts) {
				removed = tr(lang, "；旧的批量汇总已删除，以免留下旧的排名", "; the earlier batch summary was removed, so that no old rank is left")
			}
			failures = append(failures, withHint(failf(lang, "无法写入批量汇总 %s：%s%s", "cannot write the batch summary %s: %s%s", plan.Summary, writeCause(lang, err), removed), writeHint(lang, err)))
			plan.Summary = ""
		}
	}
	report.summarize()
	printTally(opts, report, plan.Summary)
	if opts.Report != "" {
		if testHookEndGC != nil {
			testHookEndGC("report")
		}
		if testHookReports != nil {
			testHookReports("end", reports)
		}
		if err := writeReport(opts.Report, reportOut, report, opts.TmpDir); err != nil {
			earlier := ""
			if fi, statErr := os.Stat(opts.Report); opts.Report != "-" && statErr == nil && fi.Mode().IsRegular() {
				earlier = tr(lang, "；"+opts.Report+" 仍是之前的报告，不是本次运行的", "; "+opts.Report+" is still an earlier report, not this run's")
			}
			failures = append(failures, withHint(failf(lang, "无法写入报告 %s：%s%s", "cannot write the report %s: %s%s", opts.Report, writeCause(lang, err), earlier), writeHint(lang, err)))
		}
	}
	if auditErr != nil {
		failures = append(failures, withHint(failf(lang, "无法写入日志文件 %s：%s", "cannot write the log file %s: %s", opts.LogFile, writeCause(lang, auditErr)), writeHint(lang, auditErr)))
	}
	if splitsSkipped > 0 {
		failures = append(failures, failf(lang, "按部门拆分时被中断：%d 个工作簿没有写出分部门工作簿（旧的已删除，以免留下旧分数）；再次运行即可完成",
			"interrupted while writing per-department workbooks: %d workbooks have none (old ones were removed, so that no old score is left); run again to finish", splitsSkipped))
	}
	if ctx.Err() != nil && finished < len(inputs) {
		msg := fmt.Sprintf("interrupted after %d of %d workbooks; the outputs written are complete, run again to finish", finished, len(inputs))
		if lang != "en" {
			msg = fmt.Sprintf("共 %d 个工作簿，处理完 %d 个后被中断；已写出的输出都是完整的，再次运行即可完成", len(inputs), finished)
		}
		failures = append(failures, errors.New(msg))
	}
	if writeFailed > 0 {
		failures = append(failures, failf(lang, "%s 个工作簿的输出无法写入，原因见上方", "the outputs of %s could not be written; the causes are above", count(lang, writeFailed, "workbook")))
	}
	if len(failures) > 0 {
		for _, f := range failures[:len(failures)-1] {
			fmt.Fprintf(opts.Stderr, "perfeval: %v\n", f)
			var h hinted
			if errors.As(f, &h) {
				fmt.Fprintf(opts.Stderr, "hint: %s\n", h.hint)
			}
		}
		return failures[len(failures)-1]
	}
	return statusError(report)
}

// printSkipNotes tells, on stderr, which files were skipped as perfeval's
// own outputs.
func printSkipNotes(w io.Writer, lang string, skipped []skippedFile) {
	for _, line := range skipLines(lang, skipped, true) {
		fmt.Fprintf(w, tr(lang, "perfeval: 跳过 %s\n", "perfeval: skipped %s\n"), line)
	}
}

// statusError is errInvalid when a file is not ok.
func statusError(r *Report) error {
	for _, f := range r.Files {
		if f.Status != statusOK {
			return errInvalid
		}
	}
	return nil
}

// outcome is what processing one workbook did.
type outcome struct {
	report      FileReport
	settings    calc.Settings
	results     []calc.Result // while its outputs are written (with --split, until its per-department workbooks are); dropped after
	blocked     []calc.Blocked
	batch       []sheet.BatchDepartment // what the batch summary shows of it; nil while parked
	parked      *sheet.BatchSpan        // batch, while it waits in the run's batch rows
	splitDir    string                  // its per-department folder, written once the run's ranks are known
	modified    time.Time               // the input's modification time
	sha256      string
	took        time.Duration // from its start to its result in place
	started     time.Time
	openErr     error         // why the file could not be read
	writeErr    error         // an output could not be written
	splitFailed bool          // its per-department workbooks could not be written
	settling    *sheet.Settle // its result's sync and rename, running (settleLater): settled waits for it
}

// sharedSettings gives workbooks with the same settings one copy of
// them: a run keeps each workbook's settings to its end (the batch
// summary formats its rows with them), and most workbooks of a run share
// theirs.
type sharedSettings []calc.Settings

// maxShared bounds the distinct settings shared; past it, each keeps its own.
const maxShared = 64

func (ss *sharedSettings) of(s calc.Settings) calc.Settings {
	for _, c := range *ss {
		if reflect.DeepEqual(c, s) { // the same fields, numbers written the same way
			return c
		}
	}
	if len(*ss) < maxShared {
		*ss = append(*ss, s)
	}
	return s
}

// rowsLost is the run's failure when its batch rows cannot be read back
// from its temporary file in the output folder out: what was not
// written (the batch summary when summary, the per-department workbooks
// when split) and whether earlier ones were removed.
func rowsLost(lang, out string, summary, split, removed bool, err error) error {
	zh, en := "", ""
	switch {
	case summary && split:
		zh, en = "：批量汇总和分部门工作簿没有写出", ": the batch summary and the per-department workbooks are not written"
	case summary:
		zh, en = "：批量汇总没有写出", ": the batch summary is not written"
	case split:
		zh, en = "：分部门工作簿没有写出", ": the per-department workbooks are not written"
	}
	if removed {
		zh += "，旧的已删除，以免留下旧的排名"
		en += ", and the earlier ones were removed, so that no old rank is left"
	}
	return withHint(failf(lang, "无法读回本次运行放在 %s 中的临时文件（%s），没有跨工作簿排名%s", "cannot read back the run's temporary file in %s (%s), so nothing is ranked across the run%s", out, writeCause(lang, err), tr(lang, zh, en)),
		tr(lang, "已写出的结果都是完整的；检查输出文件夹所在的磁盘后重新运行", "the results written are complete; check the disk of the output folder and run again"))
}

// dropRanked removes, when the run's rows are lost, what would show the
// run's ranks and would otherwise be an earlier run's: the per-department
// folders waiting for them (then logs their workbooks in the audit log,
// whose first error it returns) and the batch summary at summary, when
// perfeval wrote it. removed: some earlier output was removed.
func dropRanked(opts runOptions, outcomes []outcome, summary string) (removed bool, auditErr error) {
	for i := range outcomes {
		o := &outcomes[i]
		if o.splitDir == "" {
			continue
		}
		removed = removeSplitDir(o.splitDir, opts) || removed
		o.splitDir, o.results = "", nil
		if err := opts.audit.Log(*o); err != nil && auditErr == nil {
			auditErr = err
		}
	}
	return removeSummary(summary, opts) || removed, auditErr
}

// removeSummary removes the batch summary at path when perfeval wrote it
// (an earlier run's, which this run could not replace), and reports
// whether it did.
func removeSummary(path string, opts runOptions) bool {
	return removeMarked(path, opts, func(m sheet.Mark) bool { return m.Kind == sheet.KindBatchSummary })
}

// park moves the outcome's batch rows to rows (nil: kept in memory, as
// they are when the file cannot be written).
func (o *outcome) park(rows *sheet.BatchRows) {
	if rows == nil || len(o.batch) == 0 {
		return
	}
	if span, err := rows.Park(o.batch); err == nil {
		o.batch, o.parked = nil, &span
	}
}

// unpark reads the outcome's batch rows back from rows, without their
// detail (sheet.BatchRows.Load).
func (o *outcome) unpark(rows *sheet.BatchRows) error {
	if o.parked == nil {
		return nil
	}
	batch, err := rows.Load(*o.parked)
	if err != nil {
		return err
	}
	o.batch, o.parked = batch, nil
	return nil
}

// compact drops what only the report shows of the file's departments,
// once the file is printed and logged: a run without --report then keeps
// their count, and the tally gets their grades from the batch's rows
// (setBatchRanks).
func (o *outcome) compact() {
	o.report.departments, o.report.compacted = len(o.report.Departments), true
	o.report.Departments = nil
}

// testHookWrite, when set, runs before each output of processFile is
// written; an error it returns stands for the write's (tests use it to
// make a disk full or a folder read-only, which root ignores).
var testHookWrite func(path string) error

// testHookSettle, when set, runs before a result that processFile left
// settling (settleLater) is renamed into place; an error it returns
// stands for the rename's (a disk that fails after the write).
var testHookSettle func(path string) error

// testHookRows, when set, gets the run's batch rows before they are
// read back (tests close them, as a disk that fails would).
var testHookRows func(rows *sheet.BatchRows)

// testHookReports, when set, gets the run's parked report departments
// once the file is made ("made") and before the report is written
// ("end"): tests close it, as a disk that fails would.
var testHookReports func(stage string, p *sheet.SpillFile)

// testHookEndGC, when set, is called at the end of a run before the
// per-department workbooks ("splits"), the batch summary ("summary") and
// the report ("report") are written, so that tests can see the
// collector's GOGC there.
var testHookEndGC func(stage string)

// writeWith runs the test hook, then write.
func writeWith(path string, write func() error) error {
	if testHookWrite != nil {
		if err := testHookWrite(path); err != nil {
			return err
		}
	}
	return write()
}

// interrupted is the outcome of a workbook whose processing the run's
// interruption cut short, or never started: nothing written.
func interrupted(in, lang string) outcome {
	return outcome{report: FileReport{Path: in, Status: statusInterrupted, Departments: []DepartmentReport{}, Problems: []ProblemReport{
		fileProblem(lang, "处理被中断（Ctrl+C 或 SIGTERM），没有写出任何文件", "processing was interrupted (Ctrl+C or SIGTERM); nothing was written",
			"再次运行即可处理这个工作簿", "run again to process this workbook", "interrupted"),
	}}}
}

// processFile inspects one workbook and writes its outputs: the result
// (and, with --split, its per-department folder) or, when it has errors,
// its annotated copy. Input problems are in the report; a file that is
// not a regular file is never opened; when an output cannot be written
// the status is failed and writeErr says why; when ctx ends before the
// outputs are written the status is interrupted and nothing is written.
func processFile(ctx context.Context, in string, names plannedNames, opts runOptions) (o outcome) {
	start := time.Now()
	lang := opts.Lang
	defer func() {
		o.started = start
		if o.settling == nil { // else once its result is in place (settled)
			o.processed(opts)
		}
	}()
	if ctx.Err() != nil {
		return interrupted(in, lang)
	}
	if info, err := os.Stat(in); err == nil {
		o.modified = info.ModTime()
		defer tightGCFor(info.Size())()
	}
	inspectOpts := opts.inspectOptions
	inspectOpts.DropCells = true // results are written, not the cells: they go once read
	ins := inspect(ctx, in, inspectOpts)
	if ins.Book != nil {
		defer ins.Book.Close()
	}
	// The input's hash, taken when it was read; a file too large to be
	// read was not, and is hashed here.
	switch {
	case ins.Book != nil:
		o.sha256 = ins.Book.SHA256
	case sheet.FileSHA256(ins.OpenErr) != "":
		o.sha256 = sheet.FileSHA256(ins.OpenErr)
	case errors.Is(ins.OpenErr, sheet.ErrTooLarge), ins.Panic != nil:
		o.sha256 = fileSHA256(in)
	}
	if ctx.Err() != nil || errors.Is(ins.OpenErr, context.Canceled) || errors.Is(ins.OpenErr, context.DeadlineExceeded) {
		return interrupted(in, lang)
	}
	// The departments' entries are made once the outputs are written,
	// not to be held beside everything the writing needs.
	o.report, o.openErr = ins.reportHead(lang), ins.OpenErr
	source := sheet.Mark{Source: filepath.Base(in), SourceSHA256: o.sha256}
	// A workbook whose only errors are some departments' own (spec §8)
	// gets a result for the others and an annotated copy.
	scored := ins.Workbook != nil && len(ins.Workbook.Results) > 0 && (ins.Status == statusOK || ins.Status == statusInvalid)
	if scored {
		for _, out := range []string{names.result, names.splitDir} {
			if same, _ := sameFile(in, out); same {
				return o.refuse(lang, out)
			}
		}
	}
	if ins.Status == statusInvalid {
		if same, _ := sameFile(in, names.annotated); same {
			return o.refuse(lang, names.annotated)
		}
		if err := writeWith(names.annotated, func() error {
			return ins.Book.WriteAnnotated(names.annotated, lang, ins.sheetProblems(lang), source)
		}); err != nil {
			return o.fail(lang, names.annotated, err)
		}
		o.report.Annotated = names.annotated
	}
	if !scored {
		removeStale(names.result, source, opts)
		removeSplitDir(names.splitDir, opts)
		o.report.Departments = ins.departments(lang)
		if ins.Workbook != nil { // its departments, blocked: the run knows they sent a workbook
			o.settings = ins.Workbook.Settings
			o.batch = sheet.NewBatchDepartments(nil, ins.Workbook.Blocked)
		}
		return o
	}
	if ins.Status == statusOK {
		removeStale(names.annotated, source, opts)
	}
	o.settings, o.results, o.blocked = ins.Workbook.Settings, ins.Workbook.Results, ins.Workbook.Blocked
	// The cells as read are not needed to write results (only an
	// annotated copy shows them, written above): let them go.
	ins.Book.Tables, ins.Book.Settings = nil, nil
	ins.Workbook.Release()
	var settle *sheet.Settle
	if opts.settleLater {
		settle = &sheet.Settle{}
		if testHookSettle != nil {
			settle.BeforeRename = func() error { return testHookSettle(names.result) }
		}
	}
	err := writeWith(names.result, func() error {
		return ins.Book.WriteResult(names.result, sheet.Output{Mark: source, Lang: lang, Settings: o.settings, Results: o.results, Blocked: o.blocked, Problems: ins.sheetProblems(lang), Settle: settle})
	})
	if err != nil {
		// A cleanup that failed after the result was handed off: its
		// sync and rename end before the file is called failed, as they
		// did when they ran in line.
		settle.Wait()
		return o.fail(lang, names.result, err)
	}
	o.report.Output, o.settling = names.result, settle
	if opts.Report != "" {
		o.report.Departments = ins.departments(lang)
	} else { // only printed and counted
		o.report.Departments = ins.departmentLines()
	}
	o.splitDir = names.splitDir
	o.batch = sheet.NewBatchDepartments(o.results, o.blocked)
	o.blocked = nil // their tables: the batch rows keep what the run needs
	if names.splitDir == "" {
		o.results = nil // the batch keeps only its own rows
	}
	return o
}

// settled is the outcome once its result is in place: processFile may
// leave the result's sync and rename running (settleLater), and a file
// is printed, logged and counted only once they are done. When they
// failed the outcome is failed, as when the write itself fails.
func (o outcome) settled(opts runOptions) outcome {
	if o.settling == nil {
		return o
	}
	err := o.settling.Wait()
	o.settling = nil
	if err != nil {
		path := o.report.Output
		o.report.Output, o.splitDir, o.batch, o.parked, o.blocked = "", "", nil, nil, nil
		o = o.fail(opts.Lang, path, err)
	}
	o.processed(opts)
	return o
}

// processed records how long the workbook took, to its outputs in place,
// and logs it (--log-level debug).
func (o *outcome) processed(opts runOptions) {
	o.took = time.Since(o.started)
	opts.Log.Debug().Str("file", o.report.Path).Str("status", o.report.Status).Int64("took_ms", o.took.Milliseconds()).Msg("processed")
}

// refuse is the outcome of an output that turned out to be the input
// (made so after the plan was checked): nothing is written.
func (o outcome) refuse(lang, out string) outcome {
	o.report.unparkLate()
	o.report.Problems = append(o.report.Problems, fileProblem(lang, "输出文件会覆盖输入文件 "+out+"，已拒绝", "the output "+out+" would replace the input: refused",
		"换一个输出文件夹（--out）", "choose another output folder (--out)", "output-is-input"))
	o.report.Status, o.results, o.report.Departments = statusFailed, nil, []DepartmentReport{}
	o.report.compacted, o.report.departments, o.report.parked = false, 0, nil
	o.writeErr = errClash
	return o
}

// fail is the outcome of a workbook whose output at path could not be
// written: status failed, with the cause and what to do.
func (o outcome) fail(lang, path string, err error) outcome {
	o.report.unparkLate()
	o.report.Problems = append(o.report.Problems, ProblemReport{
		Severity: "error", Code: "write",
		Message: fmt.Sprintf(tr(lang, "无法写入 %s：%s", "cannot write %s: %s"), path, writeCause(lang, err)),
		Hint:    outputHint(lang, err),
	})
	o.report.Status, o.results, o.report.Departments = statusFailed, nil, []DepartmentReport{}
	o.report.compacted, o.report.departments, o.report.parked = false, 0, nil
	o.writeErr = err
	return o
}

// writeCause names why a write failed, in words, with the system's error.
func writeCause(lang string, err error) string {
	switch {
	case errors.Is(err, syscall.ENAMETOOLONG):
		return tr(lang, "文件名太长", "the file name is too long") + " (" + err.Error() + ")"
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return tr(lang, "磁盘已满", "the disk is full") + " (" + err.Error() + ")"
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return tr(lang, "没有写入权限", "permission denied") + " (" + err.Error() + ")"
	case errors.Is(err, sheet.ErrWriter):
		return tr(lang, "写出工作簿的程序在这个工作簿上出错", "the workbook writer failed on this workbook") + " (" + err.Error() + ")"
	case errors.Is(err, sheet.ErrSheetLimit):
		return tr(lang, "超出 Excel 工作表的上限（16,384 列、1,048,576 行）", "past Excel's sheet limits (16,384 columns, 1,048,576 rows)") + " (" + err.Error() + ")"
	case errors.Is(err, errParkedLost):
		return tr(lang, "无法读回本次运行放在临时文件夹中的部门结果", "the run's departments could not be read back from its temporary file") + " (" + err.Error() + ")"
	}
	return err.Error()
}

// outputHint is writeHint for a workbook's own outputs: an error that
// is not the system's (a file, the disk) comes from the workbook writer,
// on this workbook (excelize refusing a part of it), and checking the
// disk would not help.
func outputHint(lang string, err error) string {
	if !fromOS(err) && !errors.Is(err, sheet.ErrSheetLimit) && !errors.Is(err, errParkedLost) {
		err = sheet.ErrWriter
	}
	return writeHint(lang, err)
}

// fromOS reports whether err came from the system (a file, the disk),
// not from the workbook writer.
func fromOS(err error) bool {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	var errno syscall.Errno
	return errors.As(err, &pathErr) || errors.As(err, &linkErr) || errors.As(err, &errno)
}

// writeHint says what to do about a failed write.
func writeHint(lang string, err error) string {
	switch {
	case errors.Is(err, syscall.ENAMETOOLONG):
		return tr(lang, "缩短工作簿文件名或部门名称，或换一个路径较短的输出文件夹（--out）", "shorten the workbook's file name or the department names, or choose an output folder with a shorter path (--out)")
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return tr(lang, "清理输出文件夹所在磁盘的空间后重新运行", "free space on the output folder's disk and run again")
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return tr(lang, "检查输出文件夹的写入权限，或换一个输出文件夹（--out）", "check that the output folder is writable, or choose another one (--out)")
	case errors.Is(err, sheet.ErrWriter):
		return tr(lang, "其余文件照常处理；在 Excel 或 WPS 中打开并另存该工作簿后重试，仍失败请把该文件报告给 perfeval 维护人员", "the other files were processed; open and save the workbook in Excel or WPS and try again, and report the file to perfeval's maintainers if it still fails")
	case errors.Is(err, sheet.ErrSheetLimit):
		return tr(lang, "把工作簿拆成几个较小的工作簿（或分批运行）后重新运行", "split the workbook (or the run) into smaller ones and run again")
	case errors.Is(err, errParkedLost):
		return tr(lang, "其余输出都已写出；检查临时文件夹（TMPDIR）和输出文件夹所在的磁盘后重新运行", "the other outputs are written; check the disks of the temporary folder (TMPDIR) and the output folder, and run again")
	}
	return tr(lang, "检查输出文件夹是否可写、磁盘是否已满", "check that the output folder is writable and the disk is not full")
}

// fileSHA256 is the hex SHA-256 of a regular file's bytes, or "" when it
// cannot be read.
func fileSHA256(path string) string {
	if checkRegular(path) != nil {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// batchFiles are the outcomes as the batch summary lists them.
func batchFiles(outcomes []outcome) []sheet.BatchFile {
	var out []sheet.BatchFile
	for _, o := range outcomes {
		errs, warns := problemCounts(o.report)
		out = append(out, sheet.BatchFile{
			Path: o.report.Path, Status: o.report.Status, Errors: errs, Warnings: warns,
			Output: o.report.Output, Annotated: o.report.Annotated, SplitDir: o.splitDir, Modified: o.modified,
			Settings: o.settings, Departments: o.batch,
		})
	}
	return out
}

func problemCounts(fr FileReport) (errs, warns int) {
	errs, warns = fr.droppedErrors, fr.droppedWarnings
	for _, p := range fr.Problems {
		if p.Severity == "error" {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// removeStale removes an earlier run's output of the other kind (an old
// result once a workbook has errors, an old annotated copy once it is
// fixed), so that the output folder never shows both. Only a workbook
// perfeval marked as written from this input (or an unmarked one from an
// older perfeval) is removed.
func removeStale(path string, source sheet.Mark, opts runOptions) {
	removeMarked(path, opts, func(m sheet.Mark) bool { return m.Source == source.Source })
}

// removeMarked removes the file at path when perfeval marked it and the
// mark is ours, and reports whether it did: another input's output, or
// a file perfeval did not write, is never removed.
func removeMarked(path string, opts runOptions, ours func(sheet.Mark) bool) bool {
	if path == "" || checkRegular(path) != nil {
		return false
	}
	if m, ok, _ := sheet.ReadMark(path); !ok || !ours(m) {
		return false
	}
	if err := os.Remove(path); err != nil {
		return false
	}
	opts.Log.Info().Str("file", path).Msg("removed an earlier run's output")
	return true
}

// sameFile reports whether two paths name the same existing file.
func sameFile(a, b string) (bool, error) {
	if b == "" {
		return false, nil
	}
	ia, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	ib, err := os.Stat(b)
	if err != nil {
		return false, nil
	}
	return os.SameFile(ia, ib), nil
}

// maxPrinted is how many problems of one file are printed; the rest are
// in the report and the workbooks.
const maxPrinted = 20

// printFile tells the person at the terminal what happened to one file:
// one line on stdout whatever its status, problems on stderr.
func printFile(stdout, stderr io.Writer, lang string, fr FileReport) {
	L := lang
	errs, warns := problemCounts(fr)
	why := "" // why a file is unreadable (its first problem) or failed (its last, the write's)
	if n := len(fr.Problems); n > 0 {
		why = fr.Problems[0].Message
		if fr.Status == statusFailed {
			why = fr.Problems[n-1].Message
		}
	}
	switch fr.Status {
	case statusOK:
		fmt.Fprintf(stdout, tr(L, "%s：%s 个部门，%s 条警告 → %s\n", "%s: %s, %s → %s\n"), fr.Path, count(L, len(fr.Departments), "department"), count(L, warns, "warning"), fr.Output)
	case statusInvalid:
		to := ""
		if fr.Annotated != "" {
			to = fmt.Sprintf(tr(L, "，标注副本 → %s", "; annotated copy → %s"), fr.Annotated)
		}
		if fr.Output != "" { // errors in some departments' own cells: the others have results
			scored, blocked := 0, 0
			for _, d := range fr.Departments {
				if d.Status == statusInvalid {
					blocked++
				} else {
					scored++
				}
			}
			fmt.Fprintf(stdout, tr(L, "%s：%s 个错误，%s 条警告；%d 个部门有错误未计分，其余 %s 个部门 → %s%s\n", "%s: %s, %s; %d blocked by their errors, %s scored → %s%s\n"),
				fr.Path, count(L, errs, "error"), count(L, warns, "warning"), blocked, count(L, scored, "department"), fr.Output, to)
			break
		}
		fmt.Fprintf(stdout, tr(L, "%s：%s 个错误，%s 条警告，未生成结果%s\n", "%s: %s, %s, no result written%s\n"), fr.Path, count(L, errs, "error"), count(L, warns, "warning"), to)
	case statusUnreadable:
		fmt.Fprintf(stdout, tr(L, "%s：无法读取（%s）\n", "%s: unreadable (%s)\n"), fr.Path, why)
	case statusFailed:
		fmt.Fprintf(stdout, tr(L, "%s：输出写入失败（%s）\n", "%s: failed (%s)\n"), fr.Path, why)
	case statusInterrupted:
		fmt.Fprintf(stdout, tr(L, "%s：已中断，没有写出任何文件\n", "%s: interrupted, nothing written\n"), fr.Path)
	}
	printProblems(stderr, "perfeval: ", lang, fr)
	if fr.Annotated != "" {
		fmt.Fprintf(stderr, tr(L, "hint: 标注了问题单元格的副本 %s 可发回部门修改\n", "hint: send %s, a copy with the problem cells marked, back for correction\n"), fr.Annotated)
	}
}

// printProblems lists a file's problems, each line behind prefix, with a
// hint line the first time each hint comes up.
func printProblems(w io.Writer, prefix, lang string, fr FileReport) {
	hints := map[string]bool{}
	printed := 0
	for _, p := range errorsFirst(fr.Problems) { // blocking errors are never hidden behind the cap
		if printed >= maxPrinted {
			break
		}
		printed++
		place := ""
		if p.Sheet != "" {
			place = p.Sheet
			if p.Cell != "" {
				place += "!" + p.Cell
			}
			place += ": "
		}
		for _, part := range []string{p.Department, p.Indicator} {
			if part != "" {
				place += part + ": "
			}
		}
		sev := ""
		if p.Severity == "warning" {
			sev = tr(lang, "警告：", "warning: ")
		}
		fmt.Fprintf(w, "%s%s%s: %s%s\n", prefix, sev, fr.Path, place, p.Message)
		if p.Hint != "" && !hints[p.Hint] {
			hints[p.Hint] = true
			fmt.Fprintf(w, "hint: %s\n", p.Hint)
		}
	}
	if rest := len(fr.Problems) - printed; rest > 0 {
		where := tr(lang, "见 --report 报告或标注副本的“校验”表", "see the --report file or the annotated copy's Checks sheet")
		if fr.Status == statusOK {
			where = tr(lang, "见结果工作簿的“校验”表", "see the result workbook's Checks sheet")
		}
		fmt.Fprintf(w, tr(lang, "%s%s：另有 %d 条问题未列出，%s\n", "%s%s: %d more problems not listed; %s\n"), prefix, fr.Path, rest, where)
	}
}

// errorsFirst is problems with the errors before the warnings, each in
// their order.
func errorsFirst(problems []ProblemReport) []ProblemReport {
	out := slices.Clone(problems)
	slices.SortStableFunc(out, func(a, b ProblemReport) int {
		return cmp.Compare(severityRank(a.Severity), severityRank(b.Severity))
	})
	return out
}

func severityRank(severity string) int {
	if severity == "error" {
		return 0
	}
	return 1
}

// printTally prints the run's closing table on stdout: workbooks by
// status, departments by grade, where the outputs are, and which files
// were skipped.
func printTally(opts runOptions, r *Report, summary string) {
	counts := map[string]int{}
	departments := 0
	grades := map[string]int{}
	var order []string
	for _, f := range r.Files {
		counts[f.Status]++
		f.countedGrades(func(label string) {
			departments++
			if grades[label] == 0 { // a vetoed department counts under its band, as in the report's summary
				order = append(order, label)
			}
			grades[label]++
		})
	}
	var byGrade []string
	for _, g := range sheet.OrderGrades(order) {
		byGrade = append(byGrade, fmt.Sprintf("%s %d", g, grades[g]))
	}
	lang, w := opts.Lang, opts.Stdout
	gradeText := ""
	if len(byGrade) > 0 {
		gradeText = tr(lang, "：", ": ") + strings.Join(byGrade, tr(lang, "，", ", "))
	}
	summaryText := ""
	if summary != "" {
		summaryText = fmt.Sprintf(tr(lang, "（批量汇总 %s）", " (batch summary %s)"), summary)
	}
	failedText := ""
	if n := counts[statusFailed]; n > 0 {
		failedText += fmt.Sprintf(tr(lang, "，%d 个写入失败", ", %d failed"), n)
	}
	if n := counts[statusInterrupted]; n > 0 {
		failedText += fmt.Sprintf(tr(lang, "，%d 个已中断", ", %d interrupted"), n)
	}
	fmt.Fprintf(w, tr(lang, "工作簿  共 %d 个：%d 个通过，%d 个有错误，%d 个无法读取%s；跳过 %s 个文件\n", "workbooks    %d: %d ok, %d invalid, %d unreadable%s; %s skipped\n"),
		len(r.Files), counts[statusOK], counts[statusInvalid], counts[statusUnreadable], failedText, count(lang, len(r.Skipped), "file"))
	if r.uncounted { // the run's rows were lost: copies sent twice are not known
		fmt.Fprint(w, tr(lang, "部门    未统计（本次运行没有完成跨工作簿排名）\n", "departments  not counted (the run could not rank across workbooks)\n"))
	} else {
		fmt.Fprintf(w, tr(lang, "部门    共 %d 个%s\n", "departments  %d%s\n"), departments, gradeText)
	}
	if r.Batch != nil && r.Batch.Roster != nil {
		ro := r.Batch.Roster
		var unknown []string
		for _, e := range ro.Unknown {
			unknown = append(unknown, e.Name)
		}
		list := func(names []string) string {
			if len(names) == 0 {
				return ""
			}
			if len(names) > 10 {
				names = append(names[:10:10], "…")
			}
			return tr(lang, "（", " (") + strings.Join(names, tr(lang, "、", ", ")) + tr(lang, "）", ")")
		}
		fmt.Fprintf(w, tr(lang, "名单    共 %d 个：%d 个已提交，%d 个未提交%s；%d 个不在名单中%s\n", "roster       %d: %d sent, %d not sent%s; %d not on the roster%s\n"),
			len(ro.Sent)+len(ro.Missing), len(ro.Sent), len(ro.Missing), list(ro.Missing), len(ro.Unknown), list(unknown))
	}
	fmt.Fprintf(w, tr(lang, "输出    %s%s\n", "outputs      %s%s\n"), opts.Out, summaryText)
	printSkipped(w, lang, r.Skipped)
}

// maxSkippedListed is how many skipped files the tally names; the report
// names them all.
const maxSkippedListed = 20

// printSkipped names the skipped files, each with why.
func printSkipped(w io.Writer, lang string, skipped []skippedFile) {
	lines := skipLines(lang, skipped, false)
	for i, line := range lines {
		if i == maxSkippedListed {
			fmt.Fprintf(w, tr(lang, "        另有 %d 行未列出，跳过的文件都在 --report 报告中\n", "             %d more lines; the --report file lists every skipped file\n"), len(lines)-i)
			break
		}
		fmt.Fprintf(w, tr(lang, "跳过    %s\n", "skipped      %s\n"), line)
	}
}
