package sheet

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// Problem is one row of a 校验 / Checks sheet, in the chosen language.
type Problem struct {
	Error      bool // an error (else a warning)
	Sheet      string
	Cell       string
	Department string
	Indicator  string
	Message    string
	Hint       string
}

// Output is what a result workbook shows.
type Output struct {
	Mark     Mark // Kind is set by WriteResult; Source and SourceSHA256 say which input
	Lang     string
	Settings calc.Settings
	Results  []calc.Result
	Problems []Problem // warnings, listed on the Checks sheet
}

// ResultName is the result workbook's file name for an input:
// a.xlsx → a_结果.xlsx (a_result.xlsx in English); .xlsm stays .xlsm so
// that its macros stay valid.
func ResultName(input, lang string) string {
	return suffixed(input, LabelsFor(lang).ResultSuffix)
}

func suffixed(input, suffix string) string {
	ext := ".xlsx"
	lower := strings.ToLower(input)
	if strings.HasSuffix(lower, ".xlsm") {
		ext = ".xlsm"
	}
	base := input
	if i := strings.LastIndex(lower, "."); i > 0 {
		base = input[:i]
	}
	return FitName(base, suffix+ext)
}

// WriteResult adds the 汇总, 得分率 and (with problems) 校验 sheets to the
// workbook's own sheets, 汇总 first and active, and saves it atomically at
// path. The input file is not touched. Call it once per Book.
func (b *Book) WriteResult(path string, out Output) (err error) {
	defer recoverWrite(&err)
	f, carried, err := b.openCarrying()
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := newWriter(f, out.Lang, out.Settings)
	if err != nil {
		return err
	}
	defer w.close()
	w.tmpDir = b.opt.TmpDir
	summary := uniqueSheetName(f, w.L.Summary)
	if err := w.summary(summary, out.Results); err != nil {
		return fmt.Errorf("writing %s: %w", summary, err)
	}
	if err := w.rates(uniqueSheetName(f, w.L.Rates), out.Results); err != nil {
		return fmt.Errorf("writing %s: %w", w.L.Rates, err)
	}
	if len(out.Problems) > 0 {
		if err := w.checks(uniqueSheetName(f, w.L.Checks), out.Problems); err != nil {
			return fmt.Errorf("writing %s: %w", w.L.Checks, err)
		}
	}
	m := out.Mark
	m.Kind = KindResult
	return saveCarrying(f, carried, path, summary, m, w.streamed)
}

// uniqueSheetName is name, or name (2), … when the input has that sheet.
func uniqueSheetName(f *excelize.File, name string) string {
	taken := map[string]bool{}
	for _, s := range f.GetSheetList() {
		taken[strings.ToLower(s)] = true
	}
	candidate := name
	for i := 2; taken[strings.ToLower(candidate)]; i++ {
		candidate = fmt.Sprintf("%s (%d)", name, i)
	}
	return candidate
}

// printLayout prints a sheet landscape on A4, one page wide, with its
// first headerRows rows repeated on every page.
func printLayout(f *excelize.File, sheet string, headerRows int) error {
	landscape, a4, wide, tall, fit := "landscape", 9, 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if headerRows == 0 {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(sheet, "'", "''"), headerRows),
		Scope:    sheet,
	})
}

// writer writes sheets of one workbook in one language, with the number
// formats of one number of decimals.
type writer struct {
	f    *excelize.File
	lang string
	L    Labels
	s    calc.Settings

	title, header, text, wrap, bold, points, boldPoints, percent, boldPercent int
	grades                                                                    [4]int
	widths                                                                    map[string]map[int]float64

	out      *sheetOut                 // the sheet being streamed, or nil
	streamed map[string]*streamedSheet // by sheet, for saving
	tmpDir   string                    // where large streamed sheets spool; "": the system's
}

// close removes the streamed sheets' temporary files.
func (w *writer) close() {
	for _, s := range w.streamed {
		s.rows.Close()
	}
}

// newWriter makes a writer and its styles.
func newWriter(f *excelize.File, lang string, s calc.Settings) (*writer, error) {
	w := &writer{f: f, lang: lang, L: LabelsFor(lang), s: s, widths: map[string]map[int]float64{}, streamed: map[string]*streamedSheet{}}
	return w, w.styles()
}

func (w *writer) styles() error {
	decimals := "0"
	if w.s.Decimals > 0 {
		decimals = "0." + strings.Repeat("0", int(w.s.Decimals))
	}
	pct := decimals + "%"
	middle := &excelize.Alignment{Vertical: "center"}
	border := []excelize.Border{{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1}, {Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1}}
	specs := []struct {
		id    *int
		style excelize.Style
	}{
		{&w.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&w.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&w.text, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&w.wrap, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&w.bold, excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&w.points, excelize.Style{Border: border, CustomNumFmt: &decimals, Alignment: middle}},
		{&w.boldPoints, excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, CustomNumFmt: &decimals, Alignment: middle}},
		{&w.percent, excelize.Style{Border: border, CustomNumFmt: &pct, Alignment: middle}},
		{&w.boldPercent, excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, CustomNumFmt: &pct, Alignment: middle}},
	}
	gradeColors := [4][2]string{{"C6EFCE", "006100"}, {"DDEBF7", "1F4E78"}, {"FFEB9C", "9C5700"}, {"FFC7CE", "9C0006"}}
	for i, c := range gradeColors {
		specs = append(specs, struct {
			id    *int
			style excelize.Style
		}{&w.grades[i], excelize.Style{Border: border, Font: &excelize.Font{Bold: true, Color: c[1]}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c[0]}}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}})
	}
	for _, sp := range specs {
		id, err := w.f.NewStyle(&sp.style)
		if err != nil {
			return err
		}
		*sp.id = id
	}
	return nil
}

// gradeStyle colours grades: the best green, the lowest red, between
// blue then yellow.
func (w *writer) gradeStyle(index, bands int) int {
	switch {
	case index == 0:
		return w.grades[0]
	case index >= bands-1:
		return w.grades[3]
	case index == 1:
		return w.grades[1]
	default:
		return w.grades[2]
	}
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// set writes a value with a style and remembers the column's width.
func (w *writer) set(sheet string, col, row int, v any, style int) error {
	var value any
	width := -1.0
	switch x := v.(type) {
	case decimal.Decimal:
		value = x.InexactFloat64()
		width = float64(len(x.StringFixed(w.s.Decimals)) + 2)
	case int:
		value = x
		width = float64(len(fmt.Sprint(x)) + 2)
	case nil:
	case string:
		if x != "" {
			value = x
			width = displayWidth(x)
		}
	default:
		s := fmt.Sprint(x)
		value = s
		width = displayWidth(s)
	}
	if width >= 0 {
		w.fit(sheet, col, width)
	}
	return w.put(sheet, col, row, value, style)
}

// put writes a value (float64, int, string or nil) with a style (0: none),
// to the sheet being streamed or to a loaded sheet.
func (w *writer) put(sheet string, col, row int, value any, style int) error {
	if o := w.out; o != nil && o.name == sheet {
		return o.put(col, row, value, style)
	}
	cell := cellName(col, row)
	var err error
	switch x := value.(type) {
	case float64:
		err = w.f.SetCellFloat(sheet, cell, x, -1, 64)
	case int:
		err = w.f.SetCellInt(sheet, cell, int64(x))
	case string:
		err = w.f.SetCellStr(sheet, cell, x)
	}
	if err != nil || style == 0 {
		return err
	}
	return w.f.SetCellStyle(sheet, cell, cell, style)
}

// setTitle writes a title, which spans columns and so does not widen its
// own.
func (w *writer) setTitle(sheet, cell, text string) error {
	col, row, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		return err
	}
	return w.put(sheet, col, row, text, w.title)
}

// merge merges a range of cells.
func (w *writer) merge(sheet, from, to string) error {
	return w.f.MergeCell(sheet, from, to)
}

// rowHeight sets a row's height.
func (w *writer) rowHeight(sheet string, row int, height float64) error {
	if o := w.out; o != nil && o.name == sheet {
		o.heights[row] = height
		return nil
	}
	return w.f.SetRowHeight(sheet, row, height)
}

// setPoints writes a score or weight rounded for showing.
func (w *writer) setPoints(sheet string, col, row int, d decimal.Decimal, bold bool) error {
	style := w.points
	if bold {
		style = w.boldPoints
	}
	return w.set(sheet, col, row, w.s.Points(d), style)
}

// setRate writes a rate as the shown percentage's fraction (88.93% is
// stored as 0.8893) with a percent format.
func (w *writer) setRate(sheet string, col, row int, rate decimal.Decimal, bold bool) error {
	style := w.percent
	if bold {
		style = w.boldPercent
	}
	// The column is as wide as the percentage shown ("88.93%"), which is
	// never narrower than the fraction stored (0.8893 shown with as many
	// decimals), so that one is not formatted.
	p := w.s.Percent(rate)
	w.fit(sheet, col, float64(len(p.StringFixed(w.s.Decimals))+1+2))
	return w.put(sheet, col, row, p.Div(calc.Hundred).InexactFloat64(), style)
}

func (w *writer) fit(sheet string, col int, width float64) {
	if o := w.out; o != nil && o.name == sheet {
		o.fit(col, width)
		return
	}
	if w.widths[sheet] == nil {
		w.widths[sheet] = map[int]float64{}
	}
	w.widths[sheet][col] = max(w.widths[sheet][col], width)
}

// applyWidths sets readable column widths on a loaded sheet: contents'
// width within bounds, neighbouring columns of the same width set together.
func (w *writer) applyWidths(sheet string, maxWidth float64) error {
	for _, r := range widthRanges(w.widths[sheet], maxWidth) {
		lo, _ := excelize.ColumnNumberToName(r.lo)
		hi, _ := excelize.ColumnNumberToName(r.hi)
		if err := w.f.SetColWidth(sheet, lo, hi, r.width); err != nil {
			return err
		}
	}
	return nil
}

// colRange is columns lo to hi of one width.
type colRange struct {
	lo, hi int
	width  float64
}

// widthRanges turns widths by column into ranges of neighbouring columns
// of the same width, each within bounds, in column order.
func widthRanges(widths map[int]float64, maxWidth float64) []colRange {
	cols := make([]int, 0, len(widths))
	for c := range widths {
		cols = append(cols, c)
	}
	sort.Ints(cols)
	var out []colRange
	for _, c := range cols {
		width := min(max(widths[c]+1, 6), maxWidth)
		if n := len(out); n > 0 && out[n-1].hi == c-1 && out[n-1].width == width {
			out[n-1].hi = c
			continue
		}
		out = append(out, colRange{c, c, width})
	}
	return out
}

// deductionWidth is the width of the summary's deductions column; longer
// text wraps.
const deductionWidth = 60

// fitRowHeight makes a row tall enough for text wrapped at width.
func (w *writer) fitRowHeight(sheet string, row int, text string, width float64) error {
	lines := 0
	for _, part := range strings.Split(text, "\n") {
		lines += int(displayWidth(part)/(width*1.15)) + 1
	}
	if lines <= 1 {
		return nil
	}
	return w.rowHeight(sheet, row, float64(lines)*15)
}

// displayWidth counts wide (CJK) characters twice.
func displayWidth(s string) float64 {
	n := 0.0
	for _, r := range s {
		if r > 0x2E80 || unicode.Is(unicode.Han, r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// level1Column is one level-1 indicator of the summary.
type level1Column struct {
	name   string
	weight decimal.Decimal
}

// level1Columns lists the level-1 indicators of all tables by name, in
// order of first appearance, with the weight of the first table naming
// each.
func level1Columns(results []calc.Result) []level1Column {
	var out []level1Column
	seen := map[string]bool{}
	tables := map[*calc.Table]bool{}
	for _, r := range results {
		if tables[r.Table] {
			continue
		}
		tables[r.Table] = true
		for _, root := range r.Table.Roots {
			if seen[root.Name] {
				continue
			}
			seen[root.Name] = true
			out = append(out, level1Column{name: root.Name, weight: root.ShownWeight()})
		}
	}
	return out
}

// scoreRow is what the summaries show of one department: its level-1
// scores and rates, total, rate, grade and rank. It is kept small: a batch
// summary holds one per department of every workbook of the run.
type scoreRow struct {
	sheet, department string
	level1            []level1Score // per root of its table, in order
	total, rate       decimal.Decimal
	grade             string // as shown: with the veto item beside the band (差（一票否决：…）)
	band              string // the grade band alone, for counting
	gradeIndex, rank  int
}

type level1Score struct {
	name          string
	na, hasRate   bool
	score, rateOf decimal.Decimal
}

func newScoreRow(r calc.Result) scoreRow {
	row := scoreRow{sheet: r.Sheet, department: r.Department, total: r.Total, rate: r.Rate, grade: r.Grade, band: r.GradeLabel, gradeIndex: r.GradeIndex, rank: r.Rank}
	if row.band == "" {
		row.band = r.Grade
	}
	for _, nr := range r.Level1 {
		ls := level1Score{name: nr.Indicator.Name, na: nr.NA, hasRate: nr.HasRate(), score: nr.Score}
		if ls.hasRate {
			ls.rateOf = nr.Rate()
		}
		row.level1 = append(row.level1, ls)
	}
	return row
}

// scoreCells writes a department's level-1 scores and rates from column
// col on, a pair per level-1 indicator of l1 (blank where its table has
// no such indicator, 不适用 where all its leaves are), then its total,
// rate and coloured grade. It returns the next column.
func (w *writer) scoreCells(sheet string, row, col int, l1 []level1Column, r scoreRow) (int, error) {
	for _, c := range l1 {
		var nr *level1Score
		for i := range r.level1 {
			if r.level1[i].name == c.name {
				nr = &r.level1[i]
			}
		}
		var err error
		switch {
		case nr == nil:
			err = w.set(sheet, col, row, "", w.text)
		case nr.na:
			err = w.set(sheet, col, row, w.L.NotApplicable, w.text)
		default:
			err = w.setPoints(sheet, col, row, nr.score, false)
		}
		if err != nil {
			return 0, err
		}
		if nr != nil && nr.hasRate {
			err = w.setRate(sheet, col+1, row, nr.rateOf, false)
		} else {
			err = w.set(sheet, col+1, row, "", w.text)
		}
		if err != nil {
			return 0, err
		}
		col += 2
	}
	if err := w.setPoints(sheet, col, row, r.total, true); err != nil {
		return 0, err
	}
	if err := w.setRate(sheet, col+1, row, r.rate, true); err != nil {
		return 0, err
	}
	if err := w.set(sheet, col+2, row, r.grade, w.gradeStyle(r.gradeIndex, len(w.s.Bands))); err != nil {
		return 0, err
	}
	return col + 3, nil
}

// Title is the summary's title from 年度 and 评价单位.
func Title(s calc.Settings, lang string) string {
	L := LabelsFor(lang)
	name := EvaluationName(s, lang)
	if lang == "en" {
		parts := []string{}
		for _, p := range []string{s.Evaluator, s.Year} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		t := strings.ToUpper(name[:1]) + name[1:] + L.TitleSuffix
		if len(parts) > 0 {
			return strings.Join(parts, " ") + " " + name + L.TitleSuffix
		}
		return t
	}
	return yearText(s.Year) + s.Evaluator + name + L.TitleSuffix
}

// EvaluationName is the evaluation's name: the settings' 评价名称, else
// 部门整体支出绩效评价 (department expenditure performance evaluation).
func EvaluationName(s calc.Settings, lang string) string {
	if s.Evaluation != "" {
		return s.Evaluation
	}
	return LabelsFor(lang).Evaluation
}

// yearText is 2021年度 for 2021 (a year that says 年 is kept as it is).
func yearText(year string) string {
	if year != "" && !strings.Contains(year, "年") {
		year += "年度"
	}
	return year
}

// DeductionText is a department's main deductions for showing:
// 管理效率：预算绩效管理 -1.77；履职效能：… (losses that show as 0 are left
// out).
func DeductionText(r calc.Result, s calc.Settings, lang string) string {
	L := LabelsFor(lang)
	var groups []string
	var items []string
	current := ""
	flush := func() {
		if len(items) > 0 {
			groups = append(groups, current+L.DeductionItems+strings.Join(items, L.DeductionSep))
		}
		items = nil
	}
	for _, d := range r.Deductions {
		loss := s.Points(d.Loss)
		if loss.IsZero() {
			continue
		}
		if d.Level1 != current {
			flush()
			current = d.Level1
		}
		items = append(items, d.Name+" -"+loss.StringFixed(s.Decimals))
	}
	flush()
	return strings.Join(groups, L.Level1Sep)
}

func (w *writer) summary(sheet string, results []calc.Result) error {
	if _, err := w.f.NewSheet(sheet); err != nil {
		return err
	}
	if err := printLayout(w.f, sheet, 2); err != nil {
		return err
	}
	L := w.L
	l1 := level1Columns(results)
	headers := []string{L.Rank, L.Department}
	for _, c := range l1 {
		headers = append(headers, c.name+L.ScoreSuffix, c.name+L.RateSuffix)
	}
	headers = append(headers, L.Total, L.Rate, L.Grade, L.Deductions)
	last := len(headers)
	totalCol := 3 + 2*len(l1)
	dedCol := last
	order := calc.ByRank(results)

	layout := func() error {
		if err := w.setTitle(sheet, "A1", Title(w.s, w.lang)); err != nil {
			return err
		}
		if last > maxColumns {
			return fmt.Errorf("%w: sheet %s would need %d columns (a sheet has at most %d)", ErrSheetLimit, sheet, last, maxColumns)
		}
		if err := w.merge(sheet, "A1", cellName(last, 1)); err != nil {
			return err
		}
		if err := w.rowHeight(sheet, 1, 28); err != nil {
			return err
		}
		for i, h := range headers {
			if err := w.set(sheet, i+1, 2, h, w.header); err != nil {
				return err
			}
		}
		row := 3
		for _, i := range order {
			r := results[i]
			if err := w.set(sheet, 1, row, r.Rank, w.text); err != nil {
				return err
			}
			if err := w.set(sheet, 2, row, r.Department, w.bold); err != nil {
				return err
			}
			if _, err := w.scoreCells(sheet, row, 3, l1, newScoreRow(r)); err != nil {
				return err
			}
			ded := DeductionText(r, w.s, w.lang)
			if err := w.set(sheet, dedCol, row, ded, w.wrap); err != nil {
				return err
			}
			if err := w.fitRowHeight(sheet, row, ded, deductionWidth); err != nil {
				return err
			}
			row++
		}
		// The weights row.
		if err := w.set(sheet, 1, row, "", w.header); err != nil {
			return err
		}
		if err := w.set(sheet, 2, row, L.Weight, w.header); err != nil {
			return err
		}
		for k, c := range l1 {
			if err := w.setPoints(sheet, 3+2*k, row, c.weight, true); err != nil {
				return err
			}
		}
		if err := w.setPoints(sheet, totalCol, row, w.s.TotalPoints, true); err != nil {
			return err
		}
		return w.setPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"})
	}
	return w.stream(sheet, layout, func(measured map[int]float64) []colRange {
		widths := map[int]float64{}
		for c, width := range measured {
			widths[c] = width
		}
		widths[dedCol] = deductionWidth - 1 // set at deductionWidth
		return widthRanges(widths, 60)
	})
}

// treeSignature is a table's indicators and weights in order: tables
// with the same signature share 得分率's rows (per-department sheets).
func treeSignature(t *calc.Table) string {
	var sb strings.Builder
	t.Walk(func(n *calc.Indicator) {
		w, d := n.Weights()
		fmt.Fprintf(&sb, "%d|%s|%s|%s\n", n.Level, n.Name, w, d)
	})
	return sb.String()
}

func preorder(t *calc.Table) []*calc.Indicator {
	var out []*calc.Indicator
	t.Walk(func(n *calc.Indicator) { out = append(out, n) })
	return out
}

// ratesBlock is a block of 得分率: departments of tables with the same
// tree, side by side.
type ratesBlock struct {
	tables  []*calc.Table
	results []calc.Result
	group   int // the group of tables it belongs to
}

// ratesBlocks groups results by tree, in order, and cuts each group into
// blocks of departments that fit Excel's columns; blocks are laid down the
// rows.
func ratesBlocks(results []calc.Result) (blocks []ratesBlock, groups int) {
	sigs := map[*calc.Table]string{}
	sig := func(t *calc.Table) string {
		s, ok := sigs[t]
		if !ok {
			s = treeSignature(t)
			sigs[t] = s
		}
		return s
	}
	type group struct {
		tables  []*calc.Table
		results []calc.Result
	}
	var gs []*group
	bySig := map[string]*group{}
	for _, r := range results {
		g := bySig[sig(r.Table)]
		if g == nil {
			g = &group{}
			gs = append(gs, g)
			bySig[sig(r.Table)] = g
		}
		known := false
		for _, t := range g.tables {
			known = known || t == r.Table
		}
		if !known {
			g.tables = append(g.tables, r.Table)
		}
		g.results = append(g.results, r)
	}
	for gi, g := range gs {
		depth := 0
		for _, t := range g.tables {
			depth = max(depth, t.Depth())
		}
		per := max((maxColumns-depth-1)/2, 1)
		for lo := 0; lo < len(g.results); lo += per {
			blocks = append(blocks, ratesBlock{tables: g.tables, results: g.results[lo:min(lo+per, len(g.results))], group: gi})
		}
	}
	return blocks, len(gs)
}

func (w *writer) rates(sheet string, results []calc.Result) error {
	if _, err := w.f.NewSheet(sheet); err != nil {
		return err
	}
	L := w.L
	blocks, groups := ratesBlocks(results)
	layout := func() error {
		if err := w.setTitle(sheet, "A1", L.RatesTitle); err != nil {
			return err
		}
		row := 2
		firstHeader := 0
		for bi, g := range blocks {
			if groups > 1 && (bi == 0 || blocks[bi-1].group != g.group) {
				var sheets []string
				for _, t := range g.tables {
					sheets = append(sheets, t.Sheet)
				}
				if err := w.put(sheet, 1, row, L.SheetPrefix+strings.Join(sheets, L.DeductionSep), 0); err != nil {
					return err
				}
				row++
			}
			depth := 0
			for _, t := range g.tables {
				depth = max(depth, t.Depth())
			}
			for lvl := 0; lvl < depth; lvl++ {
				label := fmt.Sprintf("Level %d", lvl+1)
				if lvl < 4 {
					label = L.Levels[lvl]
				}
				if err := w.set(sheet, lvl+1, row, label, w.header); err != nil {
					return err
				}
			}
			weightCol := depth + 1
			if err := w.set(sheet, weightCol, row, L.Weight, w.header); err != nil {
				return err
			}
			for k, r := range g.results {
				if err := w.set(sheet, weightCol+1+2*k, row, r.Department+L.ScoreSuffix, w.header); err != nil {
					return err
				}
				if err := w.set(sheet, weightCol+2+2*k, row, r.Department+L.RateSuffix, w.header); err != nil {
					return err
				}
			}
			if bi == 0 {
				firstHeader = row
			}
			row++
			nodes := map[*calc.Table][]*calc.Indicator{}
			for _, t := range g.tables {
				nodes[t] = preorder(t)
			}
			for i, n := range nodes[g.tables[0]] {
				parent := !n.IsLeaf()
				for lvl := 1; lvl <= depth; lvl++ {
					v, style := "", w.text
					if lvl == n.Level {
						v = n.Name
						if parent {
							style = w.bold
						}
					}
					if err := w.set(sheet, lvl, row, v, style); err != nil {
						return err
					}
				}
				if vetoOnly(n) {
					if err := w.set(sheet, weightCol, row, L.VetoItem, w.text); err != nil {
						return err
					}
				} else if err := w.setPoints(sheet, weightCol, row, n.ShownWeight(), parent); err != nil {
					return err
				}
				for k, r := range g.results {
					nr := r.Node(nodes[r.Table][i])
					col := weightCol + 1 + 2*k
					score := nr.Score
					if !nr.Deducted.IsZero() && nr.Weight.IsPositive() {
						score = nr.Positive // score ÷ weight is the rate; deductions count in the total
					}
					var err error
					switch {
					case vetoOnly(nr.Indicator):
						err = w.set(sheet, col, row, vetoText(L, nr), w.text)
					case nr.NA:
						err = w.set(sheet, col, row, L.NotApplicable, w.text)
					default:
						err = w.setPoints(sheet, col, row, score, parent)
					}
					if err != nil {
						return err
					}
					if nr.HasRate() {
						err = w.setRate(sheet, col+1, row, nr.Rate(), parent)
					} else {
						err = w.set(sheet, col+1, row, "", w.text)
					}
					if err != nil {
						return err
					}
				}
				row++
			}
			if err := w.set(sheet, 1, row, L.TotalRow, w.bold); err != nil {
				return err
			}
			for lvl := 2; lvl <= depth; lvl++ {
				if err := w.set(sheet, lvl, row, "", w.bold); err != nil {
					return err
				}
			}
			if err := w.setPoints(sheet, weightCol, row, w.s.TotalPoints, true); err != nil {
				return err
			}
			for k, r := range g.results {
				if err := w.setPoints(sheet, weightCol+1+2*k, row, r.Total, true); err != nil {
					return err
				}
				if err := w.setRate(sheet, weightCol+2+2*k, row, r.Rate, true); err != nil {
					return err
				}
			}
			row += 2
		}
		if len(blocks) == 1 {
			top := cellName(1, firstHeader+1)
			return w.setPanes(sheet, &excelize.Panes{Freeze: true, YSplit: firstHeader, TopLeftCell: top, ActivePane: "bottomLeft"})
		}
		return nil
	}
	return w.stream(sheet, layout, func(measured map[int]float64) []colRange { return widthRanges(measured, 40) })
}

// checks writes the problem list, each cell linked to its place.
func (w *writer) checks(sheet string, problems []Problem) error {
	if _, err := w.f.NewSheet(sheet); err != nil {
		return err
	}
	L := w.L
	for i, h := range []string{L.Severity, L.Sheet, L.Cell, L.Department, L.Indicator, L.Problem, L.Hint} {
		if err := w.set(sheet, i+1, 1, h, w.header); err != nil {
			return err
		}
	}
	for i, p := range problems {
		row := i + 2
		sev := L.Warning
		if p.Error {
			sev = L.Error
		}
		for col, v := range []string{sev, p.Sheet, p.Cell, p.Department, p.Indicator, p.Message, p.Hint} {
			if err := w.set(sheet, col+1, row, v, w.wrap); err != nil {
				return err
			}
		}
		if p.Cell != "" && p.Sheet != "" {
			target := "'" + strings.ReplaceAll(p.Sheet, "'", "''") + "'!" + p.Cell
			if err := w.f.SetCellHyperLink(sheet, cellName(3, row), target, "Location"); err != nil {
				return err
			}
		}
	}
	if err := w.setPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := printLayout(w.f, sheet, 1); err != nil {
		return err
	}
	return w.applyWidths(sheet, 60)
}
