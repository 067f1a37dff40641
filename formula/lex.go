package formula

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sheet limits of Excel 2007 and later.
const (
	maxCol = 16384
	maxRow = 1048576
	// maxFormula is the longest formula accepted, in bytes (Excel allows
	// 8,192 characters).
	maxFormula = 32 * 1024
)

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tBool
	tErr
	tRef
	tName // a defined name
	tFunc // a function name; the '(' follows
	tOp   // + - * / ^ & % = <> < <= > >=
	tLParen
	tRParen
	tComma
)

// endpoint is one corner of a reference. A whole column has no row, a
// whole row no column.
type endpoint struct {
	col, row       int
	colAbs, rowAbs bool
	hasCol, hasRow bool
}

// refTok is a reference as written: an optional sheet and one or two
// endpoints.
type refTok struct {
	sheet    string // unquoted
	hasSheet bool
	prefix   string // the sheet part as written, '!' included
	a, b     endpoint
	isRange  bool
}

type token struct {
	kind       tokKind
	text       string  // number text, unescaped string, error or operator, function name
	ref        *refTok // for tRef
	start, end int     // byte offsets in the formula
}

// lex splits a formula into tokens. It reports ErrSyntax for what is not
// a formula and ErrUnsupported for syntax the evaluator does not handle
// (array constants, external and 3-D references, structured references).
func lex(s string) ([]token, error) {
	if len(s) > maxFormula {
		return nil, fmt.Errorf("%w: formula of %d bytes", ErrTooLarge, len(s))
	}
	toks := make([]token, 0, len(s)/4+2)
	i := 0
	for i < len(s) {
		c := s[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
			continue
		case c == '"':
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("%w: unterminated string", ErrSyntax)
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			toks = append(toks, token{kind: tStr, text: b.String(), start: start, end: i})
			continue
		case c == '#':
			e, ok := errorAt(s[i:])
			if !ok {
				return nil, fmt.Errorf("%w: unknown error value at %q", ErrSyntax, clip(s[i:]))
			}
			i += len(e)
			toks = append(toks, token{kind: tErr, text: e, start: start, end: i})
			continue
		case c == '(':
			toks = append(toks, token{kind: tLParen, start: i, end: i + 1})
			i++
			continue
		case c == ')':
			toks = append(toks, token{kind: tRParen, start: i, end: i + 1})
			i++
			continue
		case c == ',':
			toks = append(toks, token{kind: tComma, start: i, end: i + 1})
			i++
			continue
		case strings.IndexByte("+-*/^&%=", c) >= 0:
			toks = append(toks, token{kind: tOp, text: s[i : i+1], start: i, end: i + 1})
			i++
			continue
		case c == '<' || c == '>':
			op := s[i : i+1]
			if i+1 < len(s) && (s[i+1] == '=' || c == '<' && s[i+1] == '>') {
				op = s[i : i+2]
			}
			i += len(op)
			toks = append(toks, token{kind: tOp, text: op, start: start, end: i})
			continue
		case c == ':':
			return nil, fmt.Errorf("%w: range operator ':' between expressions", ErrUnsupported)
		case c == '{':
			return nil, fmt.Errorf("%w: array constant", ErrUnsupported)
		case c == '[':
			return nil, fmt.Errorf("%w: external reference", ErrUnsupported)
		case c == '\'':
			// 'Sheet name'!A1
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("%w: unterminated sheet name", ErrSyntax)
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if i >= len(s) || s[i] != '!' {
				return nil, fmt.Errorf("%w: quoted name without '!'", ErrSyntax)
			}
			i++
			t, n, err := lexRefAfterSheet(s, i, b.String(), s[start:i])
			if err != nil {
				return nil, err
			}
			t.start, t.end = start, n
			i = n
			toks = append(toks, t)
			continue
		case c >= '0' && c <= '9' || c == '.':
			// A row range 3:5 or a number.
			if ep, n, ok := scanRow(s, i); ok && n < len(s) && s[n] == ':' {
				if ep2, n2, ok := scanRow(s, n+1); ok && !wordChar(s, n2) {
					toks = append(toks, token{kind: tRef, ref: &refTok{a: ep, b: ep2, isRange: true}, start: start, end: n2})
					i = n2
					continue
				}
			}
			n := scanNumber(s, i)
			if n == i {
				return nil, fmt.Errorf("%w: bad number at %q", ErrSyntax, clip(s[i:]))
			}
			toks = append(toks, token{kind: tNum, text: s[i:n], start: start, end: n})
			i = n
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		if !(c == '$' || c == '_' || c == '\\' || unicode.IsLetter(r)) {
			return nil, fmt.Errorf("%w: unexpected %q", ErrSyntax, r)
		}
		n := scanWord(s, i)
		word := s[i:n]
		switch {
		case n < len(s) && s[n] == '!':
			t, n2, err := lexRefAfterSheet(s, n+1, word, s[i:n+1])
			if err != nil {
				return nil, err
			}
			t.start, t.end = start, n2
			toks = append(toks, t)
			i = n2
			continue
		case n < len(s) && s[n] == '(':
			toks = append(toks, token{kind: tFunc, text: word, start: start, end: n})
			i = n
			continue
		case n < len(s) && s[n] == '[':
			return nil, fmt.Errorf("%w: structured reference %s[", ErrUnsupported, clip(word))
		case strings.EqualFold(word, "TRUE") || strings.EqualFold(word, "FALSE"):
			toks = append(toks, token{kind: tBool, text: strings.ToUpper(word), start: start, end: n})
			i = n
			continue
		}
		t, n2, ok := lexRef(s, i)
		if ok {
			t.start, t.end = start, n2
			toks = append(toks, t)
			i = n2
			continue
		}
		toks = append(toks, token{kind: tName, text: word, start: start, end: n})
		i = n
	}
	toks = append(toks, token{kind: tEOF, start: len(s), end: len(s)})
	return toks, nil
}

// lexRefAfterSheet reads the reference that follows Sheet! at i.
func lexRefAfterSheet(s string, i int, sheet, prefix string) (token, int, error) {
	if strings.HasPrefix(strings.ToUpper(s[i:]), ErrRef) {
		return token{kind: tErr, text: ErrRef}, i + len(ErrRef), nil
	}
	t, n, ok := lexRef(s, i)
	if !ok {
		if strings.Contains(sheet, ":") {
			return token{}, 0, fmt.Errorf("%w: 3-D reference %s", ErrUnsupported, clip(prefix))
		}
		return token{}, 0, fmt.Errorf("%w: no reference after %s", ErrSyntax, clip(prefix))
	}
	t.ref.sheet, t.ref.hasSheet, t.ref.prefix = sheet, true, prefix
	return t, n, nil
}

// lexRef reads A1, $A$1, A1:B5, F:F or 3:3 at i.
func lexRef(s string, i int) (token, int, bool) {
	a, n, ok := scanCell(s, i)
	if ok {
		if n < len(s) && s[n] == ':' {
			if b, n2, ok := scanCell(s, n+1); ok && !wordChar(s, n2) {
				return token{kind: tRef, ref: &refTok{a: a, b: b, isRange: true}}, n2, true
			}
		}
		if !wordChar(s, n) {
			return token{kind: tRef, ref: &refTok{a: a}}, n, true
		}
		return token{}, 0, false
	}
	if a, n, ok := scanColumn(s, i); ok && n < len(s) && s[n] == ':' {
		if b, n2, ok := scanColumn(s, n+1); ok && !wordChar(s, n2) {
			return token{kind: tRef, ref: &refTok{a: a, b: b, isRange: true}}, n2, true
		}
	}
	if a, n, ok := scanRow(s, i); ok && n < len(s) && s[n] == ':' {
		if b, n2, ok := scanRow(s, n+1); ok && !wordChar(s, n2) {
			return token{kind: tRef, ref: &refTok{a: a, b: b, isRange: true}}, n2, true
		}
	}
	return token{}, 0, false
}

// scanColumn reads $?[A-Z]{1,3} within the sheet's columns.
func scanColumn(s string, i int) (endpoint, int, bool) {
	var e endpoint
	if i < len(s) && s[i] == '$' {
		e.colAbs = true
		i++
	}
	j := i
	for j < len(s) && j-i < 4 && isLetter(s[j]) {
		e.col = e.col*26 + int(upper(s[j])-'A'+1)
		j++
	}
	if j == i || j-i > 3 || e.col > maxCol {
		return e, 0, false
	}
	e.hasCol = true
	return e, j, true
}

// scanRow reads $?[0-9]+ within the sheet's rows.
func scanRow(s string, i int) (endpoint, int, bool) {
	var e endpoint
	if i < len(s) && s[i] == '$' {
		e.rowAbs = true
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		if e.row > maxRow {
			return e, 0, false
		}
		e.row = e.row*10 + int(s[j]-'0')
		j++
	}
	if j == i || e.row < 1 || e.row > maxRow {
		return e, 0, false
	}
	e.hasRow = true
	return e, j, true
}

// scanCell reads a cell address such as $A$1.
func scanCell(s string, i int) (endpoint, int, bool) {
	c, n, ok := scanColumn(s, i)
	if !ok {
		return c, 0, false
	}
	r, n, ok := scanRow(s, n)
	if !ok {
		return c, 0, false
	}
	c.row, c.rowAbs, c.hasRow = r.row, r.rowAbs, true
	return c, n, true
}

// scanNumber reads 12, 1.5, .5, 1e-3 at i and returns where it ends.
func scanNumber(s string, i int) int {
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	}
	if j == i || j == i+1 && s[i] == '.' {
		return i
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		m := k
		for m < len(s) && s[m] >= '0' && s[m] <= '9' {
			m++
		}
		if m > k {
			j = m
		}
	}
	return j
}

// scanWord reads a name: letters, digits, _ . $ \ and any non-ASCII letter.
func scanWord(s string, i int) int {
	for i < len(s) {
		if wordChar(s, i) {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		}
		break
	}
	return i
}

func wordChar(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	if c < utf8.RuneSelf {
		return isLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '$' || c == '\\'
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// errorAt returns the error literal at the start of s.
func errorAt(s string) (string, bool) {
	for _, e := range errorLiterals {
		if len(s) >= len(e) && strings.EqualFold(s[:len(e)], e) {
			return e, true
		}
	}
	return "", false
}

// clip shortens a text for a message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	n := 40
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
