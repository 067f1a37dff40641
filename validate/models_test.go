package validate

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"perfeval/calc"
)

func result(t *testing.T, w *Workbook, problems List, dept string) calc.Result {
	t.Helper()
	if problems.Errors() > 0 {
		t.Fatalf("errors: %s", describe(problems))
	}
	for _, r := range w.Results {
		if r.Department == dept {
			return r
		}
	}
	t.Fatalf("no result for %s", dept)
	return calc.Result{}
}

func hasProblem(l List, target error, cell string) bool {
	for _, p := range l {
		if errors.Is(p, target) && (cell == "" || p.Cell == cell) {
			return true
		}
	}
	return false
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// A KPI form: level-1 shares 40 % / 60 %, leaf shares that add up to
// their parent's, scores out of 100.
func TestWeightedModel(t *testing.T) {
	w, problems := Check(book(t,
		"指标", tsv(
			"一级指标|一级权重|二级指标|权重|部门A",
			"管理|40%|预算|'25%|80",
			"||绩效|0.15~0%|100",
			"产出|60%|数量|'30%|90",
			"||质量|'30%|不适用",
		),
		"设置", tsv("计分方式|权重"),
	))
	r := result(t, w, problems, "部门A")
	// 预算 40×25/40 = 25 points, 80 → 20; 绩效 15 → 15; 数量 30 → 27;
	// 质量 不适用: 27 of 30 rescaled with 管理: (20+15+27)×100/70
	want := dec("62").Mul(calc.Hundred).Div(dec("70"))
	if !r.Total.Round(10).Equal(want.Round(10)) {
		t.Errorf("total %s, want %s", r.Total, want)
	}
	if r.Level1[0].Weight.String() != "40" || r.Level1[1].Weight.String() != "30" {
		t.Errorf("level-1 applicable weights %s, %s", r.Level1[0].Weight, r.Level1[1].Weight)
	}
	if !r.Level1[1].Reduced() || r.Level1[1].DeclaredWeight().String() != "60" {
		t.Errorf("产出 reduced %v, declared %s", r.Level1[1].Reduced(), r.Level1[1].DeclaredWeight())
	}
	if r.Factor.Round(6).String() != "1.428571" || r.Applicable.String() != "70" {
		t.Errorf("factor %s, applicable %s", r.Factor, r.Applicable)
	}
}

// Without parent weights, a leaf's points are 满分 × its weight ÷ the sum
// of all leaf weights, whatever they add up to.
func TestWeightedLeavesOnly(t *testing.T) {
	w, problems := Check(book(t,
		"指标", tsv(
			"一级指标|二级指标|权重|部门A",
			"管理|预算|3|60",
			"|绩效|3|90",
			"产出|数量|6|100",
		),
		"设置", tsv("计分方式|weighted", "满分|150", "得分满分|10"),
	))
	// hmm: scores out of 10 → 60 is above the scale
	if !hasProblem(problems, ErrAboveScale, "D2") {
		t.Fatalf("want above-scale at D2: %s", describe(problems))
	}
	w, problems = Check(book(t,
		"指标", tsv(
			"一级指标|二级指标|权重|部门A",
			"管理|预算|3|6",
			"|绩效|3|9",
			"产出|数量|6|10",
		),
		"设置", tsv("计分方式|weighted", "满分|150", "得分满分|10"),
	))
	r := result(t, w, problems, "部门A")
	// 37.5×0.6 + 37.5×0.9 + 75 = 131.25
	if r.Shown.String() != "131.25" {
		t.Errorf("total %s, want 131.25", r.Shown)
	}
}

func TestCoefficientModel(t *testing.T) {
	w, problems := Check(book(t,
		"指标", tsv(
			"一级指标|二级指标|分值|部门A",
			"管理|预算|30|0.9",
			"|绩效|20|1",
			"|违规|-10|-2",
			"产出|数量|50|0.85",
		),
		"设置", tsv("计分方式|系数"),
	))
	r := result(t, w, problems, "部门A")
	// 27 + 20 + 42.5 − 2
	if r.Shown.String() != "87.5" {
		t.Errorf("total %s, want 87.5", r.Shown)
	}
	if got := r.Level1[0].Rate().String(); got != "0.94" {
		t.Errorf("管理 rate %s, want 0.94 (positive items only)", got)
	}
	if r.Level1[0].Deducted.String() != "-2" {
		t.Errorf("管理 deducted %s", r.Level1[0].Deducted)
	}
	_, problems = Check(book(t, "指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|1.2", "产出|数量|70|1"), "设置", tsv("计分方式|系数")))
	if !hasProblem(problems, ErrAboveCap, "D2") {
		t.Errorf("want above-cap at D2: %s", describe(problems))
	}
	_, problems = Check(book(t, "指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|1.2", "产出|数量|70|1"), "设置", tsv("计分方式|系数", "系数上限|1.2")))
	if problems.Errors() > 0 {
		t.Errorf("cap 1.2: %s", describe(problems))
	}
}

func TestLooksLikeAnotherModel(t *testing.T) {
	// coefficients under the points model
	_, problems := Check(book(t, "指标", tsv("一级指标|二级指标|分值|部门A|部门B", "管理|预算|30|0.9|28", "|绩效|20|1|20", "产出|数量|50|0.85|45")))
	if !hasProblem(problems, ErrScoringModel, "D1") || hasProblem(problems, ErrScoringModel, "E1") {
		t.Errorf("want scoring-model at D1 only: %s", describe(problems))
	}
	// declared points: as the person says
	_, problems = Check(book(t, "指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|0.9", "|绩效|20|1", "产出|数量|50|0.85"), "设置", tsv("计分方式|分值")))
	if problems.Errors() > 0 {
		t.Errorf("declared points: %s", describe(problems))
	}
	// shares that add up to 1, scores out of 100
	_, problems = Check(book(t, "指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|0.3|90", "|绩效|0.2|80", "产出|数量|50%|85")))
	if !hasProblem(problems, ErrScoringModel, "D1") || hasProblem(problems, ErrAboveWeight, "") || hasProblem(problems, ErrTotalPoints, "") {
		t.Errorf("want one scoring-model error: %s", describe(problems))
	}
	// one score above its weight in a points table is a typo
	_, problems = Check(book(t, "指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|31", "|绩效|20|15", "产出|数量|50|45")))
	if !hasProblem(problems, ErrAboveWeight, "D2") || hasProblem(problems, ErrScoringModel, "") {
		t.Errorf("want above-weight only: %s", describe(problems))
	}
}

func TestVeto(t *testing.T) {
	sheets := []string{"指标", tsv(
		"一级指标|二级指标|分值|指标类型|部门A|部门B|部门C",
		"管理|预算|30||28|25|20",
		"|绩效|20||15|20|10",
		"产出|数量|50||45|40|30",
		"否决事项|重大安全事故|一票否决||通过|否决|否",
		"|违规|||通过|通过|是|",
	)}
	sheets[1] = tsv(
		"一级指标|二级指标|分值|指标类型|部门A|部门B|部门C",
		"管理|预算|30||28|25|20",
		"|绩效|20||15|20|10",
		"产出|数量|50||45|40|30",
		"否决事项|重大安全事故|一票否决||通过|否决|否",
		"|违规||否决项|通过|通过|是",
	)
	w, problems := Check(book(t, sheets...))
	a := result(t, w, problems, "部门A")
	b := result(t, w, problems, "部门B")
	c := result(t, w, problems, "部门C")
	if a.Shown.String() != "88" || a.Grade != "良" || len(a.Vetoed) != 0 {
		t.Errorf("部门A %s %s %v", a.Shown, a.Grade, a.Vetoed)
	}
	if b.Shown.String() != "85" || b.GradeLabel != "差" || b.Grade != "差（一票否决：重大安全事故）" || b.Rank != 2 {
		t.Errorf("部门B %s %q rank %d", b.Shown, b.Grade, b.Rank)
	}
	if c.Rank != 3 || c.Grade != "差（一票否决：违规）" {
		t.Errorf("部门C %q rank %d", c.Grade, c.Rank)
	}
	w, problems = Check(book(t, append(sheets, "设置", tsv("否决处理|总分为0"))...))
	if b := result(t, w, problems, "部门B"); !b.Total.IsZero() {
		t.Errorf("veto = zero: total %s", b.Total)
	}
	w, problems = CheckWith(book(t, sheets...), Options{Lang: "en"})
	if b := result(t, w, problems, "部门B"); b.Grade != "Poor (veto: 重大安全事故)" {
		t.Errorf("english: %q", b.Grade)
	}
	bad := tsv(
		"一级指标|二级指标|分值|指标类型|部门A",
		"管理|预算|30||28",
		"产出|数量|70||45",
		"否决|事故|5|否决项|待定",
	)
	_, problems = Check(book(t, "指标", bad))
	if !hasProblem(problems, ErrVetoScore, "E4") || !hasProblem(problems, ErrVetoWeight, "C4") {
		t.Errorf("want veto-score at E4 and veto-weight at C4: %s", describe(problems))
	}
	// A blank veto score says so, without an empty quote.
	blank := tsv(
		"一级指标|二级指标|分值|指标类型|部门A|部门B",
		"管理|预算|30||28|20",
		"产出|数量|70||45|50",
		"否决|事故||否决项||通过",
	)
	_, problems = Check(book(t, "指标", blank))
	for _, p := range problems {
		if p.Err == ErrVetoScore {
			if m := p.Message("zh"); m != "一票否决项的得分是空的，应填“否决”或“通过”" {
				t.Errorf("blank veto score: %q", m)
			}
			if m := p.Message("en"); m != "the veto item's score is blank; it must say vetoed or passed" {
				t.Errorf("blank veto score: %q", m)
			}
		}
	}
	if !hasProblem(problems, ErrVetoScore, "E4") {
		t.Errorf("want veto-score at E4: %s", describe(problems))
	}
}

func TestEnglishDefaultGrades(t *testing.T) {
	w, problems := CheckWith(book(t, "指标", tsv(good...)), Options{Lang: "en"})
	r := result(t, w, problems, "部门A")
	if r.Grade != "Good" {
		t.Errorf("grade %q, want Good", r.Grade)
	}
}

// Rates over positive items within 0–100 %: a −10 deduction in a small
// category is its own column, not a rate of −485.71 %.
func TestRateOverPositiveItems(t *testing.T) {
	w, problems := Check(book(t, "指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|3.5|3", "|违规|-10|-10", "产出|数量|96.5|90")))
	r := result(t, w, problems, "部门A")
	if r.Level1[0].Rate().String() != "0.8571428571428571" || r.Level1[0].Score.String() != "-7" {
		t.Errorf("管理 rate %s score %s", r.Level1[0].Rate(), r.Level1[0].Score)
	}
}
