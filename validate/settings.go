package validate

import (
	"strings"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/sheet"
)

var gradeWords = map[string]bool{
	"优": true, "良": true, "中": true, "差": true, "优秀": true, "良好": true, "中等": true, "一般": true,
	"合格": true, "不合格": true, "及格": true, "不及格": true, "较差": true,
	"a": true, "b": true, "c": true, "d": true, "e": true,
	"excellent": true, "good": true, "fair": true, "poor": true, "pass": true, "fail": true,
}

var headerKeys = map[string]bool{"项目": true, "设置项": true, "参数": true, "键": true, "key": true, "setting": true, "名称": true, "设置": true, "item": true}

// readSettings reads the settings sheet into s; total is whether 满分 was
// set, grades whether any grade was declared (then they replace the
// defaults, even when they are not usable).
func readSettings(b *sheet.Book, problems *List) (s calc.Settings, total, grades bool) {
	s = calc.DefaultSettings()
	var bands []calc.Band
	bandCell := sheet.Cell{}
	for i, row := range b.Settings {
		settingsSheet := b.SettingsSheet
		if row.From != "" {
			settingsSheet = row.From // --settings FILE
		}
		raw := strings.TrimSpace(row.Key.Value)
		key := sheet.Normalize(foldName(raw)) // invisible characters aside
		val := strings.TrimSpace(row.Value.Value)
		bad := func(expected string) {
			if v := readValue(row.Value, false); v.err == ErrFormula {
				problems.Add(cellProblem(SeverityError, settingsSheet, row.Value, "", "", ErrFormula, shown(row.Value), v.detail))
				return
			}
			problems.Add(cellProblem(SeverityError, settingsSheet, row.Value, "", "", ErrSetting, raw+" = "+shown(row.Value), expected).naming(readValue(row.Value, false)))
		}
		switch key {
		case "满分", "totalpoints", "总分值":
			d, ok := number(row.Value)
			if !ok || !d.IsPositive() {
				bad("a positive number / 正数")
				continue
			}
			s.TotalPoints, total = d, true
		case "小数位", "小数位数", "decimals":
			d, ok := number(row.Value)
			if !ok || !d.IsInteger() || d.IsNegative() || d.GreaterThan(decimal.NewFromInt(6)) {
				bad("a whole number from 0 to 6 / 0 到 6 的整数")
				continue
			}
			s.Decimals = int32(d.IntPart())
		case "舍入", "舍入方式", "rounding":
			switch sheet.Normalize(foldName(val)) {
			case "四舍五入", "half-up", "halfup":
				s.Rounding = calc.HalfUp
			case "截断", "truncate", "去尾":
				s.Rounding = calc.Truncate
			case "银行家舍入", "half-even", "halfeven", "bankers", "banker's":
				s.Rounding = calc.HalfEven
			default:
				bad("四舍五入 (half-up) / 截断 (truncate) / 银行家舍入 (half-even)")
			}
		case "计分方式", "评分方式", "scoring", "scoringmodel":
			switch sheet.Normalize(foldName(val)) {
			case "分值", "points", "point":
				s.Model = calc.PointsModel
			case "权重", "weighted", "weight", "weights":
				s.Model = calc.WeightedModel
			case "系数", "coefficient", "coefficients":
				s.Model = calc.CoefficientModel
			default:
				bad("分值 (points) / 权重 (weighted) / 系数 (coefficient)")
				continue
			}
			s.ModelDeclared = true
		case "得分满分", "scorescale":
			d, ok := number(row.Value)
			if !ok || !d.IsPositive() {
				bad("a positive number / 正数")
				continue
			}
			s.ScoreScale = d
		case "系数上限", "coefficientcap":
			d, ok := number(row.Value)
			if !ok || !d.IsPositive() {
				bad("a positive number / 正数")
				continue
			}
			s.CoefficientCap = d
		case "否决处理", "veto", "否决":
			switch sheet.Normalize(foldName(val)) {
			case "总分为0", "总分为零", "zero", "0":
				s.VetoZero = true
			case "最低等级", "lowestgrade", "lowest", "grade":
				s.VetoZero = false
			default:
				bad("最低等级 (lowest grade) / 总分为0 (zero)")
			}
		default:
			if sheet.SetNaming(&s, key, val) {
				continue
			}
			if sheet.IsLayoutKey(raw) {
				continue // read by sheet: the columns of the tables (一级指标列, 得分列, …)
			}
			label, isGrade := gradeLabel(raw)
			if !isGrade {
				if i == 0 && headerKeys[key] {
					continue // a header row: 项目 | 值
				}
				p := cellProblem(SeverityWarning, settingsSheet, row.Key, "", "", WarnUnknownSetting, raw, "")
				p.Invisible = invisibleIn(raw, true)
				problems.Add(p)
				continue
			}
			grades = true
			d, ok := number(row.Value)
			if !ok || d.IsNegative() {
				bad("a lower bound of 0 or more / 不小于 0 的分数下限")
				continue
			}
			if bandCell.Ref == "" {
				bandCell = row.Key
			}
			bands = append(bands, calc.Band{Label: label, Min: d})
		}
	}
	if len(bands) > 0 {
		if err := calc.SortBands(bands); err != nil {
			problems.Add(cellProblem(SeverityError, b.SettingsSheet, bandCell, "", "", ErrGradeBands, err.Error(), ""))
		} else {
			s.Bands = bands
		}
	}
	return s, total, grades
}

// gradeLabel recognises a grade key: a usual grade word (优, 良, 合格,
// Excellent, …) or any label after 等级 / Grade ("等级:A").
func gradeLabel(raw string) (string, bool) {
	if gradeWords[sheet.Normalize(raw)] {
		return strings.TrimSpace(raw), true
	}
	t := strings.TrimSpace(raw)
	for _, prefix := range []string{"等级", "Grade", "grade", "GRADE"} {
		if rest, ok := strings.CutPrefix(t, prefix); ok {
			rest = strings.TrimSpace(strings.TrimLeft(rest, ":：-— "))
			if rest != "" {
				return rest, true
			}
		}
	}
	return "", false
}

// number reads a settings value: a number, or text that is one.
func number(c sheet.Cell) (decimal.Decimal, bool) {
	v := readValue(c, false)
	return v.num, v.err == nil
}
