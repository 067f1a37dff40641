package validate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"perfeval/sheet"
)

// maxShown is how many characters of a cell's text a message quotes.
const maxShown = 100

// cut shortens s to its first maxShown characters (runes, never half of
// one) and an ellipsis.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	n := 0
	for i := range s {
		if n == maxShown {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// shown is a cell's content for messages, as the spreadsheet shows it: the
// value (TRUE/FALSE for a boolean, a date for a date, 90% for a number
// formatted as a percentage), or the formula that could not be computed.
// Long text is cut when the message is made.
func shown(c sheet.Cell) string {
	switch c.Kind {
	case sheet.FormulaFailed:
		return "=" + c.Formula
	case sheet.Bool:
		switch strings.ToUpper(strings.TrimSpace(c.Value)) {
		case "1", "TRUE":
			return "TRUE"
		case "0", "FALSE":
			return "FALSE"
		}
	case sheet.Date:
		if d, ok := excelDate(c.Value); ok {
			return d
		}
	case sheet.Number:
		if c.Percent {
			if d, ok := ParseNumber(c.Value); ok {
				return d.Shift(2).String() + "%"
			}
		}
	}
	return strings.TrimSpace(c.Value)
}

// maxSerial is 9999-12-31, the last day Excel shows.
const maxSerial = 2958465

// excelDate shows a date cell's raw value as Excel does: a serial number
// of days (1 is 1900-01-01; Excel counts a 1900-02-29 that never was, serial
// 60) with the time of day as its fraction, or an ISO 8601 date.
func excelDate(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, raw); err == nil {
				return formatDateTime(t), true
			}
		}
		return "", false
	}
	if f < 0 || f >= maxSerial+1 || math.IsNaN(f) {
		return "", false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	if secs >= 86400 {
		days, secs = days+1, 0
	}
	clock := time.Duration(secs) * time.Second
	if days == 0 {
		return formatClock(clock), true
	}
	var t time.Time
	switch {
	case days == 60:
		date := "1900-02-29"
		if clock > 0 {
			date += " " + formatClock(clock)
		}
		return date, true
	case days < 60:
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
	default:
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
	}
	return formatDateTime(t.Add(clock)), true
}

// formatDateTime is 2024-01-01, with the time when there is one:
// 2024-01-01 12:00, or 12:00:30 with seconds.
func formatDateTime(t time.Time) string {
	clock := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second
	if clock == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02") + " " + formatClock(clock)
}

func formatClock(d time.Duration) string {
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	if s == 0 {
		return fmt.Sprintf("%02d:%02d", h, m)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

// invisibleNames names the characters a person cannot see in a cell, or
// cannot tell from an ordinary space.
var invisibleNames = map[rune][2]string{
	0x00A0: {"不换行空格", "non-breaking space"},
	0x00AD: {"软连字符", "soft hyphen"},
	0x200B: {"零宽空格", "zero-width space"},
	0x200C: {"零宽非连接符", "zero-width non-joiner"},
	0x200D: {"零宽连接符", "zero-width joiner"},
	0x200E: {"从左到右标记", "left-to-right mark"},
	0x200F: {"从右到左标记", "right-to-left mark"},
	0x202F: {"窄不换行空格", "narrow no-break space"},
	0x2060: {"零宽不换行符", "word joiner"},
	0x3000: {"全角空格", "ideographic space"},
	0xFEFF: {"BOM 字节顺序标记", "byte order mark"},
}

// invisible reports whether r is a character to name: a format character
// (Unicode Cf: zero-width spaces and joiners, BOM, direction marks, …) or
// a space other than the ASCII one. The ideographic space U+3000 counts in
// numbers only: in a name it is a visible, wide space.
func invisible(r rune, inName bool) bool {
	switch {
	case r == ' ':
		return false
	case r == 0x3000:
		return !inName
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zs, r)
}

// invisibleIn lists the invisible characters of s, each once, in order.
func invisibleIn(s string, inName bool) []rune {
	var out []rune
	for _, r := range s {
		if invisible(r, inName) && !containsRune(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// foldName is a name as it looks: format characters dropped and spaces
// that look like a space made one. Two names that fold alike cannot be
// told apart on screen.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case !invisible(r, true):
			b.WriteRune(r)
		case unicode.Is(unicode.Zs, r):
			b.WriteRune(' ')
		}
	}
	return strings.TrimSpace(b.String())
}

// charNames names runes for a message, with the noun: zh 不可见字符
// U+200B（零宽空格）、U+00A0（不换行空格）; en an invisible character U+200B
// (zero-width space), or invisible characters … and ….
func charNames(rs []rune, lang string) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		names, ok := invisibleNames[r]
		if !ok {
			names = [2]string{"格式控制字符", "format character"}
			if unicode.Is(unicode.Zs, r) {
				names = [2]string{"特殊空格", "special space"}
			}
		}
		if lang == "en" {
			parts[i] = fmt.Sprintf("U+%04X (%s)", r, names[1])
		} else {
			parts[i] = fmt.Sprintf("U+%04X（%s）", r, names[0])
		}
	}
	if lang != "en" {
		return "不可见字符 " + strings.Join(parts, "、")
	}
	if len(parts) == 1 {
		return "an invisible character " + parts[0]
	}
	return "invisible characters " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
