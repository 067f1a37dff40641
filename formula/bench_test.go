package formula_test

import (
	"strings"
	"testing"

	"perfeval/formula"
)

// BenchmarkOps: the cost of one formula cell of 500 operations of a kind,
// to weigh steps.
func BenchmarkOps(b *testing.B) {
	tests := map[string]string{
		"add":       "1" + strings.Repeat("+1.23456789012345678901234567890123", 500),
		"mul":       "2" + strings.Repeat("*1.23456789012345678901234567890123", 500),
		"div":       "1" + strings.Repeat("/3", 500),
		"pow":       "1.7" + strings.Repeat("^1.0001", 500),
		"powint":    "1.0000000000000000000000000001" + strings.Repeat("^3", 500),
		"mod":       strings.Repeat("MOD(1E300+", 100) + "7" + strings.Repeat(",1E-300)", 100),
		"sqrt":      strings.Repeat("SQRT(", 100) + "1E300" + strings.Repeat(")", 100),
		"parseonly": "1" + strings.Repeat("+1", 500),
	}
	for name, f := range tests {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				formula.New(book{}.source(), formula.Limits{}).Eval("S", 1, 1, f)
			}
		})
	}
}
