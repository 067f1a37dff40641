package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
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

	Stdout, Stderr io.Writer
	audit          *auditLog // nil without --log-file
}

// inputFlags are the flags of every command that reads workbooks.
func inputFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "password", Usage: "password of encrypted workbooks"},
		&cli.Int64Flag{Name: "max-size", Value: sheet.DefaultUnzipLimit >> 20, Usage: "largest unpacked workbook to open, in MiB (a guard against damaged or malicious files)"},
	}, commonFlags()...)
}

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "check and score workbooks, write a result workbook for each",
		ArgsUsage: "PATH...",
		Description: `Reads every .xlsx/.xlsm workbook given, or found in the folders given, checks
it, computes every department's scores, rates, grade, rank and main deductions,
and writes <name>_结果.xlsx (<name>_result.xlsx with --lang en) to the output
folder. A workbook with errors gets no result but an annotated copy,
<name>_错误.xlsx (<name>_errors.xlsx), with each offending cell marked and
explained, to send back for correction. Inputs are never changed. Flags may
come before or after the paths.

` + exitCodesHelp,
		Flags: append(append([]cli.Flag{
			&cli.StringFlag{Name: "report", Usage: "write a JSON report of the whole run to `FILE`"},
			&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: runtime.NumCPU(), Usage: "workbooks processed at once"},
			&cli.BoolFlag{Name: "recursive", Aliases: []string{"r"}, Usage: "also read the subfolders of the folders given"},
		}, outputFlags()...), inputFlags()...),
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			opts, err := runOptionsFrom(c)
			if err != nil {
				return err
			}
			opts.Report, opts.Jobs, opts.Recursive = c.String("report"), c.Int("jobs"), c.Bool("recursive")
			if opts.Jobs < 1 {
				return usageError("--jobs must be 1 or more")
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
func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: "folder for result workbooks"},
		&cli.BoolFlag{Name: "split", Usage: "also write one workbook per department, <out>/<workbook>/<department>.xlsx, to e-mail"},
		&cli.StringFlag{Name: "log-file", Usage: "append one JSON audit event per workbook to `FILE`"},
	}
}

// runOptionsFrom reads the flags that run and watch share.
func runOptionsFrom(c *cli.Context) (runOptions, error) {
	in, err := inspectOptionsFrom(c)
	if err != nil {
		return runOptions{}, err
	}
	return runOptions{
		inspectOptions: in, Out: c.String("out"), Split: c.Bool("split"), LogFile: c.String("log-file"), Jobs: 1,
		Stdout: c.App.Writer, Stderr: c.App.ErrWriter,
	}, nil
}

func onUsageError(_ *cli.Context, err error, _ bool) error {
	return fmt.Errorf("%w: %v", errUsage, err)
}

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
		return opts, usageError("--max-size must be a positive number of MiB")
	}
	return opts, nil
}

// runRun processes every workbook of args with opts.Jobs workers and
// writes results, annotated copies, per-department workbooks, the batch
// summary, the report and the audit log. Outputs, report and stdout are the
// same whatever the number of workers. It returns errInvalid when some
// workbook was invalid or unreadable, after processing all the others.
func runRun(ctx context.Context, opts runOptions, args []string) error {
	if err := checkLang(opts.Lang); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError("no workbook or folder given")
	}
	inputs, skipped, err := collectInputs(args, opts.Recursive, []string{opts.Out}, opts.Log)
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		return usageError("no .xlsx or .xlsm workbook found in %s", strings.Join(args, ", "))
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return fmt.Errorf("cannot create the output folder %s: %w", opts.Out, err)
	}
	if opts.LogFile != "" {
		if opts.audit, err = openAuditLog(opts.LogFile); err != nil {
			return fmt.Errorf("cannot open the log file %s: %w", opts.LogFile, err)
		}
		defer opts.audit.Close()
	}

	// Output names are decided up front, in input order, so that they do
	// not depend on which worker finishes first.
	used := map[string]bool{}
	plans := make([]plannedNames, len(inputs))
	for i, in := range inputs {
		plans[i] = planNames(opts, in, used)
	}

	progress := newProgress(opts.Stderr, len(inputs), opts.Lang)
	stdout, stderr := progress.writers(opts.Stdout, opts.Stderr)
	outcomes := make([]outcome, len(inputs))
	done := make([]bool, len(inputs))
	var mu sync.Mutex
	next := 0 // the first outcome not yet printed: printing keeps input order
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Jobs, len(inputs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				o := processFile(ctx, inputs[i], plans[i], opts)
				mu.Lock()
				outcomes[i], done[i] = o, true
				for next < len(inputs) && done[next] {
					printFile(stdout, stderr, opts.Lang, outcomes[next].report)
					opts.audit.Log(outcomes[next])
					next++
				}
				mu.Unlock()
				progress.increment()
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
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted after %d of %d workbooks; the outputs written are complete, run again to finish", next, len(inputs))
	}

	report := &Report{Files: []FileReport{}}
	var writeFailed error
	for _, o := range outcomes {
		report.Files = append(report.Files, o.report)
		if o.writeErr != nil {
			writeFailed = o.writeErr
		}
	}
	summaryPath := ""
	if len(inputs) > 1 {
		summaryPath = filepath.Join(opts.Out, sheet.LabelsFor(opts.Lang).BatchName)
		if err := sheet.WriteBatchSummary(summaryPath, opts.Lang, batchFiles(outcomes)); err != nil {
			return fmt.Errorf("cannot write the batch summary %s: %w", summaryPath, err)
		}
	}
	printTally(opts, report, skipped, summaryPath)
	if opts.Report != "" {
		if err := writeReport(opts.Report, report); err != nil {
			return fmt.Errorf("cannot write the report %s: %w", opts.Report, err)
		}
	}
	if writeFailed != nil {
		return writeFailed
	}
	return statusError(report)
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

// outputPath is an output's path; a name already used in this run gets
// " (2)", " (3)", ….
func outputPath(outDir, name string, used map[string]bool) string {
	candidate := filepath.Join(outDir, name)
	ext := filepath.Ext(name)
	for i := 2; used[candidate]; i++ {
		candidate = filepath.Join(outDir, fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext))
	}
	used[candidate] = true
	return candidate
}

// plannedNames are the outputs an input may get.
type plannedNames struct {
	result, annotated, splitDir string
}

// planNames reserves an input's output names.
func planNames(opts runOptions, in string, used map[string]bool) plannedNames {
	base := filepath.Base(in)
	p := plannedNames{
		result:    outputPath(opts.Out, sheet.ResultName(base, opts.Lang), used),
		annotated: outputPath(opts.Out, sheet.AnnotatedName(base, opts.Lang), used),
	}
	if opts.Split {
		p.splitDir = outputPath(opts.Out, strings.TrimSuffix(base, filepath.Ext(base)), used)
	}
	return p
}

// outcome is what processing one workbook did.
type outcome struct {
	report   FileReport
	settings calc.Settings
	results  []calc.Result
	sha256   string
	took     time.Duration
	openErr  error // why the file could not be read
	writeErr error // an output could not be written
}

// processFile inspects one workbook and writes its outputs: the result
// (and, with --split, a workbook per department) or, when it has errors,
// its annotated copy. Input problems are in the report; writeErr is set
// only when an output could not be written.
func processFile(ctx context.Context, in string, names plannedNames, opts runOptions) (o outcome) {
	start := time.Now()
	defer func() {
		o.took = time.Since(start)
		opts.Log.Debug().Str("file", in).Str("status", o.report.Status).Dur("took", o.took).Msg("processed")
	}()
	o.sha256 = fileSHA256(in)
	ins := inspect(ctx, in, opts.inspectOptions)
	if ins.Book != nil {
		defer ins.Book.Close()
	}
	o.report, o.openErr = ins.report(opts.Lang), ins.OpenErr
	var out string
	switch ins.Status {
	case statusOK:
		out = names.result
		o.settings, o.results = ins.Workbook.Settings, ins.Workbook.Results
	case statusInvalid:
		out = names.annotated
	default:
		return o
	}
	if same, _ := sameFile(in, out); same {
		o.report.Problems = append(o.report.Problems, fileProblem(opts.Lang, "输出文件会覆盖输入文件，已拒绝", "the output would replace the input: refused",
			"换一个输出文件夹（--out）", "choose another output folder (--out)", "output-is-input"))
		o.report.Status, o.results = statusUnreadable, nil
		return o
	}
	fail := func(path string, err error) outcome {
		o.report.Problems = append(o.report.Problems, fileProblem(opts.Lang, "无法写入 "+path+"："+err.Error(), "cannot write "+path+": "+err.Error(),
			"检查输出文件夹是否可写、磁盘是否已满", "check that the output folder is writable and the disk is not full", "write"))
		o.writeErr = fmt.Errorf("cannot write %s: %w", path, err)
		return o
	}
	if ins.Status == statusInvalid {
		if err := ins.Book.WriteAnnotated(out, opts.Lang, ins.sheetProblems(opts.Lang)); err != nil {
			return fail(out, err)
		}
		o.report.Annotated = out
		removeStale(names.result, opts)
		return o
	}
	err := ins.Book.WriteResult(out, sheet.Output{Lang: opts.Lang, Settings: o.settings, Results: o.results, Problems: ins.sheetProblems(opts.Lang)})
	if err != nil {
		return fail(out, err)
	}
	o.report.Output = out
	removeStale(names.annotated, opts)
	if opts.Split {
		files, err := writeSplit(names.splitDir, opts.Lang, o.settings, o.results)
		if err != nil {
			return fail(names.splitDir, err)
		}
		o.report.Split = files
	}
	return o
}

// writeSplit writes one workbook per department into dir.
func writeSplit(dir, lang string, s calc.Settings, results []calc.Result) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var files []string
	for _, i := range calc.ByRank(results) {
		path := outputPath(dir, sheet.DepartmentFileName(results[i].Department), used)
		if err := sheet.WriteDepartment(path, lang, s, results[i], len(results)); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	return files, nil
}

// fileSHA256 is the hex SHA-256 of a file's bytes, or "" when it cannot
// be read.
func fileSHA256(path string) string {
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
		bf := sheet.BatchFile{
			Path: o.report.Path, Status: o.report.Status, Errors: errs, Warnings: warns,
			Output: o.report.Output, Annotated: o.report.Annotated, Settings: o.settings, Results: o.results,
		}
		if len(o.report.Split) > 0 {
			bf.SplitDir = filepath.Dir(o.report.Split[0])
		}
		out = append(out, bf)
	}
	return out
}

func problemCounts(fr FileReport) (errs, warns int) {
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
// fixed), so that the output folder never shows both.
func removeStale(path string, opts runOptions) {
	if err := os.Remove(path); err == nil {
		opts.Log.Info().Str("file", path).Msg("removed an earlier run's output")
	}
}

// sameFile reports whether two paths name the same existing file.
func sameFile(a, b string) (bool, error) {
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
// results on stdout, problems on stderr.
func printFile(stdout, stderr io.Writer, lang string, fr FileReport) {
	L := lang
	errs, warns := problemCounts(fr)
	switch {
	case fr.Status == statusOK && fr.Output != "":
		fmt.Fprintf(stdout, tr(L, "%s：%s 个部门，%s 条警告 → %s\n", "%s: %s, %s → %s\n"), fr.Path, count(L, len(fr.Departments), "department"), count(L, warns, "warning"), fr.Output)
	case fr.Status == statusInvalid:
		fmt.Fprintf(stderr, tr(L, "perfeval: %s：%s 个错误，未生成结果\n", "perfeval: %s: %s, no result written\n"), fr.Path, count(L, errs, "error"))
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
	for _, p := range fr.Problems {
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

// printTally prints the run's closing table on stdout: workbooks by
// status, departments by grade, where the outputs are.
func printTally(opts runOptions, r *Report, skipped int, summary string) {
	counts := map[string]int{}
	departments := 0
	grades := map[string]int{}
	var order []string
	for _, f := range r.Files {
		counts[f.Status]++
		departments += len(f.Departments)
		for _, d := range f.Departments {
			if grades[d.Grade] == 0 {
				order = append(order, d.Grade)
			}
			grades[d.Grade]++
		}
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
	fmt.Fprintf(w, tr(lang, "工作簿  共 %d 个：%d 个通过，%d 个有错误，%d 个无法读取；跳过 %s 个文件\n", "workbooks    %d: %d ok, %d invalid, %d unreadable; %s skipped\n"),
		len(r.Files), counts[statusOK], counts[statusInvalid], counts[statusUnreadable], count(lang, skipped, "file"))
	fmt.Fprintf(w, tr(lang, "部门    共 %d 个%s\n", "departments  %d%s\n"), departments, gradeText)
	fmt.Fprintf(w, tr(lang, "输出    %s%s\n", "outputs      %s%s\n"), opts.Out, summaryText)
}
