package calc

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// Rounding is how shown values are rounded to Settings.Decimals.
type Rounding int

// The rounding modes of the 舍入 setting.
const (
	HalfUp   Rounding = iota // 四舍五入: half away from zero
	Truncate                 // 截断: toward zero
	HalfEven                 // 银行家舍入: half to even
)

// String returns the mode's English setting name.
func (r Rounding) String() string {
	switch r {
	case Truncate:
		return "truncate"
	case HalfEven:
		return "half-even"
	default:
		return "half-up"
	}
}

// Round rounds d to places decimals by r.
func (r Rounding) Round(d decimal.Decimal, places int32) decimal.Decimal {
	switch r {
	case Truncate:
		return d.Truncate(places)
	case HalfEven:
		return d.RoundBank(places)
	default:
		return d.Round(places)
	}
}

// Band is one grade: totals at or above Min (and below the next band up)
// get Label.
type Band struct {
	Label string
	Min   decimal.Decimal
}

// Model is how a score cell is read (计分方式, spec §7). Every model is
// turned into points before anything is computed.
type Model int

// The scoring models.
const (
	PointsModel      Model = iota // 分值: a score is points out of its leaf weight
	WeightedModel                 // 权重: weights are shares, scores out of Settings.ScoreScale
	CoefficientModel              // 系数: a score is a coefficient of its leaf weight
)

// String returns the model's English setting name.
func (m Model) String() string {
	switch m {
	case WeightedModel:
		return "weighted"
	case CoefficientModel:
		return "coefficient"
	default:
		return "points"
	}
}

// Settings are a workbook's evaluation settings (its 设置 sheet, or the
// defaults).
type Settings struct {
	Model          Model           // 计分方式
	ModelDeclared  bool            // 计分方式 was set (then no other model is suggested)
	ScoreScale     decimal.Decimal // 得分满分: the scale of a weighted model's scores (100)
	CoefficientCap decimal.Decimal // 系数上限: the largest coefficient (1)
	VetoZero       bool            // 否决处理 = 总分为0: a vetoed department's total is 0
	TotalPoints    decimal.Decimal // 满分
	Decimals       int32           // 小数位
	Rounding       Rounding        // 舍入
	Bands          []Band          // grade bands, highest Min first
	Year           string          // 年度, for titles
	Evaluator      string          // 评价单位, for titles
	Evaluation     string          // 评价名称, for titles; "" for the default
}

// Hundred is the default total points.
var Hundred = decimal.NewFromInt(100)

// DefaultBands are the national rule's grade bands for a total of 100
// points (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below), scaled to total points.
func DefaultBands(total decimal.Decimal) []Band {
	scale := func(pct int64) decimal.Decimal {
		return total.Mul(decimal.NewFromInt(pct)).Div(Hundred)
	}
	return []Band{
		{Label: "优", Min: scale(90)},
		{Label: "良", Min: scale(80)},
		{Label: "中", Min: scale(60)},
		{Label: "差", Min: decimal.Zero},
	}
}

// EnglishBands are DefaultBands labelled Excellent, Good, Fair and Poor.
func EnglishBands(total decimal.Decimal) []Band {
	bands := DefaultBands(total)
	for i, label := range []string{"Excellent", "Good", "Fair", "Poor"} {
		bands[i].Label = label
	}
	return bands
}

// DefaultSettings returns 100 points, 2 decimals, half-up rounding and the
// default grade bands.
func DefaultSettings() Settings {
	return Settings{
		ScoreScale:     Hundred,
		CoefficientCap: decimal.NewFromInt(1),
		TotalPoints:    Hundred,
		Decimals:       2,
		Rounding:       HalfUp,
		Bands:          DefaultBands(Hundred),
	}
}

// SortBands orders bands highest Min first and reports whether they are
// usable: bounds strictly decreasing (no two equal) and the lowest is 0.
func SortBands(bands []Band) error {
	if len(bands) == 0 {
		return fmt.Errorf("no grade bands")
	}
	sort.SliceStable(bands, func(i, j int) bool { return bands[i].Min.GreaterThan(bands[j].Min) })
	for i := 1; i < len(bands); i++ {
		if bands[i].Min.Equal(bands[i-1].Min) {
			return fmt.Errorf("grades %s and %s have the same lower bound %s", bands[i-1].Label, bands[i].Label, bands[i].Min)
		}
	}
	if low := bands[len(bands)-1]; !low.Min.IsZero() {
		return fmt.Errorf("the lowest grade %s starts at %s, not 0", low.Label, low.Min)
	}
	return nil
}

// Points rounds a score or weight for showing.
func (s Settings) Points(d decimal.Decimal) decimal.Decimal {
	return s.Rounding.Round(d, s.Decimals)
}

// Percent rounds a rate (0.889375) to a shown percentage (88.93).
func (s Settings) Percent(rate decimal.Decimal) decimal.Decimal {
	return s.Rounding.Round(rate.Mul(Hundred), s.Decimals)
}

// FormatPoints is Points as text with exactly Decimals decimals ("87.96").
func (s Settings) FormatPoints(d decimal.Decimal) string {
	return s.Points(d).StringFixed(s.Decimals)
}

// FormatPercent is Percent as text with a percent sign ("88.93%").
func (s Settings) FormatPercent(rate decimal.Decimal) string {
	return s.Percent(rate).StringFixed(s.Decimals) + "%"
}

// Grade returns the label and band index (0 is the best) of a shown total.
func (s Settings) Grade(shown decimal.Decimal) (string, int) {
	for i, b := range s.Bands {
		if shown.GreaterThanOrEqual(b.Min) {
			return b.Label, i
		}
	}
	if n := len(s.Bands); n > 0 {
		return s.Bands[n-1].Label, n - 1
	}
	return "", 0
}
