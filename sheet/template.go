package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// Reasons a template cannot be laid out from its source.
var (
	// ErrTemplateTables: the source has several score tables whose trees
	// differ, and the departments asked for cannot be placed in one.
	ErrTemplateTables = errors.New("the source's score tables have different indicator trees")
	// ErrNoDepartmentList: a per-department template needs departments,
	// and neither the source nor --departments names any.
	ErrNoDepartmentList = errors.New("no departments to write a workbook for")
	// ErrNameList: the departments file holds no name, or one twice.
	ErrNameList = errors.New("unusable departments list")
)

// TemplateOptions say what blank workbook to write from a source.
type TemplateOptions struct {
	Lang        string
	Tables      []*calc.Table // the source's checked trees, one per score table, by sheet
	Settings    calc.Settings // the source's settings (total points, decimals)
	Departments []string      // the department columns; nil: the source's
	Department  string        // a per-department workbook: its one unit
	NoNA        bool          // score cells take numbers only (no 不适用)
	Password    string        // sheet protection password; "": protected without one
	WordColumns []string      // "Sheet!G3": source columns taken as descriptive
}

// unitLabel starts the cell above the header that names a one-unit
// workbook's unit (workbook.md §6.4).
const unitLabel = "单位名称："

// unitCell recognises a unit label written above a header:
// 单位名称：X, 填报单位（盖章）：X, ….
var unitCell = regexp.MustCompile(`^\s*(单位名称|部门名称|被评价单位|评价对象|填报单位)\s*([（(][^）)]*[）)])?\s*[:：]`)

// MaxValidationText is the longest input or error message Excel keeps in
// a data validation, in UTF-16 units; titles take 32.
const (
	MaxValidationText  = 255
	maxValidationTitle = 32
)

// tplSheet is one score sheet of a template.
type tplSheet struct {
	name   string
	src    *Table
	tree   *calc.Table
	depts  []string // the department block's headers
	single bool     // one 得分 column and a 单位名称 cell
	unit   string   // the unit named in the 单位名称 cell ("" to be filled in)
}

// WriteTemplate writes, atomically at path, a blank workbook for the next
// round built from b: each score table with the same header layout
// (titles above it, level, weight and descriptive columns with their
// values, widths and styles), the department columns asked for with empty
// score cells that Excel validates, everything else locked, a 合计 row
// whose formulas compute the total as perfeval does, conditional
// formatting of blank and low scores, the source's settings sheet and a
// 填写说明 sheet. It is marked as a template. Other sheets of the source
// (a result workbook's 汇总, notes) are not carried.
func (b *Book) WriteTemplate(path string, opt TemplateOptions) error {
	plans, err := b.planTemplate(opt)
	if err != nil {
		return err
	}
	src, err := b.openForWrite()
	if err != nil {
		return err
	}
	defer src.Close()
	f := excelize.NewFile()
	defer f.Close()
	w := &tplWriter{src: src, f: f, opt: opt, L: LabelsFor(opt.Lang), styles: map[int]int{}}
	if err := setFont(f, w.L.Font); err != nil {
		return err
	}
	if err := w.baseStyles(); err != nil {
		return err
	}
	for i, p := range plans {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", p.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(p.name); err != nil {
			return err
		}
		if err := w.table(p); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	if b.SettingsSheet != "" {
		if err := w.settings(b); err != nil {
			return err
		}
	}
	if err := w.instructions(plans); err != nil {
		return err
	}
	yes := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &yes}); err != nil {
		return err
	}
	if opt.Department != "" || len(plans) > 1 && plans[0].single {
		// sheets named after their unit: renaming one renames the unit
		if err := f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{Password: opt.Password, LockStructure: true}); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := setDocInfo(f, NewDocInfo(opt.Settings, opt.Lang, b.ModTime)); err != nil {
		return err
	}
	return saveMarked(f, path, Mark{Kind: KindTemplate, Department: opt.Department, Source: filepath.Base(b.Path), SourceSHA256: b.SHA256})
}

// planTemplate lays out the template's score sheets.
func (b *Book) planTemplate(opt TemplateOptions) ([]tplSheet, error) {
	L := LabelsFor(opt.Lang)
	score := "得分"
	if opt.Lang == "en" {
		score = "Score"
	}
	word := map[string]bool{}
	for _, w := range opt.WordColumns {
		word[w] = true
	}
	type pair struct {
		src  *Table
		tree *calc.Table
	}
	var tables []pair
	for _, t := range b.Tables {
		for _, ct := range opt.Tables {
			if ct.Sheet == t.Sheet {
				tables = append(tables, pair{t, ct})
				break
			}
		}
	}
	if len(tables) == 0 {
		return nil, fmt.Errorf("no score table")
	}
	sourceDepts := func(t *Table) []string {
		var out []string
		for _, d := range t.Departments {
			if !word[t.Sheet+"!"+d.Ref] {
				out = append(out, d.Header)
			}
		}
		return out
	}
	allSingle := true
	for _, p := range tables {
		allSingle = allSingle && p.src.OneUnit()
	}
	sameTrees := func() error {
		for _, p := range tables[1:] {
			if !sameIndicators(p.tree, tables[0].tree) {
				return fmt.Errorf("%w: %s, %s", ErrTemplateTables, tables[0].src.Sheet, p.src.Sheet)
			}
		}
		return nil
	}
	used := map[string]bool{}
	sheetFor := func(unit, fallback string) string {
		name := fallback
		if validSheetName(unit) && !IsSettingsSheet(unit) {
			name = unit
		}
		for n := 2; used[strings.ToLower(name)] || name == instructionsName(L, opt.Lang); n++ {
			name = fmt.Sprintf("%s (%d)", strings.TrimSpace(fallback[:min(len(fallback), 24)]), n)
		}
		used[strings.ToLower(name)] = true
		return name
	}
	first := tables[0]
	switch {
	case opt.Department != "":
		if len(tables) > 1 && !allSingle {
			return nil, fmt.Errorf("%w: %d score tables", ErrTemplateTables, len(tables))
		}
		if err := sameTrees(); err != nil {
			return nil, err
		}
		return []tplSheet{{name: sheetFor(opt.Department, first.src.Sheet), src: first.src, tree: first.tree, depts: []string{score}, single: true, unit: opt.Department}}, nil
	case opt.Departments != nil && allSingle:
		if err := sameTrees(); err != nil {
			return nil, err
		}
		var out []tplSheet
		for _, d := range opt.Departments {
			out = append(out, tplSheet{name: sheetFor(d, first.src.Sheet), src: first.src, tree: first.tree, depts: []string{score}, single: true, unit: d})
		}
		return out, nil
	case opt.Departments != nil:
		if len(tables) > 1 {
			return nil, fmt.Errorf("%w: %d score tables", ErrTemplateTables, len(tables))
		}
		return []tplSheet{{name: sheetFor("", first.src.Sheet), src: first.src, tree: first.tree, depts: opt.Departments}}, nil
	}
	var out []tplSheet
	for _, p := range tables {
		depts := sourceDepts(p.src)
		switch {
		case p.src.OneUnit() && len(depts) == 1:
			out = append(out, tplSheet{name: sheetFor("", p.src.Sheet), src: p.src, tree: p.tree, depts: []string{depts[0]}, single: true, unit: p.src.Sheet})
		case len(depts) == 0:
			out = append(out, tplSheet{name: sheetFor("", p.src.Sheet), src: p.src, tree: p.tree, depts: []string{score}, single: true})
		default:
			out = append(out, tplSheet{name: sheetFor("", p.src.Sheet), src: p.src, tree: p.tree, depts: depts})
		}
	}
	return out, nil
}

// sameIndicators reports whether two trees have the same indicators and
// weights in the same order.
func sameIndicators(a, b *calc.Table) bool {
	if len(a.Leaves) != len(b.Leaves) {
		return false
	}
	for i, l := range a.Leaves {
		if l.Path() != b.Leaves[i].Path() || !l.Weight.Equal(b.Leaves[i].Weight) {
			return false
		}
	}
	return true
}

// validSheetName reports whether Excel takes name as a sheet name.
func validSheetName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > 31 || strings.ContainsAny(name, `[]:*?/\`) ||
		strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'") {
		return false
	}
	return strings.ToLower(name) != "history"
}

func instructionsName(L Labels, lang string) string {
	if lang == "en" {
		return "Instructions"
	}
	return "填写说明"
}

// tplWriter writes one template.
type tplWriter struct {
	src    *excelize.File
	f      *excelize.File
	opt    TemplateOptions
	L      Labels
	styles map[int]int // source style → the same style, locked, in f

	header, text, score, total, totalLabel, unit, title int
	blankFmt, lowFmt                                    int
}

var thin = []excelize.Border{{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1}, {Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1}}

func (w *tplWriter) baseStyles() error {
	decimals := "0"
	if d := w.opt.Settings.Decimals; d > 0 {
		decimals = "0." + strings.Repeat("0", int(d))
	}
	locked, unlocked := &excelize.Protection{Locked: true}, &excelize.Protection{Locked: false}
	specs := []struct {
		id *int
		s  excelize.Style
	}{
		{&w.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: thin, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Protection: locked}},
		{&w.text, excelize.Style{Border: thin, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Protection: locked}},
		{&w.score, excelize.Style{Border: thin, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFDE7"}}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Protection: unlocked}},
		{&w.total, excelize.Style{Font: &excelize.Font{Bold: true}, Border: thin, CustomNumFmt: &decimals, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Protection: locked}},
		{&w.totalLabel, excelize.Style{Font: &excelize.Font{Bold: true}, Border: thin, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Protection: locked}},
		{&w.unit, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFDE7"}}, Alignment: &excelize.Alignment{Vertical: "center"}, Protection: unlocked}},
		{&w.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Protection: locked}},
	}
	for _, sp := range specs {
		if sp.s.Font == nil {
			sp.s.Font = &excelize.Font{}
		}
		sp.s.Font.Family = w.L.Font
		id, err := w.f.NewStyle(&sp.s)
		if err != nil {
			return err
		}
		*sp.id = id
	}
	var err error
	if w.blankFmt, err = w.f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FCE4D6"}}}); err != nil {
		return err
	}
	w.lowFmt, err = w.f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006", Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	return err
}

// style is the source's style id in f, locked.
func (w *tplWriter) style(srcID int) int {
	if id, ok := w.styles[srcID]; ok {
		return id
	}
	id := w.text
	if s, err := w.src.GetStyle(srcID); err == nil && s != nil {
		s.Protection = &excelize.Protection{Locked: true}
		if s.Font == nil {
			s.Font = &excelize.Font{}
		}
		if s.Font.Family == "" {
			s.Font.Family = w.L.Font // the source's own faces are kept
		}
		if n, err := w.f.NewStyle(s); err == nil {
			id = n
		}
	}
	w.styles[srcID] = id
	return id
}

// layout maps a source sheet's columns and rows to the template's.
type layout struct {
	dept       map[int]bool // source department columns
	blockAt    int          // source column where the department block starts
	n          int          // department columns written
	headerTop  int          // the header's first row (two-row headers)
	insertUnit bool         // a 单位名称 row inserted above the header
	unitAt     [2]int       // source row and column of an existing unit label
}

func (l layout) col(c int) int {
	shift := 0
	for d := range l.dept {
		if d < c {
			shift--
		}
	}
	if c >= l.blockAt {
		shift += l.n
	}
	return c + shift
}

func (l layout) row(r int) int {
	if l.insertUnit && r >= l.headerTop {
		return r + 1
	}
	return r
}

// blockCol is the template column of department i.
func (l layout) blockCol(i int) int { return l.blockAt + i }

// table writes one score sheet.
func (w *tplWriter) table(p tplSheet) error {
	t, f, sh := p.src, w.f, p.name
	rows, err := w.src.GetRows(t.Sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	last := t.HeaderRow
	for _, r := range t.Rows {
		last = max(last, r.Num)
	}
	if t.Total != nil {
		last = max(last, t.Total.Num)
	}
	for _, r := range t.Footer {
		last = max(last, r.Num)
	}
	rows = rows[:min(len(rows), last)]

	l := layout{dept: map[int]bool{}, n: len(p.depts), headerTop: t.HeaderRow}
	for _, d := range t.Departments {
		if !wordColumn(w.opt.WordColumns, t.Sheet, d.Ref) {
			l.dept[d.Index] = true
		}
	}
	l.blockAt = 0
	for d := range l.dept {
		if l.blockAt == 0 || d < l.blockAt {
			l.blockAt = d
		}
	}
	if l.blockAt == 0 { // no departments in the source: after the header's last cell
		if t.HeaderRow <= len(rows) {
			l.blockAt = len(rows[t.HeaderRow-1]) + 1
		}
		if lw := t.LeafWeight(); lw != nil {
			l.blockAt = max(l.blockAt, lw.Index+1)
		}
	}
	if t.HeaderRow > 1 && len(t.Levels) > 0 {
		if k, _ := Classify(cellText(rows, t.HeaderRow-1, t.Levels[0].Index)); k == LevelName {
			l.headerTop = t.HeaderRow - 1
		}
	}
	if p.single {
		l.unitAt = findUnitLabel(rows, l.headerTop)
		l.insertUnit = l.unitAt[0] == 0
	}

	// Values and styles of every cell outside the department columns.
	firstCol := 0
	for r := 1; r <= len(rows); r++ {
		for c, v := range rows[r-1] {
			c++
			if l.dept[c] {
				continue
			}
			cell := cellName(c, r)
			st, _ := w.src.GetCellStyle(t.Sheet, cell)
			to := cellName(l.col(c), l.row(r))
			if v != "" && r < l.headerTop && p.single && t.OneUnit() && p.unit != "" {
				v = strings.ReplaceAll(v, t.Sheet, p.unit) // a title naming last year's unit
			}
			if v != "" {
				if r == t.HeaderRow && firstCol == 0 {
					firstCol = c
				}
				if err := w.copyValue(t.Sheet, cell, sh, to, v); err != nil {
					return err
				}
			}
			if r >= l.headerTop {
				if err := f.SetCellStyle(sh, to, to, w.style(st)); err != nil {
					return err
				}
			} else if v != "" {
				if err := f.SetCellStyle(sh, to, to, w.style(st)); err != nil {
					return err
				}
			}
		}
		if ht, err := w.src.GetRowHeight(t.Sheet, r); err == nil && ht != 15 && ht > 0 {
			if err := f.SetRowHeight(sh, l.row(r), ht); err != nil {
				return err
			}
		}
	}
	// Widths.
	for c := 1; c <= maxLen(rows); c++ {
		if l.dept[c] {
			continue
		}
		name, _ := excelize.ColumnNumberToName(c)
		if width, err := w.src.GetColWidth(t.Sheet, name); err == nil {
			to, _ := excelize.ColumnNumberToName(l.col(c))
			if err := f.SetColWidth(sh, to, to, width); err != nil {
				return err
			}
		}
	}
	// Merges, moved with their columns; merges of score cells dropped.
	merges, err := w.src.GetMergeCells(t.Sheet)
	if err != nil {
		return err
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 > len(rows) {
			continue
		}
		touches, inside := false, true
		for c := c1; c <= c2 && c <= c1+16384; c++ {
			touches = touches || l.dept[c]
			inside = inside && l.dept[c]
		}
		left, right := l.col(c1), l.col(c2)
		switch {
		case !touches:
		case inside && r1 >= l.headerTop && r2 < t.HeaderRow && l.n > 1: // 得分 above the departments
			left, right = l.blockCol(0), l.blockCol(l.n-1)
			if v := cellText(rows, r1, c1); v != "" {
				if err := f.SetCellStr(sh, cellName(left, l.row(r1)), v); err != nil {
					return err
				}
			}
		case inside:
			continue
		case r1 >= l.headerTop: // mixes score cells with others inside the table
			continue
		default: // a title across the table
			if l.dept[c1] {
				left = l.blockCol(0)
			}
			if l.dept[c2] {
				right = l.blockCol(l.n - 1)
			}
		}
		if left == right && r1 == r2 {
			continue
		}
		if err := f.MergeCell(sh, cellName(left, l.row(r1)), cellName(right, l.row(r2))); err != nil {
			return err
		}
	}

	// The unit cell.
	if p.single {
		r, c := l.headerTop, 1
		if !l.insertUnit {
			r, c = l.unitAt[0], l.unitAt[1]
			label := unitCell.FindString(cellText(rows, r, c))
			if err := f.SetCellStr(sh, cellName(l.col(c), r), label+p.unit); err != nil {
				return err
			}
			for cc := c + 1; cc <= len(rows[r-1]); cc++ { // a name typed beside the label
				if !l.dept[cc] {
					f.SetCellValue(sh, cellName(l.col(cc), r), nil)
				}
			}
			c = l.col(c)
		} else if err := f.SetCellStr(sh, cellName(c, r), unitLabel+p.unit); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, cellName(c, r), cellName(c, r), w.unit); err != nil {
			return err
		}
	}

	// The department block: headers, empty score cells, validation.
	hdrStyle := w.header
	if lw := t.LeafWeight(); lw != nil {
		if st, err := w.src.GetCellStyle(t.Sheet, lw.Ref); err == nil && st != 0 {
			hdrStyle = w.style(st)
		}
	}
	hr := l.row(t.HeaderRow)
	for i, d := range p.depts {
		cell := cellName(l.blockCol(i), hr)
		if err := f.SetCellStr(sh, cell, d); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, cell, cell, hdrStyle); err != nil {
			return err
		}
		if l.headerTop < t.HeaderRow {
			top := cellName(l.blockCol(i), l.row(l.headerTop))
			if err := f.SetCellStyle(sh, top, top, hdrStyle); err != nil {
				return err
			}
		}
		name, _ := excelize.ColumnNumberToName(l.blockCol(i))
		if err := f.SetColWidth(sh, name, name, min(max(displayWidth(d)+2, 10), 24)); err != nil {
			return err
		}
	}
	leafAt := map[int]*calc.Indicator{}
	for _, leaf := range p.tree.Leaves {
		leafAt[leaf.Row] = leaf
	}
	criteria := criteriaColumn(t)
	var runs []leafRun
	lastRow := hr
	for _, r := range t.Rows {
		nr := l.row(r.Num)
		lastRow = max(lastRow, nr)
		from, to := cellName(l.blockCol(0), nr), cellName(l.blockCol(l.n-1), nr)
		leaf := leafAt[r.Num]
		if r.Leaf().Value == "" || leaf == nil {
			if err := f.SetCellStyle(sh, from, to, w.text); err != nil {
				return err
			}
			continue
		}
		if err := f.SetCellStyle(sh, from, to, w.score); err != nil {
			return err
		}
		if leaf.Veto {
			// a veto item keeps 否决 in its weight cell and takes 否决 or 通过
			if lw := t.LeafWeight(); lw != nil && !r.Weights[len(r.Weights)-1].IsBlank() && !isNumberText(r.Weights[len(r.Weights)-1].Value) {
				if err := f.SetCellStr(sh, cellName(l.col(lw.Index), nr), r.Weights[len(r.Weights)-1].Value); err != nil {
					return err
				}
			}
			if err := w.vetoValidation(sh, from+":"+to, leaf, cellText(rows, r.Num, criteria)); err != nil {
				return err
			}
			continue
		}
		// leaf weights as the numbers they were read as (a weight typed as text is a number here)
		if lw := t.LeafWeight(); lw != nil {
			if err := f.SetCellFloat(sh, cellName(l.col(lw.Index), nr), leaf.Weight.InexactFloat64(), -1, 64); err != nil {
				return err
			}
		}
		if err := w.validation(sh, from+":"+to, leaf, cellText(rows, r.Num, criteria)); err != nil {
			return err
		}
		neg := leaf.Deduction()
		if n := len(runs); n > 0 && runs[n-1].last == nr-1 && runs[n-1].deduction == neg {
			runs[n-1].last = nr
		} else {
			runs = append(runs, leafRun{first: nr, last: nr, deduction: neg})
		}
	}
	if len(runs) == 0 {
		return fmt.Errorf("no indicator rows")
	}
	weightCol := 0
	if lw := t.LeafWeight(); lw != nil {
		weightCol = l.col(lw.Index)
	}
	if err := w.highlight(sh, l, runs, weightCol); err != nil {
		return err
	}

	// The 合计 row.
	totalRow := lastRow + 1
	if t.Total != nil {
		totalRow = l.row(t.Total.Num)
	} else {
		label := cellName(max(firstCol, 1), totalRow)
		if firstCol > 0 {
			label = cellName(l.col(firstCol), totalRow)
		}
		if err := f.SetCellStr(sh, label, w.L.TotalRow); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, label, label, w.totalLabel); err != nil {
			return err
		}
	}
	if weightCol > 0 {
		cell := cellName(weightCol, totalRow)
		if err := f.SetCellFloat(sh, cell, w.opt.Settings.TotalPoints.InexactFloat64(), -1, 64); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, cell, cell, w.total); err != nil {
			return err
		}
	}
	for i := range p.depts {
		cell := cellName(l.blockCol(i), totalRow)
		if err := f.SetCellFormula(sh, cell, totalFormula(l.blockCol(i), weightCol, runs, w.opt.Settings.TotalPoints)); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, cell, cell, w.total); err != nil {
			return err
		}
	}

	// Frozen header and indicator names, print layout, protection.
	leafCol := l.col(t.Levels[len(t.Levels)-1].Index)
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: leafCol, YSplit: hr, TopLeftCell: cellName(leafCol+1, hr+1), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if err := setPrint(f, sh, w.opt.Lang, PrintSetup{TitleRows: [2]int{1, hr}, TitleCols: leafCol, Widths: loadedWidths(f, sh)}); err != nil {
		return err
	}
	return w.protect(sh)
}

// leafRun is a run of consecutive leaf rows of one kind.
type leafRun struct {
	first, last int
	deduction   bool
}

// totalFormula computes a department's total as perfeval does, once
// every score is filled in: total points × scores / applicable weights
// (不适用 leaves out), plus deductions, never below 0; blank until then.
func totalFormula(col, weightCol int, runs []leafRun, total decimal.Decimal) string {
	c, _ := excelize.ColumnNumberToName(col)
	wc, _ := excelize.ColumnNumberToName(weightCol)
	var blanks, sum, na, ded []string
	for _, r := range runs {
		s := fmt.Sprintf("%s%d:%s%d", c, r.first, c, r.last)
		blanks = append(blanks, "COUNTBLANK("+s+")")
		if r.deduction {
			ded = append(ded, "SUM("+s+")")
			continue
		}
		wr := fmt.Sprintf("$%s$%d:$%s$%d", wc, r.first, wc, r.last)
		sum = append(sum, "SUM("+s+")")
		na = append(na, fmt.Sprintf(`SUMIF(%s,"不适用",%s)`, s, wr), fmt.Sprintf(`SUMIF(%s,"N/A",%s)`, s, wr))
	}
	tp := total.String()
	expr := fmt.Sprintf("%s*(%s)/(%s-%s)", tp, strings.Join(sum, "+"), tp, strings.Join(na, "-"))
	if len(sum) == 0 {
		expr = "0"
	}
	if len(ded) > 0 {
		expr += "+" + strings.Join(ded, "+")
	}
	return fmt.Sprintf(`IF(%s>0,"",IFERROR(MAX(0,%s),""))`, strings.Join(blanks, "+"), expr)
}

// vetoValidation lets a veto item's score cells take only 否决 (vetoed) or
// 通过 (passed): Yes or No in English.
func (w *tplWriter) vetoValidation(sh, sqref string, leaf *calc.Indicator, criteria string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	choices := []string{"否决", "通过"}
	title, msg := "一票否决项", fmt.Sprintf("“%s”是一票否决项：填“否决”或“通过”", leaf.Name)
	if w.opt.Lang == "en" {
		choices = []string{"Yes", "No"}
		title, msg = "Veto item", fmt.Sprintf("%s is a veto item: Yes (vetoed) or No", leaf.Name)
	}
	if err := dv.SetDropList(choices); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, title, CutUTF16(msg, MaxValidationText))
	prompt := strings.TrimSpace(criteria)
	if prompt == "" {
		prompt = msg
	}
	dv.SetInput(CutUTF16(leaf.Name, maxValidationTitle), CutUTF16(prompt, MaxValidationText))
	return w.f.AddDataValidation(sh, dv)
}

// isNumberText reports whether a weight cell's text is a plain number.
func isNumberText(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}

// validation adds the data validation of one leaf's score cells.
func (w *tplWriter) validation(sh, sqref string, leaf *calc.Indicator, criteria string) error {
	first := strings.Split(sqref, ":")[0]
	lo, hi := "0", leaf.Weight.String()
	if leaf.Deduction() {
		lo, hi = leaf.Weight.String(), "0"
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	if w.opt.NoNA {
		if err := dv.SetRange(lo, hi, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
	} else {
		dv.Type = "custom"
		dv.Formula1 = xmlEscape.Replace(ScoreRule(first, lo, hi))
	}
	var msg, title string
	if w.opt.Lang == "en" {
		title = "Score out of range"
		msg = fmt.Sprintf("The score of %s must be a number from %s to %s", leaf.Name, lo, hi)
		if !w.opt.NoNA {
			msg += ", or N/A if the indicator does not apply"
		}
	} else {
		title = "得分不符合要求"
		msg = fmt.Sprintf("“%s”的得分应为 %s 到 %s 之间的数字", leaf.Name, lo, hi)
		if !w.opt.NoNA {
			msg += "；不适用的指标填“不适用”"
		}
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, title, CutUTF16(msg, MaxValidationText))
	prompt := strings.TrimSpace(criteria)
	if prompt == "" {
		prompt = tr(w.opt.Lang, fmt.Sprintf("分值 %s", leaf.Weight), fmt.Sprintf("weight %s", leaf.Weight))
	}
	dv.SetInput(CutUTF16(fmt.Sprintf("%s（%s）", leaf.Name, leaf.Weight), maxValidationTitle), CutUTF16(prompt, MaxValidationText))
	return w.f.AddDataValidation(sh, dv)
}

var xmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// ScoreRule is the custom validation formula of a score cell: a number
// from lo to hi, or 不适用 / N/A.
func ScoreRule(cell, lo, hi string) string {
	return fmt.Sprintf(`OR(AND(ISNUMBER(%[1]s),%[1]s>=%[2]s,%[1]s<=%[3]s),%[1]s="不适用",%[1]s="N/A")`, cell, lo, hi)
}

// highlight adds the conditional formats: blank score cells, and scores
// below 60 % of their weight.
func (w *tplWriter) highlight(sh string, l layout, runs []leafRun, weightCol int) error {
	wc, _ := excelize.ColumnNumberToName(weightCol)
	for _, r := range runs {
		ref := fmt.Sprintf("%s:%s", cellName(l.blockCol(0), r.first), cellName(l.blockCol(l.n-1), r.last))
		opts := []excelize.ConditionalFormatOptions{{Type: "blanks", Format: &w.blankFmt}}
		if !r.deduction && weightCol > 0 {
			top := cellName(l.blockCol(0), r.first)
			opts = append(opts, excelize.ConditionalFormatOptions{Type: "formula", Format: &w.lowFmt,
				Criteria: fmt.Sprintf("AND(ISNUMBER(%[1]s),%[1]s<0.6*$%[2]s%[3]d)", top, wc, r.first)})
		}
		if err := w.f.SetConditionalFormat(sh, ref, opts); err != nil {
			return err
		}
	}
	return nil
}

func (w *tplWriter) protect(sh string) error {
	return w.f.ProtectSheet(sh, &excelize.SheetProtectionOptions{
		Password: w.opt.Password, SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true,
	})
}

// copyValue writes a source cell's value: numbers as numbers, everything
// else as text (a formula's saved value).
func (w *tplWriter) copyValue(srcSheet, srcCell, sh, to, v string) error {
	typ, _ := w.src.GetCellType(srcSheet, srcCell)
	switch typ {
	case excelize.CellTypeUnset, excelize.CellTypeNumber, excelize.CellTypeDate:
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return w.f.SetCellFloat(sh, to, x, -1, 64)
		}
	case excelize.CellTypeBool:
		return w.f.SetCellBool(sh, to, v == "1" || strings.EqualFold(v, "true"))
	}
	return w.f.SetCellStr(sh, to, v)
}

// settings copies the settings sheet, key and value, locked.
func (w *tplWriter) settings(b *Book) error {
	sh := b.SettingsSheet
	if _, err := w.f.NewSheet(sh); err != nil {
		return err
	}
	for i, s := range b.Settings {
		for j, c := range []Cell{s.Key, s.Value} {
			cell := cellName(j+1, i+1)
			var err error
			switch {
			case c.Kind == Number:
				if x, perr := strconv.ParseFloat(c.Value, 64); perr == nil {
					err = w.f.SetCellFloat(sh, cell, x, -1, 64)
				} else {
					err = w.f.SetCellStr(sh, cell, c.Value)
				}
			case c.Value != "":
				err = w.f.SetCellStr(sh, cell, c.Value)
			}
			if err != nil {
				return err
			}
			if err := w.f.SetCellStyle(sh, cell, cell, w.text); err != nil {
				return err
			}
		}
	}
	if err := w.f.SetColWidth(sh, "A", "B", 16); err != nil {
		return err
	}
	if err := setPrint(w.f, sh, w.opt.Lang, PrintSetup{Widths: loadedWidths(w.f, sh)}); err != nil {
		return err
	}
	return w.protect(sh)
}

// instructions writes the short 填写说明 sheet.
func (w *tplWriter) instructions(plans []tplSheet) error {
	sh := instructionsName(w.L, w.opt.Lang)
	if _, err := w.f.NewSheet(sh); err != nil {
		return err
	}
	var lines []string
	na := tr(w.opt.Lang, "不适用的指标填“不适用”（该指标不计分，总分按比例折算）。", "For an indicator that does not apply, type N/A (it drops out and the total is rescaled).")
	if w.opt.NoNA {
		na = tr(w.opt.Lang, "本表不接受“不适用”：每个指标都要填分数。", "This workbook takes no N/A: every indicator needs a score.")
	}
	if w.opt.Lang == "en" {
		lines = []string{
			"How to fill in this workbook",
			"1. Type a score in every yellow cell. Selecting a cell shows the indicator's scoring criteria.",
			"2. A score is a number from 0 to the indicator's weight; a deduction item (negative weight) takes a number from its weight to 0.",
			"3. " + na,
			"4. Blank cells are shaded orange; scores below 60% of the weight are shown in red, to be checked.",
			"5. The Total row computes itself once every score is filled in. Indicators, weights and other cells are locked; do not rename the sheets.",
			"6. Save as an Excel workbook (.xlsx) and send it back as it is.",
		}
	} else {
		lines = []string{
			"填写说明",
			"1. 在每个黄色单元格中填写得分。选中单元格时会显示该指标的评分标准。",
			"2. 得分应为 0 到该指标分值之间的数字；调节项（扣分项，分值为负）填写分值到 0 之间的数字。",
			"3. " + na,
			"4. 未填写的单元格显示为橙色；低于分值 60% 的得分显示为红色，请复核。",
			"5. 所有得分填完后，“合计”行自动计算总分。指标、分值等单元格已锁定，请勿修改，也不要重命名工作表。",
			"6. 填写完成后保存为 Excel 工作簿（.xlsx），原样发回。",
		}
	}
	if plans[0].single {
		lines = append(lines, tr(w.opt.Lang, "7. 表头上方的“单位名称：”后应为本单位全称；如不正确请改正。", "7. The 单位名称 cell above the header names your unit; correct it if it is wrong."))
	}
	for i, s := range lines {
		cell := cellName(1, i+1)
		if err := w.f.SetCellStr(sh, cell, s); err != nil {
			return err
		}
		st := w.text
		if i == 0 {
			st = w.title
		}
		if err := w.f.SetCellStyle(sh, cell, cell, st); err != nil {
			return err
		}
	}
	if err := w.f.SetColWidth(sh, "A", "A", 95); err != nil {
		return err
	}
	if err := setPrint(w.f, sh, w.opt.Lang, PrintSetup{Widths: loadedWidths(w.f, sh)}); err != nil {
		return err
	}
	return w.protect(sh)
}

// criteriaColumn is the column of a table's 评分标准 (else its 指标说明),
// or 0.
func criteriaColumn(t *Table) int {
	fallback := 0
	for _, d := range t.Descriptive {
		switch Normalize(d.Header) {
		case "评分标准", "评分细则", "criteria", "评分办法", "评分方法", "计分方法", "评分要点", "scoringcriteria":
			return d.Index
		case "指标解释", "指标说明", "definition", "指标内涵":
			if fallback == 0 {
				fallback = d.Index
			}
		}
	}
	return fallback
}

// findUnitLabel finds a unit label above the header (row, column), or
// zeros.
func findUnitLabel(rows [][]string, headerTop int) [2]int {
	for r := 1; r < headerTop && r <= len(rows); r++ {
		for c, v := range rows[r-1] {
			if unitCell.MatchString(v) {
				return [2]int{r, c + 1}
			}
		}
	}
	return [2]int{}
}

func cellText(rows [][]string, r, c int) string {
	if r < 1 || c < 1 || r > len(rows) || c > len(rows[r-1]) {
		return ""
	}
	return rows[r-1][c-1]
}

func maxLen(rows [][]string) int {
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	return n
}

func wordColumn(list []string, sheet, ref string) bool {
	for _, w := range list {
		if w == sheet+"!"+ref {
			return true
		}
	}
	return false
}

func tr(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// CutUTF16 cuts s to at most n UTF-16 units (Excel's measure), ending in
// "…" when cut.
func CutUTF16(s string, n int) string {
	if len(utf16.Encode([]rune(s))) <= n {
		return s
	}
	var out []rune
	units := 0
	for _, r := range s {
		u := len(utf16.Encode([]rune{r}))
		if units+u > n-1 {
			break
		}
		out = append(out, r)
		units += u
	}
	return string(out) + "…"
}

// ReadNameList reads a list of names, one per row: the first column of
// a workbook's first sheet (.xlsx, .xlsm), or the lines of a UTF-8 text
// file. Blank rows are skipped, and so is a first row that is a header
// (部门, 单位, 部门名称, Department, …). A name given twice, or no name at
// all, is ErrNameList.
func ReadNameList(path string) ([]string, error) {
	var raw []string
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: DefaultUnzipLimit, UnzipXMLSizeLimit: DefaultUnzipXMLLimit})
		if err != nil {
			return nil, classifyOpenError(err, Options{})
		}
		defer f.Close()
		rows, err := f.Rows(f.GetSheetName(0))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() && len(raw) < 100_000 {
			cols, err := rows.Columns()
			if err != nil {
				return nil, err
			}
			v := ""
			for _, c := range cols {
				if strings.TrimSpace(c) != "" {
					v = c
					break
				}
			}
			raw = append(raw, v)
		}
	default:
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(data) {
			return nil, fmt.Errorf("%w: not UTF-8 text", ErrNameList)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			raw = append(raw, sc.Text())
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	var out []string
	seen := map[string]int{}
	for i, v := range raw {
		name := CleanName(v)
		if name == "" {
			continue
		}
		if len(out) == 0 && isListHeader(name) {
			continue
		}
		if prev, dup := seen[name]; dup {
			return nil, fmt.Errorf("%w: %s is on rows %d and %d", ErrNameList, name, prev, i+1)
		}
		seen[name] = i + 1
		out = append(out, name)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no names", ErrNameList)
	}
	return out, nil
}

func isListHeader(s string) bool {
	switch Normalize(s) {
	case "部门", "单位", "部门名称", "单位名称", "被评价单位", "评价对象", "department", "departments", "unit", "name":
		return true
	}
	return false
}

// TemplateHasScores reports whether a workbook perfeval wrote as a
// template has been filled in: some score cell of a leaf row holds
// something. A template not yet filled in is not an input.
func TemplateHasScores(b *Book) bool {
	for _, t := range b.Tables {
		for _, r := range t.Rows {
			if r.Leaf().Value == "" {
				continue
			}
			for _, c := range r.Scores {
				if !c.IsBlank() && strings.TrimSpace(c.Value) != "" {
					return true
				}
			}
		}
	}
	return false
}

// DropResultSheets removes from b's tables the sheets a result workbook
// adds (得分率 / Rates beside 汇总 / Summary), which read like score
// tables but are perfeval's own.
func (b *Book) DropResultSheets() {
	has := map[string]bool{}
	for _, s := range b.Sheets {
		has[s] = true
	}
	var keep []*Table
	for _, t := range b.Tables {
		if (t.Sheet == zh.Rates && has[zh.Summary]) || (t.Sheet == en.Rates && has[en.Summary]) {
			continue
		}
		keep = append(keep, t)
	}
	b.Tables = keep
}
