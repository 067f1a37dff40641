package calc

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestSumIsAddChain: sum gives what adding the terms one by one to zero
// gives, the exponent included, on the fast path and off it.
func TestSumIsAddChain(t *testing.T) {
	d := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	cases := [][]decimal.Decimal{
		nil,
		{d("3.47")},
		{d("1e2")},
		{d("3.47"), d("2.1"), d("0"), d("-1.005")},
		{d("100"), d("0.5"), d("12")},
		{d("123456789012345.6"), d("1")},
		{d("1.23456"), d("7")},
		{d("9999999999999.99"), d("9999999999999.99"), d("9999999999999.99"), d("9999999999999.99")},
		{decimal.Decimal{}, d("2.50")},
	}
	for _, xs := range cases {
		var want decimal.Decimal
		for _, x := range xs {
			want = want.Add(x)
		}
		got := sum(xs)
		if !got.Equal(want) || got.Exponent() != want.Exponent() {
			t.Errorf("sum(%v) = %s (exp %d), want %s (exp %d)", xs, got, got.Exponent(), want, want.Exponent())
		}
	}
}
