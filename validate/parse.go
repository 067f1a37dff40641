package validate

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"perfeval/sheet"
)

var plainNumber = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`)

// ParseText reads text that holds a number: "12.5", " 12.5 ", full-width
// "１２．５", with a trailing 分. Invisible characters (zero-width spaces,
// BOM, …) are dropped and other spaces (non-breaking, full-width) are
// spaces, so text that shows a number is read as that number. ok is false
// for anything else.
func ParseText(s string) (decimal.Decimal, bool) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case invisible(r, false) && unicode.Is(unicode.Zs, r):
			r = ' '
		case invisible(r, false):
			continue
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == '−' || r == '－':
			r = '-'
		case r == '。':
			r = '.'
		}
		b.WriteRune(r)
	}
	t := strings.TrimSpace(b.String())
	t = strings.TrimSpace(strings.TrimSuffix(t, "分"))
	if !plainNumber.MatchString(t) {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(t)
	return d, err == nil
}

// ParseNumber reads a number cell's raw value the way Excel shows it: to
// 15 significant digits, so a stored 14.230000000000001 is 14.23.
func ParseNumber(raw string) (decimal.Decimal, bool) {
	d, err := sheet.Number15(raw)
	return d, err == nil
}

// IsNotApplicable reports whether text says 不适用 / N/A / NA (invisible
// characters aside).
func IsNotApplicable(s string) bool {
	switch sheet.Normalize(foldName(s)) {
	case "不适用", "n/a", "na", "不涉及":
		return true
	}
	return false
}

// value is a cell read as a number.
type value struct {
	num       decimal.Decimal
	na        bool
	text      bool // it was text holding a number
	percent   bool // a number formatted as a percentage: 90% is 0.9
	invisible []rune
	err       error
	detail    string // for ErrFormula: why
}

// scoreValues keeps readValue's answers (allowNA) for the score cells of
// a table, by what decides them: a million score cells hold a few hundred
// distinct values, and each is read twice (which columns hold scores,
// then the scores).
type scoreValues map[scoreKey]value

type scoreKey struct {
	kind    sheet.CellKind
	text    string
	percent bool
	typed   bool // not from a formula
}

// maxScoreValues bounds a table's scoreValues: past it, cells are read
// without being kept.
const maxScoreValues = 1 << 14

// read is readValue(c, true), from m when it has c's.
func (m scoreValues) read(c sheet.Cell) value {
	if c.Kind != sheet.Number && c.Kind != sheet.Text {
		return readValue(c, true)
	}
	k := scoreKey{c.Kind, c.Value, c.Percent, c.Formula == ""}
	if v, ok := m[k]; ok {
		return v
	}
	v := readValue(c, true)
	if len(m) < maxScoreValues {
		m[k] = v
	}
	return v
}

// readValue reads a score or weight cell. A blank cell (or text of spaces
// and invisible characters only) gives ErrMissing, anything not a number
// ErrNotNumber (the caller maps them for weights), a formula that could
// not be computed ErrFormula. Invisible characters of a text cell are
// kept, to be named.
func readValue(c sheet.Cell, allowNA bool) value {
	switch c.Kind {
	case sheet.Blank:
		return value{err: ErrMissing}
	case sheet.Number:
		if d, ok := ParseNumber(c.Value); ok {
			return value{num: d, percent: c.Percent}
		}
	case sheet.Text:
		inv := invisibleIn(c.Value, false)
		switch {
		case strings.TrimFunc(c.Value, func(r rune) bool { return unicode.IsSpace(r) || invisible(r, false) }) == "":
			return value{err: ErrMissing, invisible: inv}
		case allowNA && IsNotApplicable(c.Value):
			return value{na: true}
		}
		if d, ok := ParseText(c.Value); ok {
			return value{num: d, text: c.Formula == "", invisible: inv}
		}
		return value{err: ErrNotNumber, invisible: inv}
	case sheet.FormulaFailed:
		detail := ""
		if c.Err != nil {
			detail = c.Err.Error()
		}
		return value{err: ErrFormula, detail: detail}
	}
	return value{err: ErrNotNumber}
}

// readWeight reads a weight cell as readValue does, and also text that is
// a percentage: "15%" is 0.15 (a number formatted as a percentage is
// already the number it holds).
func readWeight(c sheet.Cell) value {
	v := readValue(c, false)
	if v.err != ErrNotNumber || c.Kind != sheet.Text {
		return v
	}
	t := strings.TrimSpace(c.Value)
	for _, sign := range []string{"%", "％"} {
		if rest, ok := strings.CutSuffix(t, sign); ok {
			if d, ok := ParseText(rest); ok {
				return value{num: d.Div(decimal.NewFromInt(100)), invisible: v.invisible} // a percentage is a usual way to write a weight: no warning
			}
		}
	}
	return v
}

// vetoWord reports whether text marks a veto item (否决, 一票否决, Veto,
// 否决项).
func vetoWord(s string) bool {
	switch sheet.Normalize(foldName(s)) {
	case "否决", "一票否决", "veto", "否决项", "一票否决项", "vetoitem":
		return true
	}
	return false
}

// vetoScore reads a veto item's score: vetoed (否决, 是, Yes) or not
// (通过, 否, No); ok is false for anything else.
func vetoScore(s string) (vetoed, ok bool) {
	switch sheet.Normalize(foldName(s)) {
	case "否决", "一票否决", "是", "yes", "y", "vetoed", "veto":
		return true, true
	case "通过", "否", "no", "n", "pass", "passed", "未否决":
		return false, true
	}
	return false, false
}

// blank reports whether a cell shows nothing: blank, or text of spaces
// and invisible characters only.
func blank(c sheet.Cell) bool {
	return c.IsBlank() || c.Kind == sheet.Text && readValue(c, false).err == ErrMissing
}
