package sheet

import (
	"fmt"
	"math"
	"slices"
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
	Blocked  []calc.Blocked // departments not computed for their own errors (listed, without rank)
	Problems []Problem      // listed on the Checks sheet
	// Settle, when set, takes the write's last step (sync and rename),
	// which then runs on its own: WriteResult returns once the file is
	// written, and Settle.Wait says whether it got in place.
	Settle *Settle
}

// ResultName is the result workbook's file name for an input:
// a.xlsx → a_结果.xlsx (a_result.xlsx in English); .xlsm stays .xlsm so
// that its macros stay valid.
func ResultName(input, lang string) string {
	return suffixed(input, LabelsFor(lang).ResultSuffix)
}

func suffixed(input, suffix string) string {
	ext := ".xlsx"
	// Indexes are taken in input itself: a name that is not UTF-8 (GBK,
	// from a zip unpacked on Linux) changes length when lowered.
	if i := len(input) - len(".xlsm"); i >= 0 && strings.EqualFold(input[i:], ".xlsm") {
		ext = ".xlsm"
	}
	base := input
	if i := strings.LastIndex(input, "."); i > 0 {
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
	// The large input sheets are packed anew while 汇总 and 得分率 are
	// written (firstActive takes them).
	carried.startHeads(b.opt.TmpDir)
	defer carried.close()
	w, err := newWriter(f, out.Lang, out.Settings)
	if err != nil {
		return err
	}
	defer w.close()
	w.tmpDir = b.opt.TmpDir
	summary := uniqueSheetName(f, w.L.Summary)
	if err := w.summary(summary, out.Results, out.Blocked); err != nil {
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
	if err := setDocInfo(f, NewDocInfo(out.Settings, out.Lang, b.ModTime)); err != nil {
		return err
	}
	m := out.Mark
	m.Kind = KindResult
	return saveCarrying(f, carried, path, summary, m, w.streamed, w.tmpDir, out.Settle)
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

// writer writes sheets of one workbook in one language, with the number
// formats of one number of decimals.
type writer struct {
	f    *excelize.File
	lang string
	L    Labels
	s    calc.Settings

	title, note, header, text, wrap, bold, points, boldPoints, percent, boldPercent, factor int
	grades                                                                                  [4]int
	widths                                                                                  map[string]map[int]float64
	// caption is a block's caption above its header: bold, without a
	// border, running on into the empty cells beside it; captionWrap the
	// same wrapped, for a caption merged across its table.
	caption, captionWrap int

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
		{&w.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&w.note, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&w.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&w.text, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&w.wrap, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&w.bold, excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&w.points, excelize.Style{Border: border, CustomNumFmt: &decimals, Alignment: middle}},
		{&w.boldPoints, excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, CustomNumFmt: &decimals, Alignment: middle}},
		{&w.percent, excelize.Style{Border: border, CustomNumFmt: &pct, Alignment: middle}},
		{&w.boldPercent, excelize.Style{Border: border, Font: &excelize.Font{Bold: true}, CustomNumFmt: &pct, Alignment: middle}},
		{&w.factor, excelize.Style{Border: border, CustomNumFmt: &factorFormat, Alignment: middle}},
		{&w.caption, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "bottom"}}},
		{&w.captionWrap, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "bottom", WrapText: true}}},
	}
	for i, c := range gradeColors {
		specs = append(specs, struct {
			id    *int
			style excelize.Style
		}{&w.grades[i], excelize.Style{Border: border, Font: &excelize.Font{Bold: true, Color: c.Ink}, Fill: solid(c.Fill), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}})
	}
	for _, sp := range specs {
		if sp.style.Font == nil {
			sp.style.Font = &excelize.Font{}
		}
		sp.style.Font.Family = w.L.Font
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
	return w.grades[gradeTone(index, bands)]
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
		width = float64(fixedLen(x, w.s.Decimals) + 2)
	case int:
		value = x
		width = float64(len(fmt.Sprint(x)) + 2)
	case nil:
	case string:
		if x != "" {
			value = x
			width = displayWidth(x)
			switch style {
			case w.header:
				width = headerWidth(x)
			case w.bold:
				width = width*1.1 + 1 // bold is wider
			}
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

// headerWidth is the width of a header's column: the bold text's, or, past
// 12, about half of it, for a long header to wrap on two lines (rows
// without a height grow to fit), but never narrower than its longest word,
// which would be cut.
func headerWidth(h string) float64 {
	width := displayWidth(h)*1.1 + 1
	if width <= 12 {
		return width
	}
	return max(math.Ceil(width/2)+2, longestWord(h)*1.1+1)
}

// headerWraps reports whether a header wraps in the column headerWidth
// gives it.
func headerWraps(h string) bool { return headerWidth(h) < displayWidth(h)*1.1+1 }

// longestWord is the display width of a text's longest part that a line
// cannot break: a run of letters, digits and signs between spaces and wide
// (CJK) characters, or one wide character.
func longestWord(s string) float64 {
	longest, run := 0.0, 0.0
	for _, r := range s {
		switch w := displayWidth(string(r)); {
		case unicode.IsSpace(r):
			run = 0
		case w > 1:
			run = 0
			longest = max(longest, w)
		default:
			run += w
			longest = max(longest, run)
		}
	}
	return longest
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
// On a streamed sheet, a title in A1 is merged across the table and its
// row made tall enough once the widths are known (see spanTitle).
func (w *writer) setTitle(sheet, cell, text string) error {
	col, row, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		return err
	}
	if o := w.out; o != nil && o.name == sheet && col == 1 && row == 1 {
		o.title = text
	}
	return w.put(sheet, col, row, text, w.title)
}

// titleSize is the title style's font size, in points.
const titleSize = 14

// spanTitle merges the title in column A of row across the table's columns
// 1..last (on a sheet wider than a landscape page, across as many as hold
// the text, so that it shows where the sheet opens) and returns the height
// in points the row needs for the text wrapped in that width. The caller
// sets the height.
func (w *writer) spanTitle(sheet string, row, last int, text string, ranges []colRange) (float64, error) {
	need := 0.0
	for _, line := range strings.Split(text, "\n") {
		need = max(need, displayWidth(line)*titleSize*0.68+12) // pixels: a CJK character is about 1.36 em wide in display units of 2
	}
	span := last
	if fitPage(columnPixels(ranges, last)).across > 1 {
		for span = 1; span < last && columnPixels(ranges, span) < need; span++ {
		}
	}
	if span > 1 {
		if err := w.f.MergeCell(sheet, cellName(1, row), cellName(span, row)); err != nil {
			return 0, err
		}
	}
	lines := math.Ceil(need / max(columnPixels(ranges, span), 1))
	lines = max(lines, float64(strings.Count(text, "\n")+1))
	return max(28, lines*titleSize*1.5+4), nil
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
	value, width := w.rateCell(rate)
	w.fit(sheet, col, width)
	return w.put(sheet, col, row, value, style)
}

// rateCell is the value and column width setRate writes for rate. The
// column is as wide as the percentage shown ("88.93%"), which is never
// narrower than the fraction stored (0.8893 shown with as many decimals),
// so that one is not formatted.
func (w *writer) rateCell(rate decimal.Decimal) (value, width float64) {
	p := w.s.Percent(rate)
	return percentFraction(p, w.s.Decimals), float64(fixedLen(p, w.s.Decimals) + 1 + 2)
}

// nodeCells are the score and rate cells 得分率 writes for a node result
// that is not a veto item's: its points (or 不适用) as setPoints would
// write them, and its rate as setRate would (or an empty cell).
type nodeCells struct {
	text                string // 不适用, in place of the points
	points, pointsWidth float64
	rate, rateWidth     float64
	hasRate             bool
}

func (w *writer) nodeCells(nr calc.NodeResult) nodeCells {
	c := nodeCells{hasRate: nr.HasRate()}
	if nr.NA {
		c.text = w.L.NotApplicable
	} else {
		p := w.s.Points(ShownScore(nr)) // score ÷ weight is the rate; deductions count in the total
		c.points, c.pointsWidth = p.InexactFloat64(), float64(fixedLen(p, w.s.Decimals)+2)
	}
	if c.hasRate {
		c.rate, c.rateWidth = w.rateCell(nr.Rate())
	}
	return c
}

// putNodeCells writes c at col and col+1 of row.
func (w *writer) putNodeCells(sheet string, col, row int, c nodeCells, bold bool) error {
	points, percent := w.points, w.percent
	if bold {
		points, percent = w.boldPoints, w.boldPercent
	}
	if c.text != "" {
		if err := w.set(sheet, col, row, c.text, w.text); err != nil {
			return err
		}
	} else {
		w.fit(sheet, col, c.pointsWidth)
		if err := w.put(sheet, col, row, c.points, points); err != nil {
			return err
		}
	}
	if !c.hasRate {
		return w.set(sheet, col+1, row, "", w.text)
	}
	w.fit(sheet, col+1, c.rateWidth)
	return w.put(sheet, col+1, row, c.rate, percent)
}

// rateMemo makes what 得分率 shows of node results (their cells, and
// whether a parent's applicable weight is reduced) once per distinct
// compact result: most departments share most of theirs. Each map is
// emptied past maxNodeCells entries.
type rateMemo struct {
	w       *writer
	cells   map[calc.NodeKey]nodeCells
	reduced map[nodeAt]bool
}

// nodeAt is a node result at an indicator.
type nodeAt struct {
	n   *calc.Indicator
	key calc.NodeKey
}

const maxNodeCells = 1 << 16

func newRateMemo(w *writer) *rateMemo {
	return &rateMemo{w: w, cells: map[calc.NodeKey]nodeCells{}, reduced: map[nodeAt]bool{}}
}

// cellsOf are the cells of r's result at n.
func (m *rateMemo) cellsOf(r *calc.Result, n *calc.Indicator) nodeCells {
	key, ok := r.NodeKey(n)
	if !ok {
		return m.w.nodeCells(r.Node(n))
	}
	c, hit := m.cells[key]
	if !hit {
		c = m.w.nodeCells(r.Node(n))
		if len(m.cells) >= maxNodeCells {
			clear(m.cells)
		}
		m.cells[key] = c
	}
	return c
}

// isReduced is r.Node(n).Reduced().
func (m *rateMemo) isReduced(r *calc.Result, n *calc.Indicator) bool {
	key, ok := r.NodeKey(n)
	if !ok {
		return r.Node(n).Reduced()
	}
	at := nodeAt{n, key}
	red, hit := m.reduced[at]
	if !hit {
		red = r.Node(n).Reduced()
		if len(m.reduced) >= maxNodeCells {
			clear(m.reduced)
		}
		m.reduced[at] = red
	}
	return red
}

// percentFraction is the fraction p% stored in a cell (0.8893 for 88.93),
// as p ÷ 100 gives it: exactly p with the point moved when p has few
// decimals (then its float is made from a short coefficient), else the
// division to decimal's 16 places.
func percentFraction(p decimal.Decimal, places int32) float64 {
	if places >= 0 && places+2 <= 16 && p.Exponent() >= -places {
		return p.Shift(-2).InexactFloat64()
	}
	return p.Div(calc.Hundred).InexactFloat64()
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
	key    string // calc.NameKey(name), which a row's level-1 score is matched by
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
			out = append(out, level1Column{name: root.Name, key: calc.NameKey(root.Name), weight: root.ShownWeight()})
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
	// deducted is the deduction items' sum (调节项, shown apart from the
	// rates); applicable and factor, when factor is not zero, the
	// applicable points and the rescale factor of a total rescaled for
	// 不适用 items (spec §7.2).
	deducted, applicable, factor decimal.Decimal
	grade                        string // as shown: with the veto item beside the band (差（一票否决：…）)
	band                         string // the grade band alone, for counting
	gradeIndex, rank             int
}

type level1Score struct {
	name          string
	na, hasRate   bool
	score, rateOf decimal.Decimal
}

func newScoreRow(r calc.Result) scoreRow {
	row := scoreRow{sheet: r.Sheet, department: r.Department, total: r.Total, rate: r.Rate, grade: r.Grade, band: r.GradeLabel, gradeIndex: r.GradeIndex, rank: r.Rank,
		deducted: r.Deducted}
	if Rescaled(r) {
		row.applicable, row.factor = r.Applicable, r.Factor
	}
	if row.band == "" {
		row.band = r.Grade
	}
	for _, nr := range r.Level1 {
		ls := level1Score{name: nr.Indicator.Name, na: nr.NA, hasRate: nr.HasRate(), score: ShownScore(nr)}
		if ls.hasRate {
			ls.rateOf = nr.Rate()
		}
		row.level1 = append(row.level1, ls)
	}
	return row
}

// Rescaled reports whether a department's total was rescaled for 不适用
// items (按比例折算): then its applicable points and factor are shown.
func Rescaled(r calc.Result) bool {
	return !r.Factor.IsZero() && !r.Factor.Equal(decimal.NewFromInt(1))
}

// ShownScore is the score shown beside a node's rate: its positive items'
// where deduction items sit inside a node with a positive weight, so that
// score ÷ weight is the rate shown (spec §7.2); the deductions are shown
// apart.
func ShownScore(nr calc.NodeResult) decimal.Decimal {
	if !nr.Deducted.IsZero() && nr.Weight.IsPositive() {
		return nr.Positive
	}
	return nr.Score
}

// factorFormat shows a rescale factor (1.111111) to six decimals.
var factorFormat = "0.000000"

// extraColumns are the columns a summary appends after its fixed ones
// (spec §5) when some department needs them: the deductions' sum, and
// the applicable points and factor of a rescaled total (spec §7.2).
type extraColumns struct{ deducted, rescaled bool }

// extraOf says which extra columns rows need.
func extraOf(rows []scoreRow) extraColumns {
	var x extraColumns
	for _, r := range rows {
		x.deducted = x.deducted || !r.deducted.IsZero()
		x.rescaled = x.rescaled || !r.factor.IsZero()
	}
	return x
}

// headers are the extra columns' headers.
func (x extraColumns) headers(L Labels) []string {
	var out []string
	if x.deducted {
		out = append(out, L.DeductedCol)
	}
	if x.rescaled {
		out = append(out, L.ApplicableCol, L.FactorCol)
	}
	return out
}

// cells writes a row's extra columns from col on.
func (w *writer) extraCells(sheet string, row, col int, x extraColumns, r scoreRow) error {
	if x.deducted {
		var err error
		if r.deducted.IsZero() {
			err = w.set(sheet, col, row, "", w.text)
		} else {
			err = w.setPoints(sheet, col, row, r.deducted, false)
		}
		if err != nil {
			return err
		}
		col++
	}
	if x.rescaled {
		if r.factor.IsZero() {
			return nil
		}
		if err := w.setPoints(sheet, col, row, r.applicable, false); err != nil {
			return err
		}
		return w.set(sheet, col+1, row, r.factor.Round(6), w.factor)
	}
	return nil
}

// scoreCells writes a department's level-1 scores and rates from column
// col on, a pair per level-1 indicator of l1 (blank where its table has
// no such indicator, 不适用 where all its leaves are), then its total,
// rate and coloured grade. It returns the next column.
func (w *writer) scoreCells(sheet string, row, col int, l1 []level1Column, r scoreRow) (int, error) {
	var kept [8]string
	keys := kept[:0]
	for _, l := range r.level1 {
		keys = append(keys, calc.NameKey(l.name))
	}
	for _, c := range l1 {
		var nr *level1Score
		for i, key := range keys {
			if key == c.key {
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
	for _, d := range r.Deductions() {
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

// summaryGroup is a block of 汇总: the departments of tables with the
// same level-1 indicators and weights, ranked together (spec §6.5), and
// those of them blocked by their own errors.
type summaryGroup struct {
	results []calc.Result
	blocked []calc.Blocked
	sheets  []string
}

// summaryGroups groups results and blocked departments by calc.GroupKey,
// in order of first appearance.
func summaryGroups(results []calc.Result, blocked []calc.Blocked) []*summaryGroup {
	var groups []*summaryGroup
	byKey := map[string]*summaryGroup{}
	keys := map[*calc.Table]string{}
	group := func(t *calc.Table) *summaryGroup {
		k, ok := keys[t]
		if !ok {
			k = calc.GroupKey(t)
			keys[t] = k
		}
		g := byKey[k]
		if g == nil {
			g = &summaryGroup{}
			byKey[k] = g
			groups = append(groups, g)
		}
		if t != nil && !slices.Contains(g.sheets, t.Sheet) {
			g.sheets = append(g.sheets, t.Sheet)
		}
		return g
	}
	for _, r := range results {
		g := group(r.Table)
		g.results = append(g.results, r)
	}
	for _, b := range blocked {
		g := group(b.Table)
		g.blocked = append(g.blocked, b)
	}
	return groups
}

// summary writes 汇总: one row per department in rank order, with its
// level-1 scores and rates, total, rate, grade and main deductions, then a
// weights row. Departments of unrelated tables (other level-1 indicators
// or weights) are ranked apart, in blocks one under the other, each with
// its own header; departments blocked by their own errors close their
// block, without a rank.
func (w *writer) summary(sheet string, results []calc.Result, blocked []calc.Blocked) error {
	if _, err := w.f.NewSheet(sheet); err != nil {
		return err
	}
	L := w.L
	groups := summaryGroups(results, blocked)
	type block struct {
		*summaryGroup
		l1      []level1Column
		headers []string
		extra   extraColumns
	}
	blocks := make([]block, len(groups))
	width := 0 // the widest block's columns
	dedCols := map[int]bool{}
	for i, g := range groups {
		tables := g.results
		if len(tables) == 0 { // every department of the block is blocked: its level-1 indicators from the table
			for _, b := range g.blocked {
				tables = append(tables, calc.Result{Table: b.Table})
			}
		}
		l1 := level1Columns(tables)
		headers := []string{L.Rank, L.Department}
		for _, c := range l1 {
			headers = append(headers, c.name+L.ScoreSuffix, c.name+L.RateSuffix)
		}
		headers = append(headers, L.Total, L.Rate, L.Grade, L.Deductions)
		rows := make([]scoreRow, len(g.results))
		for k, r := range g.results {
			rows[k] = newScoreRow(r)
		}
		extra := extraOf(rows)
		headers = append(headers, extra.headers(L)...)
		blocks[i] = block{g, l1, headers, extra}
		width = max(width, len(headers))
		dedCols[3+2*len(l1)+3] = true
	}
	width = max(width, 2)
	end := 0 // the row after the last block

	layout := func() error {
		if err := w.setTitle(sheet, "A1", Title(w.s, w.lang)); err != nil {
			return err
		}
		if width > maxColumns {
			return fmt.Errorf("%w: sheet %s would need %d columns (a sheet has at most %d)", ErrSheetLimit, sheet, width, maxColumns)
		}
		row := 2
		for bi, b := range blocks {
			if len(blocks) > 1 { // which tables the block ranks
				if bi > 0 {
					row++ // a blank row between blocks
				}
				caption := fmt.Sprintf(L.GroupCaption, bi+1, strings.Join(b.sheets, L.DeductionSep))
				if err := w.put(sheet, 1, row, caption, w.caption); err != nil { // runs on over the empty cells: no column is widened for it
					return err
				}
				row++
			}
			if err := w.summaryBlock(sheet, &row, b.results, b.blocked, b.l1, b.headers, b.extra); err != nil {
				return err
			}
		}
		end = row
		if len(blocks) == 1 && len(results) > totalsChartMax {
			if err := w.put(sheet, 1, end+1, fmt.Sprintf(L.ChartNote, totalsChartMax), 0); err != nil {
				return err
			}
		}
		return w.setPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"})
	}
	err := w.stream(sheet, layout, func(measured map[int]float64) []colRange {
		widths := map[int]float64{}
		for c, width := range measured {
			widths[c] = width
		}
		for c := range dedCols {
			widths[c] = max(widths[c], deductionWidth-1) // set at deductionWidth
		}
		return widthRanges(widths, 60)
	})
	if err != nil {
		return err
	}
	st := w.streamed[sheet]
	p := PrintSetup{TitleRows: [2]int{2, 2}, TitleCols: 2, Widths: st.ranges, Heights: st.heights}
	// One block: a chart of its totals, below it (rows 3… are its ranked
	// departments, in rank order).
	if n := len(results); len(blocks) == 1 && n > 0 && n <= totalsChartMax {
		var tones []int
		for _, i := range calc.ByRank(results) {
			tones = append(tones, gradeTone(results[i].GradeIndex, len(w.s.Bands)))
		}
		at := end + 1 // a blank row below the weights row
		totalCol, last := 3+2*len(blocks[0].l1), len(blocks[0].headers)
		// Printed more than a page wide, the first columns repeat on every
		// page across: the chart goes right of them, within the first page.
		anchor, room := 1, firstPagePixels(st.ranges, last)
		if room < columnPixels(st.ranges, last) {
			anchor, room = 3, room-columnPixels(st.ranges, 2)
		}
		rows, err := w.totalsChart(sheet, at, anchor, 2, totalCol, 3, 3+n-1, tones, columnPixels(st.ranges, last), room)
		if err != nil {
			return err
		}
		p.Groups = append(p.Groups, [2]int{at, at + rows - 1})
		p.BreakBefore = []int{at} // on a page of its own: wrapped deductions make rows taller than can be measured here
	}
	return setPrint(w.f, sheet, w.lang, p)
}

// totalsChartMax is the most departments 汇总's chart of totals shows: a
// bar each must stay readable on one page. Past it, a note says there is
// no chart.
const totalsChartMax = 40

// totalsChart draws, at row at of sheet, the departments' totals as
// horizontal bars, best first, each in its grade's colours (tones, per
// department in the rows' order), the bands named in the value axis'
// title: categories are the names in column nameCol and values the totals
// in column totalCol, rows first..last. It returns the rows the chart
// covers (at the default row height), so that a page break keeps it whole.
// tablePx is the table's width: the chart is no wider.
func (w *writer) totalsChart(sheet string, at, col, nameCol, totalCol, first, last int, tones []int, tablePx, firstPagePx float64) (int, error) {
	n := last - first + 1
	fit := fitPage(tablePx)
	page := (a4Height - 2*marginSide*96) / fit.scale * 0.95            // no wider than a page across, so that no page break cuts it
	width := uint(min(max(tablePx, 480), 1000, page, firstPagePx*0.9)) // never past the first page across
	height := uint(90 + 20*n)
	top := w.s.TotalPoints.InexactFloat64()
	zero := 0.0
	no := false
	gap := uint(40)
	var bands []string
	for i, b := range w.s.Bands {
		if i == len(w.s.Bands)-1 {
			bands = append(bands, b.Label)
			continue
		}
		bands = append(bands, b.Label+" ≥ "+w.s.FormatPoints(b.Min))
	}
	axisFont := chartFont(w.L.Font, 9, false)
	c := &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       cellRef(sheet, totalCol, first-1),
			Categories: colRangeRef(sheet, nameCol, first, last),
			Values:     colRangeRef(sheet, totalCol, first, last),
			Fill:       solid(gradeColors[1].Fill),
		}},
		Format:     excelize.GraphicOptions{OffsetX: 4, OffsetY: 4},
		Dimension:  excelize.ChartDimension{Width: width, Height: height},
		Title:      chartTitle(w.L.Font, w.L.ChartTotals),
		Legend:     excelize.ChartLegend{Position: "none"},
		VaryColors: &no,
		GapWidth:   &gap,
		PlotArea:   excelize.ChartPlotArea{ShowVal: true},
		XAxis:      excelize.ChartAxis{ReverseOrder: true, Font: axisFont},
		YAxis: excelize.ChartAxis{Minimum: &zero, Maximum: &top, MajorGridLines: true, Font: axisFont,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: strings.Join(bands, " · "), Font: &axisFont}}}},
	}
	if err := addChart(w.f, sheet, cellName(col, at), c, colourPoints(tones)); err != nil {
		return 0, err
	}
	return int(math.Ceil(float64(height)/20)) + 1, nil
}

// summaryBlock writes one block of 汇总 from *row on: the header, the
// departments in rank order, the blocked ones, the weights row. *row is
// left on the row after it.
func (w *writer) summaryBlock(sheet string, row *int, results []calc.Result, blocked []calc.Blocked, l1 []level1Column, headers []string, extra extraColumns) error {
	L := w.L
	totalCol := 3 + 2*len(l1)
	dedCol := totalCol + 3
	for i, h := range headers {
		if err := w.set(sheet, i+1, *row, h, w.header); err != nil {
			return err
		}
	}
	*row++
	for _, i := range calc.ByRank(results) {
		r := results[i]
		if err := w.set(sheet, 1, *row, r.Rank, w.text); err != nil {
			return err
		}
		if err := w.set(sheet, 2, *row, r.Department, w.bold); err != nil {
			return err
		}
		sr := newScoreRow(r)
		if _, err := w.scoreCells(sheet, *row, 3, l1, sr); err != nil {
			return err
		}
		if err := w.extraCells(sheet, *row, dedCol+1, extra, sr); err != nil {
			return err
		}
		ded := DeductionText(r, w.s, w.lang)
		if err := w.set(sheet, dedCol, *row, ded, w.wrap); err != nil {
			return err
		}
		if err := w.fitRowHeight(sheet, *row, ded, deductionWidth); err != nil {
			return err
		}
		*row++
	}
	for _, b := range blocked { // no rank, no score: the Checks sheet says why
		cells := []struct {
			col   int
			value string
			style int
		}{
			{2, b.Department, w.bold},
			{totalCol + 2, L.StatusInvalid, w.gradeStyle(len(w.s.Bands)-1, len(w.s.Bands))},
			{dedCol, fmt.Sprintf(L.BlockedNote, b.Errors), w.wrap},
		}
		for _, c := range cells {
			if err := w.set(sheet, c.col, *row, c.value, c.style); err != nil {
				return err
			}
		}
		*row++
	}
	// The weights row.
	if err := w.set(sheet, 1, *row, "", w.header); err != nil {
		return err
	}
	if err := w.set(sheet, 2, *row, L.Weight, w.header); err != nil {
		return err
	}
	for k, c := range l1 {
		if err := w.setPoints(sheet, 3+2*k, *row, c.weight, true); err != nil {
			return err
		}
	}
	if err := w.setPoints(sheet, totalCol, *row, w.s.TotalPoints, true); err != nil {
		return err
	}
	*row++
	return nil
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

// treeSignatures gives the treeSignature of each of results' tables,
// worked out once per table. Results of one table (a per-department
// workbook, most workbooks) all get "": their tree is not written out to
// be compared.
func treeSignatures(results []calc.Result) func(t *calc.Table) string {
	one := true
	for _, r := range results {
		one = one && r.Table == results[0].Table
	}
	sigs := map[*calc.Table]string{}
	return func(t *calc.Table) string {
		if one {
			return ""
		}
		s, ok := sigs[t]
		if !ok {
			s = treeSignature(t)
			sigs[t] = s
		}
		return s
	}
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
	sig := treeSignatures(results)
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
	memo := newRateMemo(w)
	var keep [][2]int // level-1 groups of rows, for the page breaks
	titleCols, firstHeader := 0, 0
	layout := func() error {
		keep = keep[:0]
		if err := w.setTitle(sheet, "A1", L.RatesTitle); err != nil {
			return err
		}
		row := 2
		firstHeader = 0
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
				titleCols = weightCol
			}
			header := row
			row++
			nodes := map[*calc.Table][]*calc.Indicator{}
			vetoes := map[*calc.Table][]bool{}
			for _, t := range g.tables {
				nodes[t] = preorder(t)
				for _, n := range nodes[t] {
					vetoes[t] = append(vetoes[t], vetoOnly(n))
				}
			}
			for i, n := range nodes[g.tables[0]] {
				switch {
				case n.Level == 1 && row == header+1:
					keep = append(keep, [2]int{header, row}) // the header stays with the first group
				case n.Level == 1:
					keep = append(keep, [2]int{row, row})
				case len(keep) > 0:
					keep[len(keep)-1][1] = row
				}
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
					ind := nodes[r.Table][i]
					col := weightCol + 1 + 2*k
					if !vetoes[r.Table][i] {
						if err := w.putNodeCells(sheet, col, row, memo.cellsOf(&r, ind), parent); err != nil {
							return err
						}
						continue
					}
					nr := r.Node(ind) // a veto item: 否决 or 通过
					if err := w.set(sheet, col, row, vetoText(L, nr), w.text); err != nil {
						return err
					}
					var err error
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
			if len(keep) > 0 {
				keep[len(keep)-1][1] = row // the total row stays with the last group
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
			row++
			// The weight column is the declared one: where 不适用 items
			// make a department's applicable weight differ, a note says
			// so, so that score ÷ weight is the rate shown (spec §7.2).
			notes := 0
			for _, r := range g.results {
				for _, n := range nodes[r.Table] {
					if n.IsLeaf() || !memo.isReduced(&r, n) {
						continue
					}
					nr := r.Node(n)
					if notes >= maxRatesNotes {
						notes = maxRatesNotes + 1
						break
					}
					note := fmt.Sprintf(L.RatesNoteApplicable, r.Department+" · "+n.Path(), w.s.FormatPoints(nr.Weight), w.s.FormatPoints(nr.DeclaredWeight()))
					if err := w.put(sheet, 1, row, note, 0); err != nil {
						return err
					}
					row++
					notes++
				}
			}
			if notes > maxRatesNotes {
				if err := w.put(sheet, 1, row, L.MoreNotes, 0); err != nil {
					return err
				}
				row++
			}
			row++
		}
		if len(blocks) == 1 {
			top := cellName(1, firstHeader+1)
			return w.setPanes(sheet, &excelize.Panes{Freeze: true, YSplit: firstHeader, TopLeftCell: top, ActivePane: "bottomLeft"})
		}
		return nil
	}
	if err := w.stream(sheet, layout, func(measured map[int]float64) []colRange { return widthRanges(measured, 40) }); err != nil {
		return err
	}
	st := w.streamed[sheet]
	p := PrintSetup{TitleCols: titleCols, Widths: st.ranges, Heights: st.heights, Groups: keep}
	if len(blocks) == 1 {
		p.TitleRows = [2]int{firstHeader, firstHeader}
	}
	return setPrint(w.f, sheet, w.lang, p)
}

// maxRatesNotes is how many notes on applicable weights a block of
// 得分率 lists; each department's workbook has its own.
const maxRatesNotes = 200

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
	if err := w.applyWidths(sheet, 60); err != nil {
		return err
	}
	return setPrint(w.f, sheet, w.lang, PrintSetup{TitleRows: [2]int{1, 1}, TitleCols: 1, Widths: widthRanges(w.widths[sheet], 60)})
}
