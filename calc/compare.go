package calc

import (
	"cmp"

	"github.com/shopspring/decimal"
)

// Compare is a.Cmp(b) (−1, 0 or +1), without the allocations of
// decimal's rescaling for the numbers of a score table (coefficients of
// up to 15 digits, exponents at most 3 apart): checks compare a million
// scores with their weights.
func Compare(a, b decimal.Decimal) int {
	ea, eb := a.Exponent(), b.Exponent()
	if ea-eb > 3 || eb-ea > 3 || a.NumDigits() > 15 || b.NumDigits() > 15 {
		return a.Cmp(b)
	}
	ca, cb := a.CoefficientInt64(), b.CoefficientInt64()
	for ; ea > eb; ea-- {
		ca *= 10
	}
	for ; eb > ea; eb-- {
		cb *= 10
	}
	return cmp.Compare(ca, cb)
}
