package sheet

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize folds a header or key for matching: full-width characters to
// half-width, all white space removed, a trailing bracketed note dropped
// (三级指标（问题） is 三级指标), lower case.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0x3000:
			continue
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	out := b.String()
	for {
		trimmed := dropNote(out)
		if trimmed == out {
			return out
		}
		out = trimmed
	}
}

// dropNote removes one trailing bracketed note, unless nothing would be
// left.
func dropNote(s string) string {
	pairs := map[rune]rune{')': '(', ']': '[', '】': '【', '〕': '〔', '>': '<', '》': '《'}
	rs := []rune(s)
	if len(rs) < 2 {
		return s
	}
	open, ok := pairs[rs[len(rs)-1]]
	if !ok {
		return s
	}
	for i := len(rs) - 2; i > 0; i-- {
		if rs[i] == open {
			return string(rs[:i])
		}
	}
	return s
}

// Kind is what a header cell means.
type Kind int

// Header kinds.
const (
	Other       Kind = iota // anything else: a department, right of the leaf weight
	LevelName               // 一级指标 … 四级指标
	LevelWord               // an unnumbered level word (考核维度, 指标, Criterion …)
	Weight                  // 分值, 权重, …, maybe with a level prefix
	Descriptive             // 序号, 评分标准, 备注, …
	ScoreColumn             // 得分, 自评得分, Score …: one evaluated unit's scores
)

var levelWords = []struct {
	zh, en string
}{{"一级", "level1"}, {"二级", "level2"}, {"三级", "level3"}, {"四级", "level4"}}

var weightWords = []string{"分值", "权重", "权重分值", "标准分值", "满分", "总分值", "标准分", "权重占比", "目标权重",
	"权重(%)", "权重%", "分值(%)", "weight", "weights", "points", "max", "maxpoints", "maxscore"}

// unnumberedLevelWords name indicator columns without saying their
// level; they are levels, in column order, only where no numbered level
// name (一级指标 …) stands in the header row.
var unnumberedLevelWords = map[string]bool{
	"考核维度": true, "评价维度": true, "维度": true, "考核项目": true, "评价项目": true,
	"考核内容": true, "评价内容": true, "考核要点": true, "考核点": true, "评价要点": true,
	"指标": true, "指标名称": true, "评价指标": true, "考核指标": true,
	"category": true, "dimension": true, "criterion": true, "kpi": true, "item": true, "indicator": true,
}

// weakLevelWords are descriptive unless they are the only name column to
// the left of the weights (an English rubric's Criteria column).
var weakLevelWords = map[string]bool{"criteria": true}

var descriptiveWords = map[string]bool{
	"序号": true, "no.": true, "no": true, "编号": true,
	"指标解释": true, "指标说明": true, "definition": true,
	"评分标准": true, "评分细则": true, "criteria": true,
	"指标类型": true, "type": true, "适用对象": true, "appliesto": true,
	"依据": true, "对应指引条目": true,
	"目标值": true, "实际值": true, "完成值": true, "计量单位": true,
	"扣分原因": true, "扣分说明": true,
	"备注": true, "notes": true, "note": true,
	"数据来源": true, "source": true,
	"偏差原因": true, "偏差原因分析及改进措施": true, "改进措施": true, "年度指标值": true, "指标值": true,
	"全年目标值": true, "考核标准": true, "评价标准": true, "工作细则": true, "说明": true,
	"佐证材料": true, "证明材料": true, "得分说明": true, "评分说明": true, "扣分理由": true,
	"comment": true, "comments": true, "remarks": true, "evidence": true, "rationale": true,
}

// scoreWords head the score column of one evaluated unit.
var scoreWords = map[string]bool{
	"得分": true, "自评得分": true, "自评分": true, "评价得分": true, "评分": true, "实际得分": true,
	"考核得分": true, "复核得分": true, "最终得分": true, "计算分数": true,
	"score": true, "pointsearned": true,
}

// namedHeaders are the level names and weight headers, with what
// Classify says of them: made once, in the order Classify looked for
// them (the first one to match wins).
var namedHeaders = func() map[string]struct {
	kind  Kind
	level int
} {
	type kl = struct {
		kind  Kind
		level int
	}
	m := map[string]kl{}
	add := func(h string, kind Kind, level int) {
		if _, ok := m[h]; !ok {
			m[h] = kl{kind, level}
		}
	}
	for i, w := range levelWords {
		for _, name := range []string{w.zh + "指标", w.zh + "指标名称", w.en, w.en + "name", w.en + "indicator", w.en + "indicators"} {
			add(name, LevelName, i+1)
		}
	}
	for _, word := range weightWords {
		add(word, Weight, 0)
		for i, w := range levelWords {
			for _, prefix := range []string{w.zh, w.zh + "指标", w.en} {
				add(prefix+word, Weight, i+1)
			}
		}
	}
	return m
}()

// Classify tells what a header cell means; level is 1 to 4 for LevelName,
// and for a Weight with a level prefix (0 without one).
func Classify(header string) (kind Kind, level int) {
	h := Normalize(header)
	if h == "" {
		return Other, 0
	}
	if k, ok := namedHeaders[h]; ok {
		return k.kind, k.level
	}
	if unnumberedLevelWords[h] {
		return LevelWord, 0
	}
	if descriptiveWords[h] {
		return Descriptive, 0
	}
	if scoreWords[h] {
		return ScoreColumn, 0
	}
	return Other, 0
}

// IsWeakLevelWord reports whether a header is a name column only where
// nothing else is (Criteria).
func IsWeakLevelWord(header string) bool { return weakLevelWords[Normalize(header)] }

// labelKey is a row label folded for matching: normalised, with a
// trailing colon dropped (合计： is 合计).
func labelKey(s string) string {
	return strings.TrimRight(Normalize(s), ":")
}

// IsTotalLabel reports whether s marks the total row (合计, 总计, 总分,
// 得分合计, 评分总和, 合计（100分）, Total (150), …).
func IsTotalLabel(s string) bool {
	switch labelKey(s) {
	case "合计", "总计", "总分", "total", "合计得分", "总得分", "grandtotal", "得分合计", "总分合计", "评分总和",
		"合计分", "总合计", "totalscore", "totalpoints", "sum":
		return true
	}
	return false
}

// IsSubtotalLabel reports whether s marks a subtotal row (小计, 决策小计,
// Subtotal).
func IsSubtotalLabel(s string) bool {
	k := labelKey(s)
	return k == "小计" || strings.HasSuffix(k, "小计") && len([]rune(k)) <= 12 || k == "subtotal" || k == "sub-total"
}

// LabelPoints is the number a total label declares in brackets: 150 for
// "Total (150)", 100 for "合计（100分）".
func LabelPoints(s string) (string, bool) {
	t := strings.TrimSpace(s)
	open := strings.IndexAny(t, "(（")
	if open < 0 {
		return "", false
	}
	inner := strings.TrimLeft(t[open:], "(（")
	inner = strings.TrimRight(strings.TrimSpace(inner), ")）")
	inner = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(inner, "分"), "points"))
	if inner == "" {
		return "", false
	}
	for _, r := range inner {
		if (r < '0' || r > '9') && r != '.' {
			return "", false
		}
	}
	return inner, true
}

// unitLabels name the evaluated unit in a cell above the header.
var unitLabels = map[string]bool{
	"单位名称": true, "部门名称": true, "被评价单位": true, "评价对象": true, "填报单位": true,
	"被评价部门": true, "预算单位": true, "预算部门": true, "部门（单位）名称": true,
	"unit": true, "department": true, "evaluatedunit": true, "organisation": true, "organization": true,
}

// UnitLabel reads a cell above the header that names the evaluated unit:
// 单位名称：市水利局 gives 市水利局; a label alone (填报单位（盖章）：) gives
// labelOnly, the name being in the next filled cell to its right. 单位：分
// is a unit of measure, never a name.
func UnitLabel(s string) (name string, labelOnly, ok bool) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, ":：")
	if i < 0 {
		return "", false, false
	}
	label := Normalize(s[:i])
	if !unitLabels[label] {
		return "", false, false
	}
	rest := strings.TrimSpace(strings.TrimLeft(s[i:], ":："))
	if rest == "" {
		return "", true, true
	}
	return CleanName(rest), false, true
}

// IsDefaultSheetName reports whether a sheet has the name a spreadsheet
// program gives (Sheet1, 工作表1, 表1): it names nothing.
func IsDefaultSheetName(name string) bool {
	n := Normalize(name)
	for _, prefix := range []string{"sheet", "工作表", "表", "页"} {
		if rest, ok := strings.CutPrefix(n, prefix); ok {
			if strings.Trim(rest, "0123456789") == "" {
				return true
			}
		}
	}
	return false
}

// IsSettingsSheet reports whether a sheet name is the settings sheet.
func IsSettingsSheet(name string) bool {
	n := Normalize(name)
	return n == "设置" || n == "settings"
}

// CleanName tidies a department or indicator name as typed in a cell:
// trimmed, and a line break typed inside it (Alt+Enter) removed between
// Chinese characters or replaced by a space between words, so
// "市人力资源和\n社会保障局" is 市人力资源和社会保障局 and "Water\nBureau" is
// "Water Bureau".
func CleanName(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r", ""))
	if !strings.Contains(s, "\n") {
		return s
	}
	parts := strings.Split(s, "\n")
	out := strings.TrimSpace(parts[0])
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		last, _ := utf8.DecodeLastRuneInString(out)
		first, _ := utf8.DecodeRuneInString(p)
		if out != "" && last < 0x2E80 && first < 0x2E80 {
			out += " "
		}
		out += p
	}
	return out
}
