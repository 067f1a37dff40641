package sheet

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestFixedLen(t *testing.T) {
	values := []string{"0", "0.00", "-0.5", "5", "87.96", "100", "100.00", "-100.25", "0.001", "1234567.8", "99999999999999999", "-999999999999999999.9", "12345678901234567890.12", "1e3", "1e-20"}
	for _, s := range values {
		d := decimal.RequireFromString(s)
		for places := int32(-1); places <= 6; places++ {
			for _, x := range []decimal.Decimal{d, d.Round(places), d.Truncate(places), d.RoundBank(places)} {
				if got, want := fixedLen(x, places), len(x.StringFixed(places)); got != want {
					t.Errorf("fixedLen(%s, %d) = %d, want %d (%q)", x, places, got, want, x.StringFixed(places))
				}
			}
		}
	}
}
