package sheet

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// TestWideRates: 20,000 departments of a two-level tree fit no sheet side
// by side (40,003 columns); 得分率 lays them in blocks down the rows, no
// column past XFD, and every department's total is there.
func TestWideRates(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 departments")
	}
	tab := &calc.Table{Sheet: "指标"}
	tab.Add([]string{"决策"}, "目标", decimal.NewFromInt(60), 2)
	tab.Add([]string{"决策"}, "过程", decimal.NewFromInt(40), 3)
	const n = 20000
	for i := range n {
		tab.Departments = append(tab.Departments, calc.Department{
			Name:   fmt.Sprintf("部门%05d", i+1),
			Scores: []calc.Score{{Value: decimal.NewFromInt(int64(i % 61))}, {Value: decimal.NewFromInt(40)}},
		})
	}
	rows := ratesRows(t, tab)
	totals := 0
	for _, row := range rows {
		if len(row) > maxColumns {
			t.Fatalf("a row of %d columns", len(row))
		}
		if len(row) > 0 && row[0] == LabelsFor("zh").TotalRow {
			totals += (len(row) - 3) / 2 // level 1, level 2, weight, then score and rate per department
		}
	}
	if totals != n {
		t.Errorf("得分率 shows %d departments' totals, want %d", totals, n)
	}
}

// TestSheetLimit: a sheet that would pass Excel's limits is an error
// naming them, not a damaged file.
func TestSheetLimit(t *testing.T) {
	o := &sheetOut{name: "得分率", heights: map[int]float64{}, rows: newRowSink("")}
	if err := o.put(maxColumns+1, 1, 1.0, 0); !errors.Is(err, ErrSheetLimit) {
		t.Errorf("column past XFD: %v", err)
	}
	if err := o.put(1, maxRows+1, 1.0, 0); !errors.Is(err, ErrSheetLimit) {
		t.Errorf("row past 1,048,576: %v", err)
	}
}

// writeRatesOnly writes only 得分率 of results to a new workbook.
func writeRatesOnly(path string, s calc.Settings, results []calc.Result) error {
	f := excelize.NewFile()
	defer f.Close()
	w, err := newWriter(f, "zh", s)
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.rates("得分率", results); err != nil {
		return err
	}
	return saveMarkedCols(f, path, Mark{Kind: KindResult}, w.streamed, w.tmpDir)
}

// TestRatesSpooled: 得分率 written through spools that overflow into
// temporary files at once (the sheet's rows and its compressed part)
// reads back with each department's own score and rate, equal results
// made once and written for each, and leaves no temporary file behind.
func TestRatesSpooled(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	defer func(n int) { spoolMemory = n }(spoolMemory)
	spoolMemory = 16
	tab := &calc.Table{Sheet: "指标"}
	tab.Add([]string{"决策"}, "目标", decimal.NewFromInt(60), 2)
	tab.Add([]string{"决策"}, "过程", decimal.NewFromInt(40), 3)
	for i, s := range [][2]string{{"45", "40"}, {"45", "40"}, {"59.5", "不适用"}, {"45", "30"}} {
		d := calc.Department{Name: fmt.Sprintf("部门%d", i+1)}
		for _, v := range s {
			if v == "不适用" {
				d.Scores = append(d.Scores, calc.Score{NA: true})
			} else {
				d.Scores = append(d.Scores, calc.Score{Value: decimal.RequireFromString(v)})
			}
		}
		tab.Departments = append(tab.Departments, d)
	}
	rows := ratesRows(t, tab)
	// Columns: 一级, 二级, 分值, then 得分 and 得分率 of 部门1..4.
	want := map[string][]string{
		"决策": {"85.00", "85.00%", "85.00", "85.00%", "59.50", "99.17%", "75.00", "75.00%"},
		"目标": {"45.00", "75.00%", "45.00", "75.00%", "59.50", "99.17%", "45.00", "75.00%"},
		"过程": {"40.00", "100.00%", "40.00", "100.00%", "不适用", "", "30.00", "75.00%"},
	}
	seen := 0
	for _, row := range rows {
		for _, name := range row[:min(2, len(row))] {
			w, ok := want[name]
			if !ok || len(row) < 3 {
				continue
			}
			seen++
			got := append(row[3:], make([]string, 8)...)[:8]
			for k := range w {
				if got[k] != w[k] {
					t.Errorf("%s: column %d is %q, want %q (row %q)", name, 4+k, got[k], w[k], row)
				}
			}
		}
	}
	if seen != 3 {
		t.Errorf("found %d of 3 indicator rows: %q", seen, rows)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// ratesRows computes tab's departments with the default settings, writes
// 得分率 alone and reads its rows back.
func ratesRows(t *testing.T, tab *calc.Table) [][]string {
	t.Helper()
	settings := calc.DefaultSettings()
	results := calc.Evaluate([]*calc.Table{tab}, settings)
	path := filepath.Join(t.TempDir(), "rates.xlsx")
	if err := writeRatesOnly(path, settings, results); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("得分率")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestSpoolsInTmpDir: with the system's temporary folder unusable, the
// batch summary spools its large sheets in the folder it is given (the
// run's), writes, and leaves nothing there.
func TestSpoolsInTmpDir(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	defer func(n int) { spoolMemory = n }(spoolMemory)
	spoolMemory = 16
	b := batchOf([]string{"0.9", "0.8", "0.7"})
	b.TmpDir = t.TempDir()
	path := filepath.Join(t.TempDir(), "批量汇总.xlsx")
	if err := WriteBatchSummary(path, "zh", b); err != nil {
		t.Fatalf("with its own temporary folder: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(b.TmpDir, "*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	b.TmpDir = ""
	if err := WriteBatchSummary(path, "zh", b); err == nil {
		t.Error("spooled in a missing system folder without an error")
	}
}
