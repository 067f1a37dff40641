package sheet

import (
	"sort"
	"strings"
)

// This file turns a sheet as read into score tables: where the header is,
// what each column is, which rows are indicators, totals, subtotals and
// sections, and where a second table starts.

// resolved is the cell, or, inside a merge, the merge's top-left cell
// when the merge is vertical (parent columns) or horizontal (score
// cells), as asked. from, when given, says which columns a horizontal
// merge may take its value from (a merge over the weight column and a
// department's column gives the department no weight as a score).
func (g *grid) resolved(row, col int, vertical, horizontal bool, from func(col int) bool) Cell {
	c := g.cell(row, col)
	if !c.IsBlank() {
		return c
	}
	m, ok := g.mergeAt(row, col)
	if !ok {
		return c
	}
	tall, wide := m.bottom > m.top, m.right > m.left
	if (vertical && tall && !wide) || (horizontal && wide && !tall) || (vertical && horizontal) {
		if from != nil && !from(m.left) {
			return c
		}
		top := g.cell(m.top, m.left)
		top.Ref = c.Ref
		top.Merge = m.String()
		return top
	}
	return c
}

// readSheet reads one worksheet: the settings sheet's two columns, or its
// score tables. A sheet with no header row in its first rows is read no
// further.
func (b *Book) readSheet(sp sheetPart, layout Layout) error {
	data, err := b.pkg.readSheet(sp, readControl{keep: func(s *sheetData) bool { return hasHeaderRow(s, layout) }, headerRows: MaxHeaderRow + 1})
	if err != nil {
		return err
	}
	g := b.newGrid(data)
	b.Tables = append(b.Tables, readTables(g, layout)...)
	if len(b.Tables) == 0 {
		b.guessHeader(g)
	}
	return nil
}

// readSettings reads the settings sheet's two columns.
func (b *Book) readSettings(sp sheetPart) error {
	data, err := b.pkg.readSheet(sp, readControl{maxCol: 2, maxCells: maxSettingsCells})
	if err != nil {
		return err
	}
	b.SettingsSheet = sp.name
	g := b.newGrid(data)
	for _, r := range data.rows {
		key, val := g.cell(r.num, 1), g.cell(r.num, 2)
		if key.IsBlank() && val.IsBlank() {
			continue
		}
		b.Settings = append(b.Settings, Setting{Key: key, Value: val})
	}
	return nil
}

// A sheet whose cells are to be marked in the annotated copy is loaded
// by excelize, at the cost of every row filled out to its last cell and
// of every merge; past these bounds its cells are not marked (the 校验
// sheet still lists every problem).
const (
	maxLoadCells  = 2_000_000
	maxLoadMerges = 20_000
)

// maxSettingsCells bounds the settings sheet: two columns of keys and
// values, a few dozen rows in practice.
const maxSettingsCells = 100_000

// isHeaderCell reports whether a header text marks a header row: a
// numbered or unnumbered level name, or a level column the layout
// declares.
func isHeaderCell(v string, layout Layout) bool {
	if k, _, ok := layout.declared(v); ok {
		return k == LevelName
	}
	if layout.declaresLevels() {
		return false
	}
	k, _ := Classify(v)
	return k == LevelName || k == LevelWord
}

// hasHeaderRow reports whether the first rows of a sheet hold a level
// name, the mark of a score table.
func hasHeaderRow(s *sheetData, layout Layout) bool {
	for _, r := range s.rows {
		if r.num > MaxHeaderRow {
			break
		}
		for _, c := range r.cells {
			if c.kind == Text && isHeaderCell(c.value, layout) {
				return true
			}
		}
	}
	return false
}

// newGrid indexes a sheet's merges by the rows that hold cells: a merge as
// wide or as tall as the sheet costs one entry per such row, not one per
// cell, and a file built to exhaust memory stops being indexed at
// maxMergeEntries.
func (b *Book) newGrid(data *sheetData) *grid {
	if !data.complete || data.padded > maxLoadCells || len(data.merges) > maxLoadMerges {
		if b.large == nil {
			b.large = map[string]bool{}
		}
		b.large[data.name] = true
	}
	g := &grid{b: b, data: data, sheet: data.name, merges: map[int][]mergeArea{}}
	entries := 0
	for _, m := range data.merges {
		if entries >= maxMergeEntries {
			break
		}
		if m.top == m.bottom && m.left == m.right {
			continue // a merge of one cell merges nothing
		}
		// the top row always (for header geometry), then the stored rows
		// the merge covers
		g.merges[m.top] = append(g.merges[m.top], m)
		entries++
		i := sort.Search(len(data.rows), func(i int) bool { return data.rows[i].num > m.top })
		for ; i < len(data.rows) && data.rows[i].num <= m.bottom && entries < maxMergeEntries; i++ {
			g.merges[data.rows[i].num] = append(g.merges[data.rows[i].num], m)
			entries++
		}
		if m.top < MaxHeaderRow+1 && m.bottom > m.top {
			// the row under a header cell merged down, even when empty
			if r := m.top + 1; data.rowAt(r) == nil {
				g.merges[r] = append(g.merges[r], m)
				entries++
			}
		}
	}
	return g
}

// MaxHeaderRow is how far down the header row is looked for.
const MaxHeaderRow = 20

// rowValues is a stored row's cell texts by column, up to its last cell.
func (g *grid) rowValues(n int) []string {
	r := g.data.rowAt(n)
	if r == nil || len(r.cells) == 0 {
		return nil
	}
	out := make([]string, r.cells[len(r.cells)-1].col)
	for _, c := range r.cells {
		if c.kind == Text {
			out[c.col-1] = c.value
		}
	}
	return out
}

// headerRowAt reports whether stored row r is a header row: it holds a
// level name (numbered, or declared), or unnumbered level words that are
// not only a group header over the real names below.
func (g *grid) headerRowAt(r *xrow, layout Layout) bool {
	numbered, words := false, 0
	for _, c := range r.cells {
		if c.kind != Text {
			continue
		}
		if k, _, ok := layout.declared(c.value); ok {
			if k == LevelName {
				return true
			}
			continue
		}
		if layout.declaresLevels() {
			continue
		}
		switch k, _ := Classify(c.value); k {
		case LevelName:
			numbered = true
		case LevelWord:
			if m, ok := g.mergeFrom(r.num, int(c.col)); ok && m.right > m.left && g.levelWordsBelow(r.num+1, m.left, m.right) {
				continue // a group header (评价指标 merged over the level names below)
			}
			words++
		}
	}
	return numbered || words > 0
}

// mergeFrom is the merge whose top-left cell is (row, col).
func (g *grid) mergeFrom(row, col int) (mergeArea, bool) {
	for _, m := range g.merges[row] {
		if m.top == row && m.left == col {
			return m, true
		}
	}
	return mergeArea{}, false
}

// levelWordsBelow reports whether row holds level names between columns
// left and right.
func (g *grid) levelWordsBelow(row, left, right int) bool {
	r := g.data.rowAt(row)
	if r == nil {
		return false
	}
	for _, c := range r.cells {
		if int(c.col) >= left && int(c.col) <= right && c.kind == Text {
			if k, _ := Classify(c.value); k == LevelName || k == LevelWord {
				return true
			}
		}
	}
	return false
}

// readTables reads every score table of a sheet: the first header row in
// the first MaxHeaderRow rows starts one, and a header row further down
// starts the next.
func readTables(g *grid, layout Layout) []*Table {
	var tables []*Table
	header := 0
	for i := range g.data.rows {
		r := &g.data.rows[i]
		if r.num > MaxHeaderRow {
			break
		}
		if g.headerRowAt(r, layout) {
			header = r.num
			break
		}
	}
	for header != 0 {
		t, next := readTable(g, header, layout)
		if t != nil {
			tables = append(tables, t)
		}
		header = next
	}
	return tables
}

// readTable reads the table whose header is at row header; next is the
// header row of the next table on the sheet, or 0.
func readTable(g *grid, header int, layout Layout) (t *Table, next int) {
	cells, first, last := headerCells(g, header)
	t = &Table{Sheet: g.sheet, HeaderRow: last, FirstRow: first}
	mapColumns(t, cells, last, layout)
	if len(t.Levels) == 0 {
		return nil, 0
	}
	next = readRows(t, g, layout)
	t.LastRow = g.lastRowBefore(next)
	if lw := t.LeafWeight(); lw != nil {
		t.Unnamed = unnamedColumns(t, g, lw.Index)
	}
	t.Unit = g.unitAbove(first)
	t.HiddenRows, t.HiddenCols = g.hidden(t)
	return t, next
}

// lastRowBefore is the last stored row before row next (0: the sheet's
// last row).
func (g *grid) lastRowBefore(next int) int {
	last := 0
	for _, r := range g.data.rows {
		if next != 0 && r.num >= next {
			break
		}
		last = r.num
	}
	return last
}

// headerCells returns the header row's cells and the header's first and
// last rows.
//
//   - A two-row header, whose level names are merged down over two rows
//     with the department names under a merged 得分 above them, reads as
//     one row: a name in the lower row replaces the one above it.
//   - Under a group header row (评价指标 merged over the level names, 得分
//     over the departments), a cell merged down from the group row (分值,
//     序号) gives its text to the header row.
func headerCells(g *grid, header int) (cells []string, first, last int) {
	cells = g.rowValues(header)
	first = header
	// cells merged down into the header row from a row above
	for c := range cells {
		if strings.TrimSpace(cells[c]) != "" {
			continue
		}
		if m, ok := g.mergeAt(header, c+1); ok && m.top < header && m.left == c+1 {
			cells[c] = g.raw(m.top, m.left)
			first = min(first, m.top)
		}
	}
	// a group header: a level word (评价指标) merged over level names below
	for _, m := range g.merges[header-1] {
		if m.top == header-1 && m.right > m.left && g.levelWordsBelow(header, m.left, m.right) {
			if k, _ := Classify(g.raw(m.top, m.left)); k == LevelWord || k == LevelName {
				first = min(first, header-1)
			}
		}
	}
	twoRows := false
	for c, v := range cells {
		if k, _ := Classify(v); k != LevelName && k != LevelWord {
			continue
		}
		m, merged := g.mergeAt(header+1, c+1)
		if !merged || m.top != header || m.left != c+1 || strings.TrimSpace(g.raw(header+1, c+1)) != "" {
			return cells, first, header // a level name not merged down over an empty cell
		}
		twoRows = true
	}
	if !twoRows {
		return cells, first, header
	}
	for c, v := range g.rowValues(header + 1) {
		if strings.TrimSpace(v) == "" {
			continue
		}
		for len(cells) <= c {
			cells = append(cells, "")
		}
		cells[c] = v
	}
	return cells, first, header + 1
}

// mapColumns assigns the header row's columns: level names, their weights
// (by prefix, else the nearest level name on the left, else — left of
// every name — the leaf's), descriptive columns, and departments right of
// the leaf weight. The layout's declarations come first.
func mapColumns(t *Table, cells []string, header int, layout Layout) {
	type col struct {
		kind     Kind
		level    int
		declared bool
	}
	kinds := make([]col, len(cells))
	numbered, declaredLevels := false, layout.declaresLevels()
	for i, h := range cells {
		if k, lvl, ok := layout.declared(h); ok {
			kinds[i] = col{k, lvl, true}
			continue
		}
		k, lvl := Classify(h)
		if declaredLevels && (k == LevelName || k == LevelWord) {
			k = Descriptive
		}
		kinds[i] = col{kind: k, level: lvl}
		numbered = numbered || k == LevelName
	}
	role := func(i int, kind string, level int, why string) {
		t.Roles = append(t.Roles, Role{Column: Column{Index: i + 1, Header: strings.TrimSpace(cells[i]), Ref: ref(i+1, header)}, Kind: kind, Level: level, Why: why})
	}
	// Levels: numbered (or declared) names by their number; else the
	// unnumbered words in column order, at most four.
	levelOf := map[int]int{} // column index → header level
	levelWhy := map[int]string{}
	switch {
	case numbered || declaredLevels:
		seen := map[int]bool{}
		for i, k := range kinds {
			if k.kind != LevelName {
				continue
			}
			if seen[k.level] {
				kinds[i].kind = Descriptive
				levelWhy[i] = WhyDuplicateLevel
				continue
			}
			seen[k.level] = true
			levelOf[i] = k.level
			levelWhy[i] = WhyNumberedLevel
			if k.declared {
				levelWhy[i] = WhyDeclared
			}
		}
	default:
		firstWeight := len(cells)
		for i, k := range kinds {
			if k.kind == Weight {
				firstWeight = i
				break
			}
		}
		n := 0
		for i, k := range kinds {
			isLevel := k.kind == LevelWord || (k.kind == Descriptive && i < firstWeight && IsWeakLevelWord(cells[i]))
			if !isLevel {
				continue
			}
			if n == 4 {
				kinds[i].kind = Descriptive
				levelWhy[i] = WhyDuplicateLevel
				continue
			}
			n++
			kinds[i].kind = LevelName
			levelOf[i] = n
			levelWhy[i] = WhyLevelWord
		}
	}
	var levelCols []int
	for i := range cells {
		if _, ok := levelOf[i]; ok {
			levelCols = append(levelCols, i)
		}
	}
	sort.Slice(levelCols, func(a, b int) bool { return levelOf[levelCols[a]] < levelOf[levelCols[b]] })
	levelPos := map[int]int{} // header level → position in t.Levels
	for _, i := range levelCols {
		levelPos[levelOf[i]] = len(t.Levels)
		t.Levels = append(t.Levels, Column{Index: i + 1, Header: strings.TrimSpace(cells[i]), Ref: ref(i+1, header)})
	}
	if len(t.Levels) == 0 {
		return
	}
	// Weights.
	t.Weights = make([]*Column, len(t.Levels))
	weightWhy := map[int]string{}
	leafWeight := -1
	var before []int // weight columns left of every name
	for i, k := range kinds {
		if k.kind != Weight {
			continue
		}
		pos, why := -1, WhyWeightLeft
		if k.declared {
			pos, why = len(t.Levels)-1, WhyDeclared
		} else if p, ok := levelPos[k.level]; k.level != 0 && ok {
			pos, why = p, WhyWeightPrefix
		} else {
			for p, lc := range t.Levels {
				if lc.Index < i+1 {
					pos = p
				}
			}
		}
		if pos < 0 {
			before = append(before, i)
			continue
		}
		if t.Weights[pos] != nil {
			kinds[i].kind = Descriptive
			weightWhy[i] = WhyExtraWeight
			continue
		}
		t.Weights[pos] = &Column{Index: i + 1, Header: strings.TrimSpace(cells[i]), Ref: ref(i+1, header)}
		weightWhy[i] = why
	}
	if leaf := len(t.Levels) - 1; t.Weights[leaf] == nil && len(before) > 0 {
		i := before[len(before)-1] // the nearest to the names
		t.Weights[leaf] = &Column{Index: i + 1, Header: strings.TrimSpace(cells[i]), Ref: ref(i+1, header)}
		weightWhy[i] = WhyWeightBefore
		before = before[:len(before)-1]
	}
	for _, i := range before {
		kinds[i].kind = Descriptive
		weightWhy[i] = WhyExtraWeight
	}
	if w := t.LeafWeight(); w != nil {
		leafWeight = w.Index
	}
	lastName := t.Levels[len(t.Levels)-1].Index
	for _, l := range t.Levels {
		lastName = max(lastName, l.Index)
	}

	// Departments and descriptive columns.
	explicitScores := len(layout.Scores) > 0
	var candidates []Column
	for i, h := range cells {
		c := Column{Index: i + 1, Header: CleanName(h), Ref: ref(i+1, header)}
		k := kinds[i]
		switch {
		case c.Header == "":
		case k.kind == LevelName:
			role(i, "level", levelOf[i], levelWhy[i])
		case k.kind == Weight && t.isWeight(i+1):
			role(i, "weight", weightLevel(t, i+1), weightWhy[i])
		case explicitScores && k.declared && k.kind == Other:
			candidates = append(candidates, c)
			role(i, "department", 0, WhyDeclared)
		case !explicitScores && leafWeight > 0 && i+1 > leafWeight && i+1 > lastName && (k.kind == Other || k.kind == ScoreColumn):
			c.Generic = k.kind == ScoreColumn
			candidates = append(candidates, c)
			why := WhyRightOfWeight
			if c.Generic {
				why = WhyGenericScore
			}
			role(i, "department", 0, why)
		default:
			t.Descriptive = append(t.Descriptive, c)
			if IsTypeHeader(c.Header) && t.TypeColumn == nil {
				tc := c
				t.TypeColumn = &tc
			}
			why := WhyDescriptive
			switch {
			case levelWhy[i] != "":
				why = levelWhy[i]
			case weightWhy[i] != "":
				why = weightWhy[i]
			case k.declared:
				why = WhyDeclared
			case k.kind == Other || k.kind == ScoreColumn:
				why = WhyLeftOfWeight
			}
			role(i, "descriptive", 0, why)
		}
	}
	t.Departments = candidates
}

// IsTypeHeader reports whether a header names the indicator type column
// (指标类型, 指标性质, Type), where a veto item says 否决项.
func IsTypeHeader(header string) bool {
	switch Normalize(header) {
	case "指标类型", "指标性质", "类型", "type", "indicatortype":
		return true
	}
	return false
}

// weightLevel is the level (1-based) whose weight column is index.
func weightLevel(t *Table, index int) int {
	for p, w := range t.Weights {
		if w != nil && w.Index == index {
			return p + 1
		}
	}
	return 0
}

func (t *Table) isWeight(index int) bool {
	return weightLevel(t, index) > 0
}

// readRows reads every non-blank row below the header until the total
// row (rows after it are kept as Footer) or the next table's header row,
// whose number it returns (0: none).
func readRows(t *Table, g *grid, layout Layout) (next int) {
	depth := len(t.Levels)
	last := make([]string, depth)
	isDept := map[int]bool{}
	for _, d := range t.Departments {
		isDept[d.Index] = true
	}
	fromDept := func(col int) bool { return isDept[col] }
	start := sort.Search(len(g.data.rows), func(i int) bool { return g.data.rows[i].num > t.HeaderRow })
	groupStart := 0 // the first leaf row of the group a 小计 row closes
	for i := start; i < len(g.data.rows); i++ {
		stored := &g.data.rows[i]
		r := stored.num
		first, firstCol, formula := "", 0, false
		for _, c := range stored.cells {
			if c.kind == Text && strings.TrimSpace(c.value) != "" || c.kind != Text && c.value != "" {
				first, firstCol = c.value, int(c.col)
				break
			}
			formula = formula || c.hasF
		}
		if first == "" && !formula {
			continue
		}
		if r > t.HeaderRow+1 && g.headerRowAt(stored, layout) {
			return r // a second table starts here
		}
		row := Row{Num: r, Names: make([]Cell, depth), Weights: make([]Cell, depth)}
		for p, w := range t.Weights {
			if w == nil {
				row.Weights[p] = Cell{Ref: ref(t.Levels[p].Index, r)}
				continue
			}
			row.Weights[p] = g.resolved(r, w.Index, p < depth-1, false, nil)
		}
		row.Scores = make([]ScoreCell, 0, len(t.Departments))
		for _, d := range t.Departments {
			row.Scores = append(row.Scores, scoreCell(g.resolved(r, d.Index, false, true, fromDept), d.Index))
		}
		if t.TypeColumn != nil {
			typ := g.resolved(r, t.TypeColumn.Index, true, false, nil)
			row.Type = &typ
		}
		if t.Total != nil {
			t.Footer = append(t.Footer, row)
			continue
		}
		label := rowLabel(stored, t, firstCol, first)
		if IsTotalLabel(label) {
			row.Names = nil
			if n, ok := LabelPoints(label); ok {
				t.TotalPoints = &Cell{Ref: ref(labelCol(stored, label), r), Value: n, Kind: Number}
			}
			// a label standing in the weight column is not a weight
			for p := range row.Weights {
				if row.Weights[p].Kind == Text && IsTotalLabel(row.Weights[p].Value) {
					row.Weights[p] = Cell{Ref: row.Weights[p].Ref}
				}
			}
			t.Total = &row
			continue
		}
		if IsSubtotalLabel(label) {
			t.Subtotals = append(t.Subtotals, Subtotal{Row: row, From: groupStart, To: len(t.Rows)})
			groupStart = len(t.Rows)
			continue
		}
		// Parent names: a merge gives its top-left value; a blank cell
		// inherits the value above unless a higher level changed here.
		changed := false
		for p := 0; p < depth; p++ {
			c := g.resolved(r, t.Levels[p].Index, p < depth-1, false, nil)
			c.Value = CleanName(c.Value)
			if p == depth-1 {
				row.Names[p] = c
				break
			}
			switch {
			case c.Value != "":
				if c.Value != last[p] {
					changed = true
				}
			case !changed:
				c.Value = last[p]
			}
			last[p] = c.Value
			row.Names[p] = c
		}
		t.Rows = append(t.Rows, row)
	}
	readSections(t)
	return 0
}

// rowLabel is the text that may make a row a total or subtotal row: its
// first filled cell, or the text of a name or weight column when the
// first filled cell is a number (序号).
func rowLabel(r *xrow, t *Table, firstCol int, first string) string {
	if IsTotalLabel(first) || IsSubtotalLabel(first) {
		return first
	}
	cols := []int{}
	for _, l := range t.Levels {
		cols = append(cols, l.Index)
	}
	for _, w := range t.Weights {
		if w != nil {
			cols = append(cols, w.Index)
		}
	}
	for _, c := range r.cells {
		for _, col := range cols {
			if int(c.col) == col && c.kind == Text && (IsTotalLabel(c.value) || IsSubtotalLabel(c.value)) {
				return c.value
			}
		}
	}
	return first
}

// labelCol is the column of the cell holding label.
func labelCol(r *xrow, label string) int {
	for _, c := range r.cells {
		if c.value == label {
			return int(c.col)
		}
	}
	return 1
}

// readSections makes section rows — a name in the leaf column with no
// weight and no score, followed by leaves (一、决策, Correctness) — the
// parents of the leaves below them, as a level above the names. Only in
// tables whose parent columns are unused.
func readSections(t *Table) {
	depth := len(t.Levels)
	for _, row := range t.Rows {
		for p := 0; p < depth-1; p++ {
			if row.Names[p].Value != "" {
				return
			}
		}
	}
	isSection := func(i int) bool {
		row := t.Rows[i]
		if row.Leaf().Value == "" {
			return false
		}
		for _, w := range row.Weights {
			if !w.IsBlank() {
				return false
			}
		}
		for _, s := range row.Scores {
			if !s.IsBlank() {
				return false
			}
		}
		if i+1 >= len(t.Rows) {
			return false
		}
		nextRow := t.Rows[i+1]
		return !nextRow.Weights[depth-1].IsBlank()
	}
	var sections []int
	for i := range t.Rows {
		if isSection(i) {
			sections = append(sections, i)
		}
	}
	if len(sections) == 0 || depth >= 4 {
		return
	}
	leafCol := t.Levels[depth-1]
	t.Levels = append([]Column{{Index: leafCol.Index, Header: leafCol.Header, Ref: leafCol.Ref}}, t.Levels...)
	t.Weights = append([]*Column{nil}, t.Weights...)
	t.Sections = true
	var rows []Row
	section := Cell{}
	removed := 0
	for i, row := range t.Rows {
		if len(sections) > 0 && sections[0] == i {
			section = row.Leaf()
			sections = sections[1:]
			removed++
			for k := range t.Subtotals {
				if t.Subtotals[k].From > len(rows) {
					t.Subtotals[k].From--
				}
				if t.Subtotals[k].To > len(rows) {
					t.Subtotals[k].To--
				}
			}
			continue
		}
		row.Names = append([]Cell{section}, row.Names...)
		row.Weights = append([]Cell{{Ref: ref(leafCol.Index, row.Num)}}, row.Weights...)
		rows = append(rows, row)
	}
	for k := range t.Subtotals {
		st := &t.Subtotals[k]
		st.Names = append([]Cell{{}}, st.Names...)
		st.Weights = append([]Cell{{}}, st.Weights...)
	}
	if t.Total != nil {
		t.Total.Weights = append([]Cell{{}}, t.Total.Weights...)
	}
	for k := range t.Footer {
		t.Footer[k].Names = append([]Cell{{}}, t.Footer[k].Names...)
		t.Footer[k].Weights = append([]Cell{{}}, t.Footer[k].Weights...)
	}
	t.Rows = rows
}

// unnamedColumns lists the columns right of the leaf weight that have no
// header but hold a number in a row of the table: scores of a department
// whose name is missing. Columns of notes are left alone. One pass over
// the cells that exist, however wide the sheet claims to be.
func unnamedColumns(t *Table, g *grid, leafWeight int) []Column {
	last := t.LastRow
	if t.Total != nil {
		last = t.Total.Num - 1
	}
	found := map[int]bool{}
	for _, stored := range g.data.rows {
		r := stored.num
		if r <= t.HeaderRow || r > last {
			continue
		}
		for _, x := range stored.cells {
			c := int(x.col)
			if c <= leafWeight || found[c] || strings.TrimSpace(x.value) == "" && !x.hasF || strings.TrimSpace(g.raw(t.HeaderRow, c)) != "" || strings.TrimSpace(g.raw(t.FirstRow, c)) != "" {
				continue
			}
			if k := g.cell(r, c).Kind; k == Number || k == FormulaFailed {
				found[c] = true
			}
		}
	}
	var out []Column
	for c := range found {
		out = append(out, Column{Index: c, Ref: ref(c, t.HeaderRow)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// unitAbove is the unit named in a cell above the header row (单位名称：X,
// or a label and the name in the next filled cell to its right), if any.
func (g *grid) unitAbove(header int) *Cell {
	for _, r := range g.data.rows {
		if r.num >= header {
			break
		}
		for i, c := range r.cells {
			if c.kind != Text {
				continue
			}
			name, labelOnly, ok := UnitLabel(c.value)
			if !ok {
				continue
			}
			if !labelOnly {
				cell := g.cell(r.num, int(c.col))
				cell.Value = name
				return &cell
			}
			for _, n := range r.cells[i+1:] {
				if n.kind == Text && strings.TrimSpace(n.value) != "" {
					cell := g.cell(r.num, int(n.col))
					cell.Value = CleanName(n.value)
					return &cell
				}
			}
		}
	}
	return nil
}

// hidden lists the table's hidden rows and the hidden columns among its
// own.
func (g *grid) hidden(t *Table) (rows, cols []int) {
	for _, r := range g.data.hiddenRows {
		if r > t.HeaderRow && r <= t.LastRow {
			rows = append(rows, r)
		}
	}
	maxCol := 0
	for _, role := range t.Roles {
		maxCol = max(maxCol, role.Index)
	}
	for _, span := range g.data.hiddenCols {
		for c := span[0]; c <= min(span[1], maxCol); c++ {
			cols = append(cols, c)
		}
	}
	return rows, cols
}

// Guess is, for a workbook with no score table, the row that looks most
// like a header: what check and the error message show, with the settings
// keys that would map it.
type Guess struct {
	Sheet   string
	Row     int
	Headers []string // the row's filled cells, in column order
}

// guessHeader keeps, across sheets, the row of the first MaxHeaderRow
// with the most filled text cells (at least two).
func (b *Book) guessHeader(g *grid) {
	for _, r := range g.data.rows {
		if r.num > MaxHeaderRow {
			break
		}
		var hs []string
		for _, c := range r.cells {
			if c.kind == Text && strings.TrimSpace(c.value) != "" {
				hs = append(hs, strings.TrimSpace(c.value))
			}
		}
		if len(hs) >= 2 && (b.Guess == nil || len(hs) > len(b.Guess.Headers)) {
			b.Guess = &Guess{Sheet: g.sheet, Row: r.num, Headers: hs}
		}
	}
}
