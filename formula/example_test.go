package formula_test

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"perfeval/formula"
)

// A score table whose total was saved without a cached value.
func Example() {
	cells := map[[2]int]formula.Cell{
		{2, 2}: {Value: formula.NumberValue(decimal.RequireFromString("14.23"))},
		{2, 3}: {Value: formula.NumberValue(decimal.RequireFromString("12"))},
		{2, 4}: {Value: formula.TextValue("缺")},
		{2, 5}: {Value: formula.NumberValue(decimal.RequireFromString("54.43"))},
		{2, 6}: {Formula: "4.6+2.7"},
		{2, 7}: {Formula: "SUM(B2:B7)"}, // includes itself
	}
	src := formula.Source{
		Cell: func(sheet string, col, row int) (formula.Cell, bool, error) {
			c, ok := cells[[2]int{col, row}]
			return c, ok, nil
		},
		Range: func(sheet string, c1, r1, c2, r2 int, fn func(col, row int, c formula.Cell) bool) error {
			for row := r1; row <= min(r2, 7); row++ {
				for col := c1; col <= min(c2, 2); col++ {
					if c, ok := cells[[2]int{col, row}]; ok && !fn(col, row, c) {
						return nil
					}
				}
			}
			return nil
		},
	}
	e := formula.New(src, formula.Limits{})
	for row, f := range []string{"SUM(B2:B6)", "ROUND(AVERAGE(B2:B6),2)", `IF(SUM(B2:B6)>=85,"良","中")`, "B2/0", "B7"} {
		v, err := e.Eval("指标", 3, row+1, f) // C1, C2, …
		switch {
		case errors.Is(err, formula.ErrCircular):
			fmt.Printf("%s: %v\n", f, err)
		case err != nil:
			fmt.Printf("%s: unexpected %v\n", f, err)
		default:
			fmt.Printf("%s = %s\n", f, v)
		}
	}
	// Output:
	// SUM(B2:B6) = 87.96
	// ROUND(AVERAGE(B2:B6),2) = 21.99
	// IF(SUM(B2:B6)>=85,"良","中") = 良
	// B2/0 = #DIV/0!
	// B7: 指标!B7: circular reference: B7 → B7
}

func ExampleShift() {
	// <f t="shared" ref="D2:D9" si="0">B2*C2/100</f> in D2, used by D5.
	f, _ := formula.Shift("B2*C2/100+$B$1", 4, 2, 4, 5)
	fmt.Println(f)
	// Output: B5*C5/100+$B$1
}

func ExampleValue_String() {
	fmt.Println(formula.NumberValue(decimal.RequireFromString("93.5600")))
	fmt.Println(formula.NumberValue(decimal.RequireFromString("0.1234567890123456789")))
	fmt.Println(formula.BoolValue(true), formula.ErrorValue(formula.ErrDiv0))
	// Output:
	// 93.56
	// 0.123456789012346
	// TRUE #DIV/0!
}
