package samples

import (
	"fmt"

	"github.com/shopspring/decimal"

	"perfeval/sheet"
)

// The year-end folder (spec §8): a bureau's inbox on 31 December, one
// evaluation made of several workbooks.
//
//   - year-end/市教育局.xlsx, year-end/自评表-水利.xlsx,
//     year-end/2025自评.xlsx: one self-evaluation each (市教育局, 市水利局,
//     市林业局), as in self-evaluation/;
//   - year-end/市教育局（修订）.xlsx: 市教育局 sent again, revised (two
//     scores raised): the same department in two workbooks, counted once,
//     from the file modified last (this one, which also sorts last);
//   - year-end/市直部门评分表.xlsx: one shared workbook in the same form
//     with three departments side by side, 市卫健委, 市交通局 and
//     市农业农村局; 市交通局's 预算执行率 reads "9..5", its own error, so
//     it alone is blocked;
//   - year-end/名单.xlsx: the roster, 序号 | 部门名称 | 联系人: 市教育局,
//     市水利局, 市林业局, 市卫健委, 市交通局, 市财政局. 市财政局 has sent
//     nothing; 市农业农村局 is not on it.

// YearEndDir is the year-end folder below samples/.
const YearEndDir = "year-end"

// YearEndRoster is the roster's path below samples/, and its names.
var (
	YearEndRoster      = YearEndDir + "/名单.xlsx"
	YearEndRosterNames = []string{"市教育局", "市水利局", "市林业局", "市卫健委", "市交通局", "市财政局"}
)

// YearEndRevised is 市教育局's revised scores: two leaves raised.
var YearEndRevised = revise(SelfEvalScores["市教育局"], map[int]string{1: "5", 4: "10"})

// YearEndShared are the shared workbook's departments and their scores,
// in tree order; 市交通局's leaf YearEndBadLeaf holds YearEndBadCell.
var (
	YearEndShared = []string{"市卫健委", "市交通局", "市农业农村局"}
	YearEndScores = map[string][]string{
		"市卫健委":   {"4.5", "4.5", "4.5", "4", "9", "4.5", "4.5", "4.5", "4.5", "13", "9", "13", "8.8"},
		"市交通局":   {"4", "4", "4", "4", "9", "4", "4", "4", "4", "12", "8", "12", "8"},
		"市农业农村局": {"3", "3", "3.5", "3", "6.5", "3.5", "3", "3", "3.5", "9", "6", "9", "6.5"},
	}
	YearEndBadLeaf = 4
	YearEndBadCell = "9..5"
)

// YearEndTotal is a department's total as the run counts it (市教育局
// from its revised copy), rounded half-up to 2 decimals.
func YearEndTotal(unit string) decimal.Decimal {
	switch {
	case unit == "市教育局":
		return Sum(YearEndRevised...).Round(2)
	case YearEndScores[unit] != nil:
		return Sum(YearEndScores[unit]...).Round(2)
	}
	return SelfEvalTotal(unit)
}

func revise(scores []string, changes map[int]string) []string {
	out := append([]string(nil), scores...)
	for i, v := range changes {
		out[i] = v
	}
	return out
}

// YearEnd are the year-end folder's workbooks by path below samples/.
func YearEnd() map[string]sheet.Spec {
	revised := selfEvalWith("市教育局", "Sheet1", YearEndRevised)
	out := map[string]sheet.Spec{
		YearEndDir + "/市教育局.xlsx":     selfEval("市教育局", "Sheet1"),
		YearEndDir + "/自评表-水利.xlsx":   selfEval("市水利局", "自评表", []any{"单位名称：市水利局"}),
		YearEndDir + "/2025自评.xlsx":   selfEval("市林业局", "工作表1", []any{"填报单位（盖章）：", nil, "市林业局", nil, nil, nil, "单位：分"}, []any{"填报日期：2025年1月20日"}),
		YearEndDir + "/市教育局（修订）.xlsx": revised,
		YearEndDir + "/市直部门评分表.xlsx":  yearEndShared(),
	}
	roster := [][]any{{"序号", "部门名称", "联系人"}}
	for i, name := range YearEndRosterNames {
		roster = append(roster, []any{i + 1, name, fmt.Sprintf("联系人%d", i+1)})
	}
	out[YearEndRoster] = sheet.Spec{Sheets: []sheet.SheetSpec{{Name: "名单", Rows: roster, Widths: map[string]float64{"B": 16}}}}
	return out
}

// selfEvalWith is selfEval with other scores.
func selfEvalWith(unit, sheetName string, scores []string) sheet.Spec {
	saved := SelfEvalScores[unit]
	SelfEvalScores[unit] = scores
	defer func() { SelfEvalScores[unit] = saved }()
	return selfEval(unit, sheetName)
}

// yearEndShared is the shared workbook: the self-evaluation form with a
// score column per department.
func yearEndShared() sheet.Spec {
	header := []any{"一级指标", "二级指标", "三级指标", "指标解释", "分值", "评分标准"}
	for _, name := range YearEndShared {
		header = append(header, name)
	}
	rows := [][]any{{"2025年度市直部门整体支出绩效评价评分表"}, header}
	first := len(rows) + 1
	for j, l := range SelfEvalTree {
		row := []any{nil, nil, l.L3, "考察" + l.L3 + "情况", d(l.Weight), "全部达到得满分，未达到按比例扣分"}
		if j == 0 || SelfEvalTree[j-1].L1 != l.L1 {
			row[0] = l.L1
		}
		if j == 0 || SelfEvalTree[j-1].L2 != l.L2 {
			row[1] = l.L2
		}
		for _, name := range YearEndShared {
			if name == "市交通局" && j == YearEndBadLeaf {
				row = append(row, YearEndBadCell)
				continue
			}
			row = append(row, d(YearEndScores[name][j]))
		}
		rows = append(rows, row)
	}
	merges := [][2]string{{"A1", "I1"}}
	merges = append(merges, groupMerges(SelfEvalTree, first, func(l Leaf) string { return l.L1 }, "A")...)
	merges = append(merges, groupMerges(SelfEvalTree, first, func(l Leaf) string { return l.L1 + "/" + l.L2 }, "B")...)
	return sheet.Spec{Sheets: []sheet.SheetSpec{{
		Name: "评分表", Rows: rows, Merges: merges,
		Widths: map[string]float64{"A": 10, "B": 12, "C": 18, "D": 24, "F": 28, "G": 12, "H": 12, "I": 14},
	}}}
}
