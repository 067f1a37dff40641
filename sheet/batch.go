package sheet

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// BatchFile is one input of a batch run, as the batch summary lists it.
type BatchFile struct {
	Path      string
	Status    string // ok, invalid, unreadable, failed or interrupted
	Errors    int
	Warnings  int
	Output    string
	Annotated string
	SplitDir  string
	Settings  calc.Settings
	Rows      BatchRows // of an ok workbook
}

// BatchRows is what the batch summary shows of one workbook's departments,
// in rank order: only their level-1 scores and rates, totals, grades and
// ranks, so that a run holds this much per workbook, not its results.
type BatchRows struct {
	columns []level1Column
	rows    []scoreRow
}

// NewBatchRows keeps of a workbook's results what the batch summary shows.
func NewBatchRows(results []calc.Result) BatchRows {
	b := BatchRows{columns: level1Columns(results), rows: make([]scoreRow, 0, len(results))}
	for _, i := range calc.ByRank(results) {
		b.rows = append(b.rows, newScoreRow(results[i]))
	}
	return b
}

// Len is the number of departments.
func (b BatchRows) Len() int { return len(b.rows) }

// WriteBatchSummary writes, atomically at path, the summary of a batch
// run: every department of every workbook (file, sheet, department,
// level-1 scores and rates, total, rate, grade, rank within its workbook),
// every input file with its status, problem counts and outputs, and the
// grade distribution with a chart.
func WriteBatchSummary(path, lang string, files []BatchFile) (err error) {
	defer recoverWrite(&err)
	f := excelize.NewFile()
	defer f.Close()
	L := LabelsFor(lang)
	base, err := newWriter(f, lang, calc.DefaultSettings())
	if err != nil {
		return err
	}
	defer base.close()
	// One writer per number of decimals (workbooks may show 1 or 2), all
	// sizing the same columns.
	writers := map[int32]*writer{base.s.Decimals: base}
	writerFor := func(s calc.Settings) (*writer, error) {
		w, ok := writers[s.Decimals]
		if !ok {
			if w, err = newWriter(f, lang, s); err != nil {
				return nil, err
			}
			w.widths = base.widths
			writers[s.Decimals] = w
		}
		w.s = s
		return w, nil
	}

	// Departments, written row by row.
	depts := L.BatchDepartments
	if err := f.SetSheetName("Sheet1", depts); err != nil {
		return err
	}
	var l1 []level1Column // every workbook's level-1 indicators, in order of first appearance
	seen := map[string]bool{}
	for _, bf := range files {
		for _, c := range bf.Rows.columns {
			if !seen[c.name] {
				seen[c.name] = true
				l1 = append(l1, c)
			}
		}
	}
	headers := []string{L.File, L.Sheet, L.Department}
	for _, c := range l1 {
		headers = append(headers, c.name+L.ScoreSuffix, c.name+L.RateSuffix)
	}
	headers = append(headers, L.Total, L.Rate, L.Grade, L.Rank)
	grades := map[string]int{}
	var gradeOrder []string
	layout := func() error {
		if err := base.setTitle(depts, "A1", L.BatchTitle); err != nil {
			return err
		}
		for i, h := range headers {
			if err := base.set(depts, i+1, 2, h, base.header); err != nil {
				return err
			}
		}
		row := 3
		clear(grades)
		gradeOrder = gradeOrder[:0]
		for _, bf := range files {
			w, err := writerFor(bf.Settings)
			if err != nil {
				return err
			}
			w.out = base.out
			for _, r := range bf.Rows.rows {
				for col, v := range []string{bf.Path, r.sheet, r.department} {
					if err := w.set(depts, col+1, row, v, w.text); err != nil {
						return err
					}
				}
				next, err := w.scoreCells(depts, row, 4, l1, r)
				if err != nil {
					return err
				}
				if err := w.set(depts, next, row, r.rank, w.text); err != nil {
					return err
				}
				if _, seen := grades[r.band]; !seen {
					gradeOrder = append(gradeOrder, r.band)
				}
				grades[r.band]++
				row++
			}
			if w != base {
				w.out = nil
			}
		}
		return base.setPanes(depts, &excelize.Panes{Freeze: true, XSplit: 3, YSplit: 2, TopLeftCell: "D3", ActivePane: "bottomRight"})
	}
	if err := base.stream(depts, layout, func(measured map[int]float64) []colRange { return widthRanges(measured, 40) }); err != nil {
		return err
	}

	// Files.
	filesSheet := L.BatchFiles
	if _, err := f.NewSheet(filesSheet); err != nil {
		return err
	}
	for i, h := range []string{L.File, L.Status, L.Count, L.Errors, L.Warnings, L.Output, L.Annotated, L.Split} {
		if err := base.set(filesSheet, i+1, 1, h, base.header); err != nil {
			return err
		}
	}
	status := map[string]string{"ok": L.StatusOK, "invalid": L.StatusInvalid, "unreadable": L.StatusUnreadable,
		"failed": L.StatusFailed, "interrupted": L.StatusInterrupted}
	for i, bf := range files {
		r := i + 2
		values := []any{bf.Path, status[bf.Status], bf.Rows.Len(), bf.Errors, bf.Warnings, bf.Output, bf.Annotated, bf.SplitDir}
		for col, v := range values {
			if err := base.set(filesSheet, col+1, r, v, base.text); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(filesSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := base.applyWidths(filesSheet, 60); err != nil {
		return err
	}

	// Grade distribution, best grade first.
	gradesSheet := L.BatchGrades
	if _, err := f.NewSheet(gradesSheet); err != nil {
		return err
	}
	if err := base.set(gradesSheet, 1, 1, L.Grade, base.header); err != nil {
		return err
	}
	if err := base.set(gradesSheet, 2, 1, L.Count, base.header); err != nil {
		return err
	}
	for i, g := range OrderGrades(gradeOrder) {
		if err := base.set(gradesSheet, 1, i+2, g, base.text); err != nil {
			return err
		}
		if err := base.set(gradesSheet, 2, i+2, grades[g], base.text); err != nil {
			return err
		}
	}
	if len(gradeOrder) > 0 {
		quoted := "'" + gradesSheet + "'!"
		last := len(gradeOrder) + 1
		err := f.AddChart(gradesSheet, "D2", &excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{{
				Name:       quoted + "$B$1",
				Categories: fmt.Sprintf("%s$A$2:$A$%d", quoted, last),
				Values:     fmt.Sprintf("%s$B$2:$B$%d", quoted, last),
			}},
			Title:    excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: L.BatchGrades}}},
			Legend:   excelize.ChartLegend{Position: "none"},
			PlotArea: excelize.ChartPlotArea{ShowVal: true},
		})
		if err != nil {
			return err
		}
	}
	if err := base.applyWidths(gradesSheet, 20); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return saveMarkedCols(f, path, Mark{Kind: KindBatchSummary}, base.streamed)
}

// OrderGrades puts grade labels best first: the usual grade words in
// their order (优 before 良, Excellent before Good, …), then any other
// labels in the order given.
func OrderGrades(labels []string) []string {
	known := []string{"优", "优秀", "良", "良好", "中", "中等", "合格", "及格", "一般", "差", "较差", "不合格", "不及格",
		"Excellent", "Good", "Fair", "Pass", "Poor", "Fail", "A", "B", "C", "D", "E"}
	seen := map[string]bool{}
	for _, l := range labels {
		seen[l] = true
	}
	var out []string
	for _, k := range known {
		if seen[k] {
			out = append(out, k)
			delete(seen, k)
		}
	}
	for _, l := range labels {
		if seen[l] {
			out = append(out, l)
			delete(seen, l)
		}
	}
	return out
}
