package calc

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestCompactNode: a node gives back the decimals it was made from (the
// same coefficients and exponents, the zero decimal.Decimal{} as such),
// and a number that does not fit is refused.
func TestCompactNode(t *testing.T) {
	leaf := &Indicator{Name: "x"}
	for _, nr := range []NodeResult{
		{Indicator: leaf},
		{Indicator: leaf, NA: true, Score: decimal.Zero, Weight: decimal.Zero},
		{Indicator: leaf, Score: decimal.RequireFromString("12.50"), Weight: decimal.RequireFromString("15"), Positive: decimal.RequireFromString("12.50"), Vetoed: true},
		{Indicator: leaf, Score: decimal.RequireFromString("-3.25"), Deducted: decimal.RequireFromString("-3.25"), Weight: decimal.New(0, 0)},
		{Indicator: leaf, Score: decimal.New(999999999, -2), Weight: decimal.New(-999999999, 5)},
	} {
		n, ok := compactNode(nr)
		if !ok {
			t.Fatalf("%+v: not kept", nr)
		}
		got := n.result()
		if got.Indicator != nr.Indicator || got.NA != nr.NA || got.Vetoed != nr.Vetoed {
			t.Errorf("%+v: got %+v", nr, got)
		}
		for i, pair := range [][2]decimal.Decimal{{nr.Score, got.Score}, {nr.Weight, got.Weight}, {nr.Positive, got.Positive}, {nr.Deducted, got.Deducted}} {
			a, b := pair[0], pair[1]
			if a.Exponent() != b.Exponent() || a.Coefficient().Cmp(b.Coefficient()) != 0 || (a == decimal.Decimal{}) != (b == decimal.Decimal{}) {
				t.Errorf("%+v: number %d is %v (exp %d), want %v (exp %d)", nr, i, b, b.Exponent(), a, a.Exponent())
			}
		}
	}
	for _, d := range []decimal.Decimal{decimal.New(1234567890, 0), decimal.RequireFromString("0.14285714285714285714"), decimal.New(1, -200), decimal.New(1, 200)} {
		if _, ok := compactNode(NodeResult{Indicator: leaf, Score: d}); ok {
			t.Errorf("%v: kept in a node", d)
		}
	}
}
