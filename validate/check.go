package validate

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/sheet"
)

// Workbook is a checked workbook: its settings and score tables, and the
// results when it has no errors.
type Workbook struct {
	Settings calc.Settings
	Tables   []*calc.Table
	Sources  []*sheet.Table // the score table each of Tables was read from
	// Results are the departments computed: every department when the
	// workbook has no errors; when its only errors are departments' own
	// (their score cells, spec §8), every department but those; none when
	// an error is in the tree, the weights or the settings, which block
	// the whole workbook. Blocked are the departments not computed, each
	// with why.
	Results []calc.Result
	Blocked []calc.Blocked
}

// Release drops what only checking needed, once the results are made:
// the score tables as read (Sources) and each department's scores (the
// results hold what is shown). A score table of a million cells is most
// of a workbook's memory.
func (w *Workbook) Release() {
	w.Sources = nil
	for _, t := range w.Tables {
		for k := range t.Departments {
			t.Departments[k].Scores = nil
		}
	}
}

// tableInfo is what a table's checks need beyond the calc.Table.
type tableInfo struct {
	src        *sheet.Table
	table      *calc.Table
	declared   map[*calc.Indicator]sheet.Cell // where a parent weight was declared
	badWeights bool
	totalCell  sheet.Cell      // the total row's weight cell, if it holds one
	total      decimal.Decimal // its value
	hasTotal   bool
	deptTotals map[string]declaredTotal
	leafOfRow  map[int]int // index in src.Rows → index in table.Leaves
	// looksWeighted: under the points model, weights that add up to 1 or
	// 100 with scores above them (one error says so; the level-1 sum is
	// not reported again).
	looksWeighted bool
}

type declaredTotal struct {
	cell  sheet.Cell
	value decimal.Decimal
}

// Options are how Check reads a workbook.
type Options struct {
	// Lang is the language of the run ("zh" or "en"): with "en", default
	// grades are Excellent, Good, Fair and Poor, and a vetoed grade says
	// so in English.
	Lang string
	// DropCells lets the rows of the tables as read go once the calc
	// tables are made from them (each row's score cells as soon as the
	// row is read), for a caller that will not read them again (run: a
	// million cells for 5,000 departments, which need not live while
	// they are computed).
	DropCells bool
}

// Check is CheckWith in Chinese.
func Check(b *sheet.Book) (*Workbook, List) { return CheckWith(b, Options{}) }

// CheckWith turns a workbook as read into calc tables and settings and
// checks everything in one pass. The list holds every problem, errors and
// warnings, sorted by sheet, row and column.
func CheckWith(b *sheet.Book, opt Options) (*Workbook, List) {
	var problems List
	s, totalSet, gradesSet := readSettings(b, &problems)
	if len(b.Tables) == 0 {
		problems.Add(noScoreTable(b))
	}
	seen := map[string]seenDepartment{}
	var infos []*tableInfo
	units := newUnitNamer(b)
	for _, t := range b.Tables {
		if info := buildTable(t, s, seen, units, opt.DropCells, &problems); info != nil {
			infos = append(infos, info)
		}
		if opt.DropCells { // the table is read: its rows go before the next is (a workbook of 200 sheets has 40,000)
			t.Rows = nil
		}
	}

	// Total points: the settings, else the first 合计 row that declares it
	// (under the weighted model the 合计 row's weight is the sum of the
	// shares, not the total points).
	for _, info := range infos {
		if !info.hasTotal || s.Model == calc.WeightedModel {
			continue
		}
		if !totalSet {
			s.TotalPoints, totalSet = info.total, true
			if !info.total.IsPositive() {
				problems.Add(cellProblem(SeverityError, info.src.Sheet, info.totalCell, "", "", ErrNegativeTotal, info.total.String(), ""))
				s.TotalPoints = calc.Hundred
			}
		} else if !info.total.Equal(s.TotalPoints) {
			problems.Add(cellProblem(SeverityError, info.src.Sheet, info.totalCell, "", "", ErrTotalConflict, info.total.String(), s.TotalPoints.String()))
		}
	}
	if !gradesSet {
		s.Bands = calc.DefaultBands(s.TotalPoints)
		if opt.Lang == "en" {
			s.Bands = calc.EnglishBands(s.TotalPoints)
		}
	}

	w := &Workbook{Settings: s}
	for _, info := range infos {
		if !info.badWeights {
			toPoints(info, s)
			if s.Model != calc.WeightedModel {
				checkWeights(info, s.TotalPoints, !info.looksWeighted, &problems)
			}
		}
		w.Tables = append(w.Tables, info.table)
		w.Sources = append(w.Sources, info.src)
	}
	blocked, ok := departmentErrors(problems, w.Tables)
	if ok {
		skip := func(t *calc.Table, name string) bool { return blocked[blockKey{t, name}] > 0 }
		w.Results = calc.EvaluateExcept(w.Tables, s, skip)
		before := len(problems)
		checkDeclaredTotals(infos, w.Results, s, &problems)
		if len(problems) > before { // a declared total that disagrees blocks its department too
			if blocked, ok = departmentErrors(problems, w.Tables); ok {
				w.Results = calc.EvaluateExcept(w.Tables, s, skip)
			} else {
				w.Results = nil
			}
		}
		for i := range w.Results {
			vetoGrade(&w.Results[i], opt.Lang)
			aboveTotal(w.Results[i], s, &problems)
		}
	}
	// Every department not computed is listed as blocked: by its own
	// errors, or (Whole) by errors of its table or the workbook, so that
	// the run knows who sent a workbook even when nothing could be scored.
	for _, t := range w.Tables {
		for _, d := range t.Departments {
			switch n := blocked[blockKey{t, d.Name}]; {
			case ok && n > 0:
				w.Blocked = append(w.Blocked, calc.Blocked{Table: t, Sheet: t.Sheet, Department: d.Name, Errors: n})
			case !ok && d.Name != "":
				w.Blocked = append(w.Blocked, calc.Blocked{Table: t, Sheet: t.Sheet, Department: d.Name, Errors: problems.Errors(), Whole: true})
			}
		}
	}
	if len(w.Results) == 0 {
		w.Results = nil
	}
	problems = problems.mergeProblems()
	problems.Sort(b.Sheets)
	return w, problems
}

// aboveTotal warns of a total above the total points (coefficients with
// a cap above 1): its level-1 rates are shown capped at 100 %.
func aboveTotal(r calc.Result, s calc.Settings, problems *List) {
	if !r.Shown.GreaterThan(s.Points(s.TotalPoints)) {
		return
	}
	cell := sheet.Cell{}
	for _, d := range r.Table.Departments {
		if d.Name == r.Department {
			cell.Ref = d.Cell
		}
	}
	problems.Add(cellProblem(SeverityWarning, r.Sheet, cell, r.Department, "", WarnAboveTotal, s.FormatPoints(r.Total), s.FormatPoints(s.TotalPoints)))
}

// blockKey is a department of a table.
type blockKey struct {
	table *calc.Table
	name  string
}

// departmentOwn are the errors that block only the department whose score
// cell holds them (spec §8): the others of its table are still computed.
var departmentOwn = []error{ErrMissing, ErrNotNumber, ErrAboveWeight, ErrBelowZero, ErrDeductionRange, ErrFormula,
	ErrDeclaredTotal, ErrAllNotApplicable, ErrAboveScale, ErrAboveCap, ErrVetoScore, ErrSubtotal}

// departmentErrors counts, per department, the errors of problems that are
// its own. ok is false when some error is not a department's own (a
// tree, weight or settings error, or one naming no department of tables):
// then the whole workbook is blocked.
func departmentErrors(problems List, tables []*calc.Table) (blocked map[blockKey]int, ok bool) {
	blocked = map[blockKey]int{}
	for _, p := range problems {
		if p.Severity != SeverityError {
			continue
		}
		if p.Department == "" || !slices.ContainsFunc(departmentOwn, func(e error) bool { return errors.Is(p.Err, e) }) {
			return nil, false
		}
		found := false
		for _, t := range tables {
			if t.Sheet != p.Sheet {
				continue
			}
			for _, d := range t.Departments {
				if d.Name == p.Department {
					blocked[blockKey{t, d.Name}]++
					found = true
				}
			}
		}
		if !found {
			return nil, false
		}
	}
	return blocked, true
}

// seenDepartment is a department name already taken, and where.
type seenDepartment struct {
	name, where string
}

// buildTable reads one score table's departments, indicators, weights and
// scores; nil when it has no usable structure.
func buildTable(t *sheet.Table, s calc.Settings, seen map[string]seenDepartment, units unitNamer, dropCells bool, problems *List) *tableInfo {
	depth := len(t.Levels)
	if depth == 0 {
		return nil // sheet never returns such a table
	}
	leafHeader := t.Levels[depth-1]
	if t.LeafWeight() == nil {
		problems.Add(&CellError{Severity: SeverityError, Sheet: t.Sheet, Cell: leafHeader.Ref, Err: ErrNoWeightColumn, Found: leafHeader.Header})
		return nil
	}
	var scores decimals
	values := scoreValues{}
	info := &tableInfo{src: t, table: &calc.Table{Sheet: t.Sheet}, declared: map[*calc.Indicator]sheet.Cell{}, deptTotals: map[string]declaredTotal{}, leafOfRow: map[int]int{}}
	add := func(e *CellError) { problems.Add(e) }
	// A veto item (spec §7.1): its weight cell says 否决, or its 指标类型
	// says 否决项. Its scores are words (否决, 通过), never counted as a
	// column of words.
	isVeto := func(row sheet.Row) bool {
		wc := row.Weights[depth-1]
		return wc.Kind == sheet.Text && vetoWord(wc.Value) || row.Type != nil && row.Type.Kind == sheet.Text && vetoWord(row.Type.Value)
	}

	// Departments: named columns holding scores (numbers or 不适用). A
	// column of an unknown header that is empty or mostly words is
	// descriptive, with one warning; a column declared or headed as a
	// score column with no score at all is one error.
	var active []int
	duplicates := 0
	for i, col := range t.Departments {
		filled, numbers := 0, 0
		for _, row := range t.Rows {
			c := row.ScoreValue(i)
			if blank(c) || row.Leaf().Value == "" || isVeto(row) {
				continue
			}
			filled++
			if v := values.read(c); v.err == nil || v.err == ErrFormula { // a formula that cannot be computed is an error at its cell, never a column of words
				numbers++
			}
		}
		declared := col.Generic || units.declared(col.Header)
		switch {
		case filled == 0 && declared:
			add(&CellError{Severity: SeverityError, Sheet: t.Sheet, Cell: col.Ref, Err: ErrNoScores, Found: col.Header})
			continue
		case filled == 0:
			t.SetRole(col.Index, "descriptive", sheet.WhyEmptyColumn)
			add(&CellError{Severity: SeverityWarning, Sheet: t.Sheet, Cell: col.Ref, Err: WarnEmptyColumn, Found: col.Header})
			continue
		case numbers == 0, !declared && filled-numbers >= 3*numbers:
			// no number, or at least three words for each number: notes
			// (评分范围, 完成情况描述), not a department's scores
			t.SetRole(col.Index, "descriptive", sheet.WhyWordColumn)
			add(&CellError{Severity: SeverityWarning, Sheet: t.Sheet, Cell: col.Ref, Err: WarnWordColumn, Found: col.Header})
			continue
		}
		active = append(active, i)
	}
	// One score column headed by a generic word (得分, 自评得分, Score …):
	// the table is one unit's, named by the rule of spec §6.4.
	unit := len(active) == 1 && t.Departments[active[0]].Generic
	kept := active[:0]
	for _, i := range active {
		col := t.Departments[i]
		name := col.Header
		if unit {
			name = units.name(t)
		}
		// Names that differ only by invisible characters look the same:
		// they are duplicates, and the message names the characters.
		where := t.Sheet + "!" + col.Ref
		if other, dup := seen[foldName(name)]; dup {
			var chars []rune
			if other.name != name {
				chars = invisibleIn(other.name+name, true)
			}
			add(&CellError{Severity: SeverityError, Sheet: t.Sheet, Cell: col.Ref, Department: name, Err: ErrDuplicateDepartment, Found: name, Expected: other.where, Invisible: chars})
			duplicates++
			continue
		}
		seen[foldName(name)] = seenDepartment{name, where}
		if chars := invisibleIn(name, true); len(chars) > 0 && !unit {
			add(&CellError{Severity: SeverityWarning, Sheet: t.Sheet, Cell: col.Ref, Department: name, Err: WarnInvisibleChar, Found: name, Invisible: chars})
		}
		kept = append(kept, i)
		info.table.Departments = append(info.table.Departments, calc.Department{Name: name, Cell: col.Ref, Scores: make([]calc.Score, 0, len(t.Rows))})
	}
	active = kept
	for _, col := range t.Unnamed {
		add(&CellError{Severity: SeverityError, Sheet: t.Sheet, Cell: col.Ref, Err: ErrEmptyDepartment})
	}
	if len(active) == 0 && len(t.Unnamed) == 0 && duplicates == 0 && !hasSentinelIn(*problems, ErrNoScores, t.Sheet) {
		add(&CellError{Severity: SeverityError, Sheet: t.Sheet, Cell: t.LeafWeight().Ref, Err: ErrNoDepartment})
	}
	if h := hiddenText(t); h[0] != "" {
		add(&CellError{Severity: SeverityWarning, Sheet: t.Sheet, Cell: t.Levels[0].Ref, Err: WarnHidden, Found: h[0], Texts: &[4]string{h[0], h[1]}})
	}

	type declaration struct {
		row     sheet.Row
		parents []string
	}
	var declarations []declaration
	named := map[string]bool{} // indicator paths whose names were checked for invisible characters
	for rowIndex, row := range t.Rows {
		if dropCells && rowIndex > 0 { // the row before is read: its scores are in the departments' now
			t.Rows[rowIndex-1].Scores = nil
		}
		parents := make([]string, depth-1)
		for p := range parents {
			parents[p] = row.Names[p].Value
		}
		checkNames(t.Sheet, row, named, problems)
		leafName := row.Leaf().Value
		if leafName == "" {
			strayNumbers(t, row, active, problems)
			declarations = append(declarations, declaration{withoutScores(parentRow(row)), parents})
			continue
		}
		wc := row.Weights[depth-1]
		path := strings.Join(append(nonEmpty(parents), leafName), "/")
		if isVeto(row) {
			vetoRow(info, t, row, rowIndex, parents, leafName, path, active, problems)
			declarations = append(declarations, declaration{withoutScores(row), parents})
			continue
		}
		wv := readWeight(wc)
		weightOK := false
		switch {
		case wv.err == ErrMissing:
			add(cellProblem(SeverityError, t.Sheet, wc, "", path, ErrMissingWeight, "", "").naming(wv))
		case wv.err == ErrFormula:
			add(cellProblem(SeverityError, t.Sheet, wc, "", path, ErrFormula, shown(wc), wv.detail))
		case wv.err != nil:
			add(cellProblem(SeverityError, t.Sheet, wc, "", path, ErrWeightNotNumber, shown(wc), "").naming(wv))
		case wv.num.IsZero():
			add(cellProblem(SeverityError, t.Sheet, wc, "", path, ErrZeroWeight, shown(wc), ""))
		default:
			// A weight formatted as a percentage is read as the number it
			// holds (3.2% is 0.032), without a warning.
			weightOK = true
			if wv.text {
				add(cellProblem(SeverityWarning, t.Sheet, wc, "", path, WarnTextNumber, shown(wc), wv.num.String()).naming(wv))
			}
		}
		if !weightOK {
			info.badWeights = true
		}
		leaf, added := info.table.Add(parents, leafName, wv.num, row.Num)
		if !added {
			add(cellProblem(SeverityError, t.Sheet, row.Leaf(), "", path, ErrDuplicateIndicator, leafName, strconv.Itoa(leaf.Row)))
			continue
		}
		declarations = append(declarations, declaration{withoutScores(row), parents})
		info.leafOfRow[rowIndex] = len(info.table.Leaves) - 1
		for k, i := range active {
			dept := &info.table.Departments[k]
			sc := score(t.Sheet, row, i, dept.Name, leaf, weightOK, s, values, problems)
			sc.Value = scores.intern(sc.Value)
			dept.Scores = append(dept.Scores, sc)
		}
	}
	for _, d := range declarations {
		declareParentWeights(info, d.row, d.parents, problems)
	}
	if len(info.table.Leaves) == 0 {
		add(&CellError{Severity: SeverityError, Sheet: t.Sheet, Cell: leafHeader.Ref, Err: ErrNoIndicators})
	}
	for _, d := range info.table.Departments {
		allNA := len(d.Scores) > 0
		for i, sc := range d.Scores {
			if l := info.table.Leaves[i]; !sc.NA && !l.Deduction() && !l.Veto {
				allNA = false
			}
		}
		if allNA {
			add(&CellError{Severity: SeverityError, Sheet: t.Sheet, Cell: d.Cell, Department: d.Name, Err: ErrAllNotApplicable})
		}
	}
	// Rows below the total row are notes, score keys and signatures: never
	// indicators, and their numbers count for nothing.
	if t.Total != nil {
		readTotalRow(info, *t.Total, active, problems)
	} else if t.TotalPoints != nil {
		readTotalRow(info, sheet.Row{}, nil, problems)
	}
	checkSubtotals(info, active, s.Model == calc.PointsModel, problems)
	if s.Model == calc.PointsModel && !s.ModelDeclared && !info.badWeights {
		suggestModel(info, problems)
	}
	return info
}

func nonEmpty(names []string) []string {
	var out []string
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// score reads one score cell and checks its bounds.
func score(sheetName string, row sheet.Row, i int, dept string, leaf *calc.Indicator, weightOK bool, s calc.Settings, values scoreValues, problems *List) calc.Score {
	// leaf.Path() and the cell's reference (at) are made only for a
	// problem: a million scores are fine.
	c := row.ScoreValue(i)
	at := func() sheet.Cell { return row.Score(i) }
	v := values.read(c)
	switch {
	case v.err == ErrFormula:
		problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), ErrFormula, shown(c), v.detail))
		return calc.Score{}
	case v.err != nil:
		problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), v.err, shown(c), "").naming(v))
		return calc.Score{}
	case v.na:
		return calc.Score{NA: true}
	}
	if v.text {
		problems.Add(cellProblem(SeverityWarning, sheetName, at(), dept, leaf.Path(), WarnTextNumber, shown(c), v.num.String()).naming(v))
	}
	model := s.Model
	if leaf.Deduction() {
		model = calc.PointsModel // a deduction item is scored in points in every model
	}
	switch {
	case v.percent && model == calc.WeightedModel:
		v.num = v.num.Mul(s.ScoreScale) // 87% of the score scale
	case v.percent && model == calc.PointsModel:
		problems.Add(cellProblem(SeverityWarning, sheetName, at(), dept, leaf.Path(), WarnPercentScore, shown(c), v.num.String()))
	}
	switch {
	case model == calc.WeightedModel && v.num.IsNegative():
		problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), ErrBelowZero, v.num.String(), s.ScoreScale.String()))
	case model == calc.WeightedModel && v.num.GreaterThan(s.ScoreScale):
		problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), ErrAboveScale, v.num.String(), s.ScoreScale.String()))
	case model == calc.CoefficientModel && v.num.IsNegative():
		problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), ErrBelowZero, v.num.String(), s.CoefficientCap.String()))
	case model == calc.CoefficientModel && v.num.GreaterThan(s.CoefficientCap):
		problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), ErrAboveCap, v.num.String(), s.CoefficientCap.String()))
	}
	if weightOK && model == calc.PointsModel {
		w := leaf.Weight
		switch {
		case leaf.Deduction() && (calc.Compare(v.num, w) < 0 || v.num.IsPositive()):
			problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), ErrDeductionRange, v.num.String(), w.String()))
		case !leaf.Deduction() && v.num.IsNegative():
			problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), ErrBelowZero, v.num.String(), w.String()))
		case !leaf.Deduction() && calc.Compare(v.num, w) > 0:
			problems.Add(cellProblem(SeverityError, sheetName, at(), dept, leaf.Path(), ErrAboveWeight, v.num.String(), w.String()))
		}
	}
	return calc.Score{Value: v.num}
}

// strayNumbers reports numbers in department columns of a row that is not
// an indicator.
func strayNumbers(t *sheet.Table, row sheet.Row, active []int, problems *List) {
	for _, i := range active {
		c := row.Score(i)
		if blank(c) {
			continue
		}
		if v := readValue(c, false); v.err == nil {
			problems.Add(cellProblem(SeverityWarning, t.Sheet, c, t.Departments[i].Header, "", WarnStrayNumber, shown(c), ""))
		}
	}
}

// parentRow moves the weight of a row without a leaf name (a parent's
// own row, 管理效率 | | 16) from the leaf weight column to the deepest
// parent the row names, when that level has no weight of its own there.
func parentRow(row sheet.Row) sheet.Row {
	depth := len(row.Names)
	leafWeight := row.Weights[depth-1]
	if blank(leafWeight) {
		return row
	}
	for p := depth - 2; p >= 0; p-- {
		if row.Names[p].Value == "" {
			continue
		}
		if row.Weights[p].IsBlank() {
			row.Weights = append([]sheet.Cell(nil), row.Weights...)
			row.Weights[p] = leafWeight
		}
		break
	}
	return row
}

// declareParentWeights records the parent weights a row gives; a parent
// declared twice with different weights is an error.
func declareParentWeights(info *tableInfo, row sheet.Row, parents []string, problems *List) {
	t := info.table
	var node *calc.Indicator
	for p, name := range parents {
		if name == "" {
			continue
		}
		if node == nil {
			for _, r := range t.Roots {
				if r.Name == name {
					node = r
				}
			}
		} else {
			node = node.Child(name)
		}
		if node == nil {
			return // a parent-only row before its leaves: nothing to attach to yet
		}
		c := row.Weights[p]
		if blank(c) {
			continue
		}
		v := readWeight(c)
		if v.err != nil {
			info.badWeights = true
			problems.Add(weightProblem(info.src.Sheet, c, node.Path(), v))
			continue
		}
		if v.text {
			problems.Add(cellProblem(SeverityWarning, info.src.Sheet, c, "", node.Path(), WarnTextNumber, shown(c), v.num.String()).naming(v))
		}
		if prev, ok := info.declared[node]; ok {
			if !node.Weight.Equal(v.num) {
				info.badWeights = true
				problems.Add(cellProblem(SeverityError, info.src.Sheet, c, "", node.Path(), ErrWeightConflict, v.num.String(), node.Weight.String()+" ("+prev.Ref+")"))
			}
			continue
		}
		node.Weight, node.Declared = v.num, true
		info.declared[node] = c
	}
}

// weightProblem is a weight cell that could not be read: a formula
// without a value, or not a number.
func weightProblem(sheetName string, c sheet.Cell, path string, v value) *CellError {
	if v.err == ErrFormula {
		return cellProblem(SeverityError, sheetName, c, "", path, ErrFormula, shown(c), v.detail)
	}
	return cellProblem(SeverityError, sheetName, c, "", path, ErrWeightNotNumber, shown(c), "").naming(v)
}

// checkNames warns about invisible characters in a row's indicator
// names, once per indicator (a parent's name is seen on every row below
// it).
func checkNames(sheetName string, row sheet.Row, named map[string]bool, problems *List) {
	path := ""
	for _, c := range row.Names {
		if c.Value == "" {
			continue
		}
		if path != "" {
			path += "/"
		}
		path += c.Value
		if named[path] {
			continue
		}
		named[path] = true
		if chars := invisibleIn(c.Value, true); len(chars) > 0 {
			problems.Add(&CellError{Severity: SeverityWarning, Sheet: sheetName, Cell: c.Ref, Indicator: path, Err: WarnInvisibleChar, Found: c.Value, Invisible: chars})
		}
	}
}

// readTotalRow reads the 合计 row: declared total points and totals.
func readTotalRow(info *tableInfo, row sheet.Row, active []int, problems *List) {
	t := info.src
	for p := len(row.Weights) - 1; p >= 0; p-- {
		c := row.Weights[p]
		if blank(c) {
			continue
		}
		v := readWeight(c)
		if v.err != nil {
			problems.Add(weightProblem(t.Sheet, c, "", v))
			break
		}
		if v.text {
			problems.Add(cellProblem(SeverityWarning, t.Sheet, c, "", "", WarnTextNumber, shown(c), v.num.String()).naming(v))
		}
		info.totalCell, info.total, info.hasTotal = c, v.num, true
		break
	}
	if !info.hasTotal && t.TotalPoints != nil { // Total (150), 合计（100分）
		if d, ok := ParseText(t.TotalPoints.Value); ok {
			info.totalCell, info.total, info.hasTotal = *t.TotalPoints, d, true
		}
	}
	for k, i := range active {
		c := row.Score(i)
		if blank(c) {
			continue
		}
		v := readValue(c, true)
		dept := info.table.Departments[k].Name
		switch {
		case v.na:
		case v.err == ErrFormula:
			problems.Add(cellProblem(SeverityError, t.Sheet, c, dept, "", ErrFormula, shown(c), v.detail))
		case v.err != nil:
			problems.Add(cellProblem(SeverityError, t.Sheet, c, dept, "", ErrNotNumber, shown(c), "").naming(v))
		default:
			info.deptTotals[dept] = declaredTotal{cell: c, value: v.num}
		}
	}
}

// checkWeights checks that each declared parent weight is the sum of its
// children and that level-1 weights add up to the total points.
func checkWeights(info *tableInfo, total decimal.Decimal, level1 bool, problems *List) {
	t := info.table
	t.Walk(func(n *calc.Indicator) {
		if n.IsLeaf() || !n.Declared {
			return
		}
		var sum, ded decimal.Decimal
		for _, c := range n.Children {
			w, d := c.Weights()
			sum, ded = sum.Add(w), ded.Add(d)
		}
		if n.Weight.IsNegative() && sum.IsZero() {
			sum = ded // a parent of deduction items only
		}
		if !sum.Equal(n.Weight) {
			problems.Add(cellProblem(SeverityError, t.Sheet, info.declared[n], "", n.Path(), ErrWeightSum, sum.String(), n.Weight.String()))
		}
	})
	var sum decimal.Decimal
	for _, r := range t.Roots {
		w, _ := r.Weights()
		sum = sum.Add(w)
	}
	if level1 && !sum.Equal(total) && len(t.Roots) > 0 {
		cell := info.totalCell
		if cell.Ref == "" {
			cell = sheet.Cell{Ref: info.src.LeafWeight().Ref}
		}
		problems.Add(cellProblem(SeverityError, t.Sheet, cell, "", "", ErrTotalPoints, sum.String(), total.String()))
	}
}

// checkDeclaredTotals compares the 合计 row's totals with the computed,
// shown ones.
func checkDeclaredTotals(infos []*tableInfo, results []calc.Result, s calc.Settings, problems *List) {
	for _, info := range infos {
		for _, r := range results {
			if r.Table != info.table {
				continue
			}
			d, ok := info.deptTotals[r.Department]
			if !ok || len(r.Vetoed) > 0 && s.VetoZero {
				continue
			}
			if !s.Points(d.value).Equal(r.Shown) {
				e := cellProblem(SeverityError, info.src.Sheet, d.cell, r.Department, "", ErrDeclaredTotal, d.value.String(), s.FormatPoints(r.Total))
				e.Rescaled = rescaled(info.table, r.Department)
				problems.Add(e)
			}
		}
	}
}

// unitNamer names the unit of a one-unit table (spec §6.4): the settings'
// 评价对象, else the 单位名称：X above the header, else the sheet's name
// when the workbook has several score sheets and it is not a default name
// (Sheet1), else the file's name. Never a header word.
type unitNamer struct {
	settings    string
	file        string
	severalSets bool
	layout      sheet.Layout
}

func newUnitNamer(b *sheet.Book) unitNamer {
	sheets := map[string]bool{}
	for _, t := range b.Tables {
		sheets[t.Sheet] = true
	}
	layout := sheet.LayoutOf(b.Settings)
	base := filepath.Base(b.Path)
	return unitNamer{settings: layout.Unit, file: unitFromFile(strings.TrimSuffix(base, filepath.Ext(base))), severalSets: len(sheets) > 1, layout: layout}
}

// copyMarks are what people and their computers add to a file's name when
// they send it again or copy it: 市教育局（修订）, 市教育局-最终版,
// 市教育局 - 副本, 市教育局 (1), 市教育局_v2.
var copyMarks = regexp.MustCompile(`(?i)(\s*[（(\[【]\s*(\d{1,3}|修订|修改|修正|更正|最终|终稿|定稿|最新|新|副本|copy|v\d{1,3}|修改稿|修订稿|终|第?[一二三四五六七八九十\d]{1,3}[版稿])\s*版?\s*[)）\]】]` +
	`|\s*[-_－—~]*\s*(副本|copy|修订版?|修改版?|修改稿|修订稿|更正版?|最终版?|终稿|定稿|最新版?|v\d{1,3}))$`)

// copyPrefixes are what a copy's name begins with: 复件 市教育局,
// 副本 - 市教育局, Copy of 市教育局.
var copyPrefixes = regexp.MustCompile(`(?i)^(复件|副本|copy of)\s*[-_－—]?\s*`)

// unitFromFile is a unit's name from its file's name (spec §6.4), without
// the marks of a copy sent again: 市教育局（修订） is 市教育局, so that the
// same department sent twice is known as one (spec §8).
func unitFromFile(stem string) string {
	stem = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) { // zero-width characters
			return -1
		}
		return r
	}, stem)
	if cut := copyPrefixes.ReplaceAllString(stem, ""); strings.TrimSpace(cut) != "" {
		stem = cut
	}
	for {
		cut := copyMarks.ReplaceAllString(stem, "")
		if cut == stem || strings.TrimSpace(cut) == "" {
			return strings.TrimSpace(stem)
		}
		stem = cut
	}
}

func (u unitNamer) name(t *sheet.Table) string {
	switch {
	case u.settings != "":
		return u.settings
	case t.Unit != nil && t.Unit.Value != "":
		return t.Unit.Value
	case u.severalSets && !sheet.IsDefaultSheetName(t.Sheet):
		return t.Sheet
	default:
		return u.file
	}
}

// declared reports whether the settings name header as a score column.
func (u unitNamer) declared(header string) bool {
	for _, s := range u.layout.Scores {
		if sheet.Normalize(s) == sheet.Normalize(header) {
			return true
		}
	}
	return false
}

func hasSentinelIn(l List, target error, sheetName string) bool {
	for _, p := range l {
		if p.Err == target && p.Sheet == sheetName {
			return true
		}
	}
	return false
}

// hiddenText names a table's hidden rows and columns, in Chinese and
// English ("", "" when there are none).
func hiddenText(t *sheet.Table) [2]string {
	var zh, en []string
	if n := len(t.HiddenRows); n > 0 {
		rows := make([]string, 0, n)
		for i, r := range t.HiddenRows {
			if i == 10 {
				rows = append(rows, "…")
				break
			}
			rows = append(rows, strconv.Itoa(r))
		}
		zh = append(zh, "第 "+strings.Join(rows, "、")+" 行")
		en = append(en, "rows "+strings.Join(rows, ", "))
	}
	if n := len(t.HiddenCols); n > 0 {
		cols := make([]string, 0, n)
		for i, c := range t.HiddenCols {
			if i == 10 {
				cols = append(cols, "…")
				break
			}
			name, _ := sheet.ColumnName(c)
			cols = append(cols, name)
		}
		zh = append(zh, strings.Join(cols, "、")+" 列")
		en = append(en, "columns "+strings.Join(cols, ", "))
	}
	if len(zh) == 0 {
		return [2]string{}
	}
	return [2]string{strings.Join(zh, "和"), strings.Join(en, " and ")}
}

// rescaled reports whether a department's total was rescaled for 不适用
// items (按比例折算), which a declared total may not have been.
func rescaled(t *calc.Table, dept string) bool {
	for _, d := range t.Departments {
		if d.Name != dept {
			continue
		}
		for _, sc := range d.Scores {
			if sc.NA {
				return true
			}
		}
	}
	return false
}

// checkSubtotals compares each 小计 row with its group: the leaves above
// it since the previous subtotal. Its weight is the group's weight sum,
// its scores the group's score sums (不适用 items left out).
func checkSubtotals(info *tableInfo, active []int, scores bool, problems *List) {
	t := info.src
	for _, st := range t.Subtotals {
		var since []int
		for r := st.From; r < st.To; r++ {
			if i, ok := info.leafOfRow[r]; ok {
				since = append(since, i)
			}
		}
		if len(since) == 0 {
			continue
		}
		leaves := subtotalGroup(info.table, since, subtotalWeight(st.Row))
		group := commonPath(info.table, leaves)
		for p := len(st.Weights) - 1; p >= 0; p-- {
			c := st.Weights[p]
			if blank(c) {
				continue
			}
			v := readWeight(c)
			if v.err != nil {
				break
			}
			var sum, all decimal.Decimal
			for _, i := range leaves {
				w := info.table.Leaves[i].Weight
				all = all.Add(w)
				if w.IsPositive() {
					sum = sum.Add(w)
				}
			}
			if !sameNumber(v.num, sum) && !sameNumber(v.num, all) {
				problems.Add(cellProblem(SeverityError, t.Sheet, c, "", group, ErrSubtotal, v.num.String(), sum.String()))
			}
			break
		}
		for k, i := range active {
			c := st.Score(i)
			if blank(c) || !scores { // under another model, a subtotal of scores is no sum of points
				continue
			}
			v := readValue(c, true)
			if v.err != nil || v.na {
				continue
			}
			dept := info.table.Departments[k]
			var sum decimal.Decimal
			for _, l := range leaves {
				if sc := dept.Scores[l]; !sc.NA {
					sum = sum.Add(sc.Value)
				}
			}
			if !sameNumber(v.num, sum) {
				problems.Add(cellProblem(SeverityError, t.Sheet, c, dept.Name, group, ErrSubtotal, v.num.String(), sum.String()))
			}
		}
	}
}

// sameNumber reports whether a number typed (or saved) with some
// decimals is the exact one rounded to as many.
func sameNumber(declared, exact decimal.Decimal) bool {
	if declared.Equal(exact) {
		return true
	}
	places := -declared.Exponent()
	if places < 0 {
		places = 0
	}
	return declared.Equal(exact.Round(places))
}

// commonPath is the path the leaves share (their group), or "".
func commonPath(t *calc.Table, leaves []int) string {
	var common []string
	for k, i := range leaves {
		parts := strings.Split(t.Leaves[i].Path(), "/")
		parts = parts[:len(parts)-1]
		if k == 0 {
			common = parts
			continue
		}
		n := 0
		for n < len(common) && n < len(parts) && common[n] == parts[n] {
			n++
		}
		common = common[:n]
	}
	return strings.Join(common, "/")
}

// noScoreTable says what perfeval saw where it found no score table: the
// row that looks most like a header, and the settings keys that would map
// it.
func noScoreTable(b *sheet.Book) *CellError {
	e := &CellError{Severity: SeverityError, Err: ErrNoScoreTable}
	g := b.Guess
	if g == nil {
		e.Texts = &[4]string{"", "", "一级指标列 = …；分值列 = …；得分列 = …", "一级指标列 (Level 1 column) = …; 分值列 (Weight column) = …; 得分列 (Score columns) = …"}
		return e
	}
	e.Sheet, e.Cell = g.Sheet, "A"+strconv.Itoa(g.Row)
	name, weight, scores := "", "", []string{}
	for _, h := range g.Headers {
		k, _ := sheet.Classify(h)
		switch {
		case k == sheet.Weight && weight == "":
			weight = h
		case weight == "" && name == "" && k != sheet.Descriptive && !isNumberLike(h):
			name = h
		case weight != "" && (k == sheet.Other || k == sheet.ScoreColumn):
			scores = append(scores, h)
		}
	}
	if weight == "" { // no weight word: the first header after the names that speaks of points
		for i, h := range g.Headers {
			if h != name && (strings.Contains(h, "分") || strings.Contains(strings.ToLower(h), "point")) {
				weight = h
				for _, after := range g.Headers[i+1:] {
					if k, _ := sheet.Classify(after); k == sheet.Other || k == sheet.ScoreColumn {
						scores = append(scores, after)
					}
				}
				break
			}
		}
	}
	seen := strings.Join(g.Headers, " | ")
	e.Found = seen
	keysZh, keysEn := []string{}, []string{}
	if name != "" {
		keysZh = append(keysZh, "一级指标列 = "+name)
		keysEn = append(keysEn, "一级指标列 (Level 1 column) = "+name)
	}
	if weight != "" {
		keysZh = append(keysZh, "分值列 = "+weight)
		keysEn = append(keysEn, "分值列 (Weight column) = "+weight)
	}
	if len(scores) > 0 {
		keysZh = append(keysZh, "得分列 = "+strings.Join(scores, "、"))
		keysEn = append(keysEn, "得分列 (Score columns) = "+strings.Join(scores, ", "))
	}
	if len(keysZh) == 0 {
		keysZh, keysEn = []string{"一级指标列 = …", "分值列 = …", "得分列 = …"}, []string{"一级指标列 (Level 1 column) = …", "分值列 (Weight column) = …", "得分列 (Score columns) = …"}
	}
	e.Texts = &[4]string{
		fmt.Sprintf("；最像表头的是 %s 第 %d 行：%s，其中没有可识别的指标名称列", g.Sheet, g.Row, cut(seen)),
		fmt.Sprintf("; the row most like a header is %s row %d: %s, with no indicator-name column perfeval knows", g.Sheet, g.Row, cut(seen)),
		strings.Join(keysZh, "；"), strings.Join(keysEn, "; "),
	}
	return e
}

func isNumberLike(h string) bool {
	_, ok := ParseText(h)
	return ok
}

// subtotalWeight is the weight a 小计 row declares, if it declares one.
func subtotalWeight(row sheet.Row) *decimal.Decimal {
	for p := len(row.Weights) - 1; p >= 0; p-- {
		if c := row.Weights[p]; !blank(c) {
			if v := readWeight(c); v.err == nil {
				return &v.num
			}
			return nil
		}
	}
	return nil
}

// subtotalGroup is the group a 小计 row closes: of the leaves since the
// previous subtotal, the last run that shares a parent at some level —
// the deepest whose weights add up to the declared weight — else all of
// them.
func subtotalGroup(t *calc.Table, since []int, weight *decimal.Decimal) []int {
	if weight == nil {
		return since
	}
	last := t.Leaves[since[len(since)-1]]
	var ancestors []*calc.Indicator
	for p := last.Parent; p != nil; p = p.Parent {
		ancestors = append(ancestors, p) // deepest first
	}
	for _, a := range ancestors {
		var run []int
		for k := len(since) - 1; k >= 0; k-- {
			if !isUnder(t.Leaves[since[k]], a) {
				break
			}
			run = append([]int{since[k]}, run...)
		}
		var sum decimal.Decimal
		for _, i := range run {
			if w := t.Leaves[i].Weight; w.IsPositive() {
				sum = sum.Add(w)
			}
		}
		if sameNumber(*weight, sum) {
			return run
		}
	}
	return since
}

func isUnder(n, ancestor *calc.Indicator) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == ancestor {
			return true
		}
	}
	return false
}

// decimals shares one decimal among the scores of a table that are the
// same number (the same coefficient and exponent, so the same digits
// when shown): a table's scores take few values (cents within a weight),
// and each decimal read holds a *big.Int of its own, the most of a
// million-cell table's memory after its cells. A decimal is never
// changed in place, so sharing one is safe. At most maxDecimals values
// are kept; past them a score keeps its own.
type decimals map[decimalKey]decimal.Decimal

type decimalKey struct {
	coef int64
	exp  int32
}

const maxDecimals = 1 << 16

func (m *decimals) intern(d decimal.Decimal) decimal.Decimal {
	if d.NumDigits() > 18 {
		return d
	}
	k := decimalKey{d.CoefficientInt64(), d.Exponent()}
	if v, ok := (*m)[k]; ok {
		return v
	}
	if *m == nil {
		*m = decimals{}
	}
	if len(*m) < maxDecimals {
		(*m)[k] = d
	}
	return d
}

// withoutScores is row without its score cells, as parent weights are
// declared from it once every row is read.
func withoutScores(row sheet.Row) sheet.Row {
	row.Scores = nil
	return row
}
