package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/sheet"
)

// Report is the JSON document --report writes for a run (spec §5).
// Numbers are strings exactly as shown in the workbooks.
type Report struct {
	Files   []FileReport  `json:"files"`
	Skipped []skippedFile `json:"skipped"` // files found but not read, each with why
}

// FileReport is one input's outcome.
type FileReport struct {
	Path        string             `json:"path"`
	Status      string             `json:"status"` // ok, invalid, unreadable, failed or interrupted
	Output      string             `json:"output"`
	Annotated   string             `json:"annotated"`
	Split       []string           `json:"split,omitempty"` // per-department workbooks (--split)
	Problems    []ProblemReport    `json:"problems"`
	Departments []DepartmentReport `json:"departments"`
	Layout      []TableLayout      `json:"layout,omitempty"` // check --explain: how each score table was read
}

// File statuses.
const (
	statusOK          = "ok"
	statusInvalid     = "invalid"
	statusUnreadable  = "unreadable"
	statusFailed      = "failed"      // an output could not be written (code write)
	statusInterrupted = "interrupted" // the run stopped before its outputs were written
)

// ProblemReport is one error or warning.
type ProblemReport struct {
	Severity   string `json:"severity"`
	Sheet      string `json:"sheet"`
	Cell       string `json:"cell"`
	Department string `json:"department"`
	Indicator  string `json:"indicator"`
	Message    string `json:"message"`
	Hint       string `json:"hint,omitempty"`
	Code       string `json:"code,omitempty"` // the sentinel, for scripts
}

// DepartmentReport is one department's result.
type DepartmentReport struct {
	Name       string `json:"name"`
	Sheet      string `json:"sheet"`
	Total      string `json:"total"`
	Rate       string `json:"rate"`
	Grade      string `json:"grade"`       // the band's label, and the veto items when vetoed: 差（一票否决：X）
	GradeLabel string `json:"grade_label"` // the band's label alone
	Rank       int    `json:"rank"`
	// Veto names the veto items (一票否决) that vetoed the department, as
	// indicator paths; empty when it was not vetoed.
	Veto []string `json:"veto"`
	// Applicable and Factor, when the total was rescaled for 不适用 items
	// (按比例折算): the applicable points and total points ÷ them, so that
	// total = level-1 scores of the positive items × factor + deducted.
	Applicable string `json:"applicable,omitempty"`
	Factor     string `json:"factor,omitempty"`
	// Deducted is the sum of the deduction items' scores (调节项), shown
	// apart from the rates; empty when there are none.
	Deducted   string            `json:"deducted,omitempty"`
	Level1     []Level1Report    `json:"level1"`
	Deductions []DeductionReport `json:"deductions"`
}

// Level1Report is one level-1 indicator of a department. Score is the
// not-applicable label and Rate is empty when every leaf below is 不适用;
// Rate is empty when the indicator has no positive weight.
//
// Weight is the applicable weight (不适用 leaves left out), so that the
// rate is the score of the positive items ÷ Weight; Declared is the
// declared weight when it differs. Rate is over the positive items only,
// never below 0 % or above 100 %; Deducted is the deduction items' sum.
type Level1Report struct {
	Name     string `json:"name"`
	Weight   string `json:"weight"`
	Declared string `json:"declared,omitempty"`
	Score    string `json:"score"`
	Rate     string `json:"rate"`
	Deducted string `json:"deducted,omitempty"`
}

// DeductionReport is one main deduction.
type DeductionReport struct {
	Level1 string `json:"level1"`
	Name   string `json:"name"`
	Loss   string `json:"loss"`
}

// departmentReports turns results into report entries, in rank order.
func departmentReports(results []calc.Result, s calc.Settings, notApplicable string) []DepartmentReport {
	out := []DepartmentReport{}
	for _, i := range calc.ByRank(results) {
		r := results[i]
		d := DepartmentReport{
			Name: r.Department, Sheet: r.Sheet, Total: s.FormatPoints(r.Total), Rate: s.FormatPercent(r.Rate),
			Grade: r.Grade, GradeLabel: r.GradeLabel, Rank: r.Rank, Veto: append([]string{}, r.Vetoed...),
			Level1: []Level1Report{}, Deductions: []DeductionReport{},
		}
		if !r.Factor.IsZero() && !r.Factor.Equal(decimal.NewFromInt(1)) {
			d.Applicable, d.Factor = s.FormatPoints(r.Applicable), r.Factor.Round(6).String()
		}
		if !r.Deducted.IsZero() {
			d.Deducted = s.FormatPoints(r.Deducted)
		}
		for _, nr := range r.Level1 {
			l := Level1Report{Name: nr.Indicator.Name, Weight: s.FormatPoints(nr.Indicator.ShownWeight()), Score: s.FormatPoints(nr.Score)}
			if nr.Reduced() {
				l.Weight, l.Declared = s.FormatPoints(nr.Weight), s.FormatPoints(nr.DeclaredWeight())
			}
			if !nr.Deducted.IsZero() {
				l.Deducted = s.FormatPoints(nr.Deducted)
			}
			if nr.NA {
				l.Score = notApplicable
			}
			if nr.HasRate() {
				l.Rate = s.FormatPercent(nr.Rate())
			}
			d.Level1 = append(d.Level1, l)
		}
		for _, ded := range r.Deductions {
			d.Deductions = append(d.Deductions, DeductionReport{Level1: ded.Level1, Name: ded.Name, Loss: s.FormatPoints(ded.Loss)})
		}
		out = append(out, d)
	}
	return out
}

// writeReport writes the report atomically.
func writeReport(path string, r *Report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return sheet.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}
