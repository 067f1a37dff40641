package sheet

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// BenchmarkDepartmentStart: a per-department workbook's start, from the
// blank (newBlankBook) and as it was made before (excelize.NewFile,
// newWriter, setFont).
func BenchmarkDepartmentStart(b *testing.B) {
	s := calc.DefaultSettings()
	b.Run("blank", func(b *testing.B) {
		for b.Loop() {
			f, w, _, err := newBlankBook("zh", s)
			if err != nil {
				b.Fatal(err)
			}
			w.close()
			f.Close()
		}
	})
	b.Run("newfile", func(b *testing.B) {
		for b.Loop() {
			f := excelize.NewFile()
			w, err := newWriter(f, "zh", s)
			if err != nil {
				b.Fatal(err)
			}
			if err := setFont(f, w.L.Font); err != nil {
				b.Fatal(err)
			}
			w.close()
			f.Close()
		}
	})
}

// BenchmarkWriteDepartment: one department's workbook of 40 leaves under
// four level-1 indicators, as --split writes it.
func BenchmarkWriteDepartment(b *testing.B) {
	tab := &calc.Table{Sheet: "指标"}
	var scores []calc.Score
	for i := range 4 {
		l1 := fmt.Sprintf("一级%d", i+1)
		for j := range 10 {
			tab.Add([]string{l1}, fmt.Sprintf("指标%d-%d", i+1, j+1), decimal.RequireFromString("2.5"), 3+i*11+j)
			scores = append(scores, calc.Score{Value: decimal.NewFromInt(int64(1 + (i+j)%3))})
		}
	}
	tab.Departments = []calc.Department{{Name: "部门A", Scores: scores}, {Name: "部门B", Scores: scores}}
	s := calc.DefaultSettings()
	results := calc.Evaluate([]*calc.Table{tab}, s)
	path := filepath.Join(b.TempDir(), "d.xlsx")
	stamp := time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)
	for b.Loop() {
		if err := WriteDepartment(path, Department{Lang: "zh", Settings: s, Result: results[0], Of: 2, Time: stamp}); err != nil {
			b.Fatal(err)
		}
	}
}
