package formula_test

import (
	"errors"
	"testing"
	"time"

	"perfeval/formula"
)

// FuzzEval computes random formula text in a small workbook whose cell
// A9 holds the second input as a formula (so cycles and deep references
// come up): no panic, no Go error outside the sentinels, no result above
// the bounds, and no evaluation longer than a second.
func FuzzEval(f *testing.F) {
	seeds := [][2]string{
		{"SUM(A1:C5)+A9", "A1*2"},
		{`IF(B2>=60,"及格",REPT("x",B3))`, "A9"},
		{`LEN(REPT(REPT("x",32767),32767))`, "SUM(A:A)"},
		{`VLOOKUP("b",A1:C5,2,FALSE)&'名 字'!A1`, "MATCH(1,A1:A5,0)"},
		{"ROUND(1/3,2)^-2%", "COUNTIF(A1:C5,\">=2\")"},
		{`SUMIF(A1:A5,"*",B1:B5)`, `CONCAT(A1:C5,"~*")`},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	cells := map[string]string{
		"A1": "1", "A2": "2", "A3": "'a", "A4": "TRUE", "A5": "#N/A",
		"B1": "0.1", "B2": "60", "B3": "3", "B4": "'b", "B5": "=A1+B1",
		"C1": "=C2", "C2": "=B2*2", "C3": "'12", "C5": "=SUM(B1:B3)",
	}
	other := map[string]string{"A1": "7", "A2": "=S!A9"}
	f.Fuzz(func(t *testing.T, f1, f2 string) {
		s := map[string]string{"A9": "=" + f2}
		for k, v := range cells {
			s[k] = v
		}
		b := book{"S": s, "名 字": other}
		e := formula.New(b.source(), formula.Limits{})
		start := time.Now()
		v, err := e.Eval("S", 4, 4, f1)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("%q took %v", f1, d)
		}
		if err != nil {
			for _, s := range []error{formula.ErrCircular, formula.ErrTooLarge, formula.ErrUnsupported, formula.ErrSyntax} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("%q: error %v wraps no sentinel", f1, err)
		}
		if v.Kind == formula.Blank || len(v.Str) > formula.DefaultMaxText {
			t.Fatalf("%q: bad value %#v", f1, v)
		}
		moved, err := formula.Shift(f1, 4, 4, 5, 7)
		if err == nil {
			if _, err := formula.Shift(moved, 5, 7, 4, 4); err != nil && !errors.Is(err, formula.ErrTooLarge) {
				t.Fatalf("Shift(%q) = %q, which does not read: %v", f1, moved, err)
			}
		}
	})
}
