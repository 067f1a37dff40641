package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/rs/zerolog"

	"perfeval/calc"
	"perfeval/sheet"
	"perfeval/validate"
)

// inspectOptions are what reading and checking a workbook needs.
type inspectOptions struct {
	Lang       string
	Password   string
	MaxSizeMiB int64
	Log        zerolog.Logger
	TmpDir     string // excelize's temporary files; "": the system's

	SettingsFile string          // --settings FILE
	Settings     []sheet.Setting // its settings, applied to every workbook

	// DropCells: the caller reads results, not the score cells as read
	// (validate.Options.DropCells).
	DropCells bool
}

// checkRegular says, without opening it, whether path is a regular file
// (after symbolic links): nil, sheet.ErrNotRegular, or why it cannot be
// looked at. sheet.Open checks again, so a file swapped in between is
// never opened either.
func checkRegular(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return sheet.CheckRegular(info)
}

// inspection is what reading and checking one workbook found.
type inspection struct {
	Path     string
	Status   string             // ok, invalid or unreadable
	Book     *sheet.Book        // nil when unreadable; the caller closes it
	Workbook *validate.Workbook // nil when unreadable
	Problems validate.List
	OpenErr  error // why the file could not be read, wrapping a sheet sentinel
	Panic    any   // a recovered panic
}

// testHookInspect, when set, runs at the start of every inspection (tests
// use it to make one file panic).
var testHookInspect func(path string)

// inspect reads and checks one workbook. It never panics: a panic is
// recovered and reported as this file's failure, so a batch goes on.
func inspect(ctx context.Context, path string, opts inspectOptions) (in inspection) {
	in.Path = path
	defer func() {
		if p := recover(); p != nil {
			opts.Log.Error().Str("file", path).Interface("panic", p).Str("stack", string(debug.Stack())).Msg("internal error")
			if in.Book != nil {
				in.Book.Close()
			}
			in = inspection{Path: path, Status: statusUnreadable, Panic: p}
		}
	}()
	if testHookInspect != nil {
		testHookInspect(path)
	}
	if err := checkRegular(path); err != nil {
		in.Status, in.OpenErr = statusUnreadable, err
		return in
	}
	book, err := sheet.Open(ctx, path, sheet.Options{Password: opts.Password, UnzipLimit: opts.MaxSizeMiB << 20, TmpDir: opts.TmpDir, Settings: opts.Settings})
	if err != nil {
		in.Status, in.OpenErr = statusUnreadable, err
		return in
	}
	in.Book = book
	in.Workbook, in.Problems = validate.CheckWith(book, validate.Options{Lang: opts.Lang, DropCells: opts.DropCells})
	switch {
	case in.Problems.Err() != nil: // no score table included: the workbook opened fine (spec §6.3)
		in.Status = statusInvalid
	default:
		in.Status = statusOK
	}
	return in
}

// report turns an inspection into its report entry, without outputs.
func (in inspection) report(lang string) FileReport {
	fr := in.reportHead(lang)
	fr.Departments = in.departments(lang)
	return fr
}

// departments are the report entries of the inspection's departments.
func (in inspection) departments(lang string) []DepartmentReport {
	if in.Workbook == nil || len(in.Workbook.Results) == 0 && len(in.Workbook.Blocked) == 0 {
		return []DepartmentReport{}
	}
	return append(departmentReports(in.Workbook.Results, in.Workbook.Settings, sheet.LabelsFor(lang).NotApplicable), blockedReports(in.Workbook.Blocked)...)
}

// departmentLines are the departments as a run without a report prints
// and counts them: name, sheet and status, in the order of departments.
func (in inspection) departmentLines() []DepartmentReport {
	if in.Workbook == nil {
		return []DepartmentReport{}
	}
	out := make([]DepartmentReport, 0, len(in.Workbook.Results)+len(in.Workbook.Blocked))
	for _, i := range calc.ByRank(in.Workbook.Results) {
		r := in.Workbook.Results[i]
		out = append(out, DepartmentReport{Name: r.Department, Sheet: r.Sheet, Status: statusOK, Rank: r.Rank, Grade: r.Grade, GradeLabel: r.GradeLabel})
	}
	return append(out, blockedReports(in.Workbook.Blocked)...)
}

// reportHead is report without the departments.
func (in inspection) reportHead(lang string) FileReport {
	fr := FileReport{Path: in.Path, Status: in.Status, Problems: []ProblemReport{}, Departments: []DepartmentReport{}}
	switch {
	case in.Panic != nil:
		fr.Problems = append(fr.Problems, fileProblem(lang, "perfeval 内部错误："+fmt.Sprint(in.Panic), "perfeval internal error: "+fmt.Sprint(in.Panic),
			"其余文件照常处理；请把该文件和这条消息报告给 perfeval 维护人员", "the other files were processed; please report this file and message to perfeval's maintainers", "internal"))
	case in.OpenErr != nil:
		fr.Problems = append(fr.Problems, openProblem(lang, in.OpenErr))
	}
	for _, p := range in.Problems {
		fr.Problems = append(fr.Problems, ProblemReport{
			Severity: p.Severity.String(), Sheet: p.Sheet, Cell: p.Cell, Department: p.Department,
			Indicator: p.Indicator, Message: p.Message(lang), Hint: p.Hint(lang), Code: validate.Code(p),
		})
	}
	return fr
}

// sheetProblems are the problems as the workbook writers list them.
func (in inspection) sheetProblems(lang string) []sheet.Problem {
	var out []sheet.Problem
	for _, p := range in.Problems {
		out = append(out, sheet.Problem{
			Error: p.Severity == validate.SeverityError, Sheet: p.Sheet, Cell: p.Cell, Department: p.Department,
			Indicator: p.Indicator, Message: p.Message(lang), Hint: p.Hint(lang),
		})
	}
	return out
}

func fileProblem(lang, zh, en, hintZh, hintEn, code string) ProblemReport {
	return ProblemReport{Severity: "error", Message: tr(lang, zh, en), Hint: tr(lang, hintZh, hintEn), Code: code}
}

// openProblem explains why a file could not be opened, and what to do.
func openProblem(lang string, err error) ProblemReport {
	type why struct{ zh, en, hintZh, hintEn, code string }
	saveAs := [2]string{"用 Excel 或 WPS 打开，另存为 Excel 工作簿（.xlsx）后再处理", "open it in Excel or WPS and save it as an Excel workbook (.xlsx)"}
	reasons := []struct {
		target error
		why
	}{
		{sheet.ErrEmpty, why{"文件是空的（0 字节）", "the file is empty (0 bytes)", "向部门重新索取该文件", "ask the department for the file again", "empty"}},
		{sheet.ErrLegacyXLS, why{"这是旧版 Excel 97-2003 工作簿（.xls），perfeval 只读 .xlsx/.xlsm", "this is a legacy Excel 97-2003 workbook (.xls); perfeval reads .xlsx/.xlsm", saveAs[0], saveAs[1], "legacy-xls"}},
		{sheet.ErrWPS, why{"这是 WPS 表格文件（.et），perfeval 只读 .xlsx/.xlsm", "this is a WPS spreadsheet (.et); perfeval reads .xlsx/.xlsm", "用 WPS 打开，另存为 Excel 工作簿（.xlsx）后再处理", "open it in WPS and save it as an Excel workbook (.xlsx)", "wps"}},
		{sheet.ErrCSV, why{"这是 CSV 文本文件，不是工作簿", "this is a CSV text file, not a workbook", saveAs[0], saveAs[1], "csv"}},
		{sheet.ErrText, why{"这是改了扩展名的文本文件，不是工作簿", "this is a text file with a workbook's extension, not a workbook", "向部门索取真正的 Excel 工作簿（.xlsx）", "ask the department for the real Excel workbook (.xlsx)", "text"}},
		{sheet.ErrEncrypted, why{"工作簿设置了打开密码", "the workbook is protected by a password", "用 --password 提供密码，或请部门去掉打开密码后重新发送", "give its password with --password, or ask the department to remove the password and send it again", "encrypted"}},
		{sheet.ErrPassword, why{"密码不正确，无法打开这个加密的工作簿", "the password given does not open this encrypted workbook", "核对 --password 后重试", "check --password and try again", "password"}},
		{sheet.ErrFormat, why{"不是 .xlsx/.xlsm 工作簿", "not an .xlsx/.xlsm workbook", saveAs[0], saveAs[1], "format"}},
		{sheet.ErrStrict, why{"工作簿以“Strict Open XML 电子表格”格式保存，perfeval 无法由它写出 Excel 能打开的结果", "the workbook is saved as a Strict Open XML Spreadsheet, from which perfeval cannot write a result Excel opens",
			"在 Excel 中“另存为”“Excel 工作簿(*.xlsx)”后重新运行", "in Excel, Save As \"Excel Workbook (*.xlsx)\" and run again", "strict"}},
		{sheet.ErrTooLarge, why{"工作簿解压后超过大小上限（可能是损坏或恶意文件）", "the workbook unpacks past the size limit (it may be damaged or malicious)", "确认文件来源可靠后，用 --max-size 提高上限（单位 MiB）", "if the file is trustworthy, raise the limit with --max-size (MiB)", "too-large"}},
		{sheet.ErrCorrupt, why{"工作簿已损坏或不完整，无法读取", "the workbook is damaged or incomplete and cannot be read", "在 Excel 或 WPS 中打开、修复并另存，或向部门重新索取", "open, repair and save it in Excel or WPS, or ask the department for it again", "corrupt"}},
		{sheet.ErrNotRegular, why{"这不是普通文件（是文件夹、管道、设备或套接字），perfeval 不会打开它", "this is not a regular file (a folder, pipe, device or socket); perfeval does not open it",
			"把真正的工作簿文件放在这里，或不要把这个路径交给 perfeval", "put the real workbook file here, or leave this path out", "not-regular"}},
		{fs.ErrNotExist, why{"文件不存在", "no such file", "检查路径是否正确", "check the path", "not-found"}},
		{fs.ErrPermission, why{"没有读取权限", "permission denied", "检查文件权限", "check the file's permissions", "permission"}},
	}
	for _, r := range reasons {
		if errors.Is(err, r.target) {
			var part *sheet.PartError
			if r.target == sheet.ErrCorrupt && errors.As(err, &part) { // where the damage is
				where := tr(lang, "部件 ", "part ") + part.Part
				if part.Sheet != "" {
					where = tr(lang, "工作表 ", "sheet ") + part.Sheet
				}
				r.zh += "（损坏处：" + where + "）"
				r.en += " (damaged: " + where + ")"
			}
			return fileProblem(lang, r.zh, r.en, r.hintZh, r.hintEn, r.code)
		}
	}
	return fileProblem(lang, "无法读取："+err.Error(), "cannot read: "+err.Error(), "向部门重新索取该文件", "ask the department for the file again", "unreadable")
}

// skippedFile is a file found but not taken as an input, and why.
type skippedFile struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
	Code   string `json:"code"` // perfeval-output, lock-file, hidden, extension

	mark *sheet.Mark // the mark that made it skipped, if one did
}

// skipLines are the skipped files as the person reads them, "path
// (reason)", with the per-department workbooks of one folder on one line;
// markedOnly keeps the files skipped for their mark.
func skipLines(lang string, skipped []skippedFile, markedOnly bool) []string {
	var lines, others []string
	for i := 0; i < len(skipped); i++ {
		s := skipped[i]
		if markedOnly && s.mark == nil {
			continue
		}
		if s.Code == "extension" { // not a spreadsheet at all: named on one line
			others = append(others, filepath.Base(s.Path))
			continue
		}
		if s.mark != nil && s.mark.Kind == sheet.KindDepartment {
			dir, n := filepath.Dir(s.Path), 1
			for i+1 < len(skipped) && skipped[i+1].mark != nil && skipped[i+1].mark.Kind == sheet.KindDepartment &&
				filepath.Dir(skipped[i+1].Path) == dir && skipped[i+1].mark.Source == s.mark.Source {
				i++
				n++
			}
			if n > 1 {
				lines = append(lines, fmt.Sprintf(tr(lang, "%s（%d 个 perfeval 写出的分部门工作簿，来自 %s）", "%s (%d per-department workbooks perfeval wrote, from %s)"),
					dir+string(filepath.Separator), n, s.mark.Source))
				continue
			}
		}
		lines = append(lines, fmt.Sprintf(tr(lang, "%s（%s）", "%s (%s)"), s.Path, s.Reason))
	}
	if n := len(others); n > 0 {
		if n > 5 {
			others = append(others[:5], "…")
		}
		lines = append(lines, fmt.Sprintf(tr(lang, "%d 个不是工作簿的文件：%s", "%d files that are not workbooks: %s"), n, strings.Join(others, tr(lang, "、", ", "))))
	}
	return lines
}

// collectInputs lists the workbooks given: files as they are, and the
// spreadsheet files of folders (with recursive, of their subfolders too,
// except hidden ones). perfeval's own outputs
// (marked, or named like one), lock files, hidden files and other
// extensions found in folders are skipped and listed; a marked output
// given by name is skipped too. Anything named like a spreadsheet that is
// not a regular file (a folder, pipe or device) is kept, to be reported
// without being opened. The order is stable: by path within each argument.
func collectInputs(args []string, recursive bool, log zerolog.Logger, lang string) (inputs []string, skipped []skippedFile, err error) {
	seen := map[string]bool{}
	add := func(p string) {
		if abs, err := filepath.Abs(p); err == nil && !seen[abs] {
			seen[abs] = true
			inputs = append(inputs, p)
		}
	}
	skip := func(path, code, reason string, m *sheet.Mark) {
		log.Debug().Str("file", path).Str("reason", reason).Msg("skipped")
		skipped = append(skipped, skippedFile{Path: path, Reason: reason, Code: code, mark: m})
	}
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			if why, m := markReason(arg, lang); why != "" {
				skip(arg, "perfeval-output", why, m)
				continue
			}
			add(arg) // a missing or odd file is reported as unreadable
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path == arg {
					return nil
				}
				if !strings.HasPrefix(d.Name(), ".") && spreadsheetExt[strings.ToLower(filepath.Ext(d.Name()))] {
					found = append(found, path) // a folder named like a workbook: reported, never read
					return filepath.SkipDir
				}
				if !recursive || strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if code, why := skipReason(d.Name(), lang); why != "" {
				skip(path, code, why, nil)
				return nil
			}
			if why, m := markReason(path, lang); why != "" {
				skip(path, "perfeval-output", why, m)
				return nil
			}
			if why := outputNamed(d.Name(), lang); why != "" {
				skip(path, "perfeval-output", why, nil)
				return nil
			}
			found = append(found, path)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf(tr(lang, "无法读取文件夹 %s：%w", "cannot read the folder %s: %w"), arg, err)
		}
		sort.Strings(found)
		for _, p := range found {
			add(p)
		}
	}
	return inputs, skipped, nil
}

// markReason says why a regular file perfeval marked as its own output
// is not an input, or "" (unmarked, or not a regular file: ReadMark never
// opens a pipe or a device).
func markReason(path, lang string) (string, *sheet.Mark) {
	if checkRegular(path) != nil {
		return "", nil
	}
	m, ok, err := sheet.ReadMark(path)
	if err != nil || !ok {
		return "", nil
	}
	switch m.Kind {
	case sheet.KindResult:
		return tr(lang, "perfeval 写出的结果工作簿", "a result workbook perfeval wrote"), &m
	case sheet.KindAnnotated:
		return tr(lang, "perfeval 写出的标注副本", "an annotated copy perfeval wrote"), &m
	case sheet.KindDepartment:
		return fmt.Sprintf(tr(lang, "perfeval 写出的分部门工作簿（%s，来自 %s）", "a per-department workbook perfeval wrote (%s, from %s)"), m.Department, m.Source), &m
	case sheet.KindBatchSummary:
		return tr(lang, "perfeval 写出的批量汇总", "a batch summary perfeval wrote"), &m
	case sheet.KindTemplate:
		if templateFilled(path) {
			return "", nil // a template filled in is an input
		}
		return tr(lang, "perfeval 写出的空白模板，尚未填写得分", "a blank template perfeval wrote, with no score filled in yet"), &m
	}
	return fmt.Sprintf(tr(lang, "perfeval 写出的文件（%s）", "a file perfeval wrote (%s)"), m.Kind), &m
}

// templateFilled reports whether a template perfeval wrote holds a score.
// One that cannot be read is taken as filled, for the reader to explain.
func templateFilled(path string) bool {
	b, err := sheet.Open(context.Background(), path, sheet.Options{})
	if err != nil {
		return true
	}
	defer b.Close()
	return sheet.TemplateHasScores(b)
}

// spreadsheetExt are the extensions of files taken from a folder: the
// workbooks perfeval reads, and spreadsheets it cannot read but whose
// senders must be told so (.xls, .et, …).
var spreadsheetExt = map[string]bool{
	".xlsx": true, ".xlsm": true, ".xls": true, ".xlsb": true, ".et": true, ".ods": true, ".csv": true,
}

// skipReason says why a file found in a folder is not an input, by its
// name alone: a code and a reason, or "", "". (perfeval's outputs are
// told by their mark, then by outputNamed.)
func skipReason(name, lang string) (code, reason string) {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case strings.HasPrefix(name, "~$"):
		return "lock-file", tr(lang, "Excel/WPS 锁文件", "Excel/WPS lock file")
	case strings.HasPrefix(name, ".~lock."):
		return "lock-file", tr(lang, "LibreOffice 锁文件", "LibreOffice lock file")
	case strings.HasPrefix(name, "."):
		return "hidden", tr(lang, "隐藏文件", "hidden file")
	case !spreadsheetExt[ext]:
		return "extension", tr(lang, "不是工作簿的扩展名", "not a workbook extension")
	}
	return "", ""
}

// outputNamed says why a file found in a folder is taken for an older
// perfeval's unmarked output, by its name (*_结果.xlsx, …), or "".
func outputNamed(name, lang string) string {
	lower := strings.ToLower(name)
	base := strings.TrimSuffix(lower, filepath.Ext(lower))
	for _, suffix := range []string{"_结果", "_result", "_错误", "_errors"} {
		if strings.HasSuffix(base, suffix) {
			return tr(lang, "文件名是 perfeval 输出的名字（*_结果、*_错误）", "named like a perfeval output (*_result, *_errors)")
		}
	}
	return ""
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

// checkLang rejects a --lang other than zh or en.
func checkLang(lang string) error {
	if lang != "zh" && lang != "en" {
		return usageError("--lang %q：请用 zh 或 en（use zh or en）", lang)
	}
	return nil
}

// skipSettingsFile takes the --settings workbook out of the inputs, when a
// folder given holds it, and names it among the skipped files.
func skipSettingsFile(inputs []string, skipped []skippedFile, settings, lang string) ([]string, []skippedFile) {
	return skipNamedFile(inputs, skipped, settings, "settings-file", tr(lang, "这是 --settings 指定的设置文件", "the --settings file"))
}

// skipRosterFile leaves the --roster file out of the inputs when it lies
// among them (a roster workbook kept in the folder of workbooks).
func skipRosterFile(inputs []string, skipped []skippedFile, roster, lang string) ([]string, []skippedFile) {
	return skipNamedFile(inputs, skipped, roster, "roster-file", tr(lang, "这是 --roster 指定的名单", "the --roster file"))
}

// skipNamedFile leaves the file at path out of the inputs, as skipped
// with code and reason.
func skipNamedFile(inputs []string, skipped []skippedFile, path, code, reason string) ([]string, []skippedFile) {
	if path == "" {
		return inputs, skipped
	}
	target := placeOf(path)
	kept := inputs[:0]
	for _, in := range inputs {
		if placeOf(in).same(target) {
			skipped = append(skipped, skippedFile{Path: in, Code: code, Reason: reason})
			continue
		}
		kept = append(kept, in)
	}
	return kept, skipped
}

// makeOutDir creates the output folder and its missing parents, and
// returns a function that removes again those it created and left empty
// (a run whose inputs were all missing or unreadable leaves no empty
// folder behind).
func makeOutDir(dir string) (removeIfEmpty func(), err error) {
	var created []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		created = append(created, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return func() {}, err
	}
	return func() {
		for _, d := range created { // innermost first; os.Remove keeps a folder that is not empty
			if os.Remove(d) != nil {
				return
			}
		}
	}, nil
}
