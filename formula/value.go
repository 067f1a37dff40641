package formula

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Kind is the type of a Value.
type Kind int

const (
	Blank  Kind = iota
	Number      // Num holds the value
	Text        // Str holds the text
	Bool        // Bool holds the value
	Error       // an Excel error value such as #DIV/0!, #VALUE!, #REF!, #N/A, #NAME?; Str holds it
)

// Value is a computed or stored cell value.
type Value struct {
	Kind Kind
	Num  decimal.Decimal // Number
	Str  string          // Text; for Error the error text (#DIV/0!)
	Bool bool
}

// Cell is what a workbook holds at one address: a value, or a formula to
// compute (Formula without the leading '=').
type Cell struct {
	Value   Value
	Formula string // non-empty only when the cell has a formula and no cached value
}

// The Excel error values the evaluator produces.
const (
	ErrDiv0  = "#DIV/0!"
	ErrValue = "#VALUE!"
	ErrRef   = "#REF!"
	ErrNA    = "#N/A"
	ErrNum   = "#NUM!"
	ErrName  = "#NAME?"
	ErrNull  = "#NULL!"
)

// errorLiterals are the error values a formula may spell out.
var errorLiterals = []string{ErrDiv0, ErrValue, ErrRef, ErrNA, ErrNum, ErrName, ErrNull, "#GETTING_DATA", "#SPILL!", "#CALC!"}

// NumberValue returns a Number.
func NumberValue(d decimal.Decimal) Value { return Value{Kind: Number, Num: d} }

// TextValue returns a Text.
func TextValue(s string) Value { return Value{Kind: Text, Str: s} }

// BoolValue returns a Bool.
func BoolValue(b bool) Value { return Value{Kind: Bool, Bool: b} }

// ErrorValue returns an Excel error value such as #DIV/0!.
func ErrorValue(s string) Value { return Value{Kind: Error, Str: s} }

// String returns the canonical text of v: a number rounded to 15
// significant digits without trailing zeros (93.56), TRUE or FALSE, a text
// as is, an error value's text (#DIV/0!), "" for Blank.
func (v Value) String() string {
	switch v.Kind {
	case Number:
		if !v.Num.IsZero() {
			if m := magnitude(v.Num); m > maxMagnitude+1 || m < minMagnitude-1 {
				// not a number Excel holds; never write out its digits
				return roundSig(v.Num, 15).ScientificNotationString()
			}
		}
		return round15(v.Num).String()
	case Text, Error:
		return v.Str
	case Bool:
		if v.Bool {
			return "TRUE"
		}
		return "FALSE"
	}
	return ""
}

// magnitude is floor(log10(|d|)) for d != 0.
func magnitude(d decimal.Decimal) int {
	return d.NumDigits() + int(d.Exponent()) - 1
}

// roundSig rounds d half away from zero to n significant digits.
func roundSig(d decimal.Decimal, n int) decimal.Decimal {
	if d.IsZero() || d.NumDigits() <= n {
		return d
	}
	return d.Round(int32(n - 1 - magnitude(d)))
}

// round15 rounds to the 15 significant digits Excel shows and trims
// trailing zeros.
func round15(d decimal.Decimal) decimal.Decimal {
	return roundSig(d, 15).Normalize()
}

// Bounds of the numbers the evaluator keeps: Excel's double range, and a
// precision well beyond a double's so that decimal sums stay exact.
const (
	maxMagnitude = 307  // 9.99e307 is the largest number Excel holds
	minMagnitude = -330 // below this a number is 0
	sigDigits    = 34
)

// number returns d as a Number bounded in size: rounded to sigDigits
// significant digits, 0 when tiny, #NUM! when beyond Excel's range. Every
// arithmetic result and every number read goes through it, so no value
// can grow into a huge big.Int.
func number(d decimal.Decimal) Value {
	if d.IsZero() {
		return Value{Kind: Number}
	}
	nd := d.NumDigits()
	m := nd + int(d.Exponent()) - 1
	switch {
	case m > maxMagnitude:
		return ErrorValue(ErrNum)
	case m < minMagnitude:
		return Value{Kind: Number}
	case nd > sigDigits:
		d = d.Round(int32(sigDigits - 1 - m))
	}
	return Value{Kind: Number, Num: d}
}

// parseNumber reads a text as Excel does when text meets arithmetic:
// "12", " 1.5 ", "-3", "1e3", "50%".
func parseNumber(s string) (decimal.Decimal, bool) {
	s = strings.TrimSpace(s)
	pct := false
	if strings.HasSuffix(s, "%") {
		pct, s = true, strings.TrimSpace(s[:len(s)-1])
	}
	if s == "" || len(s) > 400 {
		return decimal.Decimal{}, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return decimal.Decimal{}, false
		}
	}
	// decimal accepts a sign only at the start of the mantissa and the exponent.
	if strings.ContainsAny(s[1:], "+-") && !strings.ContainsAny(s, "eE") {
		return decimal.Decimal{}, false
	}
	if s[0] == '+' {
		s = s[1:]
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		// A huge exponent would make decimal build a huge number.
		e := s[i+1:]
		e = strings.TrimLeft(e, "+-")
		e = strings.TrimLeft(e, "0")
		if len(e) > 4 {
			if strings.Contains(s[i+1:], "-") {
				return decimal.Decimal{}, true
			}
			return decimal.New(1, 400), true // out of range; number() makes it #NUM!
		}
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, false
	}
	if pct {
		d = d.Shift(-2)
	}
	return d, true
}
