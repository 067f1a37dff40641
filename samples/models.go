package samples

import (
	"github.com/shopspring/decimal"

	"perfeval/sheet"
)

// This file holds the samples of the scoring models (spec part two, §7),
// below samples/models/ so that `perfeval run samples` is unchanged:
//
//   - models/kpi-weighted.xlsx: a KPI form whose weights are percentages
//     (level-1 shares formatted as percentages, leaf shares typed as text
//     "15%"), scores out of 100, and 计分方式 = 权重.
//   - models/rubric-coefficient.xlsx: a rubric of 150 points whose scores
//     are coefficients of the weights (0 to 1), 计分方式 = 系数.
//   - models/veto.xlsx: a points table with a 指标类型 column and a veto
//     item (一票否决): one department vetoed, one passed.

// ModelLeaf is one leaf of a model sample: its level-1 indicator and that
// indicator's share (weighted model only), its name and weight, and one
// score per department.
type ModelLeaf struct {
	L1, L1Share, Name, Weight string
	Scores                    []string
}

// KPIWeightedUnits are the departments of models/kpi-weighted.xlsx.
var KPIWeightedUnits = []string{"销售部", "研发部", "行政部"}

// KPIWeightedTree is models/kpi-weighted.xlsx: level-1 shares 30 %, 50 %,
// 20 %; leaf shares within each level-1 indicator adding up to it; scores
// out of 100 (研发部's 客户投诉处理 is 不适用).
var KPIWeightedTree = []ModelLeaf{
	{"财务指标", "30%", "收入完成率", "15%", []string{"95", "80", "100"}},
	{"财务指标", "30%", "成本控制率", "10%", []string{"88", "92", "90"}},
	{"财务指标", "30%", "回款率", "5%", []string{"100", "70", "85"}},
	{"客户指标", "50%", "客户满意度", "25%", []string{"90", "85", "78"}},
	{"客户指标", "50%", "新客户数量", "15%", []string{"82", "60", "75"}},
	{"客户指标", "50%", "客户投诉处理", "10%", []string{"100", "不适用", "95"}},
	{"内部管理", "20%", "制度执行", "12%", []string{"90", "95", "100"}},
	{"内部管理", "20%", "培训完成", "8%", []string{"75", "100", "60"}},
}

// KPIWeighted is models/kpi-weighted.xlsx.
func KPIWeighted() sheet.Spec {
	rows := [][]any{
		{"2025年度部门绩效考核表（权重制）"},
		{"考核维度", "维度权重", "考核指标", "权重", "评分标准", KPIWeightedUnits[0], KPIWeightedUnits[1], KPIWeightedUnits[2]},
	}
	for i, l := range KPIWeightedTree {
		row := []any{nil, nil, l.Name, l.Weight, "百分制评分"}
		if i == 0 || KPIWeightedTree[i-1].L1 != l.L1 {
			row[0] = l.L1
			row[1] = sheet.Formatted{Value: percentValue(l.L1Share), NumFmt: "0%"}
		}
		for _, s := range l.Scores {
			row = append(row, numberOrText(s))
		}
		rows = append(rows, row)
	}
	return sheet.Spec{Sheets: []sheet.SheetSpec{
		{Name: "考核表", Rows: rows, Merges: [][2]string{{"A1", "H1"}}, Widths: map[string]float64{"A": 12, "C": 16, "E": 14}},
		{Name: "设置", Rows: [][]any{{"项目", "值"}, {"计分方式", "权重"}, {"得分满分", 100}, {"年度", "2025"}}},
	}}
}

// KPIWeightedTotal computes a department's total (column k) the way spec
// §7 states it, independently of perfeval: an indicator's points are its
// parent's points × its share ÷ its siblings' shares (level 1 sharing
// 100), a leaf scores points × score ÷ 100, and 不适用 leaves are rescaled
// out (total = 100 × score sum ÷ applicable points).
func KPIWeightedTotal(k int) decimal.Decimal {
	l1Share := map[string]decimal.Decimal{}
	l1Leaves := map[string]decimal.Decimal{}
	var l1Sum decimal.Decimal
	for _, l := range KPIWeightedTree {
		if _, ok := l1Share[l.L1]; !ok {
			l1Share[l.L1] = percentValue(l.L1Share)
			l1Sum = l1Sum.Add(percentValue(l.L1Share))
		}
		l1Leaves[l.L1] = l1Leaves[l.L1].Add(percentValue(l.Weight))
	}
	var score, applicable decimal.Decimal
	for _, l := range KPIWeightedTree {
		points := hundred.Mul(l1Share[l.L1]).Div(l1Sum).Mul(percentValue(l.Weight)).Div(l1Leaves[l.L1])
		s := l.Scores[k]
		if s == "不适用" {
			continue
		}
		applicable = applicable.Add(points)
		score = score.Add(points.Mul(d(s)).Div(hundred))
	}
	return score.Mul(hundred).Div(applicable)
}

// RubricCoefficientUnits are the teams of models/rubric-coefficient.xlsx.
var RubricCoefficientUnits = []string{"Team A", "Team B"}

// RubricCoefficientTree is models/rubric-coefficient.xlsx: 150 points,
// scores are coefficients from 0 to 1 (points = weight × score).
var RubricCoefficientTree = []ModelLeaf{
	{"Correctness", "", "Results match the plan", "40", []string{"0.9", "0.75"}},
	{"Correctness", "", "Figures are traceable", "30", []string{"1", "0.6"}},
	{"Clarity", "", "Report is readable", "25", []string{"0.8", "0.9"}},
	{"Clarity", "", "Charts are labelled", "15", []string{"0.7", "1"}},
	{"Timeliness", "", "Submitted on time", "25", []string{"1", "0.5"}},
	{"Timeliness", "", "Corrections on time", "15", []string{"0.85", "0.4"}},
}

// RubricCoefficient is models/rubric-coefficient.xlsx.
func RubricCoefficient() sheet.Spec {
	rows := [][]any{{"Category", "Criterion", "Points", RubricCoefficientUnits[0], RubricCoefficientUnits[1]}}
	for i, l := range RubricCoefficientTree {
		row := []any{nil, l.Name, d(l.Weight)}
		if i == 0 || RubricCoefficientTree[i-1].L1 != l.L1 {
			row[0] = l.L1
		}
		for _, s := range l.Scores {
			row = append(row, d(s))
		}
		rows = append(rows, row)
	}
	rows = append(rows, []any{"Total", nil, 150})
	return sheet.Spec{Sheets: []sheet.SheetSpec{
		{Name: "Rubric", Rows: rows, Widths: map[string]float64{"A": 14, "B": 26}},
		{Name: "Settings", Rows: [][]any{{"Scoring", "coefficient"}, {"Total points", 150}, {"Year", "2025"}}},
	}}
}

// RubricCoefficientTotal is team k's total: the sum of weight × score.
func RubricCoefficientTotal(k int) decimal.Decimal {
	var total decimal.Decimal
	for _, l := range RubricCoefficientTree {
		total = total.Add(d(l.Weight).Mul(d(l.Scores[k])))
	}
	return total
}

// VetoUnits are the departments of models/veto.xlsx; VetoItem is its veto
// item, which vetoes 市交通局.
var (
	VetoUnits = []string{"市卫健委", "市交通局"}
	VetoItem  = "重大安全责任事故"
)

// VetoTree is models/veto.xlsx's scored leaves (points).
var VetoTree = []ModelLeaf{
	{"决策", "", "目标设定", "20", []string{"18", "19"}},
	{"过程", "", "资金管理", "30", []string{"25", "29"}},
	{"产出", "", "完成情况", "50", []string{"42", "48"}},
}

// Veto is models/veto.xlsx: a points table with a 指标类型 column; the
// veto item's weight cell says 一票否决 and its type 否决项.
func Veto() sheet.Spec {
	rows := [][]any{{"一级指标", "二级指标", "分值", "指标类型", VetoUnits[0], VetoUnits[1]}}
	for _, l := range VetoTree {
		rows = append(rows, []any{l.L1, l.Name, d(l.Weight), "共性指标", d(l.Scores[0]), d(l.Scores[1])})
	}
	rows = append(rows, []any{"否决事项", VetoItem, "一票否决", "否决项", "通过", "否决"})
	return sheet.Spec{Sheets: []sheet.SheetSpec{
		{Name: "评分表", Rows: rows, Widths: map[string]float64{"B": 18}},
		{Name: "设置", Rows: [][]any{{"项目", "值"}, {"否决处理", "最低等级"}}},
	}}
}

// VetoTotal is department k's computed total (points, the veto item aside).
func VetoTotal(k int) decimal.Decimal {
	var total decimal.Decimal
	for _, l := range VetoTree {
		total = total.Add(d(l.Scores[k]))
	}
	return total
}

// Models are the model samples, by path below samples/.
func Models() map[string]sheet.Spec {
	return map[string]sheet.Spec{
		"models/kpi-weighted.xlsx":       KPIWeighted(),
		"models/rubric-coefficient.xlsx": RubricCoefficient(),
		"models/veto.xlsx":               Veto(),
	}
}

var hundred = decimal.NewFromInt(100)

// percentValue reads "15%" as 0.15.
func percentValue(s string) decimal.Decimal {
	if len(s) > 0 && s[len(s)-1] == '%' {
		return d(s[:len(s)-1]).Div(hundred)
	}
	return d(s)
}

// numberOrText is a score: a number, or the text it is (不适用).
func numberOrText(s string) any {
	if v, err := decimal.NewFromString(s); err == nil {
		return v
	}
	return s
}
