package sheet

import (
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// TestNumber15Plain: the shortcut for plain decimals reads what the float
// round trip reads, the exponent included.
func TestNumber15Plain(t *testing.T) {
	for _, raw := range []string{"0", "-0", "00", "3.47", "3.470", "-12.50", "100", "0.5", "0.00001", "-0.00",
		"123456789012345", "1234567890123456", "14.230000000000001", "1.", ".5", "+5", "1e3", " 7 ", "99999999999999.9", "0.1000000000000000055"} {
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil {
			t.Fatal(err)
		}
		want := decimal.RequireFromString(strconv.FormatFloat(f, 'g', 15, 64))
		got, err := Number15(raw)
		if err != nil || !got.Equal(want) || got.Exponent() != want.Exponent() {
			t.Errorf("Number15(%q) = %s (exp %d), %v; want %s (exp %d)", raw, got, got.Exponent(), err, want, want.Exponent())
		}
	}
}
