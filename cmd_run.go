package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"perfeval/sheet"
)

// runOptions are perfeval run's flags.
type runOptions struct {
	inspectOptions
	Out    string
	Report string

	Stdout, Stderr io.Writer
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
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: "folder for result workbooks"},
			&cli.StringFlag{Name: "report", Usage: "write a JSON report of the whole run to `FILE`"},
		}, inputFlags()...),
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			in, err := inspectOptionsFrom(c)
			if err != nil {
				return err
			}
			opts := runOptions{inspectOptions: in, Out: c.String("out"), Report: c.String("report"), Stdout: c.App.Writer, Stderr: c.App.ErrWriter}
			return runRun(c.Context, opts, c.Args().Slice())
		},
	}
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

// runRun processes every workbook of args and writes results, annotated
// copies, the report and a summary. It returns errInvalid when some
// workbook was invalid or unreadable, after processing all the others.
func runRun(ctx context.Context, opts runOptions, args []string) error {
	if err := checkLang(opts.Lang); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError("no workbook or folder given")
	}
	inputs, skipped, err := collectInputs(args, opts.Log)
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		return usageError("no .xlsx or .xlsm workbook found in %s", strings.Join(args, ", "))
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return fmt.Errorf("cannot create the output folder %s: %w", opts.Out, err)
	}
	report := &Report{Files: []FileReport{}}
	used := map[string]bool{}
	var writeFailed error
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return err
		}
		fr, werr := processFile(in, opts, used)
		if werr != nil {
			writeFailed = werr
		}
		report.Files = append(report.Files, fr)
		printFile(opts.Stdout, opts.Stderr, opts.Lang, fr)
	}
	printSummary(opts, report, skipped)
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

// processFile inspects one workbook and writes its result (or, when it
// has errors, its annotated copy). The returned error is set only when an
// output could not be written; input problems are in the FileReport.
func processFile(in string, opts runOptions, used map[string]bool) (FileReport, error) {
	start := time.Now()
	ins := inspect(in, opts.inspectOptions)
	if ins.Book != nil {
		defer ins.Book.Close()
	}
	fr := ins.report(opts.Lang)
	defer func() {
		opts.Log.Debug().Str("file", in).Str("status", fr.Status).Dur("took", time.Since(start)).Msg("processed")
	}()
	var name string
	switch {
	case ins.Status == statusOK:
		name = sheet.ResultName(filepath.Base(in), opts.Lang)
	case ins.Status == statusInvalid:
		name = sheet.AnnotatedName(filepath.Base(in), opts.Lang)
	default:
		return fr, nil
	}
	out := outputPath(opts.Out, name, used)
	if same, _ := sameFile(in, out); same {
		fr.Problems = append(fr.Problems, fileProblem(opts.Lang, "输出文件会覆盖输入文件，已拒绝", "the output would replace the input: refused",
			"换一个输出文件夹（--out）", "choose another output folder (--out)", "output-is-input"))
		fr.Status = statusUnreadable
		return fr, nil
	}
	var err error
	if ins.Status == statusOK {
		err = ins.Book.WriteResult(out, sheet.Output{Lang: opts.Lang, Settings: ins.Workbook.Settings, Results: ins.Workbook.Results, Problems: ins.sheetProblems(opts.Lang)})
	} else {
		err = ins.Book.WriteAnnotated(out, opts.Lang, ins.sheetProblems(opts.Lang))
	}
	if err != nil {
		fr.Problems = append(fr.Problems, fileProblem(opts.Lang, "无法写入 "+out+"："+err.Error(), "cannot write "+out+": "+err.Error(),
			"检查输出文件夹是否可写、磁盘是否已满", "check that the output folder is writable and the disk is not full", "write"))
		return fr, fmt.Errorf("cannot write %s: %w", out, err)
	}
	if ins.Status == statusOK {
		fr.Output = out
		removeStale(filepath.Join(opts.Out, sheet.AnnotatedName(filepath.Base(in), opts.Lang)), opts)
	} else {
		fr.Annotated = out
		removeStale(filepath.Join(opts.Out, sheet.ResultName(filepath.Base(in), opts.Lang)), opts)
	}
	return fr, nil
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
	errs, warns := 0, 0
	for _, p := range fr.Problems {
		if p.Severity == "error" {
			errs++
		} else {
			warns++
		}
	}
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

// printSummary prints the run's one-line tally on stdout.
func printSummary(opts runOptions, r *Report, skipped int) {
	counts := map[string]int{}
	departments := 0
	for _, f := range r.Files {
		counts[f.Status]++
		departments += len(f.Departments)
	}
	if opts.Lang == "en" {
		fmt.Fprintf(opts.Stdout, "%s: %d ok, %d invalid, %d unreadable, %s skipped; %s; results in %s\n",
			count("en", len(r.Files), "workbook"), counts[statusOK], counts[statusInvalid], counts[statusUnreadable],
			count("en", skipped, "file"), count("en", departments, "department"), opts.Out)
		return
	}
	fmt.Fprintf(opts.Stdout, "共 %d 个工作簿：%d 个通过，%d 个有错误，%d 个无法读取，跳过 %d 个文件；%d 个部门；结果在 %s\n",
		len(r.Files), counts[statusOK], counts[statusInvalid], counts[statusUnreadable], skipped, departments, opts.Out)
}
