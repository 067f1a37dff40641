package formula

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

func decodeRune(s string) (rune, int) {
	if s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	return utf8.DecodeRuneInString(s)
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// textLen is LEN: characters counted as Excel does, in UTF-16 units.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// runeOffset returns the byte offset of the n-th character (0-based) of s,
// or len(s).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// match reports whether s matches an Excel pattern with * ? and ~
// escapes, ignoring case. It gives up (ok false) after budget steps.
func match(pattern, s string, budget int) (matched, ok bool) {
	p := []rune(pattern)
	t := []rune(s)
	// tokens: literal runes with a flag for wildcards
	type pt struct {
		r    rune
		wild byte // 0 literal, '*', '?'
	}
	var ps []pt
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '~' && i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '?' || p[i+1] == '~'):
			ps = append(ps, pt{r: p[i+1]})
			i++
		case p[i] == '*':
			ps = append(ps, pt{wild: '*'})
		case p[i] == '?':
			ps = append(ps, pt{wild: '?'})
		default:
			ps = append(ps, pt{r: p[i]})
		}
	}
	i, j, star, mark := 0, 0, -1, 0
	for steps := 0; j < len(t); steps++ {
		if steps > budget {
			return false, false
		}
		switch {
		case i < len(ps) && (ps[i].wild == '?' || ps[i].wild == 0 && foldRune(ps[i].r) == foldRune(t[j])):
			i++
			j++
		case i < len(ps) && ps[i].wild == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false, true
		}
	}
	for i < len(ps) && ps[i].wild == '*' {
		i++
	}
	return i == len(ps), true
}

func sortStrings(s []string) { slices.Sort(s) }
