package sheet

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// Layout is what the settings declare about a workbook's columns, for a
// layout perfeval cannot guess (spec §6.3): the header text of each
// column, matched as header cells are.
type Layout struct {
	Levels      [4]string // 一级指标列 … 四级指标列; "" where not declared
	Weight      string    // 分值列
	Scores      []string  // 得分列
	Descriptive []string  // 说明列
	Unit        string    // 评价对象: the unit of a one-unit workbook
}

// layout keys, normalised, and what they declare.
var layoutKeys = map[string]string{
	"一级指标列": "level1", "二级指标列": "level2", "三级指标列": "level3", "四级指标列": "level4",
	"level1column": "level1", "level2column": "level2", "level3column": "level3", "level4column": "level4",
	"分值列": "weight", "权重列": "weight", "weightcolumn": "weight",
	"得分列": "scores", "scorecolumns": "scores", "scorecolumn": "scores",
	"说明列": "descriptive", "descriptivecolumns": "descriptive", "descriptivecolumn": "descriptive",
	"评价对象": "unit", "unit": "unit",
}

// IsLayoutKey reports whether a settings key declares the layout.
func IsLayoutKey(key string) bool {
	_, ok := layoutKeys[Normalize(key)]
	return ok
}

// splitList splits a settings value listing headers: 、 , ; and their
// full-width forms.
func splitList(v string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune("、,;，；\n", r) }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// LayoutOf reads the layout keys of settings.
func LayoutOf(settings []Setting) Layout {
	var l Layout
	for _, s := range settings {
		v := strings.TrimSpace(s.Value.Value)
		switch layoutKeys[Normalize(s.Key.Value)] {
		case "level1":
			l.Levels[0] = v
		case "level2":
			l.Levels[1] = v
		case "level3":
			l.Levels[2] = v
		case "level4":
			l.Levels[3] = v
		case "weight":
			l.Weight = v
		case "scores":
			l.Scores = splitList(v)
		case "descriptive":
			l.Descriptive = splitList(v)
		case "unit":
			l.Unit = CleanName(v)
		}
	}
	return l
}

// declared tells what the layout says of a header: a level (1–4), the
// leaf weight, a score column, a descriptive column, or nothing.
func (l Layout) declared(header string) (kind Kind, level int, ok bool) {
	h := Normalize(header)
	if h == "" {
		return Other, 0, false
	}
	for i, lv := range l.Levels {
		if lv != "" && Normalize(lv) == h {
			return LevelName, i + 1, true
		}
	}
	if l.Weight != "" && Normalize(l.Weight) == h {
		return Weight, 0, true
	}
	for _, sc := range l.Scores {
		if Normalize(sc) == h {
			return Other, 0, true
		}
	}
	for _, d := range l.Descriptive {
		if Normalize(d) == h {
			return Descriptive, 0, true
		}
	}
	return Other, 0, false
}

// declaresLevels reports whether the layout names any level column.
func (l Layout) declaresLevels() bool {
	for _, lv := range l.Levels {
		if lv != "" {
			return true
		}
	}
	return false
}

// ColumnName is a column's letters: 3 is "C".
func ColumnName(col int) (string, error) {
	return excelize.ColumnNumberToName(col)
}
