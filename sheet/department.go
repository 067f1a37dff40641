package sheet

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

var unsafeName = regexp.MustCompile(`[\\/:*?"<>|\x00-\x1f]`)

// DepartmentFileName is a department's blank template name,
// <department>.xlsx, with characters that file systems refuse replaced by
// "_", shortened to fit the file system's name limit (see FitName).
func DepartmentFileName(department string) string {
	return FitName(safeStem(department), ".xlsx")
}

// safeStem is a name with the characters file systems refuse replaced by
// "_", never empty.
func safeStem(name string) string {
	name = strings.Trim(unsafeName.ReplaceAllString(name, "_"), " .")
	if name == "" {
		name = "_"
	}
	return name
}

// DepartmentResultName is a department's result workbook name, ready to
// attach: <年度><评价名称>结果_<department>.xlsx (2021年度部门整体支出绩效评价结果_市教育局.xlsx;
// in English "2024 department expenditure performance evaluation
// result_Roads.xlsx"). Characters file systems refuse become "_"; a name
// past the file system's limit drops the year and evaluation, and a
// department's name alone too long is shortened as FitName does.
func DepartmentResultName(department string, s calc.Settings, lang string) string {
	L := LabelsFor(lang)
	prefix := yearText(s.Year) + EvaluationName(s, lang)
	if lang == "en" && s.Year != "" {
		prefix = s.Year + " " + EvaluationName(s, lang)
	}
	stem := safeStem(prefix+L.ResultWord) + "_" + safeStem(department)
	if len(stem)+len(".xlsx") <= MaxNameBytes-numberRoom {
		return stem + ".xlsx"
	}
	return FitName(safeStem(department), ".xlsx")
}

// MeanRates are rates of a run's departments averaged, shown beside a
// department's own in its workbook (spec §8).
type MeanRates struct {
	Level1 map[string]decimal.Decimal // by level-1 indicator name: the mean of the departments' rates that apply
	Total  decimal.Decimal            // the mean total rate
	Count  int                        // the departments averaged; 0: no means to show
}

// MeanRatesOf averages the rates of results, level-1 indicator by name
// (a department where an indicator is not applicable, or has no rate, is
// left out of that indicator's mean).
func MeanRatesOf(results []calc.Result) MeanRates {
	m := MeanRates{Level1: map[string]decimal.Decimal{}, Count: len(results)}
	if len(results) == 0 {
		return m
	}
	sums, counts := map[string]decimal.Decimal{}, map[string]int64{}
	total := decimal.Zero
	for _, r := range results {
		total = total.Add(r.Rate)
		for _, nr := range r.Level1 {
			if nr.HasRate() {
				name := nr.Indicator.Name
				sums[name] = sums[name].Add(nr.Rate())
				counts[name]++
			}
		}
	}
	for name, sum := range sums {
		m.Level1[name] = sum.Div(decimal.NewFromInt(counts[name]))
	}
	m.Total = total.Div(decimal.NewFromInt(int64(len(results))))
	return m
}

// MeanRatesByTree averages results as MeanRatesOf does, over the
// departments of tables with the same indicators and weights (per-department
// sheets of one workbook are ranked together, spec §6.5); it gives each
// table its means.
func MeanRatesByTree(results []calc.Result) map[*calc.Table]MeanRates {
	sig := treeSignatures(results)
	bySig := map[string][]calc.Result{}
	for _, r := range results {
		bySig[sig(r.Table)] = append(bySig[sig(r.Table)], r)
	}
	out := map[*calc.Table]MeanRates{}
	for _, r := range results {
		if _, ok := out[r.Table]; !ok {
			out[r.Table] = MeanRatesOf(bySig[sig(r.Table)])
		}
	}
	return out
}

// Department is what a per-department workbook shows.
type Department struct {
	Lang     string
	Settings calc.Settings
	Result   calc.Result
	Rank, Of int       // its rank among the Of departments of the run ranked together (spec §8); Rank 0: its rank within its workbook
	Mean     MeanRates // the rates beside which the department's are shown (a radar chart and a row); Count 0: none
	Source   Mark      // which input it comes from (its mark's Source and SourceSHA256); kind and department are set here
	Time     time.Time // the input's modification time: the workbook's created and modified time
	TmpDir   string    // where large parts spool while it is written; "": the system's temporary folder
}

// WriteDepartment writes, atomically at path, a workbook for one
// department to be e-mailed to it: its level-1 table laid out like the
// seed report's score table (weights, scores, rates and the mean rates
// rows, total), its grade, rank and main deductions, a radar of its
// level-1 rates beside the mean and a bar chart of its level-1 scores
// against their weights; then its scores and rates at every level. The
// workbook is built new, from d alone, so it holds no other department's
// name or score anywhere.
func WriteDepartment(path string, d Department) (err error) {
	defer recoverWrite(&err)
	lang, s, r, of := d.Lang, d.Settings, d.Result, d.Of
	if d.Rank > 0 {
		r.Rank = d.Rank // the rank in the run
	}
	f, w, carried, err := newBlankBook(lang, s)
	if err != nil {
		return err
	}
	defer f.Close()
	defer w.close()
	w.tmpDir = d.TmpDir
	L := w.L
	sheet := L.DeptSheet
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := departmentTitle(r.Department, s, lang)
	last := max(len(r.Level1)+2, 3)
	if err := w.setTitle(sheet, "A1", title); err != nil {
		return err
	}
	spans := []spanRow{{row: 1, text: title, title: true}}
	if s.Evaluator != "" {
		text := L.Evaluator + L.DeductionItems + s.Evaluator
		if err := w.put(sheet, 1, 2, text, w.note); err != nil {
			return err
		}
		spans = append(spans, spanRow{row: 2, text: text})
	}
	// The level-1 table: a column per level-1 indicator, then the total.
	row := 4
	var notes []string
	labels := []string{L.Level1Row, L.WeightRow, L.ScoreRow, L.RateRow}
	means := d.Mean.Count > 0
	if means {
		labels = append(labels, L.MeanRate)
	}
	for i, label := range labels {
		if err := w.set(sheet, 1, row+i, label, w.header); err != nil {
			return err
		}
	}
	for k, nr := range r.Level1 {
		col := k + 2
		if err := w.set(sheet, col, row, nr.Indicator.Name, w.header); err != nil {
			return err
		}
		// The weight shown is the applicable one and the score the
		// positive items', so that score ÷ weight is the rate shown; the
		// notes below say where they differ from what was declared.
		weight, score := nr.Indicator.ShownWeight(), ShownScore(nr)
		if nr.Reduced() {
			weight = nr.Weight
			notes = append(notes, fmt.Sprintf(L.NoteApplicable, nr.Indicator.Name, s.FormatPoints(nr.Weight), s.FormatPoints(nr.DeclaredWeight())))
		}
		if !nr.Deducted.IsZero() && nr.Weight.IsPositive() {
			notes = append(notes, fmt.Sprintf(L.NoteDeducted, nr.Indicator.Name, s.FormatPoints(nr.Deducted)))
		}
		if vetoOnly(nr.Indicator) {
			if err := w.set(sheet, col, row+1, L.VetoItem, w.text); err != nil {
				return err
			}
		} else if err := w.setPoints(sheet, col, row+1, weight, false); err != nil {
			return err
		}
		var err error
		switch {
		case vetoOnly(nr.Indicator):
			err = w.set(sheet, col, row+2, vetoText(L, nr), w.text)
		case nr.NA:
			err = w.set(sheet, col, row+2, L.NotApplicable, w.text)
		default:
			err = w.setPoints(sheet, col, row+2, score, false)
		}
		if err != nil {
			return err
		}
		if nr.HasRate() {
			err = w.setRate(sheet, col, row+3, nr.Rate(), false)
		} else {
			err = w.set(sheet, col, row+3, "", w.text)
		}
		if err != nil {
			return err
		}
		if means {
			if mean, ok := d.Mean.Level1[nr.Indicator.Name]; ok {
				err = w.setRate(sheet, col, row+4, mean, false)
			} else {
				err = w.set(sheet, col, row+4, "", w.text)
			}
			if err != nil {
				return err
			}
		}
	}
	total := len(r.Level1) + 2
	if err := w.set(sheet, total, row, L.TotalRow, w.header); err != nil {
		return err
	}
	if err := w.setPoints(sheet, total, row+1, s.TotalPoints, true); err != nil {
		return err
	}
	if err := w.setPoints(sheet, total, row+2, r.Total, true); err != nil {
		return err
	}
	if err := w.setRate(sheet, total, row+3, r.Rate, true); err != nil {
		return err
	}
	if means {
		if err := w.setRate(sheet, total, row+4, d.Mean.Total, true); err != nil {
			return err
		}
	}
	if Rescaled(r) {
		deducted := ""
		if !r.Deducted.IsZero() {
			deducted = " + " + s.FormatPoints(r.Deducted)
		}
		notes = append(notes, fmt.Sprintf(L.NoteRescaled, s.FormatPoints(s.TotalPoints), s.FormatPoints(r.Positive), s.FormatPoints(r.Applicable), deducted, s.FormatPoints(r.Total)))
	}
	if len(r.Vetoed) > 0 && s.VetoZero { // the level-1 scores stand, the total does not
		notes = append(notes, L.NoteVetoZero)
	}
	tableRows := len(labels)
	for i, note := range notes {
		if err := w.put(sheet, 1, row+tableRows+i, note, w.note); err != nil {
			return err
		}
		spans = append(spans, spanRow{row: row + tableRows + i, text: note})
	}
	// Grade and rank.
	row += tableRows + 1 + len(notes)
	if err := w.set(sheet, 1, row, L.Grade, w.header); err != nil {
		return err
	}
	if err := w.set(sheet, 2, row, r.Grade, w.gradeStyle(r.GradeIndex, len(s.Bands))); err != nil {
		return err
	}
	if err := w.set(sheet, 1, row+1, L.Rank, w.header); err != nil {
		return err
	}
	if err := w.set(sheet, 2, row+1, fmt.Sprintf(L.RankOf, r.Rank, of), w.text); err != nil {
		return err
	}
	// Main deductions, one per line.
	row += 3
	if err := w.setTitle(sheet, cellName(1, row), L.Deductions); err != nil {
		return err
	}
	spans = append(spans, spanRow{row: row, text: L.Deductions, title: true})
	row++
	for i, h := range []string{L.Level1Row, L.Indicator, L.Loss} {
		if err := w.set(sheet, i+1, row, h, w.header); err != nil {
			return err
		}
	}
	for _, d := range r.Deductions() {
		row++
		if err := w.set(sheet, 1, row, d.Level1, w.text); err != nil {
			return err
		}
		if err := w.set(sheet, 2, row, d.Name, w.text); err != nil {
			return err
		}
		if err := w.setPoints(sheet, 3, row, d.Loss, false); err != nil {
			return err
		}
	}
	if err := w.applyWidths(sheet, 40); err != nil {
		return err
	}
	ranges := widthRanges(w.widths[sheet], 40)
	heights, err := w.spanRows(sheet, last, spans, ranges)
	if err != nil {
		return err
	}
	// The charts, below, each kept whole on a page.
	p := PrintSetup{Widths: ranges, Heights: heights}
	if len(r.Level1) > 0 {
		at := row + 2
		charts, err := w.departmentCharts(sheet, at, 4, len(r.Level1), means, gradeTone(r.GradeIndex, len(s.Bands)), columnPixels(ranges, last))
		if err != nil {
			return err
		}
		p.Groups = charts
		// The second chart starts a page: notes under the table make
		// the first page longer than rows can be measured here.
		if len(charts) > 1 {
			p.BreakBefore = []int{charts[1][0]}
		}
	}
	if err := setPrint(f, sheet, lang, p); err != nil {
		return err
	}
	if err := w.rates(L.Rates, []calc.Result{r}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	facts, err := json.Marshal(departmentFacts(lang, s, r, of))
	if err != nil {
		return err
	}
	info := NewDocInfo(s, lang, d.Time)
	info.Subject = r.Department
	if err := setDocInfo(f, info); err != nil {
		return err
	}
	source := d.Source
	source.Kind, source.Department, source.facts = KindDepartment, r.Department, string(facts)
	return saveCarrying(f, carried, path, "", source, w.streamed, w.tmpDir, nil)
}

// spanRow is a row whose text in column A spans the table: a title, a
// note.
type spanRow struct {
	row   int
	text  string
	title bool
}

// spanRows merges each row's column A across columns 1..last (a title as
// spanTitle does), wrapped, and makes it tall enough; it returns the rows'
// heights in points.
func (w *writer) spanRows(sheet string, last int, rows []spanRow, ranges []colRange) (map[int]float64, error) {
	heights := map[int]float64{}
	for _, sr := range rows {
		var height float64
		if sr.title {
			h, err := w.spanTitle(sheet, sr.row, last, sr.text, ranges)
			if err != nil {
				return nil, err
			}
			height = h
		} else {
			if err := w.f.MergeCell(sheet, cellName(1, sr.row), cellName(last, sr.row)); err != nil {
				return nil, err
			}
			lines := math.Ceil((displayWidth(sr.text)*7 + 10) / max(columnPixels(ranges, last), 1))
			height = max(1, lines) * 15
		}
		heights[sr.row] = height
		if err := w.f.SetRowHeight(sheet, sr.row, height); err != nil {
			return nil, err
		}
	}
	return heights, nil
}

// departmentCharts draws, from row at down, a per-department workbook's
// two charts from its level-1 table (names in row table, weights, scores,
// rates and mean rates below, n indicators from column B): a radar of its
// rates beside the mean rates (when means), and a column chart of its
// scores against the weights, in the colours of its grade (tone). It
// returns each chart's rows, to keep whole on a page.
func (w *writer) departmentCharts(sheet string, at, table, n int, means bool, tone int, tablePx float64) ([][2]int, error) {
	names := rowRange(sheet, table, 2, n+1)
	width := uint(min(max(tablePx, 420), 640))
	const height = 300
	rows := height/20 + 1
	font := chartFont(w.L.Font, 9, false)
	zero, one := 0.0, 1.0
	radar := &excelize.Chart{
		Type: excelize.Radar,
		Series: []excelize.ChartSeries{{
			Name: cellRef(sheet, 1, table+3), Categories: names, Values: rowRange(sheet, table+3, 2, n+1),
		}},
		Format:    excelize.GraphicOptions{OffsetX: 4, OffsetY: 4},
		Dimension: excelize.ChartDimension{Width: width, Height: height},
		Title:     chartTitle(w.L.Font, w.L.ChartRates),
		Legend:    excelize.ChartLegend{Position: "bottom", Font: &font},
		XAxis:     excelize.ChartAxis{Font: font},
		YAxis:     excelize.ChartAxis{Minimum: &zero, Maximum: &one, MajorGridLines: true, Font: font, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
	}
	if means {
		radar.Series = append(radar.Series, excelize.ChartSeries{
			Name: cellRef(sheet, 1, table+4), Categories: names, Values: rowRange(sheet, table+4, 2, n+1),
		})
	}
	lines := []seriesLine{{ink: gradeColors[tone].Ink, width: 28575, marker: gradeColors[tone].Fill}, {ink: meanInk, width: 19050, dashed: true}}
	var out [][2]int
	if err := addChart(w.f, sheet, cellName(1, at), radar, lineSeries(lines)); err != nil {
		return nil, err
	}
	out = append(out, [2]int{at, at + rows - 1})
	at += rows + 1
	no := false
	bars := &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{
			{Name: cellRef(sheet, 1, table+1), Categories: names, Values: rowRange(sheet, table+1, 2, n+1), Fill: solid(weightFill)},
			{Name: cellRef(sheet, 1, table+2), Categories: names, Values: rowRange(sheet, table+2, 2, n+1), Fill: solid(gradeColors[tone].Ink)},
		},
		Format:     excelize.GraphicOptions{OffsetX: 4, OffsetY: 4},
		Dimension:  excelize.ChartDimension{Width: width, Height: height},
		Title:      chartTitle(w.L.Font, w.L.ChartScores),
		Legend:     excelize.ChartLegend{Position: "bottom", Font: &font},
		VaryColors: &no,
		PlotArea:   excelize.ChartPlotArea{ShowVal: true},
		XAxis:      excelize.ChartAxis{Font: font},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, Font: font},
	}
	if err := addChart(w.f, sheet, cellName(1, at), bars, nil); err != nil {
		return nil, err
	}
	return append(out, [2]int{at, at + rows - 1}), nil
}

// markFacts is the custom document property of a per-department workbook
// that holds its figures as JSON (DepartmentFacts), for perfeval mail.
const markFacts = "perfeval-result"

// DepartmentFacts are the figures of a per-department workbook as shown
// in it (numbers are strings exactly as shown), kept in its custom
// document properties so that the e-mail that carries the workbook says
// what the workbook says. They are this department's only.
type DepartmentFacts struct {
	Lang       string          `json:"lang"`
	Year       string          `json:"year,omitempty"`
	Evaluator  string          `json:"evaluator,omitempty"`
	Evaluation string          `json:"evaluation,omitempty"` // 评价名称, when the settings give one
	Department string          `json:"department"`
	Points     string          `json:"points"` // 满分
	Total      string          `json:"total"`
	Rate       string          `json:"rate"`
	Grade      string          `json:"grade"`
	Rank       int             `json:"rank"`
	Of         int             `json:"of"` // departments ranked together
	Deductions []FactDeduction `json:"deductions"`
}

// FactDeduction is one main deduction, as shown.
type FactDeduction struct {
	Level1 string `json:"level1"`
	Name   string `json:"name"`
	Loss   string `json:"loss"`
}

func departmentFacts(lang string, s calc.Settings, r calc.Result, of int) DepartmentFacts {
	d := DepartmentFacts{
		Lang: lang, Year: s.Year, Evaluator: s.Evaluator, Evaluation: s.Evaluation, Department: r.Department,
		Points: s.FormatPoints(s.TotalPoints), Total: s.FormatPoints(r.Total), Rate: s.FormatPercent(r.Rate),
		Grade: r.Grade, Rank: r.Rank, Of: of, Deductions: []FactDeduction{},
	}
	for _, ded := range r.Deductions() {
		d.Deductions = append(d.Deductions, FactDeduction{Level1: ded.Level1, Name: ded.Name, Loss: s.FormatPoints(ded.Loss)})
	}
	return d
}

// ReadDepartmentFacts reads the figures of the per-department workbook at
// path. ok is false when it has none (written by an older perfeval, or
// not a per-department workbook).
func ReadDepartmentFacts(path string) (d DepartmentFacts, ok bool, err error) {
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return d, false, err
	}
	defer f.Close()
	props, err := f.GetCustomProps()
	if err != nil {
		return d, false, err
	}
	for _, p := range props {
		if p.Name != markFacts {
			continue
		}
		text, _ := p.Value.(string)
		if err := json.Unmarshal([]byte(text), &d); err != nil || d.Department == "" {
			return DepartmentFacts{}, false, nil
		}
		return d, true, nil
	}
	return d, false, nil
}

// departmentTitle is "2021年度<department><evaluation>结果".
func departmentTitle(department string, s calc.Settings, lang string) string {
	L := LabelsFor(lang)
	name := EvaluationName(s, lang)
	if lang == "en" {
		if s.Year != "" {
			return department + ": " + s.Year + " " + name
		}
		return department + ": " + name
	}
	return yearText(s.Year) + department + name + L.DeptTitleSuffix
}

// vetoOnly reports whether every leaf below n (or n itself) is a veto
// item: its row shows 否决 or 通过, not points.
func vetoOnly(n *calc.Indicator) bool {
	if n.IsLeaf() {
		return n.Veto
	}
	for _, c := range n.Children {
		if !vetoOnly(c) {
			return false
		}
	}
	return true
}

// vetoText is a veto item's outcome: 否决 (vetoed) or 通过 (passed).
func vetoText(L Labels, nr calc.NodeResult) string {
	if nr.Vetoed {
		return L.Vetoed
	}
	return L.Passed
}
