package formula_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"perfeval/formula"
)

// scores is a small score table on sheet S, and a second sheet.
var scores = book{
	"S": {
		"A1": "'部门", "B1": "'得分", "C1": "'权重",
		"A2": "'部门A", "B2": "14.23", "C2": "15",
		"A3": "'部门B", "B3": "12", "C3": "15",
		"A4": "'部门C", "B4": "'n/a", "C4": "20",
		"A5": "'部门D", "B5": "54.43", "C5": "60",
		"A6": "'部门E", "B6": "TRUE",
		"B7": "'12",
		"D1": "0.1", "D2": "0.2", "D3": "=D1+D2", "D4": "=D3*10",
		"E1": "#N/A", "E2": "0", "E3": "'", "E4": "=\"\"",
		"G1": "=G2+1", "G2": "=G3+1", "G3": "=5",
	},
	"名 字":   {"A1": "7", "B2": "'x", "A2": "=S!B2*2"},
	"Other": {"A1": "3", "A2": "4"},
}

func TestEval(t *testing.T) {
	tests := []struct {
		formula string
		want    string
		kind    formula.Kind
	}{
		// arithmetic, exact
		{"0.1+0.2", "0.3", formula.Number},
		{"1/3", "0.333333333333333", formula.Number},
		{"2/3", "0.666666666666667", formula.Number},
		{"14.23+12+54.43+4.6+2.7", "87.96", formula.Number},
		{"-2^2", "4", formula.Number},
		{"2^3^2", "64", formula.Number},
		{"2^-1", "0.5", formula.Number},
		{"2^0.5", "1.4142135623731", formula.Number},
		{"1+2*3-4/2", "5", formula.Number},
		{"(1+2)*3", "9", formula.Number},
		{"50%", "0.5", formula.Number},
		{"+\"12\"+1", "13", formula.Number},
		{"\"12\"*2", "24", formula.Number},
		{"TRUE+1", "2", formula.Number},
		{"Z99+1", "1", formula.Number},
		{"Z99&\"a\"", "a", formula.Text},
		{"Z99", "0", formula.Number},
		{"1E3+1", "1001", formula.Number},
		{"10^308", "#NUM!", formula.Error},
		{"0^0", "#NUM!", formula.Error},
		{"1.1^2", "1.21", formula.Number},
		{"D3", "0.3", formula.Number},
		{"D4", "3", formula.Number},
		// text and comparison
		{"\"a\"&1&TRUE", "a1TRUE", formula.Text},
		{"\"He said \"\"hi\"\"\"", "He said \"hi\"", formula.Text},
		{"1/3&\"\"", "0.333333333333333", formula.Text},
		{"\"abc\"=\"ABC\"", "TRUE", formula.Bool},
		{"1<\"a\"", "TRUE", formula.Bool},
		{"\"z\"<TRUE", "TRUE", formula.Bool},
		{"Z99=0", "TRUE", formula.Bool},
		{"Z99=\"\"", "TRUE", formula.Bool},
		{"2>=2", "TRUE", formula.Bool},
		{"2<>2", "FALSE", formula.Bool},
		// errors
		{"1/0", "#DIV/0!", formula.Error},
		{"\"x\"+1", "#VALUE!", formula.Error},
		{"A2+1", "#VALUE!", formula.Error},
		{"E1+1", "#N/A", formula.Error},
		{"SUM(E1:E2)", "#N/A", formula.Error},
		{"(1/0)&\"x\"", "#DIV/0!", formula.Error},
		{"IFERROR(1/0,\"none\")", "none", formula.Text},
		{"IFERROR(E1,-1)", "-1", formula.Number},
		{"IFERROR(2,-1)", "2", formula.Number},
		{"ISERROR(1/0)", "TRUE", formula.Bool},
		{"#REF!", "#REF!", formula.Error},
		// aggregates over ranges skip text, booleans and blanks
		{"SUM(B2:B7)", "80.66", formula.Number},
		{"SUM(B:B)", "80.66", formula.Number},
		{"SUM(2:2)", "35.43", formula.Number},
		{"SUM(B2:B7,\"12\",TRUE)", "93.66", formula.Number},
		{"SUM(B7)", "0", formula.Number},
		{"AVERAGE(B2:B7)", "26.8866666666667", formula.Number},
		{"AVERAGE(Z1:Z9)", "#DIV/0!", formula.Error},
		{"MIN(B2:B7)", "12", formula.Number},
		{"MAX(B2:B7,100)", "100", formula.Number},
		{"MAX(Z1:Z9)", "0", formula.Number},
		{"COUNT(B2:B7)", "3", formula.Number},
		{"COUNTA(B2:B7)", "6", formula.Number},
		{"COUNTBLANK(B1:B10)", "3", formula.Number},
		{"COUNTBLANK(E1:E5)", "3", formula.Number},
		{"PRODUCT(C2:C3,2)", "450", formula.Number},
		{"SUMPRODUCT(B2:B5,C2:C5)", "3659.25", formula.Number},
		{"SUMPRODUCT(B2:B5,C2:C4)", "#VALUE!", formula.Error},
		{"SUMIF(C2:C6,\">=20\",B2:B6)", "54.43", formula.Number},
		{"SUMIF(C2:C6,15,B2:B6)", "26.23", formula.Number},
		{"SUMIF(A2:A6,\"部门?\",B2:B6)", "80.66", formula.Number},
		{"SUMIF(B2:B6,\">12\")", "68.66", formula.Number},
		{"SUMIF(C2:C6,\"\",B2:B6)", "0", formula.Number},
		{"COUNTIF(C2:C6,\">=15\")", "4", formula.Number},
		{"COUNTIF(A1:A6,\"部门*\")", "6", formula.Number},
		{"COUNTIF(C1:C6,\"\")", "1", formula.Number},
		{"COUNTIF(C1:C10,\"<>15\")", "8", formula.Number},
		// logic
		{"IF(B2>=14,IF(B2>=15,\"优\",\"良\"),\"差\")", "良", formula.Text},
		{"IF(B5>=90,\"优\",IF(B5>=80,\"良\",IF(B5>=60,\"中\",\"差\")))", "差", formula.Text},
		{"IF(FALSE,1)", "FALSE", formula.Bool},
		{"IF(1,,2)", "0", formula.Number},
		{"IF(\"x\",1,2)", "#VALUE!", formula.Error},
		{"IF(E1,1,2)", "#N/A", formula.Error},
		{"IFS(B2>20,\"a\",B2>10,\"b\")", "b", formula.Text},
		{"IFS(B2>20,\"a\")", "#N/A", formula.Error},
		{"AND(B2>1,B3>1)", "TRUE", formula.Bool},
		{"AND(B2:B7)", "TRUE", formula.Bool},
		{"OR(B2>100,FALSE)", "FALSE", formula.Bool},
		{"NOT(0)", "TRUE", formula.Bool},
		{"AND(Z1:Z3)", "#VALUE!", formula.Error},
		// rounding, half away from zero
		{"ROUND(2.5,0)", "3", formula.Number},
		{"ROUND(-2.5,0)", "-3", formula.Number},
		{"ROUND(2.345,2)", "2.35", formula.Number},
		{"ROUND(1234.5,-2)", "1200", formula.Number},
		{"ROUND(1.005,2)", "1.01", formula.Number},
		{"ROUNDUP(1.201,2)", "1.21", formula.Number},
		{"ROUNDUP(-1.201,2)", "-1.21", formula.Number},
		{"ROUNDDOWN(1.209,2)", "1.2", formula.Number},
		{"ROUND(1,-400)", "0", formula.Number},
		{"ROUND(1.5,400)", "1.5", formula.Number},
		{"INT(-1.5)", "-2", formula.Number},
		{"TRUNC(-1.59,1)", "-1.5", formula.Number},
		{"ABS(-3)", "3", formula.Number},
		{"MOD(-3,2)", "1", formula.Number},
		{"MOD(3,-2)", "-1", formula.Number},
		{"MOD(3,0)", "#DIV/0!", formula.Error},
		{"SQRT(16)", "4", formula.Number},
		{"SQRT(2)", "1.4142135623731", formula.Number},
		{"SQRT(-1)", "#NUM!", formula.Error},
		{"POWER(2,10)", "1024", formula.Number},
		// text functions
		{"LEN(\"部门A\")", "3", formula.Number},
		{"REPT(\"ab\",3)", "ababab", formula.Text},
		{"CONCATENATE(\"a\",1,\"b\")", "a1b", formula.Text},
		{"CONCAT(A2:A3,\"!\")", "部门A部门B!", formula.Text},
		{"LEFT(\"部门A\",2)", "部门", formula.Text},
		{"LEFT(\"abc\")", "a", formula.Text},
		{"RIGHT(\"部门A\",1)", "A", formula.Text},
		{"RIGHT(\"ab\",5)", "ab", formula.Text},
		{"MID(\"abcdef\",2,3)", "bcd", formula.Text},
		{"MID(\"ab\",5,3)", "", formula.Text},
		{"TRIM(\"  a   b \")", "a b", formula.Text},
		{"UPPER(\"ab\")&LOWER(\"CD\")", "ABcd", formula.Text},
		{"VALUE(\" 12.5 \")", "12.5", formula.Number},
		{"VALUE(\"x\")", "#VALUE!", formula.Error},
		{"ISNUMBER(B2)", "TRUE", formula.Bool},
		{"ISNUMBER(B7)", "FALSE", formula.Bool},
		{"ISTEXT(B4)", "TRUE", formula.Bool},
		{"ISBLANK(Z9)", "TRUE", formula.Bool},
		{"ISBLANK(E4)", "FALSE", formula.Bool},
		{"N(TRUE)+N(\"x\")", "1", formula.Number},
		// look-ups
		{"VLOOKUP(\"部门B\",A2:C6,2,FALSE)", "12", formula.Number},
		{"VLOOKUP(\"部门b\",A2:C6,3,0)", "15", formula.Number},
		{"VLOOKUP(\"部门X\",A2:C6,2,FALSE)", "#N/A", formula.Error},
		{"VLOOKUP(\"部门B\",A2:C6,4,FALSE)", "#REF!", formula.Error},
		{"VLOOKUP(20,C2:C5,1)", "20", formula.Number},
		{"HLOOKUP(\"得分\",A1:C6,3,FALSE)", "12", formula.Number},
		{"MATCH(\"部门D\",A1:A6,0)", "5", formula.Number},
		{"MATCH(16,C2:C5,1)", "2", formula.Number},
		{"INDEX(B2:B6,4)", "54.43", formula.Number},
		{"INDEX(A1:C6,MATCH(\"部门C\",A1:A6,0),3)", "20", formula.Number},
		{"SUM(INDEX(B2:C6,0,2))", "110", formula.Number},
		{"INDEX(B2:B6,9)", "#REF!", formula.Error},
		{"CHOOSE(2,\"a\",\"b\",\"c\")", "b", formula.Text},
		{"CHOOSE(4,\"a\",\"b\",\"c\")", "#VALUE!", formula.Error},
		{"TRUE()", "TRUE", formula.Bool},
		{"_xlfn.CONCAT(\"a\",\"b\")", "ab", formula.Text},
		{"sum(1,2)", "3", formula.Number},
		// other sheets, formulas through references
		{"'名 字'!A1+Other!A2", "11", formula.Number},
		{"SUM(Other!A1:A2)", "7", formula.Number},
		{"'名 字'!A2", "28.46", formula.Number},
		{"SUM('名 字'!A1:B2)", "35.46", formula.Number},
		{"G1", "7", formula.Number},
		{"$G$1*2", "14", formula.Number},
	}
	for _, tt := range tests {
		got, err := scores.eval("Z1", tt.formula)
		if err != nil {
			t.Errorf("%s: %v", tt.formula, err)
			continue
		}
		if got.String() != tt.want || got.Kind != tt.kind {
			t.Errorf("%s = %q (kind %d), want %q (kind %d)", tt.formula, got, got.Kind, tt.want, tt.kind)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	b := book{"S": {
		"F2": "=G2+F2", "G2": "1",
		"A1": "=B1", "B1": "=A1",
		"J5": "=SUM(J1:J10)", "J1": "3",
		"H1": "=H2", "H2": "=H3", "H3": "=H1",
		"K1": "=SUM(K2)", "K2": "=Bad(1)",
	}}
	tests := []struct {
		cell, formula string
		want          error
		text          string // in the message
	}{
		{"F2", "G2+F2", formula.ErrCircular, "F2 → F2"},
		{"A1", "B1", formula.ErrCircular, "A1 → B1 → A1"},
		{"J5", "SUM(J1:J10)", formula.ErrCircular, "J5 → J5"},
		{"H1", "H2", formula.ErrCircular, "H1 → H2 → H3 → H1"},
		{"Z1", "H1+1", formula.ErrCircular, "H1 → H2 → H3 → H1"},
		{"Z1", "IFERROR(H1,0)", formula.ErrCircular, "H1 → H2 → H3 → H1"}, // not an Excel error value
		{"Z1", "ISERROR(SUM(H:H))", formula.ErrCircular, "H1 → H2 → H3 → H1"},
		{"Z1", "FOO(1)", formula.ErrUnsupported, "FOO"},
		{"Z1", "K1", formula.ErrUnsupported, "S!K2: unsupported function or syntax: function BAD"},
		{"Z1", "Rate*2", formula.ErrUnsupported, "defined name Rate"},
		{"Z1", "{1,2}", formula.ErrUnsupported, "array"},
		{"Z1", "[1]S!A1", formula.ErrUnsupported, "external"},
		{"Z1", "A1:B2", formula.ErrUnsupported, "A1:B2"},
		{"Z1", "Z2:Z3+1", formula.ErrUnsupported, "single value"},
		{"Z1", "1+", formula.ErrSyntax, "ends"},
		{"Z1", "(1", formula.ErrSyntax, ")"},
		{"Z1", "\"abc", formula.ErrSyntax, "string"},
		{"Z1", "1 2", formula.ErrSyntax, ""},
		{"Z1", "SUM(1,2", formula.ErrSyntax, ""},
		{"Z1", "#FOO", formula.ErrSyntax, ""},
		{"Z1", "IF()", formula.ErrSyntax, "IF"},
	}
	for _, tt := range tests {
		_, err := b.eval(tt.cell, tt.formula)
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%s: %s: error %v, want %v with %q", tt.cell, tt.formula, err, tt.want, tt.text)
		}
		var ee *formula.EvalError
		if !errors.As(err, &ee) {
			t.Errorf("%s: error %v has no place", tt.formula, err)
		}
	}
}

// TestEvalCache: a cell computed once is taken from the cache; a failed
// one is not cached.
func TestEvalCache(t *testing.T) {
	calls := 0
	b := book{"S": {"A1": "=B1*2", "B1": "4"}}
	src := b.source()
	cell := src.Cell
	src.Cell = func(sheet string, col, row int) (formula.Cell, bool, error) {
		calls++
		return cell(sheet, col, row)
	}
	e := formula.New(src, formula.Limits{})
	for range 3 {
		v, err := e.Eval("S", 3, 1, "A1+A1")
		if err != nil || v.String() != "16" {
			t.Fatalf("got %v, %v", v, err)
		}
	}
	if calls != 2 {
		t.Errorf("source read %d times, want 2 (A1 and B1 once)", calls)
	}
}

func TestSourceError(t *testing.T) {
	boom := errors.New("context canceled")
	src := formula.Source{
		Cell: func(string, int, int) (formula.Cell, bool, error) { return formula.Cell{}, false, boom },
		Range: func(string, int, int, int, int, func(int, int, formula.Cell) bool) error {
			return boom
		},
	}
	for _, f := range []string{"A1", "SUM(A1:B2)"} {
		_, err := formula.New(src, formula.Limits{}).Eval("S", 3, 3, f)
		if !errors.Is(err, boom) {
			t.Errorf("%s: %v, want the source's error", f, err)
		}
	}
}

func TestShift(t *testing.T) {
	tests := []struct {
		formula                string
		fromC, fromR, toC, toR int
		want                   string
	}{
		{"A1", 1, 1, 2, 2, "B2"},
		{"$A$1+A1", 1, 1, 3, 5, "$A$1+C5"},
		{"A$1+$A1", 1, 1, 2, 3, "B$1+$A3"},
		{"SUM(B2:B5)*C2", 4, 2, 4, 7, "SUM(B7:B10)*C7"},
		{"SUM($B$2:B5)", 4, 2, 4, 3, "SUM($B$2:B6)"},
		{"SUM(B:B)+SUM(3:3)", 1, 1, 3, 4, "SUM(D:D)+SUM(6:6)"},
		{"'My Sheet'!A1+Other!B2", 1, 1, 1, 3, "'My Sheet'!A3+Other!B4"},
		{"'名 字'!A1:B2", 1, 1, 2, 1, "'名 字'!B1:C2"},
		{"\"A1\"&A1&\"$B$2 C3\"", 1, 1, 1, 2, "\"A1\"&A2&\"$B$2 C3\""},
		{"IF(A1>=60,\"及格\",\"\")", 2, 2, 2, 10, "IF(A9>=60,\"及格\",\"\")"},
		{"LOG10(A1)+A1B", 1, 1, 2, 1, "LOG10(B1)+A1B"},
		{"A1", 2, 2, 1, 1, "#REF!"},
		{"S!A1+1", 2, 2, 1, 2, "S!#REF!+1"},
		{"XFD1", 1, 1, 2, 1, "#REF!"},
		{"A1", 3, 3, 3, 3, "A1"},
	}
	for _, tt := range tests {
		got, err := formula.Shift(tt.formula, tt.fromC, tt.fromR, tt.toC, tt.toR)
		if err != nil || got != tt.want {
			t.Errorf("Shift(%q, %d,%d → %d,%d) = %q, %v, want %q", tt.formula, tt.fromC, tt.fromR, tt.toC, tt.toR, got, err, tt.want)
		}
	}
	if _, err := formula.Shift("\"A1", 1, 1, 2, 2); !errors.Is(err, formula.ErrSyntax) {
		t.Errorf("unterminated string: %v", err)
	}
}

// hostile formulas and sources: each ends with ErrTooLarge (or a value)
// quickly.
func TestHostile(t *testing.T) {
	deep := strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000)
	tests := []struct {
		name, formula string
		src           formula.Source
		want          error
	}{
		{"rept", `REPT(REPT("x",32767),32767)`, book{}.source(), formula.ErrTooLarge},
		{"len rept", `LEN(REPT(REPT("x",32767),32767))`, book{}.source(), formula.ErrTooLarge},
		{"rept huge count", `REPT("x",1E300)`, book{}.source(), formula.ErrTooLarge},
		{"concat", `REPT("x",20000)&REPT("y",20000)`, book{}.source(), formula.ErrTooLarge},
		{"concat fn", `CONCAT(REPT("x",20000),REPT("y",20000))`, book{}.source(), formula.ErrTooLarge},
		{"deep parens", deep, book{}.source(), formula.ErrTooLarge},
		{"deep unary", strings.Repeat("-", 100_000) + "1", book{}.source(), formula.ErrTooLarge},
		{"deep calls", strings.Repeat("ABS(", 10_000) + "1" + strings.Repeat(")", 10_000), book{}.source(), formula.ErrTooLarge},
		{"percent", "1" + strings.Repeat("%", 10_000), book{}.source(), formula.ErrTooLarge},
		{"long chain", strings.Repeat("1+", 10_000) + "1", book{}.source(), nil},
		{"long formula", strings.Repeat("1+", 100_000) + "1", book{}.source(), formula.ErrTooLarge},
		{"whole sheet", "SUM(A1:XFD1048576)", manyCells(10_000_000), formula.ErrTooLarge},
		{"whole column", "SUM(F:F)", manyCells(10_000_000), formula.ErrTooLarge},
		{"source that does not stop", "SUM(F:F)", deaf(2_000_000), formula.ErrTooLarge},
		{"countblank", "COUNTBLANK(A1:XFD1048576)", book{"S": {"A1": "1"}}.source(), nil},
		{"chain of cells", "A1", chain(5000, ""), formula.ErrTooLarge},
		{"chain of nested cells", "A1", chain(900, strings.Repeat("ABS(", 90)), formula.ErrTooLarge},
		{"chain within bounds", "A1", chain(900, "ABS("), nil},
		{"running total", "A1", chain(999, ""), nil},
		{"chain of long formulas", "A1", chain(900, strings.Repeat("(", 100)+strings.Repeat("1+", 4000)), formula.ErrTooLarge},
		{"power", "1.0000001^1E9", book{}.source(), nil},
		{"big exponent", "1E999999999*1", book{}.source(), nil},
		{"pattern", `COUNTIF(A1:A100,"*"&REPT("a",10000)&"b")`, repeated(100, strings.Repeat("a", 32000)), formula.ErrTooLarge},
	}
	for _, tt := range tests {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		v, err := formula.New(tt.src, formula.Limits{}).Eval("S", 1, 1_000_000, tt.formula)
		d := time.Since(start)
		runtime.ReadMemStats(&after)
		t.Logf("%-22s %8.1f ms %7.1f MB allocated, stack %5.1f MB: %.60v", tt.name, float64(d.Microseconds())/1000,
			float64(after.TotalAlloc-before.TotalAlloc)/1e6, float64(after.StackSys)/1e6, err)
		if d > 2*time.Second {
			t.Errorf("%s: took %v", tt.name, d)
		}
		if tt.want == nil && err != nil || !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, %v, want %v", tt.name, v, err, tt.want)
		}
	}
}

// manyCells claims n number cells in every rectangle, made up on the fly.
func manyCells(n int) formula.Source {
	one := formula.Cell{Value: formula.TextValue("1")}
	return formula.Source{
		Cell: func(string, int, int) (formula.Cell, bool, error) { return one, true, nil },
		Range: func(_ string, c1, r1, c2, r2 int, fn func(int, int, formula.Cell) bool) error {
			for i := 0; i < n; i++ {
				if !fn(c1+i%(c2-c1+1), r1+i/(c2-c1+1), one) {
					return nil
				}
			}
			return nil
		},
	}
}

// deaf claims n cells in every rectangle and does not stop when told.
func deaf(n int) formula.Source {
	src := manyCells(0)
	src.Range = func(_ string, c1, r1, _, _ int, fn func(int, int, formula.Cell) bool) error {
		for i := 0; i < n; i++ {
			fn(c1, r1+i, formula.Cell{Value: formula.TextValue("1")})
		}
		return nil
	}
	return src
}

// chain is A1 = A2+1, A2 = A3+1, … n deep, each formula nested in parens.
func chain(n int, parens string) formula.Source {
	return formula.Source{
		Cell: func(_ string, col, row int) (formula.Cell, bool, error) {
			if row > n {
				return formula.Cell{}, false, nil
			}
			f := parens + formula.CellName(col, row+1) + "+1" + strings.Repeat(")", strings.Count(parens, "("))
			return formula.Cell{Formula: f}, true, nil
		},
		Range: func(string, int, int, int, int, func(int, int, formula.Cell) bool) error { return nil },
	}
}

// repeated is column A with n copies of a text.
func repeated(n int, s string) formula.Source {
	m := map[string]string{}
	for i := 1; i <= n; i++ {
		m[formula.CellName(1, i)] = "'" + s
	}
	return book{"S": m}.source()
}

func TestFunctions(t *testing.T) {
	if n := len(formula.Functions()); n < 45 {
		t.Errorf("%d functions", n)
	}
}

func TestValueString(t *testing.T) {
	tests := []struct {
		v    formula.Value
		want string
	}{
		{formula.NumberValue(decimal.RequireFromString("87.960000000000008")), "87.96"},
		{formula.NumberValue(decimal.RequireFromString("-0.5000")), "-0.5"},
		{formula.NumberValue(decimal.RequireFromString("123456789012345678")), "123456789012346000"},
		{formula.NumberValue(decimal.New(1, 999_999_999)), "1E999999999"},
		{formula.TextValue("部门A"), "部门A"},
		{formula.BoolValue(false), "FALSE"},
		{formula.Value{}, ""},
	}
	for _, tt := range tests {
		start := time.Now()
		if got := tt.v.String(); got != tt.want || time.Since(start) > time.Second {
			t.Errorf("%#v.String() = %.40q, want %q", tt.v, got, tt.want)
		}
	}
}
