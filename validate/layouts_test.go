package validate

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"perfeval/calc"
	"perfeval/sheet"
)

// totals are the shown totals of a checked workbook, by department.
func totals(t *testing.T, w *Workbook, problems List) map[string]string {
	t.Helper()
	if problems.Err() != nil {
		t.Fatalf("errors: %s", describe(problems))
	}
	out := map[string]string{}
	for _, r := range w.Results {
		out[r.Department] = w.Settings.FormatPoints(r.Total)
	}
	return out
}

func warnings(l List) []string {
	var out []string
	for _, p := range l {
		if p.Severity == SeverityWarning {
			out = append(out, Code(p)+"@"+p.Cell)
		}
	}
	sort.Strings(out)
	return out
}

// TestRealLayouts reads layouts of spec §6 that people really send, each
// checked for the departments' totals and the warnings it gets.
func TestRealLayouts(t *testing.T) {
	cases := []struct {
		name     string
		sheets   []string
		totals   map[string]string
		warnings []string
	}{
		{"unnumbered level words and 标准分", []string{"表", tsv(
			"考核维度|考核要点|标准分|评分标准|甲|乙",
			"党建|组织|40|按时|38|30",
			"业务|任务|60|完成|55|50")},
			map[string]string{"甲": "93.00", "乙": "80.00"}, nil},
		{"group header over the names, 分值 merged down, 得分 over the departments", []string{"表", tsv(
			"评价指标|||分值|得分|",
			"一级指标|二级指标|三级指标||部门A|部门B",
			"决策|目标|设定|40|35|30",
			"产出|数量|完成|60|50|55") + "#merge A1:C1\n#merge D1:D2\n#merge E1:F1\n"},
			map[string]string{"部门A": "85.00", "部门B": "85.00"}, nil},
		{"weight column left of the names", []string{"表", tsv(
			"序号|分值|一级指标|二级指标|甲",
			"1|30|管理|预算|28",
			"2|70|产出|数量|60")},
			map[string]string{"甲": "88.00"}, nil},
		{"a horizontal merge over the weight and a department gives no score", []string{"表", tsv(
			"一级指标|分值|甲|乙",
			"管理|30|28|25",
			"产出|70|60|66",
			"合计|100||") + "#merge B4:C4\n"},
			map[string]string{"甲": "88.00", "乙": "91.00"}, nil},
		{"total row label in the weight column with its points", []string{"表", tsv(
			"Criterion|Points|Comments|North|South",
			"Correctness|||",
			"Tests pass|60|ok|50|40",
			"Clarity|||",
			"Naming|40||30|35",
			"|Total (100)|||")},
			map[string]string{"North": "80.00", "South": "75.00"}, nil},
		{"a 小计 row after each group, a 得分合计 row and a legend", []string{"表", tsv(
			"考核维度|考核内容|标准分|甲",
			"党建|组织|20|18",
			"党建|廉政|20|19",
			"小计||40|37",
			"业务|任务|60|50",
			"小计||60|50",
			"得分合计||100|87",
			"说明：90分以上为优||2025|2025")},
			map[string]string{"甲": "87.00"}, nil},
		{"a second header row starts a second table", []string{"表", tsv(
			"一级指标|分值|甲",
			"管理|40|30",
			"产出|60|50",
			"",
			"一级指标|分值|乙",
			"党建|50|45",
			"业务|50|40")},
			map[string]string{"甲": "80.00", "乙": "85.00"}, nil},
		{"one unit: 单位名称 above the header, a word column after 自评得分", []string{"Sheet1", tsv(
			"单位名称：市水利局",
			"一级指标|分值|自评得分|偏差原因分析及改进措施|情况",
			"决策|40|35|目标不清|好",
			"产出|60|50|进度慢|一般")},
			map[string]string{"市水利局": "85.00"}, []string{"word-column@E2"}},
		{"one unit: the label in one cell, the name in the next filled one; 单位：分 is no name", []string{"Sheet1", tsv(
			"填报单位（盖章）：||市林业局||单位：分",
			"一级指标|分值|得分",
			"决策|40|35",
			"产出|60|50")},
			map[string]string{"市林业局": "85.00"}, nil},
		{"explicit layout in the settings", []string{"表", tsv(
			"考察点|满分值|甲单位|乙单位",
			"管理|40|30|35",
			"产出|60|50|55"), "设置", tsv("一级指标列|考察点", "分值列|满分值", "得分列|甲单位、乙单位")},
			map[string]string{"甲单位": "80.00", "乙单位": "90.00"}, nil},
		{"hidden rows and columns are read, and named once", []string{"表", tsv(good...) + "#hiderow 3\n#hidecol E\n"},
			map[string]string{"部门A": "88.00", "部门B": "85.00"}, []string{"hidden@A1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, problems := Check(book(t, tc.sheets...))
			got := totals(t, w, problems)
			if len(got) != len(tc.totals) {
				t.Fatalf("totals %v, want %v", got, tc.totals)
			}
			for k, v := range tc.totals {
				if got[k] != v {
					t.Errorf("totals %v, want %v", got, tc.totals)
				}
			}
			if ws := warnings(problems); strings.Join(ws, " ") != strings.Join(tc.warnings, " ") {
				t.Errorf("warnings %v, want %v (%s)", ws, tc.warnings, describe(problems))
			}
		})
	}
}

// TestNoScoreTableSaysWhatItSaw: the message names the row most like a
// header and the settings keys that would map it.
func TestNoScoreTableSaysWhatItSaw(t *testing.T) {
	_, problems := Check(book(t, "考核表", tsv("2025年考核", "考察点|分数|甲单位|乙单位", "管理|40|30|35")))
	if len(problems) != 1 || !errors.Is(problems[0], ErrNoScoreTable) {
		t.Fatalf("problems: %s", describe(problems))
	}
	p := problems[0]
	if p.Sheet != "考核表" || p.Cell != "A2" {
		t.Errorf("place %s!%s, want 考核表!A2", p.Sheet, p.Cell)
	}
	for _, want := range []string{"考核表 第 2 行：考察点 | 分数 | 甲单位 | 乙单位"} {
		if !strings.Contains(p.Message("zh"), want) {
			t.Errorf("message %q lacks %q", p.Message("zh"), want)
		}
	}
	for _, want := range []string{"一级指标列 = 考察点", "分值列 = 分数", "得分列 = 甲单位、乙单位"} {
		if !strings.Contains(p.Hint("zh"), want) {
			t.Errorf("hint %q lacks %q", p.Hint("zh"), want)
		}
	}
	if !strings.Contains(p.Hint("en"), "Level 1 column") {
		t.Errorf("English hint %q", p.Hint("en"))
	}
}

// TestTotalRowMessages: a negative 合计 weight is said to be negative, a
// total typed as text is read with a warning, and a declared total that
// differs from a rescaled one says why.
func TestTotalRowMessages(t *testing.T) {
	_, problems := Check(book(t, "表", tsv("一级指标|分值|甲", "管理|40|30", "扣分|-5|0", "产出|60|50", "合计|-21|")))
	if len(problems) == 0 || !errors.Is(problems[0], ErrNegativeTotal) || !strings.Contains(problems[0].Message("zh"), "不是正数") {
		t.Errorf("negative total: %s", describe(problems))
	}
	_, problems = Check(book(t, "表", tsv("一级指标|分值|甲", "管理|40|30", "产出|60|50", "合计|'100分|")))
	if len(problems) != 1 || !errors.Is(problems[0], WarnTextNumber) || problems[0].Cell != "B4" {
		t.Errorf("text total: %s", describe(problems))
	}
	_, problems = Check(book(t, "表", tsv("一级指标|分值|甲", "管理|40|不适用", "产出|60|50", "合计|100|50")))
	if len(problems) != 1 || !errors.Is(problems[0], ErrDeclaredTotal) || !strings.Contains(problems[0].Hint("zh"), "按比例折算") {
		t.Errorf("rescaled total: %s", describe(problems))
	}
}

// TestEvaluationName: 评价名称 replaces the fixed phrase in titles.
func TestEvaluationName(t *testing.T) {
	w, problems := Check(book(t, "表", tsv(good...), "设置", tsv("评价名称|项目支出绩效评价", "年度|2025")))
	if problems.Err() != nil {
		t.Fatal(describe(problems))
	}
	if got := sheet.Title(w.Settings, "zh"); got != "2025年度项目支出绩效评价汇总" {
		t.Errorf("title %q", got)
	}
	if got := sheet.Title(calc.DefaultSettings(), "zh"); got != "部门整体支出绩效评价汇总" {
		t.Errorf("default title %q", got)
	}
}

// TestUnitFromFile: the marks of a copy sent again are not part of a
// unit's name taken from its file's name.
func TestUnitFromFile(t *testing.T) {
	for in, want := range map[string]string{
		"市教育局": "市教育局", "市教育局（修订）": "市教育局", "市教育局(修订版)": "市教育局", "市教育局-最终版": "市教育局",
		"市教育局 - 副本": "市教育局", "市教育局 (1)": "市教育局", "市教育局_v2": "市教育局", "市教育局（2）（修订）": "市教育局",
		"市教育局 - 副本 (2)": "市教育局", "副本": "副本", "（修订）": "（修订）", "市新闻出版局": "市新闻出版局", "Roads copy": "Roads",
		"市公安局（本级）": "市公安局（本级）", "复件 市教育局": "市教育局", "Copy of Roads": "Roads", "市教育局（修改稿）": "市教育局",
		"市教育局（第二版）": "市教育局", "市教育局（终）": "市教育局", "市教育\u200b局": "市教育局", "复件": "复件",
	} {
		if got := unitFromFile(in); got != want {
			t.Errorf("unitFromFile(%q) = %q, want %q", in, got, want)
		}
	}
}
