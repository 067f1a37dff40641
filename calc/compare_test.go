package calc

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestCompare: Compare agrees with decimal's Cmp, on the fast path
// (small coefficients, close exponents) and off it.
func TestCompare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	nums := []decimal.Decimal{{}, decimal.Zero, dec("0"), dec("0.00"), dec("1.5"), dec("1.50"), dec("-1.5"), dec("100"), dec("1e2"),
		dec("999999999999999"), dec("9999999999999999"), dec("0.0001"), dec("1e-20"), dec("123456789012345678901234567890")}
	for range 2000 {
		nums = append(nums, decimal.New(rng.Int64N(2_000_000)-1_000_000, int32(rng.IntN(9)-6)))
	}
	for i, a := range nums {
		for _, b := range nums[max(0, i-40) : i+1] {
			if got, want := Compare(a, b), a.Cmp(b); got != want {
				t.Fatalf("Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
			if got, want := Compare(b, a), b.Cmp(a); got != want {
				t.Fatalf("Compare(%s, %s) = %d, want %d", b, a, got, want)
			}
		}
	}
}
