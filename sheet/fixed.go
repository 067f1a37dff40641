package sheet

import "github.com/shopspring/decimal"

// fixedLen is len(d.StringFixed(places)), counted without making the
// string when d has no more than places decimals and a coefficient of at
// most 18 digits (a rounded score or rate): the score sheets measure
// every number they write for their column widths.
func fixedLen(d decimal.Decimal, places int32) int {
	exp := d.Exponent()
	if places < 0 || exp > 0 || exp < -places || d.NumDigits() > 18 {
		return len(d.StringFixed(places))
	}
	coef := d.CoefficientInt64()
	n := 0
	if coef < 0 {
		n, coef = 1, -coef
	}
	for range -exp {
		coef /= 10
	}
	n++ // the integer part's first digit, "0" too
	for coef >= 10 {
		n, coef = n+1, coef/10
	}
	if places > 0 {
		n += 1 + int(places)
	}
	return n
}
