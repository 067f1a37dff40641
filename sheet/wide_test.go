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
	settings := calc.DefaultSettings()
	results := calc.Evaluate([]*calc.Table{tab}, settings)
	path := filepath.Join(t.TempDir(), "wide.xlsx")
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
	o := &sheetOut{name: "得分率", heights: map[int]float64{}, rows: &spool{}}
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
	return saveMarkedCols(f, path, Mark{Kind: KindResult}, w.streamed)
}
