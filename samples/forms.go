package samples

import (
	"fmt"

	"github.com/shopspring/decimal"

	"perfeval/sheet"
)

// This file holds the samples of layouts people really send (spec part
// two, §6): a national self-evaluation form sent as one workbook per
// department, a KPI form and an English rubric.

// Sum adds decimal strings exactly; "" counts as nothing.
func Sum(values ...string) decimal.Decimal {
	var s decimal.Decimal
	for _, v := range values {
		if v != "" {
			s = s.Add(d(v))
		}
	}
	return s
}

// Grade is the default band of a shown total: 优 from 90, 良 from 80, 中
// from 60, else 差; with english, Excellent, Good, Fair, Poor.
func Grade(total decimal.Decimal, english bool) string {
	labels := [4]string{"优", "良", "中", "差"}
	if english {
		labels = [4]string{"Excellent", "Good", "Fair", "Poor"}
	}
	switch {
	case total.GreaterThanOrEqual(decimal.NewFromInt(90)):
		return labels[0]
	case total.GreaterThanOrEqual(decimal.NewFromInt(80)):
		return labels[1]
	case total.GreaterThanOrEqual(decimal.NewFromInt(60)):
		return labels[2]
	}
	return labels[3]
}

// Self-evaluation form (部门整体支出绩效自评表).

// SelfEvalTree is the self-evaluation form's tree: 决策 20, 过程 30, 产出效益
// 50 over 13 leaves. Only the leaves carry weights (one 分值 column).
var SelfEvalTree = []Leaf{
	{"决策", "目标设定", "绩效目标合理性", "5", ""},
	{"决策", "目标设定", "绩效指标明确性", "5", ""},
	{"决策", "决策过程", "预算编制科学性", "5", ""},
	{"决策", "决策过程", "资金分配合理性", "5", ""},
	{"过程", "资金管理", "预算执行率", "10", ""},
	{"过程", "资金管理", "资金使用合规性", "5", ""},
	{"过程", "组织实施", "管理制度健全性", "5", ""},
	{"过程", "组织实施", "制度执行有效性", "5", ""},
	{"过程", "组织实施", "政府采购规范性", "5", ""},
	{"产出效益", "产出", "重点工作完成率", "15", ""},
	{"产出效益", "产出", "完成及时性", "10", ""},
	{"产出效益", "效益", "社会效益实现程度", "15", ""},
	{"产出效益", "效益", "服务对象满意度", "10", ""},
}

// SelfEvalUnits are the three departments that each send their own
// self-evaluation, in the order of SelfEvalFiles.
var SelfEvalUnits = []string{"市教育局", "市水利局", "市林业局"}

// SelfEvalFiles are the three workbooks, below samples/, one per unit:
// named by the file name, by a 单位名称：X cell, and by a 填报单位（盖章）：
// label with the name in a cell to its right.
var SelfEvalFiles = []string{
	"self-evaluation/市教育局.xlsx",
	"self-evaluation/自评表-水利.xlsx",
	"self-evaluation/2025自评.xlsx",
}

// SelfEvalScores are each unit's 自评得分, in tree order: one 优, one 良,
// one 中 (市林业局's 70.545 rounds half-up to 70.55).
var SelfEvalScores = map[string][]string{
	"市教育局": {"5", "4.5", "5", "4.5", "9.6", "5", "5", "4.5", "5", "14", "9.5", "13.5", "9"},
	"市水利局": {"4", "4.5", "4", "4", "8.75", "5", "4", "4", "4.5", "12.5", "8", "12", "8.3"},
	"市林业局": {"3.5", "3", "4", "3", "7.2", "4", "3.5", "3", "4", "10.5", "7", "10.5", "7.345"},
}

// SelfEvalReasons are the words some units give in 偏差原因分析及改进措施,
// by leaf index.
var SelfEvalReasons = map[string]map[int]string{
	"市教育局": {4: "部分项目资金拨付滞后，下年度按月调度支出进度"},
	"市水利局": {
		4:  "汛期工程延后开工，执行率 87.5%",
		9:  "两项重点工程跨年度实施",
		12: "满意度调查样本偏少，将扩大调查范围",
	},
	"市林业局": {
		0:  "绩效目标未细化到季度",
		4:  "预算执行率 72%，年底集中支付",
		10: "造林任务受天气影响延期",
	},
}

// SelfEvalTotal is unit's total straight from its scores, rounded half-up
// to 2 decimals.
func SelfEvalTotal(unit string) decimal.Decimal {
	return Sum(SelfEvalScores[unit]...).Round(2)
}

// selfEval is one unit's form on sheet sheetName, with the rows above rows
// (a title and, in some copies, a unit line) before the header.
func selfEval(unit, sheetName string, above ...[]any) sheet.Spec {
	rows := [][]any{{"2025年度部门整体支出绩效自评表"}}
	rows = append(rows, above...)
	rows = append(rows, []any{"一级指标", "二级指标", "三级指标", "指标解释", "分值", "评分标准", "自评得分", "偏差原因分析及改进措施"})
	first := len(rows) + 1
	scores := SelfEvalScores[unit]
	for j, l := range SelfEvalTree {
		row := []any{nil, nil, l.L3, "考察" + l.L3 + "情况", d(l.Weight), "全部达到得满分，未达到按比例扣分", d(scores[j]), SelfEvalReasons[unit][j]}
		if j == 0 || SelfEvalTree[j-1].L1 != l.L1 {
			row[0] = l.L1
		}
		if j == 0 || SelfEvalTree[j-1].L2 != l.L2 {
			row[1] = l.L2
		}
		rows = append(rows, row)
	}
	last := len(rows)
	rows = append(rows, []any{"合计", nil, nil, nil,
		sheet.CachedFormula{Expr: fmt.Sprintf("SUM(E%d:E%d)", first, last), Value: Sum(leafWeights(SelfEvalTree)...)}, nil,
		sheet.CachedFormula{Expr: fmt.Sprintf("SUM(G%d:G%d)", first, last), Value: Sum(scores...)}})
	merges := [][2]string{{"A1", "H1"}}
	merges = append(merges, groupMerges(SelfEvalTree, first, func(l Leaf) string { return l.L1 }, "A")...)
	merges = append(merges, groupMerges(SelfEvalTree, first, func(l Leaf) string { return l.L1 + "/" + l.L2 }, "B")...)
	return sheet.Spec{Sheets: []sheet.SheetSpec{{
		Name: sheetName, Rows: rows, Merges: merges,
		Widths: map[string]float64{"A": 10, "B": 12, "C": 18, "D": 24, "F": 28, "H": 36},
	}}}
}

func leafWeights(tree []Leaf) []string {
	var out []string
	for _, l := range tree {
		out = append(out, l.Weight)
	}
	return out
}

// SelfEvaluations are the three self-evaluation workbooks by path below
// samples/: 市教育局.xlsx has no unit line and the default sheet name
// Sheet1 (the unit is the file name); 自评表-水利.xlsx says
// 单位名称：市水利局 in one cell; 2025自评.xlsx has the label
// 填报单位（盖章）： with 市林业局 two cells to its right, and 单位：分 (a
// unit of measure, not a name) on the same line.
func SelfEvaluations() map[string]sheet.Spec {
	return map[string]sheet.Spec{
		SelfEvalFiles[0]: selfEval("市教育局", "Sheet1"),
		SelfEvalFiles[1]: selfEval("市水利局", "自评表", []any{"单位名称：市水利局"}),
		SelfEvalFiles[2]: selfEval("市林业局", "工作表1",
			[]any{"填报单位（盖章）：", nil, "市林业局", nil, nil, nil, "单位：分"},
			[]any{"填报日期：2025年1月20日"}),
	}
}

// KPI form.

// KPITree is the KPI form's three unnumbered levels: 考核维度, 考核内容,
// 考核要点, weighted by 标准分 on the leaves: 党建工作 20, 业务工作 50,
// 内部管理 30.
var KPITree = []Leaf{
	{"党建工作", "组织建设", "“三会一课”落实", "5", ""},
	{"党建工作", "组织建设", "党员教育管理", "5", ""},
	{"党建工作", "党风廉政", "廉政风险防控", "5", ""},
	{"党建工作", "党风廉政", "作风建设", "5", ""},
	{"业务工作", "重点任务", "年度重点任务完成率", "15", ""},
	{"业务工作", "重点任务", "重大项目推进", "10", ""},
	{"业务工作", "日常工作", "公文办理时效", "10", ""},
	{"业务工作", "日常工作", "信息报送", "5", ""},
	{"业务工作", "日常工作", "督办事项落实", "10", ""},
	{"内部管理", "财务管理", "预算执行", "10", ""},
	{"内部管理", "财务管理", "资产管理", "5", ""},
	{"内部管理", "综合管理", "安全生产", "5", ""},
	{"内部管理", "综合管理", "档案管理", "5", ""},
	{"内部管理", "综合管理", "考勤纪律", "5", ""},
}

// KPIDepartments are the KPI form's department columns.
var KPIDepartments = []string{"部门A", "部门B", "部门C"}

// KPIScores are each department's scores, in tree order.
var KPIScores = map[string][]string{
	"部门A": {"5", "5", "4.5", "5", "14", "9", "9.5", "5", "9", "9.5", "5", "5", "4.5", "4.25"},
	"部门B": {"4.5", "4", "4", "4.5", "12", "8", "8.5", "4", "8", "8.5", "4", "5", "4", "4.125"},
	"部门C": {"3", "3.5", "3", "3", "8", "5", "6", "3", "5.5", "6", "3", "4", "2.5", "2"},
}

// KPITotal is department's total straight from its scores, rounded
// half-up to 2 decimals.
func KPITotal(department string) decimal.Decimal {
	return Sum(KPIScores[department]...).Round(2)
}

// KPI is a KPI form: a title, the header, each 考核维度 followed by a 小计
// row (its weight sum and each department's score sum, as SUM formulas
// with saved values), a 得分合计 row, then a legend, a score key and a
// signature line with the year as a number in a department column.
func KPI() sheet.Spec {
	header := []any{"考核维度", "考核内容", "考核要点", "标准分", "评分标准"}
	for _, name := range KPIDepartments {
		header = append(header, name)
	}
	rows := [][]any{{"2025年度科室绩效考核评分表"}, header}
	merges := [][2]string{{"A1", "H1"}}
	var subtotals []int // sheet rows of the 小计 rows
	start := 0
	for j := range KPITree {
		if j+1 < len(KPITree) && KPITree[j+1].L1 == KPITree[j].L1 {
			continue
		}
		group := KPITree[start : j+1]
		first := len(rows) + 1
		for k, l := range group {
			row := []any{nil, nil, l.L3, d(l.Weight), "按完成情况评分，未完成的酌情扣分"}
			if k == 0 {
				row[0] = l.L1
			}
			if k == 0 || group[k-1].L2 != l.L2 {
				row[1] = l.L2
			}
			for _, name := range KPIDepartments {
				row = append(row, d(KPIScores[name][start+k]))
			}
			rows = append(rows, row)
		}
		last := len(rows)
		merges = append(merges, groupMerges(group, first, func(l Leaf) string { return l.L1 }, "A")...)
		merges = append(merges, groupMerges(group, first, func(l Leaf) string { return l.L2 }, "B")...)
		sub := []any{"小计", nil, nil, Sum(leafWeights(group)...), nil}
		for c, name := range KPIDepartments {
			col := colName(6 + c)
			sub = append(sub, sheet.CachedFormula{
				Expr:  fmt.Sprintf("SUM(%s%d:%s%d)", col, first, col, last),
				Value: Sum(KPIScores[name][start : j+1]...),
			})
		}
		rows = append(rows, sub)
		subtotals = append(subtotals, len(rows))
		merges = append(merges, [2]string{fmt.Sprint("A", len(rows)), fmt.Sprint("C", len(rows))})
		start = j + 1
	}
	total := []any{"得分合计", nil, nil, Sum(leafWeights(KPITree)...), nil}
	for c, name := range KPIDepartments {
		col := colName(6 + c)
		expr := ""
		for i, r := range subtotals {
			if i > 0 {
				expr += "+"
			}
			expr += fmt.Sprint(col, r)
		}
		total = append(total, sheet.CachedFormula{Expr: expr, Value: Sum(KPIScores[name]...)})
	}
	rows = append(rows, total)
	merges = append(merges, [2]string{fmt.Sprint("A", len(rows)), fmt.Sprint("C", len(rows))})
	rows = append(rows,
		nil,
		[]any{"说明：1.各考核要点得分不得超过标准分；2.加分事项另行报批；3.本表一式两份。"},
		[]any{"评分等级：90分以上为优，80分至89分为良，60分至79分为中，60分以下为差。"},
		[]any{"考核人：", nil, "复核人：", nil, "日期：", 2025, "年", "12月"},
	)
	merges = append(merges,
		[2]string{fmt.Sprint("A", len(rows)-2), fmt.Sprint("H", len(rows)-2)},
		[2]string{fmt.Sprint("A", len(rows)-1), fmt.Sprint("H", len(rows)-1)},
	)
	return sheet.Spec{Sheets: []sheet.SheetSpec{{
		Name: "考核评分表", Rows: rows, Merges: merges,
		Widths: map[string]float64{"A": 10, "B": 10, "C": 20, "E": 30},
	}}}
}

// English rubric.

// RubricTree is the rubric's criteria under their sections (level 1):
// Correctness 40, Clarity 35, Timeliness 25.
var RubricTree = []Leaf{
	{"Correctness", "Figures reconcile to the ledger", "", "15", ""},
	{"Correctness", "Calculations verified", "", "15", ""},
	{"Correctness", "Sources cited", "", "10", ""},
	{"Clarity", "Structure", "", "10", ""},
	{"Clarity", "Plain language", "", "10", ""},
	{"Clarity", "Tables and charts", "", "15", ""},
	{"Timeliness", "Submitted by the deadline", "", "15", ""},
	{"Timeliness", "Revisions turned around", "", "10", ""},
}

// RubricOffices are the rubric's two evaluated units.
var RubricOffices = []string{"North Office", "South Office"}

// RubricScores are each office's points, in tree order: North 91.25
// (91.3, Excellent), South 79.95 (80.0, Good: the grade is taken from the
// shown total).
var RubricScores = map[string][]string{
	"North Office": {"14", "13.5", "9.25", "9", "9.5", "13", "15", "8"},
	"South Office": {"12", "11.5", "8", "7.5", "8", "11.75", "13.2", "8"},
}

// RubricComments are the words in the Comments column, by leaf index.
var RubricComments = map[int]string{
	1: "South: two totals recomputed by hand",
	5: "Chart axes unlabelled in the South report",
	6: "South submitted two days late",
}

// RubricDecimals is the rubric's Decimals setting.
const RubricDecimals = 1

// RubricTotal is office's total straight from its points, rounded half-up
// to RubricDecimals.
func RubricTotal(office string) decimal.Decimal {
	return Sum(RubricScores[office]...).Round(RubricDecimals)
}

// RubricSection is office's points in section, rounded half-up to
// RubricDecimals.
func RubricSection(office, section string) decimal.Decimal {
	var s decimal.Decimal
	for j, l := range RubricTree {
		if l.L1 == section {
			s = s.Add(d(RubricScores[office][j]))
		}
	}
	return s.Round(RubricDecimals)
}

// Rubric is an English rubric: a title, the header Criterion | Points |
// Comments | North Office | South Office, section rows (a name alone in
// the Criterion column) above their criteria, a total row labelled
// "Total (100)" in the Points column with the Criterion cell empty, and a
// Settings sheet (Year, Evaluator, Decimals 1, English grade labels at
// the default bounds).
func Rubric() sheet.Spec {
	header := []any{"Criterion", "Points", "Comments"}
	for _, o := range RubricOffices {
		header = append(header, o)
	}
	rows := [][]any{{"FY2025 annual report quality rubric"}, nil, header}
	first := len(rows) + 1
	for j, l := range RubricTree {
		if j == 0 || RubricTree[j-1].L1 != l.L1 {
			rows = append(rows, []any{l.L1})
		}
		row := []any{l.L2, d(l.Weight), RubricComments[j]}
		for _, o := range RubricOffices {
			row = append(row, d(RubricScores[o][j]))
		}
		rows = append(rows, row)
	}
	last := len(rows)
	total := []any{nil, "Total (100)", nil}
	for c, o := range RubricOffices {
		col := colName(4 + c)
		total = append(total, sheet.CachedFormula{Expr: fmt.Sprintf("SUM(%s%d:%s%d)", col, first, col, last), Value: Sum(RubricScores[o]...)})
	}
	rows = append(rows, total)
	return sheet.Spec{Sheets: []sheet.SheetSpec{
		{Name: "Rubric", Rows: rows, Merges: [][2]string{{"A1", "E1"}}, Widths: map[string]float64{"A": 32, "C": 40, "D": 14, "E": 14}},
		{Name: "Settings", Rows: [][]any{
			{"Key", "Value"},
			{"Year", "2025"},
			{"Evaluator", "Audit Committee"},
			{"Decimals", RubricDecimals},
			{"Excellent", 90},
			{"Good", 80},
			{"Fair", 60},
			{"Poor", 0},
		}},
	}}
}

// Layouts are the samples of spec part two (§6) by path below samples/,
// slash-separated: the three self-evaluations in self-evaluation/,
// kpi.xlsx and rubric-en.xlsx.
func Layouts() map[string]sheet.Spec {
	out := SelfEvaluations()
	out["kpi.xlsx"] = KPI()
	out["rubric-en.xlsx"] = Rubric()
	return out
}
