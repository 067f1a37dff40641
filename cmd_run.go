package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/urfave/cli/v2"

	"perfeval/sheet"
	"perfeval/validate"
)

// runOptions are perfeval run's flags.
type runOptions struct {
	Out        string
	Report     string
	Lang       string
	Password   string
	MaxSizeMiB int64

	Stdout, Stderr io.Writer
	Log            zerolog.Logger
}

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "check and score workbooks, write a result workbook for each",
		ArgsUsage: "PATH...",
		Description: `Reads every .xlsx/.xlsm workbook given, or found in the folders given, checks
it, computes every department's scores, rates, grade, rank and main deductions,
and writes <name>_结果.xlsx (<name>_result.xlsx with --lang en) to the output
folder. Inputs are never changed. A workbook with errors gets no result; its
problems are listed on stderr and in the report. Flags may come before or after
the paths.

` + exitCodesHelp,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: "folder for result workbooks"},
			&cli.StringFlag{Name: "report", Usage: "write a JSON report of the whole run to `FILE`"},
			&cli.StringFlag{Name: "password", Usage: "password of encrypted workbooks"},
			&cli.Int64Flag{Name: "max-size", Value: sheet.DefaultUnzipLimit >> 20, Usage: "largest unpacked workbook to open, in MiB"},
		}, commonFlags()...),
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return fmt.Errorf("%w: %v", errUsage, err)
		},
		Action: func(c *cli.Context) error {
			log, err := newLogger(c)
			if err != nil {
				return err
			}
			opts := runOptions{
				Out: c.String("out"), Report: c.String("report"), Lang: c.String("lang"),
				Password: c.String("password"), MaxSizeMiB: c.Int64("max-size"),
				Stdout: c.App.Writer, Stderr: c.App.ErrWriter, Log: log,
			}
			return runRun(c.Context, opts, c.Args().Slice())
		},
	}
}

// runRun processes every workbook of args and writes results, the report
// and a summary. It returns errInvalid when some workbook was invalid or
// unreadable, after processing all the others.
func runRun(ctx context.Context, opts runOptions, args []string) error {
	if opts.Lang != "zh" && opts.Lang != "en" {
		return usageError("--lang %q: use zh or en", opts.Lang)
	}
	if len(args) == 0 {
		return usageError("no workbook or folder given")
	}
	if opts.MaxSizeMiB <= 0 {
		return usageError("--max-size must be a positive number of MiB")
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
		out := outputPath(opts.Out, in, opts.Lang, used)
		fr, werr := processFile(in, out, opts)
		if werr != nil {
			writeFailed = werr
		}
		report.Files = append(report.Files, fr)
		printFile(opts, fr)
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
	for _, f := range report.Files {
		if f.Status != statusOK {
			return errInvalid
		}
	}
	return nil
}

// collectInputs lists the workbooks given: files as they are, folders'
// .xlsx/.xlsm files (not subfolders). Lock files, hidden files and
// perfeval's own outputs found in folders are skipped.
func collectInputs(args []string, log zerolog.Logger) (inputs []string, skipped int, err error) {
	seen := map[string]bool{}
	add := func(p string) {
		if abs, err := filepath.Abs(p); err == nil && !seen[abs] {
			seen[abs] = true
			inputs = append(inputs, p)
		}
	}
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			add(arg) // a missing or odd file is reported as unreadable
			continue
		}
		entries, err := os.ReadDir(arg)
		if err != nil {
			return nil, 0, fmt.Errorf("cannot read the folder %s: %w", arg, err)
		}
		var names []string
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			if why := skipReason(e.Name()); why != "" {
				log.Debug().Str("file", filepath.Join(arg, e.Name())).Str("reason", why).Msg("skipped")
				skipped++
				continue
			}
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, n := range names {
			add(filepath.Join(arg, n))
		}
	}
	return inputs, skipped, nil
}

// skipReason says why a file found in a folder is not an input, or "".
func skipReason(name string) string {
	lower := strings.ToLower(name)
	ext := filepath.Ext(lower)
	base := strings.TrimSuffix(lower, ext)
	switch {
	case strings.HasPrefix(name, "~$"):
		return "Excel/WPS lock file"
	case strings.HasPrefix(name, ".~lock."):
		return "LibreOffice lock file"
	case strings.HasPrefix(name, "."):
		return "hidden file"
	case ext != ".xlsx" && ext != ".xlsm":
		return "not a workbook extension"
	case strings.HasSuffix(base, "_结果"), strings.HasSuffix(base, "_result"),
		strings.HasSuffix(base, "_错误"), strings.HasSuffix(base, "_errors"):
		return "a perfeval output"
	}
	return ""
}

// outputPath is the result workbook's path; a name already used in this
// run gets " (2)", " (3)", ….
func outputPath(outDir, input, lang string, used map[string]bool) string {
	name := sheet.ResultName(filepath.Base(input), lang)
	candidate := filepath.Join(outDir, name)
	ext := filepath.Ext(name)
	for i := 2; used[candidate]; i++ {
		candidate = filepath.Join(outDir, fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext))
	}
	used[candidate] = true
	return candidate
}

// processFile reads, checks and scores one workbook and writes its
// result. The returned error is set only when a result could not be
// written; input problems are in the FileReport. A panic is recovered and
// reported as this file's failure, so the batch goes on.
func processFile(in, out string, opts runOptions) (fr FileReport, writeErr error) {
	start := time.Now()
	fr = FileReport{Path: in, Problems: []ProblemReport{}, Departments: []DepartmentReport{}}
	defer func() {
		if p := recover(); p != nil {
			opts.Log.Error().Str("file", in).Interface("panic", p).Str("stack", string(debug.Stack())).Msg("internal error")
			fr.Status, fr.Output = statusUnreadable, ""
			fr.Problems = append(fr.Problems, ProblemReport{
				Severity: "error", Message: tr(opts.Lang, "perfeval 内部错误："+fmt.Sprint(p), "perfeval internal error: "+fmt.Sprint(p)),
				Hint: tr(opts.Lang, "请把该文件和这条消息报告给 perfeval 维护人员", "please report this file and message to perfeval's maintainers"),
				Code: "internal",
			})
		}
		opts.Log.Debug().Str("file", in).Str("status", fr.Status).Dur("took", time.Since(start)).Msg("processed")
	}()

	if same, _ := sameFile(in, out); same {
		fr.Status = statusUnreadable
		fr.Problems = append(fr.Problems, fileProblem(opts.Lang, "输出文件会覆盖输入文件，已拒绝", "the output would replace the input: refused", "换一个输出文件夹（--out）", "choose another output folder (--out)", "output-is-input"))
		return fr, nil
	}
	book, err := sheet.Open(in, sheet.Options{Password: opts.Password, UnzipLimit: opts.MaxSizeMiB << 20})
	if err != nil {
		fr.Status = statusUnreadable
		fr.Problems = append(fr.Problems, openProblem(opts.Lang, err))
		return fr, nil
	}
	defer book.Close()

	wb, problems := validate.Check(book)
	for _, p := range problems {
		fr.Problems = append(fr.Problems, problemReport(p, opts.Lang))
	}
	if problems.Err() != nil {
		fr.Status = statusInvalid
		return fr, nil
	}
	fr.Status = statusOK
	var warnings []sheet.Problem
	for _, p := range problems {
		warnings = append(warnings, sheetProblem(p, opts.Lang))
	}
	err = book.WriteResult(out, sheet.Output{Lang: opts.Lang, Settings: wb.Settings, Results: wb.Results, Problems: warnings})
	if err != nil {
		fr.Problems = append(fr.Problems, fileProblem(opts.Lang, "无法写入结果："+err.Error(), "cannot write the result: "+err.Error(),
			"检查输出文件夹是否可写、磁盘是否已满", "check that the output folder is writable and the disk is not full", "write"))
		return fr, fmt.Errorf("cannot write %s: %w", out, err)
	}
	fr.Output = out
	fr.Departments = departmentReports(wb.Results, wb.Settings, sheet.LabelsFor(opts.Lang).NotApplicable)
	return fr, nil
}

// sameFile reports whether two paths name the same file.
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

// count is "1 department", "2 departments" in English, the bare number
// in Chinese.
func count(lang string, n int, noun string) string {
	if lang != "en" {
		return fmt.Sprint(n)
	}
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func tr(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func fileProblem(lang, zh, en, hintZh, hintEn, code string) ProblemReport {
	return ProblemReport{Severity: "error", Message: tr(lang, zh, en), Hint: tr(lang, hintZh, hintEn), Code: code}
}

// openProblem explains why a file could not be opened, and what to do.
func openProblem(lang string, err error) ProblemReport {
	type why struct{ zh, en, hintZh, hintEn, code string }
	reasons := []struct {
		target error
		why
	}{
		{sheet.ErrEmpty, why{"文件是空的", "the file is empty", "向部门重新索取该文件", "ask the department for the file again", "empty"}},
		{sheet.ErrLegacyXLS, why{"这是旧版 .xls/.et 格式的工作簿", "this is a legacy .xls/.et workbook", "用 Excel 或 WPS 打开，另存为 .xlsx 后再处理", "open it in Excel or WPS and save it as .xlsx", "legacy-xls"}},
		{sheet.ErrEncrypted, why{"工作簿已加密（也可能是改了扩展名的旧版 .xls）", "the workbook is encrypted (or a legacy .xls renamed to .xlsx)", "用 --password 提供密码，或在 Excel 中去掉密码后另存为 .xlsx", "give its password with --password, or remove the password in Excel and save as .xlsx", "encrypted"}},
		{sheet.ErrPassword, why{"密码不正确，无法打开加密的工作簿", "the password does not open this encrypted workbook", "核对 --password 后重试", "check --password and try again", "password"}},
		{sheet.ErrFormat, why{"不是 .xlsx/.xlsm 工作簿", "not an .xlsx/.xlsm workbook", "用 Excel 或 WPS 打开，另存为 .xlsx 后再处理", "open it in Excel or WPS and save it as .xlsx", "format"}},
		{sheet.ErrTooLarge, why{"工作簿解压后超过大小上限", "the workbook unpacks past the size limit", "确认文件来源可靠后，用 --max-size 提高上限（单位 MiB）", "if the file is trustworthy, raise the limit with --max-size (MiB)", "too-large"}},
		{sheet.ErrCorrupt, why{"工作簿已损坏，无法读取", "the workbook is damaged and cannot be read", "在 Excel 或 WPS 中打开、修复并另存，或向部门重新索取", "open, repair and save it in Excel or WPS, or ask the department for it again", "corrupt"}},
		{fs.ErrNotExist, why{"文件不存在", "no such file", "检查路径是否正确", "check the path", "missing"}},
		{fs.ErrPermission, why{"没有读取权限", "permission denied", "检查文件权限", "check the file's permissions", "permission"}},
	}
	for _, r := range reasons {
		if errors.Is(err, r.target) {
			return fileProblem(lang, r.zh, r.en, r.hintZh, r.hintEn, r.code)
		}
	}
	return fileProblem(lang, "无法读取："+err.Error(), "cannot read: "+err.Error(), "向部门重新索取该文件", "ask the department for the file again", "unreadable")
}

// sentinelCodes name the sentinels in the report, for scripts.
var sentinelCodes = map[error]string{
	validate.ErrNoScoreTable: "no-score-table", validate.ErrNoWeightColumn: "no-weight-column",
	validate.ErrNoDepartment: "no-department", validate.ErrNoIndicators: "no-indicators",
	validate.ErrDuplicateDepartment: "duplicate-department", validate.ErrEmptyDepartment: "empty-department",
	validate.ErrDuplicateIndicator: "duplicate-indicator", validate.ErrWeightConflict: "weight-conflict",
	validate.ErrWeightSum: "weight-sum", validate.ErrTotalPoints: "total-points", validate.ErrTotalConflict: "total-conflict",
	validate.ErrMissingWeight: "missing-weight", validate.ErrWeightNotNumber: "weight-not-number", validate.ErrZeroWeight: "zero-weight",
	validate.ErrMissing: "missing", validate.ErrNotNumber: "not-number", validate.ErrAboveWeight: "above-weight",
	validate.ErrBelowZero: "below-zero", validate.ErrDeductionRange: "deduction-range", validate.ErrFormula: "formula",
	validate.ErrDeclaredTotal: "declared-total", validate.ErrAllNotApplicable: "all-not-applicable",
	validate.ErrSetting: "setting", validate.ErrGradeBands: "grade-bands",
	validate.WarnTextNumber: "text-number", validate.WarnUnknownSetting: "unknown-setting",
	validate.WarnWordColumn: "word-column", validate.WarnStrayNumber: "stray-number",
}

func problemReport(p *validate.CellError, lang string) ProblemReport {
	return ProblemReport{
		Severity: p.Severity.String(), Sheet: p.Sheet, Cell: p.Cell, Department: p.Department,
		Indicator: p.Indicator, Message: p.Message(lang), Hint: p.Hint(lang), Code: sentinelCodes[p.Err],
	}
}

func sheetProblem(p *validate.CellError, lang string) sheet.Problem {
	return sheet.Problem{
		Error: p.Severity == validate.SeverityError, Sheet: p.Sheet, Cell: p.Cell, Department: p.Department,
		Indicator: p.Indicator, Message: p.Message(lang), Hint: p.Hint(lang),
	}
}

// maxPrinted is how many problems of one file are printed on stderr; the
// rest are in the report and the workbook.
const maxPrinted = 20

// printFile tells the person at the terminal what happened to one file:
// results on stdout, problems on stderr.
func printFile(opts runOptions, fr FileReport) {
	L := opts.Lang
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
		fmt.Fprintf(opts.Stdout, tr(L, "%s：%s 个部门，%s 条警告 → %s\n", "%s: %s, %s → %s\n"), fr.Path, count(L, len(fr.Departments), "department"), count(L, warns, "warning"), fr.Output)
	case fr.Status == statusInvalid:
		fmt.Fprintf(opts.Stderr, tr(L, "perfeval: %s：%s 个错误，未生成结果\n", "perfeval: %s: %s, no result written\n"), fr.Path, count(L, errs, "error"))
	}
	hints := map[string]bool{}
	printed := 0
	for _, p := range fr.Problems {
		if fr.Status == statusOK && p.Severity == "warning" && printed >= maxPrinted/2 {
			continue
		}
		if printed >= maxPrinted {
			continue
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
		prefix := "perfeval: "
		if p.Severity == "warning" {
			prefix += tr(L, "警告：", "warning: ")
		}
		fmt.Fprintf(opts.Stderr, "%s%s: %s%s\n", prefix, fr.Path, place, p.Message)
		if p.Hint != "" && !hints[p.Hint] {
			hints[p.Hint] = true
			fmt.Fprintf(opts.Stderr, "hint: %s\n", p.Hint)
		}
	}
	if rest := len(fr.Problems) - printed; rest > 0 {
		where := tr(L, "见 --report 报告", "see the --report file")
		if fr.Status == statusOK {
			where = tr(L, "见结果工作簿的“校验”表", "see the result workbook's Checks sheet")
		}
		fmt.Fprintf(opts.Stderr, tr(L, "perfeval: %s：另有 %d 条问题未列出，%s\n", "perfeval: %s: %d more problems not listed; %s\n"), fr.Path, rest, where)
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
