package calc_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"perfeval/calc"
)

// The seed report's score table: five level-1 indicators, rounded by
// truncation as the report was.
func ExampleEvaluate() {
	t := &calc.Table{Sheet: "指标"}
	weights := []string{"16", "12", "64", "5", "3"}
	scores := []string{"14.23", "12", "54.43", "4.6", "2.7"}
	names := []string{"管理效率", "运行成本", "履职效能", "服务满意度", "可持续性"}
	d := calc.Department{Name: "市政数局"}
	for i, name := range names {
		t.Add([]string{name}, name+"指标", decimal.RequireFromString(weights[i]), i+2)
		d.Scores = append(d.Scores, calc.Score{Value: decimal.RequireFromString(scores[i])})
	}
	t.Departments = []calc.Department{d}

	s := calc.DefaultSettings()
	s.Rounding = calc.Truncate
	r := calc.Evaluate([]*calc.Table{t}, s)[0]
	for _, l1 := range r.Level1 {
		fmt.Println(l1.Indicator.Name, s.FormatPoints(l1.Score), s.FormatPercent(l1.Rate()))
	}
	fmt.Println(s.FormatPoints(r.Total), s.FormatPercent(r.Rate), r.Grade, r.Rank)
	// Output:
	// 管理效率 14.23 88.93%
	// 运行成本 12.00 100.00%
	// 履职效能 54.43 85.04%
	// 服务满意度 4.60 92.00%
	// 可持续性 2.70 90.00%
	// 87.96 87.96% 良 1
}
