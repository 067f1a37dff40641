package samples

import (
	"github.com/shopspring/decimal"

	"perfeval/sheet"
)

// BureauTree is the bureau sample's indicators: 决策/过程/产出/效益 and a
// 调节项 deduction item (−5), three levels.
var BureauTree = []Leaf{
	{"决策", "目标设定", "绩效目标合理性", "3", ""},
	{"决策", "目标设定", "绩效指标明确性", "3", ""},
	{"决策", "决策过程", "预算编制科学性", "5", ""},
	{"决策", "决策过程", "资金分配合理性", "4", ""},
	{"过程", "资金管理", "资金到位率", "3", ""},
	{"过程", "资金管理", "预算执行率", "5", ""},
	{"过程", "资金管理", "资金使用合规性", "5", ""},
	{"过程", "组织实施", "管理制度健全性", "4", ""},
	{"过程", "组织实施", "制度执行有效性", "4", ""},
	{"过程", "组织实施", "政府采购规范性", "4", ""},
	{"产出", "产出数量", "重点工作完成率", "10", ""},
	{"产出", "产出数量", "实际完成率", "5", ""},
	{"产出", "产出质量", "质量达标率", "10", ""},
	{"产出", "产出时效", "完成及时性", "5", ""},
	{"产出", "产出成本", "成本节约率", "10", ""},
	{"效益", "社会效益", "社会效益实现程度", "8", ""},
	{"效益", "可持续影响", "长效机制健全性", "4", ""},
	{"效益", "满意度", "服务对象满意度", "8", ""},
	{"调节项", "违规违纪", "审计及检查发现问题扣分", "-5", ""},
}

// BureauDepartments are the bureau sample's 24 departments.
var BureauDepartments = []string{
	"市教育局", "市公安局", "市民政局", "市司法局", "市发展和改革委员会", "市人力资源和社会保障局",
	"市自然资源和规划局", "市生态环境局", "市住房和城乡建设局", "市交通运输局", "市水利局", "市农业农村局",
	"市商务局", "市文化广电和旅游局", "市卫生健康委员会", "市退役军人事务局", "市应急管理局", "市审计局",
	"市市场监督管理局", "市统计局", "市医疗保障局", "市林业局", "市体育局", "市信访局",
}

// BureauNA is the (department, leaf) scored 不适用: 市民政局 has no
// 成本节约率 this year.
var BureauNA = [2]int{2, 14}

// BureauScore is department i's score for leaf j: the weight less a loss
// of 0 to 40% in steps of 5% picked by a hash of i and j (0 to 10% for
// the first department, 35 to 60% for the last); the deduction item takes −2 every fifth
// department. "" is 不适用.
func BureauScore(i, j int) string {
	if i == BureauNA[0] && j == BureauNA[1] {
		return ""
	}
	w := decimal.RequireFromString(BureauTree[j].Weight)
	if w.IsNegative() {
		if i%5 == 3 {
			return "-2"
		}
		return "0"
	}
	x := uint32(i+1)*2654435761 ^ uint32(j+1)*2246822519
	x ^= x >> 15
	k := int64(x % 9)
	switch i {
	case 0: // an excellent department
		k = int64(x % 3)
	case len(BureauDepartments) - 1: // a poor one
		k = int64(7 + x%6)
	}
	loss := w.Mul(decimal.NewFromInt(k)).Mul(decimal.RequireFromString("0.05"))
	return w.Sub(loss).String()
}

// BureauTotal is department i's total computed directly from the scores:
// the applicable scores scaled to 100 points, plus deductions, rounded
// half-up to 2 decimals.
func BureauTotal(i int) decimal.Decimal {
	var sum, weights, deductions decimal.Decimal
	for j, l := range BureauTree {
		s := BureauScore(i, j)
		if s == "" {
			continue
		}
		w := decimal.RequireFromString(l.Weight)
		if w.IsNegative() {
			deductions = deductions.Add(decimal.RequireFromString(s))
			continue
		}
		sum = sum.Add(decimal.RequireFromString(s))
		weights = weights.Add(w)
	}
	hundred := decimal.NewFromInt(100)
	if !weights.Equal(hundred) {
		sum = sum.Mul(hundred).Div(weights)
	}
	return sum.Add(deductions).Round(2)
}

// Bureau is one table of 24 departments under a title and a units row,
// with 序号 and 指标说明 columns, merged level-1 and level-2 names, a
// 合计 row that declares 100 points and each department's total, and a
// settings sheet.
func Bureau() sheet.Spec {
	header := []any{"序号", "一级指标", "二级指标", "三级指标", "分值", "指标说明"}
	for _, name := range BureauDepartments {
		header = append(header, name)
	}
	lastCol := colName(len(header))
	rows := [][]any{
		{"2022年度市直部门整体支出绩效评价评分表"},
		{"单位：分"},
		header,
	}
	merges := [][2]string{{"A1", lastCol + "1"}}
	first := len(rows) + 1
	for j, l := range BureauTree {
		row := []any{j + 1, nil, nil, l.L3, decimal.RequireFromString(l.Weight), "对照年度目标核定"}
		if j == 0 || BureauTree[j-1].L1 != l.L1 {
			row[1] = l.L1
		}
		if j == 0 || BureauTree[j-1].L2 != l.L2 {
			row[2] = l.L2
		}
		for i := range BureauDepartments {
			s := BureauScore(i, j)
			if s == "" {
				row = append(row, "不适用")
			} else {
				row = append(row, decimal.RequireFromString(s))
			}
		}
		rows = append(rows, row)
	}
	merges = append(merges, groupMerges(BureauTree, first, func(l Leaf) string { return l.L1 }, "B")...)
	merges = append(merges, groupMerges(BureauTree, first, func(l Leaf) string { return l.L2 }, "C")...)
	total := []any{"合计", nil, nil, nil, 100, nil}
	for i := range BureauDepartments {
		total = append(total, BureauTotal(i))
	}
	rows = append(rows, total)
	widths := map[string]float64{"A": 6, "B": 10, "C": 12, "D": 24, "E": 8, "F": 18}
	return sheet.Spec{Sheets: []sheet.SheetSpec{
		{Name: "评分表", Rows: rows, Merges: merges, Widths: widths},
		{Name: "设置", Rows: [][]any{
			{"年度", "2022"},
			{"评价单位", "某市财政局"},
		}},
	}}
}

func colName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

// PerDepartmentTree is the English sample's two-level tree.
var PerDepartmentTree = []Leaf{
	{"Planning", "Goal setting", "", "10", ""},
	{"Planning", "Budgeting", "", "10", ""},
	{"Management", "Funds management", "", "15", ""},
	{"Management", "Procurement", "", "10", ""},
	{"Outputs", "Quantity", "", "20", ""},
	{"Outputs", "Timeliness", "", "15", ""},
	{"Outcomes", "Satisfaction", "", "20", ""},
}

// PerDepartmentScores are each department's scores, in tree order.
var PerDepartmentScores = map[string][]string{
	"Water Bureau":      {"9", "8.5", "14", "10", "18", "13.25", "17"},
	"Parks Office":      {"10", "10", "15", "9.5", "19", "15", "19.5"},
	"Transit Authority": {"6", "7", "10", "8", "12.5", "10", "11"},
}

// PerDepartmentOrder is the order of the per-department sheets.
var PerDepartmentOrder = []string{"Water Bureau", "Parks Office", "Transit Authority"}

// PerDepartment is one sheet per department, English headers, a Score
// column, and Settings with 1 decimal, half-even rounding and custom
// grade bands.
func PerDepartment() sheet.Spec {
	var sheets []sheet.SheetSpec
	for _, name := range PerDepartmentOrder {
		rows := [][]any{
			{"FY2023 department performance evaluation: " + name},
			nil,
			{"No.", "Level 1", "Level 2", "Weight", "Criteria", "Score"},
		}
		for j, l := range PerDepartmentTree {
			l1 := l.L1
			if j > 0 && PerDepartmentTree[j-1].L1 == l.L1 {
				l1 = "" // a blank parent inherits the name above
			}
			rows = append(rows, []any{j + 1, l1, l.L2, decimal.RequireFromString(l.Weight), "Per the annual plan", decimal.RequireFromString(PerDepartmentScores[name][j])})
		}
		sheets = append(sheets, sheet.SheetSpec{Name: name, Rows: rows, Widths: map[string]float64{"B": 14, "C": 18, "E": 20}})
	}
	sheets = append(sheets, sheet.SheetSpec{Name: "Settings", Rows: [][]any{
		{"Key", "Value"},
		{"Year", "2023"},
		{"Evaluator", "City Finance Bureau"},
		{"Decimals", 1},
		{"Rounding", "half-even"},
		{"Excellent", 85},
		{"Good", 75},
		{"Fair", 60},
		{"Poor", 0},
	}})
	return sheet.Spec{Sheets: sheets}
}

// All are the samples by file name.
func All() map[string]sheet.Spec {
	return map[string]sheet.Spec{
		"seed.xlsx":              Seed(),
		"bureau.xlsx":            Bureau(),
		"per-department-en.xlsx": PerDepartment(),
	}
}
