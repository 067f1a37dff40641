package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"perfeval/sheet"
)

// Problems of the results folder.
var (
	ErrNoFacts    = errors.New("per-department workbook without its figures")
	ErrTwoResults = errors.New("department with two per-department workbooks")
)

func init() {
	problemWords[ErrNoFacts] = struct{ zh, en, hintZH, hintEN string }{
		"这个分部门工作簿是旧版 perfeval 写的，没有记录邮件所需的成绩，不会发送", "this per-department workbook was written by an older perfeval and lacks the figures the message needs: not sent",
		"用本版 perfeval 重新运行 perfeval run --split", "run perfeval run --split again with this version",
	}
	problemWords[ErrTwoResults] = struct{ zh, en, hintZH, hintEN string }{
		"这个部门有两个分部门工作簿（另见 {other}），无法确定发哪一个，不会发送", "this department has two per-department workbooks (also {other}); which one to send is unclear: not sent",
		"删除过时的那个工作簿所在的文件夹，或把两个输入合并后重新运行 perfeval run --split", "remove the outdated one's folder, or merge the inputs and run perfeval run --split again",
	}
}

// Result is one department's per-department workbook, found by its mark.
type Result struct {
	Department string
	Path       string // the workbook
	Rel        string // its path inside the results folder
	SHA256     string
	Facts      sheet.DepartmentFacts
}

// maxDepth is how deep below the results folder workbooks are looked
// for: <results>/<workbook>/<department>.xlsx is 2.
const maxDepth = 3

// FindResults finds the per-department workbooks in dir, by their marks
// (never by their names), in path order. Hidden entries, perfeval's
// temporary files and the outbox are not searched. A department found
// twice is a problem and gets no result; so is a workbook without the
// figures (written by an older perfeval).
func FindResults(dir, outbox string) ([]*Result, []*Problem, error) {
	var found []*Result
	var problems []*Problem
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil
		}
		name := d.Name()
		if path != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			if path != dir && (path == outbox || strings.Count(rel, string(filepath.Separator))+1 >= maxDepth) {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(name))
		if (ext != ".xlsx" && ext != ".xlsm") || !d.Type().IsRegular() {
			return nil
		}
		m, ok, _ := sheet.ReadMark(path)
		if !ok || m.Kind != sheet.KindDepartment {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		facts, ok, _ := sheet.ReadDepartmentFacts(path)
		if !ok {
			problems = append(problems, &Problem{File: rel, Department: m.Department, Err: ErrNoFacts, Blocking: true})
			return nil
		}
		sum, err := fileHash(path)
		if err != nil {
			return nil
		}
		found = append(found, &Result{Department: facts.Department, Path: path, Rel: rel, SHA256: sum, Facts: facts})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Rel < found[j].Rel })
	byKey := map[string]*Result{}
	twice := map[string]bool{}
	for _, r := range found {
		k := Key(r.Department)
		if first, ok := byKey[k]; ok {
			problems = append(problems, &Problem{File: r.Rel, Department: r.Department, Err: ErrTwoResults, Other: first.Rel, Blocking: true})
			twice[k] = true
			continue
		}
		byKey[k] = r
	}
	var out []*Result
	for _, r := range found {
		if !twice[Key(r.Department)] {
			out = append(out, r)
		}
	}
	return out, problems, nil
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
