package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"perfeval/sheet"
)

// checkOptions are perfeval check's flags.
type checkOptions struct {
	inspectOptions
	Format    string // text or json
	Recursive bool
	Explain   bool // say how each score table was read

	Stdout, Stderr io.Writer
}

func checkCommand(w *helpWords) *cli.Command {
	return &cli.Command{
		Name:        "check",
		Usage:       w.Check.Usage,
		UsageText:   w.Check.UsageText,
		ArgsUsage:   "PATH...",
		Description: w.Check.Description,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: w.Flags.Format},
			&cli.BoolFlag{Name: "recursive", Aliases: []string{"r"}, Usage: w.Flags.Recursive},
			&cli.BoolFlag{Name: "explain", Usage: w.Flags.Explain},
		}, inputFlags(w)...),
		Action: func(c *cli.Context) error {
			in, err := inspectOptionsFrom(c)
			if err != nil {
				return err
			}
			return runCheck(c.Context, checkOptions{inspectOptions: in, Format: c.String("format"), Recursive: c.Bool("recursive"), Explain: c.Bool("explain"), Stdout: c.App.Writer, Stderr: c.App.ErrWriter}, c.Args().Slice())
		},
	}
}

// runCheck checks every workbook of args and prints what it found. It
// returns errInvalid when some workbook is invalid or unreadable.
func runCheck(ctx context.Context, opts checkOptions, args []string) error {
	lang := opts.Lang
	if opts.Format != "text" && opts.Format != "json" {
		return usageErrorL(lang, "--format %q：请用 text 或 json", "--format %q: use text or json", opts.Format)
	}
	if len(args) == 0 {
		return usageErrorL(lang, "没有给出工作簿或文件夹", "no workbook or folder given")
	}
	inputs, skipped, err := collectInputs(args, opts.Recursive, opts.Log, lang)
	if err != nil {
		return err
	}
	inputs, skipped = skipSettingsFile(inputs, skipped, opts.SettingsFile, lang)
	if opts.Format == "text" {
		printSkipNotes(opts.Stderr, lang, skipped)
	}
	if len(inputs) == 0 {
		return usageErrorL(lang, "在 %s 中没有找到 .xlsx 或 .xlsm 工作簿", "no .xlsx or .xlsm workbook found in %s", strings.Join(args, ", "))
	}
	report := &Report{Files: []FileReport{}, Skipped: skipped}
	// The JSON report's departments wait on disk until it is written,
	// so that checking a folder of any size does not hold them all.
	var reports *sheet.SpillFile
	if opts.Format == "json" {
		cleanStaleTemp(opts.Log)            // a killed check's
		reports, _ = sheet.NewSpillFile("") // nil when it fails: kept in memory
		defer reports.Close()
	}
	for i, in := range inputs {
		if ctx.Err() != nil {
			return failf(lang, "共 %[2]d 个工作簿，检查完 %[1]d 个后被中断", "interrupted after %d of %d workbooks", i, len(inputs))
		}
		inspectOpts := opts.inspectOptions
		inspectOpts.DropCells = !opts.Explain // only the layouts read the cells again
		var size int64
		if info, err := os.Stat(in); err == nil {
			size = info.Size()
		}
		restore := tightGCFor(size)
		ins := inspect(ctx, in, inspectOpts)
		restore()
		if ins.Book != nil {
			ins.Book.Close()
		}
		var layouts []TableLayout
		if opts.Explain && ins.Workbook != nil {
			layouts = explain(ins.Workbook)
		}
		if ctx.Err() != nil || errors.Is(ins.OpenErr, context.Canceled) {
			return failf(lang, "共 %[2]d 个工作簿，检查完 %[1]d 个后被中断", "interrupted after %d of %d workbooks", i, len(inputs))
		}
		fr := ins.report(opts.Lang)
		if opts.Explain {
			fr.Layout = layouts
			if fr.Layout == nil {
				fr.Layout = []TableLayout{}
			}
		}
		if opts.Format == "text" {
			printCheckedFile(opts.Stdout, opts.Lang, fr)
			printLayouts(opts.Stdout, opts.Lang, layouts)
			fr = FileReport{Path: fr.Path, Status: fr.Status} // all the tally needs
		} else {
			fr.park(reports)
			fr.dropParked()
		}
		report.Files = append(report.Files, fr)
	}
	if opts.Format == "json" {
		if err := writeReport("-", opts.Stdout, report, ""); err != nil {
			return err
		}
	} else {
		printCheckTally(opts.Stdout, opts.Lang, report)
	}
	return statusError(report)
}

// printCheckedFile prints one file's verdict and all its problems.
func printCheckedFile(w io.Writer, lang string, fr FileReport) {
	errs, warns := problemCounts(fr)
	var verdict string
	switch fr.Status {
	case statusOK:
		verdict = tr(lang, fmt.Sprintf("通过，%d 个部门，%d 条警告", len(fr.Departments), warns),
			fmt.Sprintf("ok, %s, %s", count(lang, len(fr.Departments), "department"), count(lang, warns, "warning")))
	case statusInvalid:
		verdict = tr(lang, fmt.Sprintf("%d 个错误，%d 条警告", errs, warns),
			fmt.Sprintf("%s, %s", count(lang, errs, "error"), count(lang, warns, "warning")))
	default:
		verdict = tr(lang, "无法读取", "unreadable")
	}
	fmt.Fprintf(w, "%s: %s\n", fr.Path, verdict)
	for _, p := range fr.Problems {
		sev := tr(lang, "错误", "error")
		if p.Severity == "warning" {
			sev = tr(lang, "警告", "warning")
		}
		var place []string
		if p.Sheet != "" {
			ref := p.Sheet
			if p.Cell != "" {
				ref += "!" + p.Cell
			}
			place = append(place, ref)
		}
		for _, part := range []string{p.Department, p.Indicator} {
			if part != "" {
				place = append(place, part)
			}
		}
		where := ""
		if len(place) > 0 {
			where = strings.Join(place, " ") + ": "
		}
		fmt.Fprintf(w, "  %s %s%s\n", sev, where, p.Message)
		if p.Hint != "" {
			fmt.Fprintf(w, "    hint: %s\n", p.Hint)
		}
	}
}

// printCheckTally prints the closing line of a text check.
func printCheckTally(w io.Writer, lang string, r *Report) {
	counts := map[string]int{}
	for _, f := range r.Files {
		counts[f.Status]++
	}
	skipped := len(r.Skipped)
	defer printSkipped(w, lang, r.Skipped)
	fmt.Fprint(w, tr(lang,
		fmt.Sprintf("共 %d 个工作簿：%d 个通过，%d 个有错误，%d 个无法读取，跳过 %d 个文件\n", len(r.Files), counts[statusOK], counts[statusInvalid], counts[statusUnreadable], skipped),
		fmt.Sprintf("%s: %d ok, %d invalid, %d unreadable, %s skipped\n", count("en", len(r.Files), "workbook"), counts[statusOK], counts[statusInvalid], counts[statusUnreadable], count("en", skipped, "file"))))
}
