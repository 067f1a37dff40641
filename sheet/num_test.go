package sheet

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
)

func TestNum(t *testing.T) {
	for _, s := range []string{"0", "0.00", "87.96", "-3.5", "100", "0.8796000000000000", "1234567890123456789.5", "-99999999999999999999", "1e-30", "123456789012345678"} {
		d := decimal.RequireFromString(s)
		n := NumOf(d)
		back := n.Dec()
		if back.Coefficient().Cmp(d.Coefficient()) != 0 || back.Exponent() != d.Exponent() || back.String() != d.String() || n.IsZero() != d.IsZero() {
			t.Errorf("%s: back %s (coefficient %s, exponent %d)", s, back, back.Coefficient(), back.Exponent())
		}
		want, _ := json.Marshal(d)
		got, err := json.Marshal(n)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: JSON %s, want %s (%v)", s, got, want, err)
		}
		var read Num
		if err := json.Unmarshal(want, &read); err != nil || !read.Dec().Equal(d) {
			t.Errorf("%s: read back %s (%v)", s, read.Dec(), err)
		}
	}
	if !(Num{}).Dec().Equal(decimal.Zero) || !(Num{}).IsZero() {
		t.Error("the zero Num is not 0")
	}
}
