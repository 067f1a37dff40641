package formula_test

import (
	"strings"
	"testing"
	"time"

	"perfeval/formula"
)

// TestCostlySteps: many formula cells of costly operations, summed: the
// step bound ends each within about a second.
func TestCostlySteps(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds")
	}
	tests := map[string]string{
		"division":       "1/3" + strings.Repeat("/3", 5000),
		"power":          "1.7" + strings.Repeat("^1.0001", 2000),
		"integer power":  "1.0000000000000000000000000001" + strings.Repeat("^3", 2000),
		"multiplication": "2" + strings.Repeat("*1.23456789012345678901234567890123", 900),
		"mod":            strings.Repeat("MOD(1E300+", 90) + "7" + strings.Repeat(",1E-300)", 90),
		"sqrt":           strings.Repeat("SQRT(", 90) + "1E300" + strings.Repeat(")", 90),
		"text":           `LEN(REPT("ab",16000)` + strings.Repeat(`&""`, 5000) + `)`,
		"compare":        `REPT("ab",16000)` + strings.Repeat(`=REPT("ab",16000)`, 1000),
	}
	for name, f := range tests {
		cells := map[string]string{}
		for i := 1; i <= 3000; i++ {
			cells[formula.CellName(1, i)] = "=" + f
		}
		start := time.Now()
		v, err := formula.New(book{"S": cells}.source(), formula.Limits{}).Eval("S", 2, 1, "SUM(A:A)")
		d := time.Since(start)
		t.Logf("%-15s %6.0f ms: %.30v %.70v", name, float64(d.Milliseconds()), v, err)
		if d > 3*time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}
