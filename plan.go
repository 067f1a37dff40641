package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"perfeval/sheet"
)

// errClash is a planned output that would replace an input, another
// output, or a folder perfeval did not make. It stops the run before
// anything is written (exit status 3).
var errClash = errors.New("an output would replace an input or another output")

// outputPlan is every path a run writes, decided before anything is
// written: the one place where outputs are named and checked against the
// inputs and against each other.
type outputPlan struct {
	Out     string
	Inputs  []string
	Files   []plannedNames // per input, in input order
	Summary string         // the batch summary; "" with one input and no roster
	Report  string         // --report; "" without
	LogFile string         // --log-file; "" without
}

// plannedNames are the outputs an input may get: its result or its
// annotated copy, and with --split its per-department folder.
type plannedNames struct {
	result, annotated, splitDir string
}

// planRun names every output of a run and checks the plan.
func planRun(opts runOptions, inputs []string) (*outputPlan, error) {
	p := &outputPlan{Out: opts.Out, Inputs: inputs, Report: opts.Report, LogFile: opts.LogFile}
	used := map[string]bool{}
	if len(inputs) > 1 || opts.Roster != "" { // a roster is checked in the batch summary, even for one workbook
		p.Summary = filepath.Join(opts.Out, sheet.LabelsFor(opts.Lang).BatchName)
		used[nameKey(p.Summary)] = true
	}
	for _, in := range inputs {
		p.Files = append(p.Files, planNames(opts, in, used))
	}
	return p, p.check(opts.Lang)
}

// planNames reserves an input's output names in used (same names for
// the same inputs, whatever the order workers finish in).
func planNames(opts runOptions, in string, used map[string]bool) plannedNames {
	base := filepath.Base(in)
	p := plannedNames{
		result:    outputPath(opts.Out, sheet.ResultName(base, opts.Lang), used),
		annotated: outputPath(opts.Out, sheet.AnnotatedName(base, opts.Lang), used),
	}
	if opts.Split {
		p.splitDir = outputPath(opts.Out, sheet.SplitDirName(base), used)
	}
	return p
}

// nameKey is how used tells names apart: without regard to case, as
// Windows and macOS file systems do. In a name that is not UTF-8 (GBK,
// from a zip unpacked on Linux) only ASCII letters are folded:
// strings.ToLower makes every byte that is not UTF-8 U+FFFD, and
// different names one (市.xlsx and 教.xlsx got 教_结果.xlsx and
// 市_结果 (2).xlsx).
func nameKey(path string) string {
	if utf8.ValidString(path) {
		return strings.ToLower(path)
	}
	b := []byte(path)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// outputPath is an output's path; a name already used (in this run, or
// in this folder) gets " (2)", " (3)", ….
func outputPath(outDir, name string, used map[string]bool) string {
	candidate := filepath.Join(outDir, name)
	ext := filepath.Ext(name)
	if e := strings.ToLower(ext); e != ".xlsx" && e != ".xlsm" {
		ext = "" // a folder: "2024.春 (2)", not "2024 (2).春"
	}
	for i := 2; used[nameKey(candidate)]; i++ {
		candidate = filepath.Join(outDir, fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext))
	}
	used[nameKey(candidate)] = true
	return candidate
}

// plannedFile is one planned output file, for the checks.
type plannedFile struct {
	path, what string
	workbook   bool // a workbook perfeval writes (marked), not a JSON file
}

// files are the plan's output files (not the split folders), each with
// what it is, for messages.
func (p *outputPlan) files(lang string) []plannedFile {
	var out []plannedFile
	for i, f := range p.Files {
		in := p.Inputs[i]
		out = append(out,
			plannedFile{f.result, fmt.Sprintf(tr(lang, "%s 的结果", "the result of %s"), in), true},
			plannedFile{f.annotated, fmt.Sprintf(tr(lang, "%s 的标注副本", "the annotated copy of %s"), in), true})
	}
	if p.Summary != "" {
		out = append(out, plannedFile{p.Summary, tr(lang, "批量汇总", "the batch summary"), true})
	}
	if p.Report != "" {
		out = append(out, plannedFile{p.Report, tr(lang, "报告（--report）", "the report (--report)"), false})
	}
	if p.LogFile != "" {
		out = append(out, plannedFile{p.LogFile, tr(lang, "日志文件（--log-file）", "the log file (--log-file)"), false})
	}
	return out
}

// place is a path as the checks compare it: clean and absolute, with
// symbolic links resolved as far as the path exists, and the file's
// identity (device and inode) when it exists.
type place struct {
	abs, real string
	info      os.FileInfo // nil when nothing is there
}

func placeOf(path string) place {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	pl := place{abs: abs, real: realPath(abs)}
	if info, err := os.Stat(path); err == nil {
		pl.info = info
	}
	return pl
}

// realPath resolves the symbolic links of the longest existing part of
// an absolute path.
func realPath(abs string) string {
	rest := ""
	for dir := abs; ; {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// same reports whether two places are the same file.
func (a place) same(b place) bool {
	if a.abs == b.abs || a.real == b.real {
		return true
	}
	return a.info != nil && b.info != nil && os.SameFile(a.info, b.info)
}

// within reports whether a is folder or lies inside it.
func (a place) within(folder place) bool {
	if a.same(folder) {
		return true
	}
	sep := string(filepath.Separator)
	return strings.HasPrefix(a.abs, strings.TrimSuffix(folder.abs, sep)+sep) ||
		strings.HasPrefix(a.real, strings.TrimSuffix(folder.real, sep)+sep)
}

// clash is the error for a refused plan.
func clash(lang, zh, en string, args ...any) error {
	return fmt.Errorf("%w: %s", errClash, fmt.Sprintf(tr(lang, zh, en), args...))
}

// check refuses a plan in which an output would replace an input, two
// outputs would share a path, an output path is not a regular file, or a
// per-department folder (replaced whole on every run) holds or is an
// input, another output, or files perfeval did not write.
func (p *outputPlan) check(lang string) error {
	inputs := make([]place, len(p.Inputs))
	for i, in := range p.Inputs {
		inputs[i] = placeOf(in)
	}
	files := p.files(lang)
	places := make([]place, len(files))
	for i, f := range files {
		places[i] = placeOf(f.path)
		for j, in := range inputs {
			if places[i].same(in) {
				return clash(lang, "%s %s 就是输入文件 %s，写入会覆盖它；已停止，未写入任何文件",
					"%s, %s, is the input %s, which writing it would replace; stopped, nothing written", f.what, f.path, p.Inputs[j])
			}
		}
		for j := range i {
			if places[i].same(places[j]) {
				return clash(lang, "%s和%s是同一个文件 %s；已停止，未写入任何文件",
					"%s and %s are the same file, %s; stopped, nothing written", files[j].what, f.what, f.path)
			}
		}
		if info := places[i].info; info != nil && !info.Mode().IsRegular() {
			return clash(lang, "%s 的路径 %s 已存在且不是普通文件（文件夹、管道或设备）；已停止，未写入任何文件",
				"the path of %s, %s, exists and is not a regular file (a folder, pipe or device); stopped, nothing written", f.what, f.path)
		}
		if err := foreignFile(lang, f, places[i]); err != nil {
			return err
		}
	}
	for i, names := range p.Files {
		if names.splitDir == "" {
			continue
		}
		dir := placeOf(names.splitDir)
		for j, in := range inputs {
			if in.within(dir) {
				return clash(lang, "%s 的分部门文件夹 %s 包含输入文件 %s，每次运行都会整体替换这个文件夹；已停止，未写入任何文件",
					"the per-department folder of %s, %s, holds the input %s, and it is replaced whole on every run; stopped, nothing written",
					p.Inputs[i], names.splitDir, p.Inputs[j])
			}
		}
		for j, f := range files {
			if places[j].within(dir) {
				return clash(lang, "%s 的分部门文件夹 %s 包含%s %s，每次运行都会整体替换这个文件夹；已停止，未写入任何文件",
					"the per-department folder of %s, %s, holds %s, %s, and it is replaced whole on every run; stopped, nothing written",
					p.Inputs[i], names.splitDir, f.what, f.path)
			}
		}
		if stranger := foreignEntry(names.splitDir); stranger != "" {
			return clash(lang, "%s 的分部门文件夹 %s 已存在，且含有不是 perfeval 写出的 %s，每次运行都会整体替换这个文件夹；已停止，未写入任何文件",
				"the per-department folder of %s, %s, exists and holds %s, which perfeval did not write, and it is replaced whole on every run; stopped, nothing written",
				p.Inputs[i], names.splitDir, stranger)
		}
	}
	return nil
}

// foreignEntry is the first thing in an existing per-department folder
// that perfeval did not write there (a path, or the folder itself when it
// is not a folder), or "".
func foreignEntry(dir string) string {
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil || !info.IsDir() {
		return dir
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return dir
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if !e.Type().IsRegular() {
			return path
		}
		if _, ok := sheet.TempOwner(e.Name()); ok {
			continue
		}
		if m, ok, _ := sheet.ReadMark(path); !ok || m.Kind != sheet.KindDepartment {
			return path
		}
	}
	return ""
}

// foreignFile refuses to replace a file perfeval did not write: a
// workbook at an output's path that carries no perfeval mark (a real
// workbook named 批量汇总.xlsx or a_结果.xlsx), and a report or log path
// that names a workbook or a file that is not JSON.
func foreignFile(lang string, f plannedFile, pl place) error {
	if !f.workbook && spreadsheetExt[strings.ToLower(filepath.Ext(f.path))] {
		return clash(lang, "%s %s 是工作簿的文件名，perfeval 不会把 JSON 写进去；已停止，未写入任何文件",
			"%s, %s, is named like a workbook, and perfeval will not write JSON into it; stopped, nothing written", f.what, f.path)
	}
	if pl.info == nil || !pl.info.Mode().IsRegular() || pl.info.Size() == 0 {
		return nil
	}
	if f.workbook {
		if _, marked, _ := sheet.ReadMark(f.path); !marked {
			return clash(lang, "%s的路径 %s 上已有一个不是 perfeval 写出的文件（没有 perfeval 标记），写入会覆盖它；已停止，未写入任何文件。请移走或改名该文件，或换一个输出文件夹（--out）",
				"the path of %s, %s, holds a file perfeval did not write (it carries no perfeval mark), which writing would replace; stopped, nothing written. Move or rename that file, or choose another output folder (--out)", f.what, f.path)
		}
		return nil
	}
	if !startsLikeJSON(f.path) {
		return clash(lang, "%s %s 已存在，且不是 perfeval 写出的 JSON 文件，写入会覆盖或改动它；已停止，未写入任何文件",
			"%s, %s, exists and is not a JSON file perfeval wrote, which writing would replace or change; stopped, nothing written", f.what, f.path)
	}
	return nil
}

// startsLikeJSON reports whether a file's first non-space byte opens a
// JSON object, as a report or an audit log does.
func startsLikeJSON(path string) bool {
	file, err := os.Open(path)
	if err != nil {
		return false
	}
	defer file.Close()
	head := make([]byte, 64)
	n, _ := file.Read(head)
	t := strings.TrimLeft(string(head[:n]), " \t\r\n\ufeff")
	return strings.HasPrefix(t, "{")
}
