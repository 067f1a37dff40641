package formula

import (
	"math"
	"strings"

	"github.com/shopspring/decimal"
)

// toNum converts a value for arithmetic as Excel does: blank is 0, TRUE is
// 1, a text that reads as a number is that number, any other text is
// #VALUE!. An error value is returned as the error.
func toNum(v Value) (decimal.Decimal, *Value) {
	switch v.Kind {
	case Number:
		return v.Num, nil
	case Blank:
		return decimal.Zero, nil
	case Bool:
		if v.Bool {
			return decimal.NewFromInt(1), nil
		}
		return decimal.Zero, nil
	case Text:
		if d, ok := parseNumber(v.Str); ok {
			n := number(d)
			if n.Kind == Error {
				return decimal.Zero, &n
			}
			return n.Num, nil
		}
		e := ErrorValue(ErrValue)
		return decimal.Zero, &e
	}
	bad := v
	return decimal.Zero, &bad
}

// toText converts a value for & and text functions.
func toText(v Value) string {
	if v.Kind == Blank {
		return ""
	}
	return v.String()
}

// toBool converts a value for IF, AND, OR, NOT.
func toBool(v Value) (bool, *Value) {
	switch v.Kind {
	case Bool:
		return v.Bool, nil
	case Number:
		return !v.Num.IsZero(), nil
	case Blank:
		return false, nil
	case Text:
		switch strings.ToUpper(strings.TrimSpace(v.Str)) {
		case "TRUE":
			return true, nil
		case "FALSE":
			return false, nil
		}
		e := ErrorValue(ErrValue)
		return false, &e
	}
	bad := v
	return false, &bad
}

// binary applies an operator to two values.
func (e *Evaluator) binary(op string, a, b Value) (Value, error) {
	switch op {
	case "&":
		if a.Kind == Error {
			return a, nil
		}
		if b.Kind == Error {
			return b, nil
		}
		x, y := toText(a), toText(b)
		if err := e.checkText(len(x) + len(y)); err != nil {
			return Value{}, err
		}
		if err := e.spendText(len(x) + len(y)); err != nil {
			return Value{}, err
		}
		return TextValue(x + y), nil
	case "=", "<>", "<", "<=", ">", ">=":
		if a.Kind == Error {
			return a, nil
		}
		if b.Kind == Error {
			return b, nil
		}
		if err := e.spendText(len(a.Str) + len(b.Str)); err != nil {
			return Value{}, err
		}
		c := compare(a, b)
		var r bool
		switch op {
		case "=":
			r = c == 0
		case "<>":
			r = c != 0
		case "<":
			r = c < 0
		case "<=":
			r = c <= 0
		case ">":
			r = c > 0
		default:
			r = c >= 0
		}
		return BoolValue(r), nil
	}
	return arith(op, a, b), nil
}

// arith applies + - * / ^ with exact decimals.
func arith(op string, a, b Value) Value {
	x, ev := toNum(a)
	if ev != nil {
		return *ev
	}
	y, ev := toNum(b)
	if ev != nil {
		return *ev
	}
	switch op {
	case "+":
		return number(x.Add(y))
	case "-":
		return number(x.Sub(y))
	case "*":
		return number(x.Mul(y))
	case "/":
		if y.IsZero() {
			return ErrorValue(ErrDiv0)
		}
		return number(x.DivRound(y, divPlaces))
	case "^":
		return power(x, y)
	}
	return ErrorValue(ErrValue)
}

// power computes x^y: integer exponents by squaring with bounded
// precision, others through float64 as Excel does.
func power(x, y decimal.Decimal) Value {
	if x.IsZero() {
		switch y.Sign() {
		case 0:
			return ErrorValue(ErrNum)
		case -1:
			return ErrorValue(ErrDiv0)
		}
		return Value{Kind: Number}
	}
	xf, yf := x.InexactFloat64(), y.InexactFloat64()
	lg := math.Log10(math.Abs(xf)) * yf
	if lg > maxMagnitude+1 || math.IsNaN(lg) {
		return ErrorValue(ErrNum)
	}
	if lg < minMagnitude-1 {
		return Value{Kind: Number}
	}
	if !y.IsInteger() {
		if x.Sign() < 0 {
			return ErrorValue(ErrNum)
		}
		r := math.Pow(xf, yf)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return ErrorValue(ErrNum)
		}
		return number(decimal.NewFromFloat(r))
	}
	n := y.IntPart() // |y| is small: |lg| is bounded and |x| != 1 … or x is ±1
	neg := n < 0
	if neg {
		n = -n
	}
	if n > 1<<40 { // x is ±1 (or extremely close): keep the loop short
		if x.Abs().Equal(decimal.NewFromInt(1)) {
			if x.Sign() < 0 && n%2 == 1 {
				return NumberValue(decimal.NewFromInt(-1))
			}
			return NumberValue(decimal.NewFromInt(1))
		}
		r := math.Pow(xf, yf)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return ErrorValue(ErrNum)
		}
		return number(decimal.NewFromFloat(r))
	}
	r, b := decimal.NewFromInt(1), x
	for n > 0 {
		if n&1 == 1 {
			r = roundSig(r.Mul(b), sigDigits+6)
		}
		n >>= 1
		if n > 0 {
			b = roundSig(b.Mul(b), sigDigits+6)
		}
	}
	if neg {
		return number(decimal.NewFromInt(1).DivRound(r, divPlaces))
	}
	return number(r)
}

// rank orders the kinds as Excel compares them: numbers, texts, booleans.
func rank(k Kind) int {
	switch k {
	case Number:
		return 0
	case Text:
		return 1
	case Bool:
		return 2
	}
	return -1
}

// compare orders two values as Excel's comparison operators do; text is
// compared without regard to case. A blank takes the other's kind.
func compare(a, b Value) int {
	if a.Kind == Blank {
		a = zeroOf(b.Kind)
	}
	if b.Kind == Blank {
		b = zeroOf(a.Kind)
	}
	if ra, rb := rank(a.Kind), rank(b.Kind); ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	switch a.Kind {
	case Number:
		return a.Num.Cmp(b.Num)
	case Text:
		return compareText(a.Str, b.Str)
	case Bool:
		switch {
		case a.Bool == b.Bool:
			return 0
		case b.Bool:
			return -1
		}
		return 1
	}
	return 0
}

func zeroOf(k Kind) Value {
	switch k {
	case Text:
		return TextValue("")
	case Bool:
		return BoolValue(false)
	}
	return Value{Kind: Number}
}

// compareText compares case-insensitively without building new strings.
func compareText(a, b string) int {
	for a != "" && b != "" {
		ra, na := decodeRune(a)
		rb, nb := decodeRune(b)
		la, lb := foldRune(ra), foldRune(rb)
		if la != lb {
			if la < lb {
				return -1
			}
			return 1
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}
