package validate

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"perfeval/sheet"
)

// book builds a workbook from sheets given as text (sheet.SheetFromText),
// "name" then "text", and reads it.
func book(t *testing.T, sheets ...string) *sheet.Book {
	t.Helper()
	var spec sheet.Spec
	for i := 0; i+1 < len(sheets); i += 2 {
		s, err := sheet.SheetFromText(sheets[i], sheets[i+1])
		if err != nil {
			t.Fatal(err)
		}
		spec.Sheets = append(spec.Sheets, s)
	}
	path := filepath.Join(t.TempDir(), "t.xlsx")
	if err := sheet.Build(path, spec); err != nil {
		t.Fatal(err)
	}
	b, err := sheet.Open(context.Background(), path, sheet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// tsv joins rows given with "|" between cells into tab-separated text.
func tsv(rows ...string) string {
	return strings.ReplaceAll(strings.Join(rows, "\n"), "|", "\t") + "\n"
}

// good is a valid two-level table: 管理 (预算 30, 绩效 20), 产出 (数量 50).
var good = []string{
	"一级指标|二级指标|分值|部门A|部门B",
	"管理|预算|30|28|25",
	"|绩效|20|15|20",
	"产出|数量|50|45|40",
}

func describe(l List) string {
	var parts []string
	for _, p := range l {
		parts = append(parts, p.Error())
	}
	return strings.Join(parts, "; ")
}

func TestGoodWorkbookHasNoProblems(t *testing.T) {
	w, problems := Check(book(t, "指标", tsv(good...)))
	if len(problems) != 0 {
		t.Fatalf("problems: %s", describe(problems))
	}
	if len(w.Results) != 2 || w.Results[0].Shown.String() != "88" || w.Results[1].Shown.String() != "85" {
		t.Fatalf("results %+v", w.Results)
	}
}

// TestAllProblemsInOnePass plants several errors and expects every one.
func TestAllProblemsInOnePass(t *testing.T) {
	_, problems := Check(book(t, "指标", tsv(
		"一级指标|二级指标|分值|部门A|部门B",
		"管理|预算|30|31|",
		"|绩效|20|x|20",
		"产出|数量|50|45|-3")))
	want := []struct {
		err  error
		cell string
	}{{ErrAboveWeight, "D2"}, {ErrMissing, "E2"}, {ErrNotNumber, "D3"}, {ErrBelowZero, "E4"}}
	if len(problems) != len(want) {
		t.Fatalf("got %d problems: %s", len(problems), describe(problems))
	}
	for i, w := range want { // sorted by row, then column
		if !errors.Is(problems[i], w.err) || problems[i].Cell != w.cell {
			t.Errorf("problem %d: %v, want %v at %s", i, problems[i], w.err, w.cell)
		}
	}
	if p := problems[0]; p.Sheet != "指标" || p.Department != "部门A" || p.Indicator != "管理/预算" {
		t.Errorf("place of %v", p)
	}
	if got := problems[0].Error(); got != "指标!D2: 部门A: 管理/预算: score 31 above weight 30" {
		t.Errorf("Error() = %q", got)
	}
}

// TestReading covers the forms real workbooks take: title rows, English
// headers, descriptive columns, merges, formulas, text numbers, 不适用,
// parent rows and four levels.
func TestReading(t *testing.T) {
	tests := []struct {
		name    string
		sheets  []string
		totals  map[string]string // department → shown total
		level1  map[string]string // "dept/indicator" → score
		warning error
	}{
		{"title rows and English headers", []string{"Sheet1", tsv(
			"FY2024 evaluation",
			"Unit: points",
			"",
			"No.|Level 1 (name)|Level 2|Weight|Type|Criteria|North|South",
			"1|Planning|Goals|40|qualitative|as planned|38|30",
			"2||Budget|10|quantitative||10|9.5",
			"3|Output|Volume|50|quantitative||45|50")},
			map[string]string{"North": "93.00", "South": "89.50"}, map[string]string{"North/Planning": "48"}, nil},
		{"full-width headers and notes", []string{"表", tsv(
			"一级指标（名称）|二 级 指 标|分值（分）|部门Ａ",
			"管理|预算|60|55",
			"产出|数量|40|40")},
			map[string]string{"部门Ａ": "95.00"}, nil, nil},
		{"merged parents and parent weights", []string{"表", tsv(
			"一级指标|一级分值|二级指标|三级指标|分值|评分标准|甲",
			"管理|40|预算|编制|10|略|9",
			"||预算|执行|10|略|10",
			"||绩效|目标|20|略|15",
			"产出|60|数量|完成率|60|略|50",
			"#merge A2:A4",
			"#merge B2:B4")},
			map[string]string{"甲": "84.00"}, map[string]string{"甲/管理": "34"}, nil},
		{"parent rows carry parent weights", []string{"表", tsv(
			"一级指标|二级指标|分值|甲",
			"管理||40|",
			"|预算|30|25",
			"|绩效|10|10",
			"产出||60|",
			"|数量|60|60")},
			map[string]string{"甲": "95.00"}, nil, nil},
		{"formulas cached and computed", []string{"表", "一级指标\t分值\t甲\t乙\n" +
			"管理\t40\t=20+18\t=B2-10|30\n" +
			"产出\t60\t=50+5\t59\n"},
			map[string]string{"甲": "93.00", "乙": "89.00"}, nil, nil},
		{"text numbers", []string{"表", tsv(
			"一级指标|分值|甲",
			"管理|40|'１２．５分",
			"产出|60|' 50 ")},
			map[string]string{"甲": "62.50"}, nil, WarnTextNumber},
		{"not applicable rescales", []string{"表", tsv(
			"一级指标|二级指标|分值|甲",
			"管理|预算|20|不适用",
			"管理|绩效|30|27",
			"产出|数量|50|45",
			"合计||100|90")},
			map[string]string{"甲": "90.00"}, map[string]string{"甲/管理": "27"}, nil},
		{"four levels and a deduction item", []string{"表", tsv(
			"一级指标|二级指标|三级指标|四级指标|分值|甲",
			"甲类|乙|丙|丁1|50|45",
			"|||丁2|50|50",
			"调节项|违规|扣分|审计|-10|-5")},
			map[string]string{"甲": "90.00"}, nil, nil},
		{"raw values, not formatted ones", []string{"表", tsv(
			"一级指标|分值|甲",
			"管理|0.5|0.285~0.00",
			"产出|99.5|99.5")},
			map[string]string{"甲": "99.79"}, nil, nil},
		{"two-row header with 得分 over the departments", []string{"表", tsv(
			"评分表",
			"一级指标|分值|得分|",
			"||甲|乙",
			"管理|40|35|40",
			"产出|60|50|59",
			"#merge A2:A3",
			"#merge B2:B3",
			"#merge C2:D2")},
			map[string]string{"甲": "85.00", "乙": "99.00"}, nil, nil},
		{"line breaks inside names", []string{"表", tsv(
			`一级指标|分值|市人力资源和\n社会保障局|Water\nBureau`,
			`管理|40|35|40`,
			`产出|60|50|59`)},
			map[string]string{"市人力资源和社会保障局": "85.00", "Water Bureau": "99.00"}, nil, nil},
		{"a 得分 column per department sheet", []string{"市水利局", tsv(
			"一级指标|分值|得分",
			"管理|40|35",
			"产出|60|50"), "市林业局", tsv(
			"一级指标|分值|得分",
			"管理|40|40",
			"产出|60|55")},
			map[string]string{"市水利局": "85.00", "市林业局": "95.00"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, problems := Check(book(t, tt.sheets...))
			if problems.Err() != nil {
				t.Fatalf("errors: %s", describe(problems))
			}
			if tt.warning == nil && len(problems) > 0 {
				t.Errorf("unexpected warnings: %s", describe(problems))
			}
			if tt.warning != nil && (len(problems) == 0 || !errors.Is(problems[0], tt.warning)) {
				t.Errorf("want warning %v, got %s", tt.warning, describe(problems))
			}
			got := map[string]string{}
			for _, r := range w.Results {
				got[r.Department] = w.Settings.FormatPoints(r.Total)
				for _, l1 := range r.Level1 {
					key := r.Department + "/" + l1.Indicator.Name
					if want, ok := tt.level1[key]; ok && !l1.Score.Equal(mustDec(want)) {
						t.Errorf("%s = %s, want %s", key, l1.Score, want)
					}
				}
			}
			for d, want := range tt.totals {
				if got[d] != want {
					t.Errorf("%s total %q, want %q (all: %v)", d, got[d], want, got)
				}
			}
			if len(got) != len(tt.totals) {
				t.Errorf("departments %v, want %v", got, tt.totals)
			}
		})
	}
}
