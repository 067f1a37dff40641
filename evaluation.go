package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/mail"
	"perfeval/sheet"
)

// The folder as one evaluation (spec §8): every department of a run is
// ranked with the departments of every workbook whose tables share its
// level-1 indicators and weights; a department sent twice counts once,
// from the file modified last; the roster says who has not sent a
// workbook; each group gets the mean, median, minimum and maximum rate of
// every level-1 indicator.

// batchNote is a problem the run found across workbooks, for one file's
// report: a department sent twice.
type batchNote struct {
	file    int
	problem ProblemReport
}

// assembleBatch ranks the departments of files across the run, marks the
// copies of a department sent twice, computes each group's statistics and
// checks the roster (nil: none). files' departments get their BatchRank,
// BatchOf and CountedIn. The notes (copies sent twice) go to note as they
// are found, not gathered: a batch of copies has thousands (nil: none
// wanted). It fails only when the level-1 indicators of departments kept
// in the run's batch rows (sheet.BatchRows) cannot be read back
// (BatchDepartment.Detail).
func assembleBatch(lang string, files []sheet.BatchFile, roster *rosterList, note func(batchNote)) (*sheet.Batch, error) {
	if note == nil {
		note = func(batchNote) {}
	}
	b := &sheet.Batch{Files: files}

	// A department blocked by errors of its table (broken weights) goes
	// with the departments whose level-1 indicators have its names.
	byNames := map[string]string{}
	for _, f := range files {
		for _, d := range f.Departments {
			if !d.Whole {
				if _, ok := byNames[d.Names]; !ok {
					byNames[d.Names] = d.Group
				}
			}
		}
	}
	for fi := range files {
		for di := range files[fi].Departments {
			d := &files[fi].Departments[di]
			if g, ok := byNames[d.Names]; ok && d.Whole {
				d.Group = g
			}
		}
	}
	duplicates(lang, files, note)

	// Groups, in order of first appearance; a group's level-1 columns are
	// those of its first department whose table could be read.
	index := map[string]int{}
	fromWhole := map[int]bool{}
	for fi := range files {
		for di, d := range files[fi].Departments {
			gi, ok := index[d.Group]
			if !ok {
				gi = len(b.Groups)
				index[d.Group] = gi
				b.Groups = append(b.Groups, sheet.BatchGroup{})
				fromWhole[gi] = true
			}
			if fromWhole[gi] && (len(b.Groups[gi].Level1) == 0 || !d.Whole) {
				x, err := d.Detail()
				if err != nil {
					return nil, err
				}
				var cols []sheet.BatchColumn
				for _, l := range x.Level1 {
					cols = append(cols, sheet.BatchColumn{Name: l.Name, Weight: l.Weight.Dec()})
				}
				b.Groups[gi].Level1, fromWhole[gi] = cols, d.Whole
			}
			b.Groups[gi].Rows = append(b.Groups[gi].Rows, sheet.BatchRef{File: fi, Dept: di})
		}
	}
	for gi := range b.Groups {
		g := &b.Groups[gi]
		var ranked, blocked, copies []sheet.BatchRef
		for _, ref := range g.Rows {
			d := b.Department(ref)
			switch {
			case d.CountedIn != "":
				copies = append(copies, ref)
			case d.Blocked > 0:
				blocked = append(blocked, ref)
			default:
				ranked = append(ranked, ref)
			}
		}
		shown := make([]decimal.Decimal, len(ranked))
		vetoed := make([]bool, len(ranked))
		for i, ref := range ranked {
			d := b.Department(ref)
			shown[i], vetoed[i] = d.Shown.Dec(), d.Vetoed
		}
		ranks := calc.Ranks(shown, vetoed)
		for i, ref := range ranked {
			d := b.Department(ref)
			d.BatchRank, d.BatchOf = ranks[i], len(ranked)
		}
		slices.SortStableFunc(ranked, func(x, y sheet.BatchRef) int { return b.Department(x).BatchRank - b.Department(y).BatchRank })
		g.Ranked = len(ranked)
		g.Rows = append(append(ranked, blocked...), copies...)
		var err error
		if g.Stats, err = groupStats(b, *g); err != nil {
			return nil, err
		}
	}
	if roster != nil {
		b.Roster = roster.check(files)
	}
	return b, nil
}

// duplicates marks, for every department found in several files (the
// same name, folded as the roster folds it, and the same tree, or the
// same level-1 indicators and weights), every copy but the one of the
// file modified last (the later file of the run on a tie) as counted
// there instead, and says so in both files' problems. Two departments of
// one file are never copies of each other.
func duplicates(lang string, files []sheet.BatchFile, note func(batchNote)) {
	type key struct{ name, group string }
	seen := map[key][]sheet.BatchRef{}
	var order []key
	for fi := range files {
		for di, d := range files[fi].Departments {
			if d.Whole { // its table could not be read right: said apart below
				continue
			}
			k := key{mail.Key(d.Name), d.Group}
			if _, ok := seen[k]; !ok {
				order = append(order, k)
			}
			seen[k] = append(seen[k], sheet.BatchRef{File: fi, Dept: di})
		}
	}
	for _, k := range order {
		refs := seen[k]
		last := refs[0]
		several := false
		for _, ref := range refs[1:] {
			several = several || ref.File != last.File
			if !files[ref.File].Modified.Before(files[last.File].Modified) {
				last = ref
			}
		}
		if !several {
			continue
		}
		kept := files[last.File]
		name := kept.Departments[last.Dept].Name
		tree := kept.Departments[last.Dept].Tree
		var others []string
		for _, ref := range refs {
			if ref.File == last.File {
				continue
			}
			d := &files[ref.File].Departments[ref.Dept]
			d.CountedIn = kept.Path
			if !slices.Contains(others, files[ref.File].Path) {
				others = append(others, files[ref.File].Path)
			}
			why := tr(lang, "修改时间更晚", "modified later")
			if files[ref.File].Modified.Equal(kept.Modified) {
				why = tr(lang, "修改时间相同，按文件顺序取后者", "modified at the same time: the later in the run's order")
			}
			other := ""
			if d.Tree != tree {
				other = tr(lang, "（两份的指标表不完全相同）", " (the two indicator trees differ)")
			}
			note(batchNote{ref.File, ProblemReport{
				Severity: "warning", Sheet: d.Sheet, Department: name, Code: "sent-twice",
				Message: fmt.Sprintf(tr(lang, "部门“%s”也在 %s 中提交（%s）%s，本次按那个文件计入排名和统计，本文件中的不计入",
					"department %q was also sent in %s (%s)%s: the run counts it from there, not from this file"), name, kept.Path, why, other),
				Hint: tr(lang, "确认哪一份是最终版本；只保留最终版本后重新运行，或直接以较新的文件为准",
					"check which copy is final; keep only that one and run again, or let the newer file count"),
			}})
		}
		listed := fileList(lang, others)
		msg := fmt.Sprintf(tr(lang, "部门“%s”也在 %s 中提交；本文件修改时间最晚，本次按本文件计入排名和统计",
			"department %q was also sent in %s; this file was modified last, so the run counts it from here"), name, listed)
		hint := tr(lang, "确认本文件是最终版本；否则删去它后重新运行", "check that this file is the final one; if not, remove it and run again")
		if kept.Departments[last.Dept].Blocked > 0 {
			msg = fmt.Sprintf(tr(lang, "部门“%s”也在 %s 中提交；本文件修改时间最晚，以本文件为准，但本文件中该部门有错误，本次不计分、不排名",
				"department %q was also sent in %s; this file was modified last and counts, but the department has errors here, so it is not scored or ranked in this run"), name, listed)
			hint = tr(lang, "改正本文件中该部门的错误后重新运行；若较早的文件才是最终版本，删去本文件", "correct the department's errors in this file and run again; if the earlier file is the final one, remove this one")
		}
		note(batchNote{last.File, ProblemReport{
			Severity: "warning", Sheet: kept.Departments[last.Dept].Sheet, Department: name, Code: "sent-twice", Message: msg, Hint: hint,
		}})
	}
	// A department also in a workbook whose table has errors: that copy
	// is not scored, and cannot be compared; the counted one stays
	// counted, and both files say so.
	counted := map[string]int{} // by folded name: a file counting it
	for fi := range files {
		for _, d := range files[fi].Departments {
			if d.Counted() {
				if _, ok := counted[mail.Key(d.Name)]; !ok {
					counted[mail.Key(d.Name)] = fi
				}
			}
		}
	}
	for fi := range files {
		for _, d := range files[fi].Departments {
			other, ok := counted[mail.Key(d.Name)]
			if !d.Whole || !ok || other == fi {
				continue
			}
			note(batchNote{fi, ProblemReport{
				Severity: "warning", Sheet: d.Sheet, Department: d.Name, Code: "sent-twice",
				Message: fmt.Sprintf(tr(lang, "部门“%s”也在 %s 中提交；本文件的评分表有错误，未计分，本次按那个文件计入",
					"department %q was also sent in %s; this file's table has errors and is not scored, so the run counts it from there"), d.Name, files[other].Path),
				Hint: tr(lang, "若本文件是最终版本，改正标注副本中的错误后重新运行", "if this file is the final one, correct the errors of its annotated copy and run again"),
			}})
			note(batchNote{other, ProblemReport{
				Severity: "warning", Sheet: d.Sheet, Department: d.Name, Code: "sent-twice",
				Message: fmt.Sprintf(tr(lang, "部门“%s”也在 %s 中提交，但那份评分表有错误，未计分；本次按本文件计入",
					"department %q was also sent in %s, whose table has errors and is not scored; the run counts it from here"), d.Name, files[fi].Path),
				Hint: tr(lang, "确认哪一份是最终版本", "check which copy is final"),
			}})
		}
	}
}

// groupStats are, per level-1 indicator of the group and for the total,
// the count, mean, median, minimum and maximum rate of the departments
// counted (an indicator not applicable to a department, or with no
// weight, leaves it out of that indicator's figures).
func groupStats(b *sheet.Batch, g sheet.BatchGroup) ([]sheet.BatchStat, error) {
	// The rates as the rows keep them: a decimal each only for the few
	// figures shown.
	rates := make([][]sheet.Num, len(g.Level1)+1)
	var points decimal.Decimal
	for _, ref := range g.Rows {
		d := b.Department(ref)
		if !d.Counted() {
			continue
		}
		if points.IsZero() {
			points = b.Files[ref.File].Settings.TotalPoints
		}
		x, err := d.Detail()
		if err != nil {
			return nil, err
		}
		for k, l := range x.Level1 {
			if k < len(g.Level1) && l.HasRate && !l.NA {
				rates[k] = append(rates[k], l.Rate)
			}
		}
		rates[len(g.Level1)] = append(rates[len(g.Level1)], d.Rate)
	}
	out := make([]sheet.BatchStat, len(rates))
	for k, list := range rates {
		st := sheet.BatchStat{Count: len(list)}
		if k < len(g.Level1) {
			st.Name, st.Weight = g.Level1[k].Name, g.Level1[k].Weight
		} else {
			st.Total, st.Weight = true, points
		}
		if len(list) > 0 {
			slices.SortFunc(list, sheet.Num.Cmp)
			sum := decimal.Zero
			for _, r := range list {
				sum = sum.Add(r.Dec())
			}
			st.Mean = sum.Div(decimal.NewFromInt(int64(len(list))))
			st.Min, st.Max = list[0].Dec(), list[len(list)-1].Dec()
			if n := len(list); n%2 == 1 {
				st.Median = list[n/2].Dec()
			} else {
				st.Median = list[n/2-1].Dec().Add(list[n/2].Dec()).Div(decimal.NewFromInt(2))
			}
		}
		out[k] = st
	}
	return out, nil
}

// rosterList is the departments a run expects (--roster).
type rosterList struct {
	Path  string
	Names []string
}

// rosterHeader reports whether a roster's cell heads its names: a short
// label ending in 部门, 单位, 名称 or 对象 (部门名称, 预算单位名称,
// 被评价单位), not a code, number or contact (编号, 单位代码, 联系人), and
// not itself a name (市事业单位登记局); or an English header word.
func rosterHeader(cell string) bool {
	k := strings.ToLower(mail.Key(cell))
	switch k {
	case "department", "departments", "departmentname", "unit", "units", "unitname", "name", "names":
		return true
	}
	r := []rune(k)
	if len(r) == 0 || len(r) > 6 || strings.ContainsRune("市县区省州镇乡", r[0]) {
		return false
	}
	for _, not := range []string{"编号", "代码", "编码", "序号", "联系", "电话", "邮箱"} {
		if strings.Contains(k, not) {
			return false
		}
	}
	for _, end := range []string{"部门", "单位", "名称", "对象"} {
		if strings.HasSuffix(k, end) {
			return true
		}
	}
	return false
}

// readRoster reads a roster: a workbook (its first sheet with names) or a
// text file (UTF-8 or GBK), one department per row. In a workbook or CSV
// with a header row naming a department column, that column is read;
// otherwise each row's first cell that is not a number (a 序号). Blank
// rows, # comments and names listed twice are left out.
func readRoster(path string) (*rosterList, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := sheet.CheckRegular(info); err != nil {
		return nil, err
	}
	sheets, err := mail.ReadContactSheets(path)
	if err != nil {
		return nil, err
	}
	r := &rosterList{Path: path}
	seen := map[string]bool{}
	for _, s := range sheets {
		col, start := -1, 0
	header: // a title may stand above it
		for i, row := range s.Rows[:min(len(s.Rows), 10)] {
			for j, cell := range row {
				if rosterHeader(cell) {
					col, start = j, i+1
					break header
				}
			}
		}
		for _, row := range s.Rows[start:] {
			name := ""
			for j, cell := range row {
				cell = strings.TrimSpace(cell)
				if col >= 0 && j != col || cell == "" {
					continue
				}
				if _, err := decimal.NewFromString(cell); err == nil && col < 0 {
					continue // a 序号
				}
				name = cell
				break
			}
			k := mail.Key(name)
			if k == "" || strings.HasPrefix(name, "#") || seen[k] {
				continue
			}
			seen[k] = true
			r.Names = append(r.Names, name)
		}
		if len(r.Names) > 0 {
			break
		}
	}
	if len(r.Names) == 0 {
		return nil, fmt.Errorf("no department name in %s", filepath.Base(path))
	}
	return r, nil
}

// check compares the roster with the departments of files (a department
// blocked by its errors has sent its workbook; so has one sent twice).
func (r *rosterList) check(files []sheet.BatchFile) *sheet.RosterCheck {
	c := &sheet.RosterCheck{Path: r.Path}
	byKey := map[string]int{}
	for _, name := range r.Names {
		byKey[mail.Key(name)] = len(c.Entries)
		c.Entries = append(c.Entries, sheet.RosterEntry{Name: name})
	}
	unknown := map[string]int{}
	for _, f := range files {
		for _, d := range f.Departments {
			k := mail.Key(d.Name)
			if i, ok := byKey[k]; ok {
				if !slices.Contains(c.Entries[i].Files, f.Path) {
					c.Entries[i].Files = append(c.Entries[i].Files, f.Path)
				}
				continue
			}
			i, ok := unknown[k]
			if !ok {
				i = len(c.Unknown)
				unknown[k] = i
				c.Unknown = append(c.Unknown, sheet.RosterEntry{Name: d.Name})
			}
			if !slices.Contains(c.Unknown[i].Files, f.Path) {
				c.Unknown[i].Files = append(c.Unknown[i].Files, f.Path)
			}

		}
	}
	// Scored when some copy of it counts in the run.
	scored := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Departments {
			if d.Counted() {
				scored[mail.Key(d.Name)] = true
			}
		}
	}
	for i := range c.Entries {
		c.Entries[i].Blocked = c.Entries[i].Sent() && !scored[mail.Key(c.Entries[i].Name)]
	}
	for i := range c.Unknown {
		c.Unknown[i].Blocked = !scored[mail.Key(c.Unknown[i].Name)]
	}
	// A workbook that could not be read names no department: a roster
	// name in its file's name has sent it all the same.
	for _, f := range files {
		if len(f.Departments) > 0 {
			continue
		}
		base := mail.Key(filepath.Base(f.Path))
		for i, e := range c.Entries {
			if k := mail.Key(e.Name); k != "" && strings.Contains(base, k) && !slices.Contains(c.Entries[i].Files, f.Path) {
				c.Entries[i].Files = append(c.Entries[i].Files, f.Path)
				c.Entries[i].Blocked = !scored[k]
			}
		}
	}
	var missing []string
	for _, e := range c.Entries {
		if !e.Sent() {
			missing = append(missing, e.Name)
		}
	}
	for i := range c.Unknown {
		c.Unknown[i].Similar = mail.Closest(c.Unknown[i].Name, missing)
	}
	return c
}

// maxListedFiles is how many files a message names before it counts the
// rest: a department sent in 500 files is not a line of 500 names.
const maxListedFiles = 5

// fileList names files in a message: the first few, then how many more.
func fileList(lang string, files []string) string {
	sep := tr(lang, "、", ", ")
	if len(files) <= maxListedFiles {
		return strings.Join(files, sep)
	}
	if lang == "en" {
		return strings.Join(files[:maxListedFiles], sep) + fmt.Sprintf(" and %d more files", len(files)-maxListedFiles)
	}
	return strings.Join(files[:maxListedFiles], sep) + fmt.Sprintf(" 等 %d 个文件", len(files))
}
