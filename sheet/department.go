package sheet

import (
	"encoding/json"
	"fmt"
	"github.com/shopspring/decimal"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

var unsafeName = regexp.MustCompile(`[\\/:*?"<>|\x00-\x1f]`)

// DepartmentFileName is a department's workbook name, <department>.xlsx,
// with characters that file systems refuse replaced by "_", shortened to
// fit the file system's name limit (see FitName).
func DepartmentFileName(department string) string {
	name := strings.Trim(unsafeName.ReplaceAllString(department, "_"), " .")
	if name == "" {
		name = "_"
	}
	return FitName(name, ".xlsx")
}

// DepartmentContext is what a per-department workbook shows of the run:
// the department's rank among the Of departments ranked with it (spec §8),
// and the run's mean rate of each level-1 indicator by name ("" for the
// total rate), beside the department's own (nil: no mean row).
type DepartmentContext struct {
	Rank, Of int
	Mean     map[string]decimal.Decimal
}

// WriteDepartment writes, atomically at path, a workbook for one
// department to be e-mailed to it: its level-1 table laid out like the
// seed report's score table (weights, scores and rates rows, total), its
// grade, rank and main deductions, and its scores and rates at every level.
// The workbook is built new, from r alone, so it holds no other
// department's name or score anywhere: run gives its rank in the run and
// the run's mean rates, which name no department. source says which input it comes from (its mark's
// Source and SourceSHA256); the mark's kind and department are set here.
func WriteDepartment(path, lang string, s calc.Settings, r calc.Result, run DepartmentContext, source Mark) (err error) {
	defer recoverWrite(&err)
	f := excelize.NewFile()
	defer f.Close()
	w, err := newWriter(f, lang, s)
	if err != nil {
		return err
	}
	defer w.close()
	L := w.L
	sheet := L.DeptSheet
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := departmentTitle(r.Department, s, lang)
	last := len(r.Level1) + 2
	if err := w.setTitle(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, "A1", cellName(max(last, 4), 1)); err != nil {
		return err
	}
	if s.Evaluator != "" {
		if err := f.SetCellStr(sheet, "A2", L.Evaluator+L.DeductionItems+s.Evaluator); err != nil {
			return err
		}
	}
	// The level-1 table: a column per level-1 indicator, then the total.
	row := 4
	var notes []string
	labels := []string{L.Level1Row, L.WeightRow, L.ScoreRow, L.RateRow}
	if run.Mean != nil {
		labels = append(labels, L.MeanRow)
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
		weight, score := nr.Indicator.ShownWeight(), nr.Score
		if nr.Reduced() {
			weight = nr.Weight
			notes = append(notes, fmt.Sprintf(L.NoteApplicable, nr.Indicator.Name, s.FormatPoints(nr.Weight), s.FormatPoints(nr.DeclaredWeight())))
		}
		if !nr.Deducted.IsZero() && nr.Weight.IsPositive() {
			score = nr.Positive
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
		if mean, ok := run.Mean[nr.Indicator.Name]; ok && run.Mean != nil {
			if err := w.setRate(sheet, col, row+4, mean, false); err != nil {
				return err
			}
		}
	}
	if err := w.set(sheet, last, row, L.TotalRow, w.header); err != nil {
		return err
	}
	if err := w.setPoints(sheet, last, row+1, s.TotalPoints, true); err != nil {
		return err
	}
	if err := w.setPoints(sheet, last, row+2, r.Total, true); err != nil {
		return err
	}
	if err := w.setRate(sheet, last, row+3, r.Rate, true); err != nil {
		return err
	}
	if mean, ok := run.Mean[""]; ok {
		if err := w.setRate(sheet, last, row+4, mean, true); err != nil {
			return err
		}
	}
	row += len(labels) - 4 // the mean row, if any
	if !r.Factor.IsZero() && !r.Factor.Equal(decimal.NewFromInt(1)) {
		deducted := ""
		if !r.Deducted.IsZero() {
			deducted = " + " + s.FormatPoints(r.Deducted)
		}
		notes = append(notes, fmt.Sprintf(L.NoteRescaled, s.FormatPoints(s.TotalPoints), s.FormatPoints(r.Positive), s.FormatPoints(r.Applicable), deducted, s.FormatPoints(r.Total)))
	}
	for i, note := range notes {
		if err := w.set(sheet, 1, row+4+i, note, w.text); err != nil {
			return err
		}
	}
	// Grade and rank.
	row += 5 + len(notes)
	if err := w.set(sheet, 1, row, L.Grade, w.header); err != nil {
		return err
	}
	if err := w.set(sheet, 2, row, r.Grade, w.gradeStyle(r.GradeIndex, len(s.Bands))); err != nil {
		return err
	}
	if err := w.set(sheet, 1, row+1, L.Rank, w.header); err != nil {
		return err
	}
	if err := w.set(sheet, 2, row+1, fmt.Sprintf(L.RankOf, run.Rank, run.Of), w.text); err != nil {
		return err
	}
	// Main deductions, one per line.
	row += 3
	if err := w.setTitle(sheet, cellName(1, row), L.Deductions); err != nil {
		return err
	}
	row++
	for i, h := range []string{L.Level1Row, L.Indicator, L.Loss} {
		if err := w.set(sheet, i+1, row, h, w.header); err != nil {
			return err
		}
	}
	for _, d := range r.Deductions {
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
	if err := printLayout(f, sheet, 0); err != nil {
		return err
	}
	if err := w.applyWidths(sheet, 40); err != nil {
		return err
	}
	if err := w.rates(L.Rates, []calc.Result{r}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := setFacts(f, departmentFacts(lang, s, r, run)); err != nil {
		return err
	}
	source.Kind, source.Department = KindDepartment, r.Department
	return saveMarkedCols(f, path, source, w.streamed)
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

func departmentFacts(lang string, s calc.Settings, r calc.Result, run DepartmentContext) DepartmentFacts {
	d := DepartmentFacts{
		Lang: lang, Year: s.Year, Evaluator: s.Evaluator, Evaluation: s.Evaluation, Department: r.Department,
		Points: s.FormatPoints(s.TotalPoints), Total: s.FormatPoints(r.Total), Rate: s.FormatPercent(r.Rate),
		Grade: r.Grade, Rank: run.Rank, Of: run.Of, Deductions: []FactDeduction{},
	}
	for _, ded := range r.Deductions {
		d.Deductions = append(d.Deductions, FactDeduction{Level1: ded.Level1, Name: ded.Name, Loss: s.FormatPoints(ded.Loss)})
	}
	return d
}

func setFacts(f *excelize.File, d DepartmentFacts) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return f.SetCustomProps(excelize.CustomProperty{Name: markFacts, Value: string(data)})
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
