package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"perfeval/sheet"
	"perfeval/validate"
)

// templateOptions are perfeval template's flags.
type templateOptions struct {
	inspectOptions
	Out           string // the template, or with PerDepartment a folder
	Departments   string // a file naming the departments, one per row
	PerDepartment bool
	NoNA          bool
	SheetPassword string // sheet protection password

	Stdout, Stderr io.Writer
}

func templateCommand(w *helpWords) *cli.Command {
	return &cli.Command{
		Name:        "template",
		Usage:       w.Template.Usage,
		UsageText:   w.Template.UsageText,
		ArgsUsage:   "SOURCE",
		Description: w.Template.Description,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: w.Flags.TemplateOut},
			&cli.StringFlag{Name: "departments", Usage: w.Flags.Departments},
			&cli.BoolFlag{Name: "per-department", Usage: w.Flags.PerDepartment},
			&cli.BoolFlag{Name: "no-na", Usage: w.Flags.NoNA},
			&cli.StringFlag{Name: "password", Usage: w.Flags.SheetPassword},
			&cli.StringFlag{Name: "source-password", Usage: w.Flags.SourcePassword},
			&cli.Int64Flag{Name: "max-size", Value: sheet.DefaultUnzipLimit >> 20, Usage: w.Flags.MaxSize},
		}, commonFlags(w)...),
		Action: func(c *cli.Context) error {
			in, err := inspectOptionsFrom(c)
			if err != nil {
				return err
			}
			in.Password = c.String("source-password")
			return runTemplate(c.Context, templateOptions{
				inspectOptions: in, Out: c.String("out"), Departments: c.String("departments"),
				PerDepartment: c.Bool("per-department"), NoNA: c.Bool("no-na"), SheetPassword: c.String("password"),
				Stdout: c.App.Writer, Stderr: c.App.ErrWriter,
			}, c.Args().Slice())
		},
	}
}

// runTemplate writes the template (or, per department, the templates)
// that opts asks for from the one source in args.
func runTemplate(ctx context.Context, opts templateOptions, args []string) error {
	lang := opts.Lang
	if err := checkLang(lang); err != nil {
		return err
	}
	switch {
	case len(args) == 0:
		return usageErrorL(lang, "没有给出源工作簿", "no source workbook given")
	case len(args) > 1:
		return usageErrorL(lang, "只能给出一个源工作簿，却给了 %d 个：%s", "give one source workbook, not %d: %s", len(args), strings.Join(args, ", "))
	case opts.Out == "":
		return usageErrorL(lang, "没有用 -o 给出要写出的模板", "no template to write: give -o FILE")
	}
	source := args[0]
	ext := strings.ToLower(filepath.Ext(opts.Out))
	if opts.PerDepartment && (ext == ".xlsx" || ext == ".xlsm") {
		return usageErrorL(lang, "使用 --per-department 时，-o 应是文件夹，而不是 %s", "with --per-department, -o names a folder, not %s", opts.Out)
	}
	if !opts.PerDepartment && ext != ".xlsx" {
		return usageErrorL(lang, "-o %s：模板应以 .xlsx 结尾", "-o %s: a template's name ends in .xlsx", opts.Out)
	}

	var departments []string
	if opts.Departments != "" {
		list, err := sheet.ReadNameList(opts.Departments)
		if err != nil {
			return departmentsError(lang, opts.Departments, err)
		}
		departments = list
	}

	// Read and check the source as run does.
	in := inspection{Path: source}
	book, err := openSource(ctx, source, opts.inspectOptions)
	if err != nil {
		in.Status, in.OpenErr = statusUnreadable, err
	} else {
		defer book.Close()
		in.Book = book
		in.Workbook, in.Problems = validate.Check(book)
		in.Status = statusOK
	}
	if ctx.Err() != nil {
		return failf(lang, "已中断，未写出模板", "interrupted; no template written")
	}
	treeProblems := forTree(in.Problems, departments == nil && !opts.PerDepartment)
	if in.Status == statusOK && treeProblems.Err() != nil {
		in.Status = statusInvalid
	}
	if in.Status != statusOK {
		in.Problems = treeProblems
		fr := in.report(lang)
		fr.Departments = nil
		what := tr(lang, "无法读取", "unreadable")
		if in.Status == statusInvalid {
			what = tr(lang, fmt.Sprintf("指标体系有 %d 个错误", treeProblems.Errors()), fmt.Sprintf("%s in its indicator tree", count(lang, treeProblems.Errors(), "error")))
		}
		fmt.Fprintf(opts.Stderr, tr(lang, "perfeval: %s：%s，未写出模板\n", "perfeval: %s: %s; no template written\n"), source, what)
		printProblems(opts.Stderr, "perfeval: ", lang, fr)
		if in.Status == statusInvalid {
			fmt.Fprintln(opts.Stderr, tr(lang, "hint: 先改正源工作簿中的指标和分值，再生成模板（得分中的问题不影响模板）",
				"hint: fix the indicators and weights in the source first (problems of scores do not matter for a template)"))
		}
		return errInvalid
	}

	var words []string
	for _, p := range in.Problems {
		if errors.Is(p, validate.WarnWordColumn) {
			words = append(words, p.Sheet+"!"+p.Cell)
		}
	}
	topt := sheet.TemplateOptions{
		Lang: lang, Tables: in.Workbook.Tables, Settings: in.Workbook.Settings, Departments: departments,
		NoNA: opts.NoNA, Password: opts.SheetPassword, WordColumns: words,
	}
	leaves := 0
	for _, t := range in.Workbook.Tables {
		leaves += len(t.Leaves)
	}
	if !opts.PerDepartment {
		if err := refuseSource(lang, source, opts.Out); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(opts.Out), 0o755); err != nil {
			return failf(lang, "无法创建文件夹 %s：%v", "cannot create the folder %s: %v", filepath.Dir(opts.Out), err)
		}
		if err := book.WriteTemplate(opts.Out, topt); err != nil {
			return templateError(lang, opts.Out, err)
		}
		n := len(departments)
		if n == 0 {
			for _, t := range in.Workbook.Tables {
				n += len(t.Departments)
			}
		}
		fmt.Fprintf(opts.Stdout, tr(lang, "%s → %s：%d 个指标，%d 个部门\n", "%s → %s: %s, %s\n"), source, opts.Out,
			countArg(lang, leaves, "indicator"), countArg(lang, n, "department"))
		return nil
	}

	if departments == nil {
		for _, t := range in.Workbook.Tables {
			for _, d := range t.Departments {
				departments = append(departments, d.Name)
			}
		}
	}
	if len(departments) == 0 {
		return withHint(usageErrorL(lang, "%s 中没有部门，无法按部门生成模板", "%s names no department to write a workbook for", source),
			tr(lang, "用 --departments 文件 给出部门名单，每行一个", "name the departments with --departments FILE, one per row"))
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return failf(lang, "无法创建文件夹 %s：%v", "cannot create the folder %s: %v", opts.Out, err)
	}
	used := map[string]bool{}
	for _, d := range departments {
		path := outputPath(opts.Out, sheet.DepartmentFileName(d), used)
		if err := refuseSource(lang, source, path); err != nil {
			return err
		}
		topt.Department = d
		if err := book.WriteTemplate(path, topt); err != nil {
			return templateError(lang, path, err)
		}
		fmt.Fprintf(opts.Stdout, "%s → %s\n", d, path)
	}
	fmt.Fprintf(opts.Stdout, tr(lang, "%s：%d 个部门的模板已写入 %s（每个 %d 个指标）\n", "%s: templates of %s written to %s (%s each)\n"), source,
		countArg(lang, len(departments), "department"), opts.Out, countArg(lang, leaves, "indicator"))
	return nil
}

// countArg is count for a %d (Chinese) or %s (English) verb.
func countArg(lang string, n int, noun string) any {
	if lang == "en" {
		return count(lang, n, noun)
	}
	return n
}

// openSource opens the template's source. A result workbook's own sheets
// (得分率 beside 汇总) read like score tables and are left out.
func openSource(ctx context.Context, path string, opts inspectOptions) (*sheet.Book, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	b, err := sheet.Open(ctx, path, sheet.Options{Password: opts.Password, UnzipLimit: opts.MaxSizeMiB << 20})
	if err != nil {
		return nil, err
	}
	b.DropResultSheets()
	return b, nil
}

// refuseSource refuses to write the template over its source.
func refuseSource(lang, source, out string) error {
	if same, _ := sameFile(source, out); same {
		return fmt.Errorf("%w: %s", errClash, tr(lang, fmt.Sprintf("模板 %s 会覆盖源工作簿", out), fmt.Sprintf("the template %s would replace its source", out)))
	}
	return nil
}

// departmentsError explains a --departments file that cannot be used.
func departmentsError(lang, path string, err error) error {
	var msg, hint string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg, hint = tr(lang, "部门名单 %s 不存在", "the departments file %s does not exist"), tr(lang, "检查 --departments 的路径", "check the path given to --departments")
	case errors.Is(err, sheet.ErrNameList):
		msg = tr(lang, "部门名单 %s 无法使用：", "the departments file %s cannot be used: ") + err.Error()
		hint = tr(lang, "每行写一个部门名称，不要重复；文本文件请存为 UTF-8", "write one department per row, each once; save a text file as UTF-8")
	default:
		msg = tr(lang, "无法读取部门名单 %s：", "cannot read the departments file %s: ") + err.Error()
		hint = tr(lang, "用 .xlsx 工作簿（第一个工作表第一列）或 UTF-8 文本文件给出部门名单", "give the departments as an .xlsx workbook (first column of the first sheet) or a UTF-8 text file")
	}
	return withHint(usageError(msg, path), hint)
}

// templateError explains a template that could not be written.
func templateError(lang, path string, err error) error {
	if errors.Is(err, sheet.ErrTemplateTables) {
		return withHint(usageErrorL(lang, "源工作簿有多个指标体系不同的评分表，无法放进一个模板（%v）", "the source has several score tables with different indicator trees, which do not fit in one template (%v)", err),
			tr(lang, "不用 --departments/--per-department 生成模板，或只保留一个评分表", "write the template without --departments/--per-department, or keep one score table in the source"))
	}
	return withHint(failf(lang, "无法写出模板 %s：%v", "cannot write the template %s: %v", path, err),
		tr(lang, "检查输出文件夹是否存在、可写，文件是否在 Excel 中打开", "check that the output folder exists and is writable, and that the file is not open in Excel"))
}

// forTree keeps the problems that stop a template: those of the tree,
// weights and settings, not of scores. sourceDepartments says that the
// template takes its department columns from the source, whose names
// must then be usable.
func forTree(problems validate.List, sourceDepartments bool) validate.List {
	var out validate.List
	for _, p := range problems {
		switch {
		case errors.Is(p, validate.ErrDuplicateDepartment), errors.Is(p, validate.ErrEmptyDepartment):
			if !sourceDepartments {
				continue
			}
		case p.Department != "":
			continue // a score, or a department's total
		case errors.Is(p, validate.ErrNoDepartment), errors.Is(p, validate.WarnStrayNumber), errors.Is(p, validate.WarnWordColumn),
			errors.Is(p, validate.ErrDeclaredTotal), errors.Is(p, validate.ErrAllNotApplicable):
			continue
		}
		out.Add(p)
	}
	return out
}
