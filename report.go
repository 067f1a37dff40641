package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/sheet"
)

// Report is the JSON document --report writes for a run (spec §5), and
// check --format json prints; docs/report.md describes every field.
// Scores, weights and rates are JSON numbers with exactly the digits shown
// in the workbooks (rates as fractions: 87.96% is 0.8796); the text shown
// is kept beside them in "shown".
type Report struct {
	Summary Summary       `json:"summary"`
	Files   []FileReport  `json:"files"`
	Skipped []skippedFile `json:"skipped"` // files found but not read, each with why
	// Batch is the run as one evaluation (spec §8): its groups of
	// departments ranked together, with statistics, and the roster check.
	Batch *BatchReport `json:"batch,omitempty"`

	uncounted bool // the run could not rank across workbooks: its departments are not counted (Summary)
}

// BatchReport is the run as one evaluation.
type BatchReport struct {
	Groups []GroupReport `json:"groups"`
	Roster *RosterReport `json:"roster,omitempty"`
}

// GroupReport is a group of departments ranked together: their tables'
// level-1 indicators, how many are ranked, and the statistics of each
// level-1 indicator's rate and of the total rate (rates as fractions).
type GroupReport struct {
	Level1     []string     `json:"level1"`
	Ranked     int          `json:"ranked"`
	Statistics []StatReport `json:"statistics"`
}

// StatReport is the rates of one level-1 indicator (or, with Total, the
// total rate) over the departments counted.
type StatReport struct {
	Name   string `json:"name"`
	Total  bool   `json:"total,omitempty"`
	Count  int    `json:"count"`
	Mean   Number `json:"mean"`
	Median Number `json:"median"`
	Min    Number `json:"min"`
	Max    Number `json:"max"`
}

// RosterReport is the roster against the departments sent.
type RosterReport struct {
	Path    string              `json:"path"`
	Missing []string            `json:"missing"` // on the roster, no workbook sent
	Unknown []RosterEntryReport `json:"unknown"` // sent, not on the roster
	Sent    []RosterEntryReport `json:"sent"`
}

// RosterEntryReport is a department and the files that carry it.
type RosterEntryReport struct {
	Name    string   `json:"name"`
	Files   []string `json:"files"`
	Similar string   `json:"similar,omitempty"` // a roster name it may be meant as
	Scored  bool     `json:"scored"`            // false: sent, but not scored (its errors, or an unreadable workbook)
}

// batchReport is the report's view of the batch.
func batchReport(b *sheet.Batch) *BatchReport {
	r := &BatchReport{Groups: []GroupReport{}}
	for _, g := range b.Groups {
		gr := GroupReport{Level1: []string{}, Ranked: g.Ranked, Statistics: []StatReport{}}
		for _, c := range g.Level1 {
			gr.Level1 = append(gr.Level1, c.Name)
		}
		s := calc.DefaultSettings()
		if len(g.Rows) > 0 {
			s = b.Files[g.Rows[0].File].Settings
		}
		for _, st := range g.Stats {
			sr := StatReport{Name: st.Name, Total: st.Total, Count: st.Count}
			if st.Count > 0 {
				sr.Mean, sr.Median, sr.Min, sr.Max = fraction(s, st.Mean), fraction(s, st.Median), fraction(s, st.Min), fraction(s, st.Max)
			}
			gr.Statistics = append(gr.Statistics, sr)
		}
		r.Groups = append(r.Groups, gr)
	}
	if c := b.Roster; c != nil {
		rr := &RosterReport{Path: c.Path, Missing: []string{}, Unknown: []RosterEntryReport{}, Sent: []RosterEntryReport{}}
		for _, e := range c.Entries {
			if e.Sent() {
				rr.Sent = append(rr.Sent, RosterEntryReport{Name: e.Name, Files: e.Files, Scored: !e.Blocked})
			} else {
				rr.Missing = append(rr.Missing, e.Name)
			}
		}
		for _, e := range c.Unknown {
			rr.Unknown = append(rr.Unknown, RosterEntryReport{Name: e.Name, Files: e.Files, Similar: e.Similar, Scored: !e.Blocked})
		}
		r.Roster = rr
	}
	return r
}

// Summary counts the run's workbooks by status and departments by grade.
type Summary struct {
	Workbooks   WorkbookCounts   `json:"workbooks"`
	Departments DepartmentCounts `json:"departments"`
	Skipped     int              `json:"skipped"`
}

// WorkbookCounts are the workbooks by status.
type WorkbookCounts struct {
	Total       int `json:"total"`
	OK          int `json:"ok"`
	Invalid     int `json:"invalid"`
	Unreadable  int `json:"unreadable"`
	Failed      int `json:"failed"`
	Interrupted int `json:"interrupted"`
}

// DepartmentCounts are the departments scored and counted, by grade label
// (a vetoed department counts under its band's label, without the veto
// note); departments blocked by their errors, and copies of a department
// counted from another file, are not counted.
type DepartmentCounts struct {
	Total   int            `json:"total"`
	ByGrade map[string]int `json:"by_grade"`
	// Uncounted: the run could not rank across workbooks (its temporary
	// rows could not be read back), so copies sent twice are not known
	// and no department is counted.
	Uncounted bool `json:"uncounted,omitempty"`
}

// summarize fills r.Summary from its files.
func (r *Report) summarize() {
	s := Summary{Departments: DepartmentCounts{ByGrade: map[string]int{}, Uncounted: r.uncounted}, Skipped: len(r.Skipped)}
	for _, f := range r.Files {
		s.Workbooks.Total++
		switch f.Status {
		case statusOK:
			s.Workbooks.OK++
		case statusInvalid:
			s.Workbooks.Invalid++
		case statusUnreadable:
			s.Workbooks.Unreadable++
		case statusFailed:
			s.Workbooks.Failed++
		case statusInterrupted:
			s.Workbooks.Interrupted++
		}
		if !r.uncounted {
			f.countedGrades(func(label string) {
				s.Departments.Total++
				s.Departments.ByGrade[label]++
			})
		}
	}
	r.Summary = s
}

// Number is a decimal as a JSON number, written with exactly its digits
// ("87.96", never 87.95999…); "" is null.
type Number string

// MarshalJSON writes the number's text as it is, or null.
func (n Number) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("null"), nil
	}
	return []byte(n), nil
}

// UnmarshalJSON reads a number or null.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = ""
		return nil
	}
	var v json.Number
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*n = Number(v)
	return nil
}

// points is d rounded as the workbooks show it, as a number.
func points(s calc.Settings, d decimal.Decimal) Number { return Number(s.FormatPoints(d)) }

// fraction is a rate rounded as the workbooks show it (87.96%), as a
// fraction (0.8796).
func fraction(s calc.Settings, rate decimal.Decimal) Number {
	return Number(s.Percent(rate).Shift(-2).StringFixed(s.Decimals + 2))
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

	// Without --report, once the file is printed and logged, run keeps
	// only counts of it (compact): how many departments it had, the grade
	// labels of those counted in the run, and the problems added later
	// (sent twice) that were printed but not kept.
	compacted                      bool
	departments                    int
	counted                        []string
	droppedErrors, droppedWarnings int
	// With --report, the departments wait on disk (park) until the
	// report is written (whole).
	parked *parkedDepartments
}

// departmentCount is how many departments the file had.
func (fr FileReport) departmentCount() int {
	if fr.compacted {
		return fr.departments
	}
	return len(fr.Departments)
}

// countedGrades calls yield with the grade label of every department of
// the file scored and counted in the run.
func (fr FileReport) countedGrades(yield func(label string)) {
	if fr.compacted {
		for _, g := range fr.counted {
			yield(g)
		}
		return
	}
	for _, d := range fr.Departments {
		if d.Status == statusOK { // blocked, or counted from another file
			yield(d.GradeLabel)
		}
	}
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
	Total      Number `json:"total"`       // points, as shown: 87.96
	Rate       Number `json:"rate"`        // a fraction, as shown: 0.8796 for 87.96%
	Grade      string `json:"grade"`       // the band's label, and the veto items when vetoed: 差（一票否决：X）
	GradeLabel string `json:"grade_label"` // the band's label alone
	// Status is ok for a department scored and counted, invalid for one
	// blocked by errors in its own score cells (no scores, no rank), and
	// duplicate for a copy of a department sent again in another file of
	// the run (CountedIn), which counts from there.
	Status    string `json:"status"`
	CountedIn string `json:"counted_in,omitempty"`
	Rank      int    `json:"rank,omitempty"` // within its workbook (spec §8)
	// BatchRank is the rank among every department of the run whose table
	// has the same level-1 indicators and weights, BatchOf how many are
	// ranked there.
	BatchRank int `json:"batch_rank,omitempty"`
	BatchOf   int `json:"batch_of,omitempty"`
	// Veto names the veto items (一票否决) that vetoed the department, as
	// indicator paths; empty when it was not vetoed.
	Veto []string `json:"veto"`
	// Applicable and Factor, when the total was rescaled for 不适用 items
	// (按比例折算): the applicable points and total points ÷ them, so that
	// total = level-1 scores of the positive items × factor + deducted.
	Applicable Number `json:"applicable,omitempty"`
	Factor     Number `json:"factor,omitempty"`
	// Deducted is the sum of the deduction items' scores (调节项), shown
	// apart from the rates; absent when there are none.
	Deducted   Number            `json:"deducted,omitempty"`
	Shown      DepartmentShown   `json:"shown"`
	Level1     []Level1Report    `json:"level1"`
	Deductions []DeductionReport `json:"deductions"`
}

// DepartmentShown are a department's numbers as the workbooks show them.
type DepartmentShown struct {
	Total      string `json:"total"` // 87.96
	Rate       string `json:"rate"`  // 87.96%
	Applicable string `json:"applicable,omitempty"`
	Deducted   string `json:"deducted,omitempty"`
}

// Level1Report is one level-1 indicator of a department. Score is null
// (shown as the not-applicable label) when every leaf below is 不适用;
// Rate is null when the indicator has no positive weight or no score.
//
// Weight is the applicable weight (不适用 leaves left out), so that the
// rate is the score of the positive items ÷ Weight; Declared is the
// declared weight when it differs. Score is that of the positive items
// where deduction items sit inside the indicator (as the workbooks show
// it), and Deducted the deduction items' sum; Rate is over the positive
// items only, never below 0 or above 1.
type Level1Report struct {
	Name     string      `json:"name"`
	Weight   Number      `json:"weight"`
	Declared Number      `json:"declared,omitempty"`
	Score    Number      `json:"score"`
	Rate     Number      `json:"rate"`
	Deducted Number      `json:"deducted,omitempty"`
	Shown    Level1Shown `json:"shown"`
}

// Level1Shown are a level-1 indicator's numbers as the workbooks show
// them; Score is the not-applicable label (不适用) when every leaf is.
type Level1Shown struct {
	Weight   string `json:"weight"`
	Declared string `json:"declared,omitempty"`
	Score    string `json:"score"`
	Rate     string `json:"rate"` // "" when there is no rate
	Deducted string `json:"deducted,omitempty"`
}

// DeductionReport is one main deduction: Loss points lost, a number.
type DeductionReport struct {
	Level1 string         `json:"level1"`
	Name   string         `json:"name"`
	Loss   Number         `json:"loss"`
	Shown  DeductionShown `json:"shown"`
}

// DeductionShown is a deduction's loss as shown.
type DeductionShown struct {
	Loss string `json:"loss"`
}

// departmentReports turns results into report entries, in rank order.
func departmentReports(results []calc.Result, s calc.Settings, notApplicable string) []DepartmentReport {
	out := []DepartmentReport{}
	for _, i := range calc.ByRank(results) {
		r := results[i]
		d := DepartmentReport{
			Name: r.Department, Sheet: r.Sheet, Total: points(s, r.Total), Rate: fraction(s, r.Rate),
			Grade: r.Grade, GradeLabel: r.GradeLabel, Status: statusOK, Rank: r.Rank, Veto: append([]string{}, r.Vetoed...),
			Shown:  DepartmentShown{Total: s.FormatPoints(r.Total), Rate: s.FormatPercent(r.Rate)},
			Level1: []Level1Report{}, Deductions: []DeductionReport{},
		}
		if sheet.Rescaled(r) {
			d.Applicable, d.Factor = points(s, r.Applicable), Number(r.Factor.Round(6).String())
			d.Shown.Applicable = s.FormatPoints(r.Applicable)
		}
		if !r.Deducted.IsZero() {
			d.Deducted, d.Shown.Deducted = points(s, r.Deducted), s.FormatPoints(r.Deducted)
		}
		for _, nr := range r.Level1 {
			weight := nr.Indicator.ShownWeight()
			score := sheet.ShownScore(nr) // the positive items', as the workbooks show it: the deductions are in deducted
			l := Level1Report{Name: nr.Indicator.Name, Weight: points(s, weight), Score: points(s, score)}
			l.Shown = Level1Shown{Weight: s.FormatPoints(weight), Score: s.FormatPoints(score)}
			if nr.Reduced() {
				l.Weight, l.Declared = points(s, nr.Weight), points(s, nr.DeclaredWeight())
				l.Shown.Weight, l.Shown.Declared = s.FormatPoints(nr.Weight), s.FormatPoints(nr.DeclaredWeight())
			}
			if !nr.Deducted.IsZero() {
				l.Deducted, l.Shown.Deducted = points(s, nr.Deducted), s.FormatPoints(nr.Deducted)
			}
			if nr.NA {
				l.Score, l.Shown.Score = "", notApplicable
			}
			if nr.HasRate() {
				l.Rate, l.Shown.Rate = fraction(s, nr.Rate()), s.FormatPercent(nr.Rate())
			}
			d.Level1 = append(d.Level1, l)
		}
		for _, ded := range r.Deductions() {
			d.Deductions = append(d.Deductions, DeductionReport{Level1: ded.Level1, Name: ded.Name, Loss: points(s, ded.Loss), Shown: DeductionShown{Loss: s.FormatPoints(ded.Loss)}})
		}
		out = append(out, d)
	}
	return out
}

// blockedReports are the report entries of departments blocked by their
// own errors: a name and a status, no scores and no rank.
func blockedReports(blocked []calc.Blocked) []DepartmentReport {
	out := []DepartmentReport{}
	for _, b := range blocked {
		out = append(out, DepartmentReport{Name: b.Department, Sheet: b.Sheet, Status: statusInvalid, Veto: []string{}, Level1: []Level1Report{}, Deductions: []DeductionReport{}})
	}
	return out
}

// setBatchRanks gives a file's departments their rank in the run, and
// marks the copies counted from another file.
func setBatchRanks(fr *FileReport, bf sheet.BatchFile) {
	if fr.compacted { // only the tally is left to show: the grades of those counted
		if fr.parked != nil { // and, once read back, the report
			fr.parked.ranks = &bf
		}
		fr.counted = nil
		for _, bd := range bf.Departments {
			if bd.Counted() {
				fr.counted = append(fr.counted, bd.Band)
			}
		}
		return
	}
	type key struct{ sheet, name string }
	type run struct {
		rank, of  int
		countedIn string
	}
	byName := make(map[key]run, len(bf.Departments)) // a name twice on a sheet: the last one's rank, the last copy's file
	for _, bd := range bf.Departments {
		k := key{bd.Sheet, bd.Name}
		r := byName[k]
		r.rank, r.of = bd.BatchRank, bd.BatchOf
		if bd.CountedIn != "" {
			r.countedIn = bd.CountedIn
		}
		byName[k] = r
	}
	for i := range fr.Departments {
		d := &fr.Departments[i]
		d.BatchRank, d.BatchOf = 0, 0
		r, ok := byName[key{d.Sheet, d.Name}]
		if !ok {
			continue
		}
		d.BatchRank, d.BatchOf = r.rank, r.of
		if r.countedIn != "" {
			d.Status, d.CountedIn = "duplicate", r.countedIn
		}
	}
}

// spooledReport writes the report to a temporary file in dir, then to
// stdout; done is false when the temporary file could not be made or
// written.
func spooledReport(stdout io.Writer, r *Report, dir string) (done bool, err error) {
	spool, err := os.CreateTemp(dir, sheet.TempPattern())
	if err != nil {
		return false, nil
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	w := &errWriter{w: spool}
	if err := encodeReport(w, r); err != nil {
		return w.err == nil, err // the spool's own failure: not done
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return false, nil
	}
	_, err = io.Copy(stdout, spool)
	return true, err
}

// errWriter is w that keeps its first error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// parked reports whether a file of r has its departments on disk.
func (r *Report) parked() bool {
	for i := range r.Files {
		if r.Files[i].parked != nil {
			return true
		}
	}
	return false
}

// encodeReport writes the report, with its summary, as indented JSON:
// what json.Encoder with a two-space indent writes, a file at a time,
// so that a run's report (55 MB for 500 workbooks) is never held whole
// in memory, twice over with its indentation.
func encodeReport(w io.Writer, r *Report) error {
	r.summarize()
	if r.Skipped == nil {
		r.Skipped = []skippedFile{}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	// value writes v as a member of an object or array indented by
	// prefix, then a comma unless it is the last: by indentJSON, or by
	// json what indentJSON does not write.
	var buf []byte
	value := func(prefix string, v any, last bool) error {
		var ok bool
		if buf, ok = indentJSON(buf[:0], v, prefix); !ok {
			b, err := json.MarshalIndent(v, prefix, "  ")
			if err != nil {
				return err
			}
			buf = append(buf[:0], b...)
		}
		if !last {
			buf = append(buf, ',')
		}
		bw.Write(append(buf, '\n'))
		return nil
	}
	bw.WriteString("{\n  \"summary\": ")
	if err := value("  ", r.Summary, false); err != nil {
		return err
	}
	bw.WriteString(`  "files": `)
	if len(r.Files) == 0 {
		if err := value("  ", r.Files, false); err != nil { // [] or null
			return err
		}
	} else {
		bw.WriteString("[\n")
		for i := range r.Files {
			f, err := r.Files[i].whole() // its departments read back, when parked
			if err != nil {
				return err
			}
			bw.WriteString("    ")
			if err := value("    ", f, i == len(r.Files)-1); err != nil {
				return err
			}
		}
		bw.WriteString("  ],\n")
	}
	bw.WriteString(`  "skipped": `)
	if err := value("  ", r.Skipped, r.Batch == nil); err != nil {
		return err
	}
	if r.Batch != nil {
		bw.WriteString(`  "batch": `)
		if err := value("  ", r.Batch, true); err != nil {
			return err
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// writeReport writes the report atomically to path, or to stdout when
// path is "-". When its departments are read back from disk as it is
// written, which can fail midway, the report for stdout is spooled
// first in the system's temporary folder, else in tmpDir (the run's), so
// that stdout gets all of it or nothing; only when neither can be
// written does it go straight to stdout.
func writeReport(path string, stdout io.Writer, r *Report, tmpDir string) error {
	if path == "-" {
		if r.parked() {
			dirs := []string{""} // the system's temporary folder, then the run's
			if tmpDir != "" {
				dirs = append(dirs, tmpDir)
			}
			for _, dir := range dirs {
				if done, err := spooledReport(stdout, r, dir); done {
					return err
				}
			}
		}
		return encodeReport(stdout, r)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return sheet.WriteAtomic(path, func(w io.Writer) error {
		return encodeReport(w, r)
	})
}
