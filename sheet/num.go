package sheet

import (
	"cmp"

	"github.com/shopspring/decimal"
)

// Num is a decimal as a batch row keeps it: its coefficient and exponent
// inline when the coefficient has at most 18 digits (every score, rate
// and total of a real table), else the decimal. A run keeps a row of
// numbers per department of every workbook until its batch summary is
// written; a decimal.Decimal would hold each through a *big.Int of its
// own. Num is exact: Dec gives back the decimal it was made from (the
// same coefficient and exponent), and it reads and writes JSON as a
// decimal does.
type Num struct {
	coef int64
	exp  int32
	big  *decimal.Decimal // the coefficient does not fit in coef
}

// NumOf keeps d.
func NumOf(d decimal.Decimal) Num {
	if d.NumDigits() <= 18 {
		return Num{coef: d.CoefficientInt64(), exp: d.Exponent()}
	}
	return Num{big: &d}
}

// Dec is the decimal n was made from.
func (n Num) Dec() decimal.Decimal {
	switch {
	case n.big != nil:
		return *n.big
	case n.coef == 0 && n.exp == 0:
		return decimal.Decimal{}
	}
	return decimal.New(n.coef, n.exp)
}

// IsZero reports whether n is 0.
func (n Num) IsZero() bool {
	if n.big != nil {
		return n.big.IsZero()
	}
	return n.coef == 0
}

// Cmp compares n with m as decimal.Decimal.Cmp does, without making
// decimals when both are inline with exponents at most 3 apart and
// coefficients of at most 15 digits (so that scaling cannot overflow).
func (n Num) Cmp(m Num) int {
	const small = 1e15
	if d := int64(n.exp) - int64(m.exp); n.big != nil || m.big != nil || d > 3 || d < -3 ||
		n.coef >= small || n.coef <= -small || m.coef >= small || m.coef <= -small {
		return n.Dec().Cmp(m.Dec())
	}
	a, b := n.coef, m.coef
	for e := n.exp; e > m.exp; e-- {
		a *= 10
	}
	for e := m.exp; e > n.exp; e-- {
		b *= 10
	}
	return cmp.Compare(a, b)
}

// MarshalJSON writes n as decimal.Decimal does.
func (n Num) MarshalJSON() ([]byte, error) { return n.Dec().MarshalJSON() }

// UnmarshalJSON reads what decimal.Decimal reads.
func (n *Num) UnmarshalJSON(b []byte) error {
	var d decimal.Decimal
	if err := d.UnmarshalJSON(b); err != nil {
		return err
	}
	*n = NumOf(d)
	return nil
}
