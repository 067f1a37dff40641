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
	Weight                  // 分值, 权重, …, maybe with a level prefix
	Descriptive             // 序号, 评分标准, 备注, …
	ScoreColumn             // 得分 / Score: one department named after the sheet
)

var levelWords = []struct {
	zh, en string
}{{"一级", "level1"}, {"二级", "level2"}, {"三级", "level3"}, {"四级", "level4"}}

var weightWords = []string{"分值", "权重", "权重分值", "标准分值", "满分", "weight", "weights", "points"}

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
}

// Classify tells what a header cell means; level is 1 to 4 for LevelName,
// and for a Weight with a level prefix (0 without one).
func Classify(header string) (kind Kind, level int) {
	h := Normalize(header)
	if h == "" {
		return Other, 0
	}
	for i, w := range levelWords {
		for _, name := range []string{w.zh + "指标", w.zh + "指标名称", w.en, w.en + "name", w.en + "indicator", w.en + "indicators"} {
			if h == name {
				return LevelName, i + 1
			}
		}
	}
	for _, word := range weightWords {
		if h == word {
			return Weight, 0
		}
		for i, w := range levelWords {
			for _, prefix := range []string{w.zh, w.zh + "指标", w.en} {
				if h == prefix+word {
					return Weight, i + 1
				}
			}
		}
	}
	if descriptiveWords[h] {
		return Descriptive, 0
	}
	if h == "得分" || h == "score" {
		return ScoreColumn, 0
	}
	return Other, 0
}

// IsTotalLabel reports whether s marks the total row (合计, 总计, 总分,
// Total).
func IsTotalLabel(s string) bool {
	switch Normalize(s) {
	case "合计", "总计", "总分", "total", "合计得分", "总得分", "grandtotal":
		return true
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
