// Package samples describes perfeval's sample workbooks as code. The
// .xlsx files beside it are generated from these descriptions by
//
//	go test ./samples -update
//
// and a test checks that the committed files match them.
//
//   - seed.xlsx: the seed report's score table (2021, 南阳市政务服务和大数据
//     管理局): 5 level-1 indicators weighted 16/12/64/5/3, scored
//     14.23/12/54.43/4.6/2.7, total 87.96, grade 良, rounded by truncation.
//   - bureau.xlsx: 24 departments in one table, with a title row, merged
//     parent cells, a 合计 row with declared totals, a 不适用 score and a
//     deduction item (调节项).
//   - per-department-en.xlsx: English headers, one sheet per department
//     with a Score column, and an English Settings sheet.
//
// Layouts (forms.go) are the layouts people really send (spec part two,
// §6), read only by issue 8's reader:
//
//   - self-evaluation/: the national self-evaluation form (部门整体支出绩效
//     自评表: 一级指标 … 分值 … 自评得分 | 偏差原因分析及改进措施), one
//     workbook per department: 市教育局.xlsx (named by its file name),
//     自评表-水利.xlsx (单位名称：市水利局), 2025自评.xlsx
//     (填报单位（盖章）： … 市林业局, and 单位：分).
//   - kpi.xlsx: a KPI form with unnumbered level words (考核维度, 考核内容,
//     考核要点), 标准分, a 小计 row after each group, a 得分合计 row, and a
//     legend and signature line below it.
//   - rubric-en.xlsx: an English rubric with section rows (Correctness,
//     Clarity, Timeliness), a "Total (100)" label in the Points column
//     and a Settings sheet with 1 decimal.
//
// year-end/ (yearend.go) is a bureau's inbox on 31 December, one
// evaluation: self-evaluations one per department, one sent twice, a
// shared workbook with one department's bad cell, and a roster 名单.xlsx.
package samples

import (
	"fmt"

	"github.com/shopspring/decimal"

	"perfeval/sheet"
)

// Leaf is one leaf indicator of a sample.
type Leaf struct {
	L1, L2, L3 string
	Weight     string
	Score      string // the seed department's score
}

// SeedTree is the seed report's indicator tree: 4/1/5/1/1 level-2
// indicators; 19/6/21/2/2 = 50 level-3 indicators (the report's text says
// 44, but its per-category counts add to 50, which are followed here). The
// level-2 indicators that lose points are the deductions the report names.
var SeedTree = []Leaf{
	{"管理效率", "预算编制管理", "预算编制完整性", "1", "1"},
	{"管理效率", "预算编制管理", "预算编制科学性", "1", "1"},
	{"管理效率", "预算编制管理", "预算调整率", "0.5", "0.5"},
	{"管理效率", "预算编制管理", "结转结余率", "1", "1"},
	{"管理效率", "预算编制管理", "“三公经费”控制率", "0.5", "0.5"},
	{"管理效率", "预算执行管理", "预算执行率", "1", "1"},
	{"管理效率", "预算执行管理", "政府采购规范性", "1", "1"},
	{"管理效率", "预算执行管理", "资金使用合规性", "1", "1"},
	{"管理效率", "预算执行管理", "支出进度均衡性", "0.5", "0.5"},
	{"管理效率", "预算执行管理", "收支业务管理", "0.5", "0.5"},
	{"管理效率", "预算绩效管理", "绩效目标设定", "1", "0.5"},
	{"管理效率", "预算绩效管理", "绩效运行监控", "1", "0.73"},
	{"管理效率", "预算绩效管理", "绩效自评", "0.5", "0.5"},
	{"管理效率", "预算绩效管理", "评价结果应用", "1", "0.5"},
	{"管理效率", "预算绩效管理", "绩效信息公开", "0.5", "0"},
	{"管理效率", "资产与财务管理", "资产管理规范性", "1", "1"},
	{"管理效率", "资产与财务管理", "固定资产利用率", "1", "1"},
	{"管理效率", "资产与财务管理", "财务管理制度健全性", "1", "1"},
	{"管理效率", "资产与财务管理", "会计核算规范性", "1", "1"},
	{"运行成本", "成本控制", "人员经费控制率", "2", "2"},
	{"运行成本", "成本控制", "公用经费控制率", "2", "2"},
	{"运行成本", "成本控制", "“三公经费”变动率", "2", "2"},
	{"运行成本", "成本控制", "办公经费控制率", "2", "2"},
	{"运行成本", "成本控制", "会议费控制率", "2", "2"},
	{"运行成本", "成本控制", "培训费控制率", "2", "2"},
	{"履职效能", "推进行政审批制度改革", "“最多跑一次”事项占比", "3", "2"},
	{"履职效能", "推进行政审批制度改革", "审批服务事项标准化", "3", "2.4"},
	{"履职效能", "推进行政审批制度改革", "“无差别全科受理”推行", "3", "2.6"},
	{"履职效能", "推进行政审批制度改革", "审批时限压缩率", "3", "3"},
	{"履职效能", "推进行政审批制度改革", "“一件事一次办”事项数量", "2", "0.8"},
	{"履职效能", "提升一体化平台功能应用创新水平", "网上可办率", "3", "2"},
	{"履职效能", "提升一体化平台功能应用创新水平", "全程网办率", "3", "2.5"},
	{"履职效能", "提升一体化平台功能应用创新水平", "移动端事项接入率", "3", "2"},
	{"履职效能", "提升一体化平台功能应用创新水平", "电子证照应用率", "3", "3"},
	{"履职效能", "加快推进数字政府、新型智慧城市建设", "数字南阳综合指挥中心建设进度", "5", "3"},
	{"履职效能", "加快推进数字政府、新型智慧城市建设", "政务云平台管理考核", "3", "2.13"},
	{"履职效能", "加快推进数字政府、新型智慧城市建设", "电子政务外网覆盖率", "3", "3"},
	{"履职效能", "加快推进数字政府、新型智慧城市建设", "信息系统安全保障", "3", "3"},
	{"履职效能", "推动数据联通归集", "垂建系统数据桥接率", "4", "3"},
	{"履职效能", "推动数据联通归集", "四大基础库对接", "3", "3"},
	{"履职效能", "推动数据联通归集", "公共服务企事业单位数据归集", "3", "3"},
	{"履职效能", "推动数据联通归集", "涉税数据共享", "2", "2"},
	{"履职效能", "优化政务服务环境", "政务大厅“一站式”功能", "3", "3"},
	{"履职效能", "优化政务服务环境", "“好差评”整改率", "3", "3"},
	{"履职效能", "优化政务服务环境", "金融服务共享平台注册企业数", "3", "3"},
	{"履职效能", "优化政务服务环境", "营商环境评价排名", "3", "3"},
	{"服务满意度", "社会满意度", "办事群众满意度", "3", "2.8"},
	{"服务满意度", "社会满意度", "企业满意度", "2", "1.8"},
	{"可持续性", "人才支撑", "专业技术人员占比", "1.5", "1.2"},
	{"可持续性", "人才支撑", "干部培训完成率", "1.5", "1.5"},
}

// SeedDepartment is the seed report's evaluated unit.
const SeedDepartment = "南阳市政务服务和大数据管理局"

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// groupMerges merges, in each of cols, the rows of a run of leaves (the
// first at sheet row first) that share key: a parent's name merged down
// over its children.
func groupMerges(tree []Leaf, first int, key func(Leaf) string, cols ...string) [][2]string {
	var out [][2]string
	start := 0
	for i := range tree {
		if i > 0 && key(tree[i]) == key(tree[i-1]) {
			continue
		}
		if i > start+1 {
			for _, c := range cols {
				out = append(out, [2]string{fmt.Sprint(c, first+start), fmt.Sprint(c, first+i-1)})
			}
		}
		start = i
	}
	if len(tree) > start+1 {
		for _, c := range cols {
			out = append(out, [2]string{fmt.Sprint(c, first+start), fmt.Sprint(c, first+len(tree)-1)})
		}
	}
	return out
}

// Seed is the seed report's score table: a title row, parent names and
// weights in merged cells, a 评分标准 column between the weights and the
// department, a 合计 row with the declared total, a footnote, and a
// settings sheet with 舍入 = 截断.
func Seed() sheet.Spec {
	rows := [][]any{
		{"2021年度南阳市政务服务和大数据管理局部门整体支出绩效评价评分表"},
		{"一级指标", "一级分值", "二级指标", "二级分值", "三级指标", "分值", "评分标准", SeedDepartment},
	}
	l1Weight, l2Weight := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, l := range SeedTree {
		l1Weight[l.L1] = l1Weight[l.L1].Add(d(l.Weight))
		l2Weight[l.L2] = l2Weight[l.L2].Add(d(l.Weight))
	}
	var total decimal.Decimal
	first := len(rows) + 1
	for i, l := range SeedTree {
		row := []any{nil, nil, nil, nil, l.L3, d(l.Weight), "按完成情况计分，未达到目标按比例扣分", d(l.Score)}
		if i == 0 || SeedTree[i-1].L1 != l.L1 {
			row[0], row[1] = l.L1, l1Weight[l.L1]
		}
		if i == 0 || SeedTree[i-1].L2 != l.L2 {
			row[2], row[3] = l.L2, l2Weight[l.L2]
		}
		total = total.Add(d(l.Score))
		rows = append(rows, row)
	}
	rows = append(rows,
		[]any{"合计", 100, nil, nil, nil, nil, nil, total},
		nil,
		[]any{"注：评价等级依据《南阳市市级预算项目支出绩效评价管理办法》（宛财办〔2020〕35号）。"},
	)
	level1 := func(l Leaf) string { return l.L1 }
	level2 := func(l Leaf) string { return l.L2 }
	merges := [][2]string{{"A1", "H1"}}
	merges = append(merges, groupMerges(SeedTree, first, level1, "A", "B")...)
	merges = append(merges, groupMerges(SeedTree, first, level2, "C", "D")...)
	return sheet.Spec{Sheets: []sheet.SheetSpec{
		{Name: "评分表", Rows: rows, Merges: merges, Widths: map[string]float64{"A": 12, "C": 22, "E": 28, "G": 30, "H": 18}},
		{Name: "设置", Rows: [][]any{
			{"项目", "值"},
			{"年度", "2021"},
			{"评价单位", "南阳市财政局"},
			{"满分", 100},
			{"小数位", 2},
			{"舍入", "截断"},
		}, Widths: map[string]float64{"A": 12, "B": 16}},
	}}
}
