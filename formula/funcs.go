package formula

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

type function struct {
	min, max int // arguments; max -1 for any number
	fn       func(e *Evaluator, sheet string, args []*node) (operand, error)
}

var functions map[string]function

func init() {
	functions = map[string]function{
		"SUM":         {1, -1, fnSum},
		"AVERAGE":     {1, -1, fnAverage},
		"MIN":         {1, -1, fnMinMax(-1)},
		"MAX":         {1, -1, fnMinMax(1)},
		"COUNT":       {1, -1, fnCount},
		"COUNTA":      {1, -1, fnCountA},
		"COUNTBLANK":  {1, 1, fnCountBlank},
		"PRODUCT":     {1, -1, fnProduct},
		"SUMPRODUCT":  {1, -1, fnSumProduct},
		"SUMIF":       {2, 3, fnSumIf},
		"COUNTIF":     {2, 2, fnCountIf},
		"IF":          {1, 3, fnIf},
		"IFS":         {2, -1, fnIfs},
		"IFERROR":     {2, 2, fnIfError},
		"AND":         {1, -1, fnAndOr(true)},
		"OR":          {1, -1, fnAndOr(false)},
		"NOT":         {1, 1, fnNot},
		"ROUND":       {2, 2, fnRound(decimal.Decimal.Round)},
		"ROUNDUP":     {2, 2, fnRound(decimal.Decimal.RoundUp)},
		"ROUNDDOWN":   {2, 2, fnRound(decimal.Decimal.RoundDown)},
		"TRUNC":       {1, 2, fnRound(decimal.Decimal.RoundDown)},
		"INT":         {1, 1, fnInt},
		"ABS":         {1, 1, fnAbs},
		"MOD":         {2, 2, fnMod},
		"SQRT":        {1, 1, fnSqrt},
		"POWER":       {2, 2, fnPower},
		"LEN":         {1, 1, fnLen},
		"REPT":        {2, 2, fnRept},
		"CONCATENATE": {1, -1, fnConcat(false)},
		"CONCAT":      {1, -1, fnConcat(true)},
		"LEFT":        {1, 2, fnLeftRight(true)},
		"RIGHT":       {1, 2, fnLeftRight(false)},
		"MID":         {3, 3, fnMid},
		"TRIM":        {1, 1, fnText(trimSpaces)},
		"UPPER":       {1, 1, fnText(strings.ToUpper)},
		"LOWER":       {1, 1, fnText(strings.ToLower)},
		"VALUE":       {1, 1, fnValue},
		"ISNUMBER":    {1, 1, fnIs(func(v Value) bool { return v.Kind == Number })},
		"ISTEXT":      {1, 1, fnIs(func(v Value) bool { return v.Kind == Text })},
		"ISBLANK":     {1, 1, fnIs(func(v Value) bool { return v.Kind == Blank })},
		"ISERROR":     {1, 1, fnIs(func(v Value) bool { return v.Kind == Error })},
		"N":           {1, 1, fnN},
		"VLOOKUP":     {3, 4, fnLookup(true)},
		"HLOOKUP":     {3, 4, fnLookup(false)},
		"MATCH":       {2, 3, fnMatch},
		"INDEX":       {2, 3, fnIndex},
		"CHOOSE":      {2, -1, fnChoose},
		"TRUE":        {0, 0, func(*Evaluator, string, []*node) (operand, error) { return val(BoolValue(true)), nil }},
		"FALSE":       {0, 0, func(*Evaluator, string, []*node) (operand, error) { return val(BoolValue(false)), nil }},
	}
}

// Functions returns the names of the functions the evaluator computes.
func Functions() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	sortStrings(names)
	return names
}

// numbers calls fn for each number of the arguments as SUM sees them:
// in references only numbers; given directly, numbers, booleans and
// numeric texts. It returns the first error value met.
func (e *Evaluator) numbers(sheet string, args []*node, fn func(d decimal.Decimal) *Value) (*Value, error) {
	var ev *Value
	for _, a := range args {
		err := e.values(a, sheet, func(v Value, ref bool) (bool, error) {
			switch {
			case v.Kind == Error:
				bad := v
				ev = &bad
			case v.Kind == Number:
				ev = fn(v.Num)
			case ref:
				return true, nil
			default:
				d, bad := toNum(v)
				if bad != nil {
					ev = bad
				} else {
					ev = fn(d)
				}
			}
			return ev == nil, nil
		})
		if err != nil || ev != nil {
			return ev, err
		}
	}
	return nil, nil
}

func fnSum(e *Evaluator, sheet string, args []*node) (operand, error) {
	sum := decimal.Zero
	ev, err := e.numbers(sheet, args, func(d decimal.Decimal) *Value { sum = sum.Add(d); return nil })
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(number(sum)), nil
}

func errOperand(ev *Value, err error) (operand, error) {
	if err != nil {
		return operand{}, err
	}
	return val(*ev), nil
}

func fnAverage(e *Evaluator, sheet string, args []*node) (operand, error) {
	sum, n := decimal.Zero, 0
	ev, err := e.numbers(sheet, args, func(d decimal.Decimal) *Value { sum = sum.Add(d); n++; return nil })
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	if n == 0 {
		return val(ErrorValue(ErrDiv0)), nil
	}
	return val(number(sum.DivRound(decimal.NewFromInt(int64(n)), divPlaces))), nil
}

func fnMinMax(sign int) func(e *Evaluator, sheet string, args []*node) (operand, error) {
	return func(e *Evaluator, sheet string, args []*node) (operand, error) {
		var best decimal.Decimal
		seen := false
		ev, err := e.numbers(sheet, args, func(d decimal.Decimal) *Value {
			if !seen || d.Cmp(best) == sign {
				best, seen = d, true
			}
			return nil
		})
		if err != nil || ev != nil {
			return errOperand(ev, err)
		}
		return val(number(best)), nil
	}
}

func fnProduct(e *Evaluator, sheet string, args []*node) (operand, error) {
	p := decimal.NewFromInt(1)
	ev, err := e.numbers(sheet, args, func(d decimal.Decimal) *Value {
		v := number(p.Mul(d))
		if v.Kind == Error {
			bad := v
			return &bad
		}
		p = v.Num
		return nil
	})
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(number(p)), nil
}

func fnCount(e *Evaluator, sheet string, args []*node) (operand, error) {
	n := 0
	for _, a := range args {
		err := e.values(a, sheet, func(v Value, ref bool) (bool, error) {
			switch {
			case v.Kind == Number:
				n++
			case ref || v.Kind == Error:
			case v.Kind == Bool:
				n++
			case v.Kind == Text:
				if _, ok := parseNumber(v.Str); ok {
					n++
				}
			}
			return true, nil
		})
		if err != nil {
			return operand{}, err
		}
	}
	return val(NumberValue(decimal.NewFromInt(int64(n)))), nil
}

func fnCountA(e *Evaluator, sheet string, args []*node) (operand, error) {
	n := 0
	for _, a := range args {
		if a.kind == nEmpty {
			continue
		}
		err := e.values(a, sheet, func(v Value, ref bool) (bool, error) {
			if v.Kind != Blank || !ref {
				n++
			}
			return true, nil
		})
		if err != nil {
			return operand{}, err
		}
	}
	return val(NumberValue(decimal.NewFromInt(int64(n)))), nil
}

// refArg computes an argument that must be a reference.
func (e *Evaluator) refArg(n *node, sheet, fn string) (area, error) {
	op, err := e.eval(n, sheet)
	if err != nil {
		return area{}, err
	}
	if !op.isRef {
		return area{}, fmt.Errorf("%w: %s needs a range", ErrUnsupported, fn)
	}
	return op.a, nil
}

func fnCountBlank(e *Evaluator, sheet string, args []*node) (operand, error) {
	a, err := e.refArg(args[0], sheet, "COUNTBLANK")
	if err != nil {
		return operand{}, err
	}
	filled := int64(0)
	err = e.each(a, func(_, _ int, v Value) (bool, error) {
		if !(v.Kind == Text && v.Str == "") {
			filled++
		}
		return true, nil
	})
	if err != nil {
		return operand{}, err
	}
	return val(NumberValue(decimal.NewFromInt(int64(a.rows())*int64(a.cols()) - filled))), nil
}

func fnSumProduct(e *Evaluator, sheet string, args []*node) (operand, error) {
	ops := make([]operand, len(args))
	for i, a := range args {
		op, err := e.eval(a, sheet)
		if err != nil {
			return operand{}, err
		}
		ops[i] = op
	}
	if !ops[0].isRef || ops[0].a.single() {
		// single values: their product
		p := decimal.NewFromInt(1)
		for _, op := range ops {
			v, err := e.scalar(op)
			if err != nil {
				return operand{}, err
			}
			if v.Kind == Error {
				return val(v), nil
			}
			d, _ := toNum(v)
			if v.Kind != Number {
				d = decimal.Zero
			}
			p = p.Mul(d)
		}
		return val(number(p)), nil
	}
	first := ops[0].a
	for _, op := range ops[1:] {
		if !op.isRef || op.a.rows() != first.rows() || op.a.cols() != first.cols() {
			return val(ErrorValue(ErrValue)), nil
		}
	}
	sum := decimal.Zero
	var ev *Value
	err := e.each(first, func(col, row int, v Value) (bool, error) {
		if v.Kind == Error {
			bad := v
			ev = &bad
			return false, nil
		}
		if v.Kind != Number {
			return true, nil
		}
		p := v.Num
		for _, op := range ops[1:] {
			w, err := e.valueAt(op.a.sheet, op.a.c1+col-first.c1, op.a.r1+row-first.r1)
			if err != nil {
				return false, err
			}
			if w.Kind == Error {
				bad := w
				ev = &bad
				return false, nil
			}
			if w.Kind != Number {
				return true, nil
			}
			p = roundSig(p.Mul(w.Num), sigDigits+6)
		}
		if err := e.spend(1); err != nil {
			return false, err
		}
		sum = sum.Add(p)
		return true, nil
	})
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(number(sum)), nil
}

// criterion is a SUMIF/COUNTIF condition such as 60, ">=60", "优", "A*".
type criterion struct {
	op string // = <> < <= > >=
	v  Value  // Number, Text, Bool; Blank for "=" and "<>" alone
}

func parseCriterion(v Value) criterion {
	switch v.Kind {
	case Number, Bool, Error:
		return criterion{op: "=", v: v}
	case Blank:
		return criterion{op: "=", v: Value{Kind: Number}}
	}
	s, op := v.Str, "="
	for _, o := range []string{">=", "<=", "<>", ">", "<", "="} {
		if strings.HasPrefix(s, o) {
			op, s = o, s[len(o):]
			break
		}
	}
	switch {
	case s == "":
		return criterion{op: op}
	case strings.EqualFold(s, "TRUE") || strings.EqualFold(s, "FALSE"):
		return criterion{op: op, v: BoolValue(strings.EqualFold(s, "TRUE"))}
	}
	if d, ok := parseNumber(s); ok {
		if n := number(d); n.Kind == Number {
			return criterion{op: op, v: n}
		}
	}
	return criterion{op: op, v: TextValue(s)}
}

// matches tells whether a cell value meets the criterion.
func (e *Evaluator) matches(c criterion, v Value) (bool, error) {
	if c.v.Kind == Blank { // "=" or "<>" alone: blank or not
		empty := v.Kind == Blank || v.Kind == Text && v.Str == ""
		return empty == (c.op == "="), nil
	}
	if v.Kind == Error && c.v.Kind != Error {
		return false, nil
	}
	if c.v.Kind == Text && (c.op == "=" || c.op == "<>") {
		if v.Kind != Text && v.Kind != Blank {
			return c.op == "<>", nil
		}
		if err := e.spendText(len(v.Str) + len(c.v.Str)); err != nil {
			return false, err
		}
		budget := e.lim.MaxSteps - e.steps
		m, ok := match(c.v.Str, v.Str, budget)
		if !ok {
			return false, fmt.Errorf("%w: pattern %q too costly", ErrTooLarge, clip(c.v.Str))
		}
		if err := e.spend(len(v.Str)); err != nil {
			return false, err
		}
		return m == (c.op == "="), nil
	}
	if v.Kind != c.v.Kind {
		return c.op == "<>", nil
	}
	if err := e.spendText(len(v.Str) + len(c.v.Str)); err != nil {
		return false, err
	}
	r := compare(v, c.v)
	switch c.op {
	case "=":
		return r == 0, nil
	case "<>":
		return r != 0, nil
	case "<":
		return r < 0, nil
	case "<=":
		return r <= 0, nil
	case ">":
		return r > 0, nil
	}
	return r >= 0, nil
}

func (e *Evaluator) criterionArg(n *node, sheet string) (criterion, *Value, error) {
	v, err := e.scalarNode(n, sheet)
	if err != nil {
		return criterion{}, nil, err
	}
	return parseCriterion(v), nil, nil
}

func fnCountIf(e *Evaluator, sheet string, args []*node) (operand, error) {
	a, err := e.refArg(args[0], sheet, "COUNTIF")
	if err != nil {
		return operand{}, err
	}
	c, _, err := e.criterionArg(args[1], sheet)
	if err != nil {
		return operand{}, err
	}
	var n, filled int64
	err = e.each(a, func(_, _ int, v Value) (bool, error) {
		filled++
		m, err := e.matches(c, v)
		if m {
			n++
		}
		return err == nil, err
	})
	if err != nil {
		return operand{}, err
	}
	if m, _ := e.matches(c, Value{}); m {
		n += int64(a.rows())*int64(a.cols()) - filled
	}
	return val(NumberValue(decimal.NewFromInt(n))), nil
}

func fnSumIf(e *Evaluator, sheet string, args []*node) (operand, error) {
	a, err := e.refArg(args[0], sheet, "SUMIF")
	if err != nil {
		return operand{}, err
	}
	c, _, err := e.criterionArg(args[1], sheet)
	if err != nil {
		return operand{}, err
	}
	s := a
	if len(args) == 3 && args[2].kind != nEmpty {
		if s, err = e.refArg(args[2], sheet, "SUMIF"); err != nil {
			return operand{}, err
		}
		// Excel sums the range of the criteria's shape from sum_range's corner.
		s.c2, s.r2 = s.c1+a.cols()-1, s.r1+a.rows()-1
		if s.c2 > maxCol || s.r2 > maxRow {
			return val(ErrorValue(ErrRef)), nil
		}
	}
	sum := decimal.Zero
	var ev *Value
	add := func(v Value) bool {
		switch v.Kind {
		case Number:
			sum = sum.Add(v.Num)
		case Error:
			bad := v
			ev = &bad
			return false
		}
		return true
	}
	if m, _ := e.matches(c, Value{}); m {
		// Blank cells match: go through the cells to sum.
		err = e.each(s, func(col, row int, v Value) (bool, error) {
			if v.Kind != Number && v.Kind != Error {
				return true, nil
			}
			w, err := e.valueAt(a.sheet, a.c1+col-s.c1, a.r1+row-s.r1)
			if err != nil {
				return false, err
			}
			m, err := e.matches(c, w)
			if err != nil || !m {
				return err == nil, err
			}
			return add(v), nil
		})
	} else {
		err = e.each(a, func(col, row int, v Value) (bool, error) {
			m, err := e.matches(c, v)
			if err != nil || !m {
				return err == nil, err
			}
			w, err := e.valueAt(s.sheet, s.c1+col-a.c1, s.r1+row-a.r1)
			if err != nil {
				return false, err
			}
			return add(w), nil
		})
	}
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(number(sum)), nil
}

// condArg computes a condition; an error value comes back as ev.
func (e *Evaluator) condArg(n *node, sheet string) (bool, *Value, error) {
	v, err := e.scalarNode(n, sheet)
	if err != nil {
		return false, nil, err
	}
	b, ev := toBool(v)
	return b, ev, nil
}

func fnIf(e *Evaluator, sheet string, args []*node) (operand, error) {
	b, ev, err := e.condArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	switch {
	case b && len(args) > 1:
		return e.eval(args[1], sheet)
	case b:
		return val(BoolValue(true)), nil
	case len(args) > 2:
		return e.eval(args[2], sheet)
	}
	return val(BoolValue(false)), nil
}

func fnIfs(e *Evaluator, sheet string, args []*node) (operand, error) {
	if len(args)%2 != 0 {
		return operand{}, fmt.Errorf("%w: IFS with %d arguments", ErrSyntax, len(args))
	}
	for i := 0; i < len(args); i += 2 {
		b, ev, err := e.condArg(args[i], sheet)
		if err != nil || ev != nil {
			return errOperand(ev, err)
		}
		if b {
			return e.eval(args[i+1], sheet)
		}
	}
	return val(ErrorValue(ErrNA)), nil
}

func fnIfError(e *Evaluator, sheet string, args []*node) (operand, error) {
	v, err := e.scalarNode(args[0], sheet)
	if err != nil {
		return operand{}, err
	}
	if v.Kind == Error {
		return e.eval(args[1], sheet)
	}
	return val(v), nil
}

func fnAndOr(and bool) func(e *Evaluator, sheet string, args []*node) (operand, error) {
	return func(e *Evaluator, sheet string, args []*node) (operand, error) {
		result, seen := and, false
		var ev *Value
		for _, a := range args {
			err := e.values(a, sheet, func(v Value, ref bool) (bool, error) {
				if ref && (v.Kind == Text || v.Kind == Blank) {
					return true, nil
				}
				b, bad := toBool(v)
				if bad != nil {
					ev = bad
					return false, nil
				}
				seen = true
				if and {
					result = result && b
				} else {
					result = result || b
				}
				return true, nil
			})
			if err != nil || ev != nil {
				return errOperand(ev, err)
			}
		}
		if !seen {
			return val(ErrorValue(ErrValue)), nil
		}
		return val(BoolValue(result)), nil
	}
}

func fnNot(e *Evaluator, sheet string, args []*node) (operand, error) {
	b, ev, err := e.condArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(BoolValue(!b)), nil
}

// numArg computes a numeric argument; an error value comes back as ev.
func (e *Evaluator) numArg(n *node, sheet string) (decimal.Decimal, *Value, error) {
	v, err := e.scalarNode(n, sheet)
	if err != nil {
		return decimal.Zero, nil, err
	}
	d, ev := toNum(v)
	return d, ev, nil
}

// intArg computes an argument used as a count or position, truncated and
// clamped to ±1e9 so that it fits any int.
func (e *Evaluator) intArg(n *node, sheet string) (int, *Value, error) {
	d, ev, err := e.numArg(n, sheet)
	if err != nil || ev != nil {
		return 0, ev, err
	}
	const big = 1_000_000_000
	switch {
	case d.GreaterThan(decimal.NewFromInt(big)):
		return big, nil, nil
	case d.LessThan(decimal.NewFromInt(-big)):
		return -big, nil, nil
	}
	return int(d.IntPart()), nil, nil
}

func fnRound(round func(decimal.Decimal, int32) decimal.Decimal) func(e *Evaluator, sheet string, args []*node) (operand, error) {
	return func(e *Evaluator, sheet string, args []*node) (operand, error) {
		x, ev, err := e.numArg(args[0], sheet)
		if err != nil || ev != nil {
			return errOperand(ev, err)
		}
		places := 0
		if len(args) > 1 {
			if places, ev, err = e.intArg(args[1], sheet); err != nil || ev != nil {
				return errOperand(ev, err)
			}
		}
		switch {
		case places > -minMagnitude+10:
			return val(number(x)), nil
		case places < -maxMagnitude-10:
			return val(Value{Kind: Number}), nil
		}
		return val(number(round(x, int32(places)))), nil
	}
}

func fnInt(e *Evaluator, sheet string, args []*node) (operand, error) {
	x, ev, err := e.numArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(number(x.Floor())), nil
}

func fnAbs(e *Evaluator, sheet string, args []*node) (operand, error) {
	x, ev, err := e.numArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(number(x.Abs())), nil
}

func fnMod(e *Evaluator, sheet string, args []*node) (operand, error) {
	if err := e.spend(costly); err != nil {
		return operand{}, err
	}
	x, ev, err := e.numArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	y, ev, err := e.numArg(args[1], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	if y.IsZero() {
		return val(ErrorValue(ErrDiv0)), nil
	}
	if !x.IsZero() {
		if err := e.spend(abs(magnitude(x)-magnitude(y)) / 8); err != nil {
			return operand{}, err
		}
	}
	r := x.Mod(y)
	if !r.IsZero() && r.Sign() != y.Sign() {
		r = r.Add(y)
	}
	return val(number(r)), nil
}

func fnSqrt(e *Evaluator, sheet string, args []*node) (operand, error) {
	if err := e.spend(3 * costly); err != nil {
		return operand{}, err
	}
	x, ev, err := e.numArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	if x.Sign() < 0 {
		return val(ErrorValue(ErrNum)), nil
	}
	if !x.IsZero() {
		if err := e.spend(abs(magnitude(x)) / 8); err != nil {
			return operand{}, err
		}
	}
	r, err := x.SqrtRound(divPlaces)
	if err != nil {
		return val(ErrorValue(ErrNum)), nil
	}
	return val(number(r)), nil
}

func fnPower(e *Evaluator, sheet string, args []*node) (operand, error) {
	if err := e.spend(3 * costly); err != nil {
		return operand{}, err
	}
	x, ev, err := e.numArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	y, ev, err := e.numArg(args[1], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(power(x, y)), nil
}

// textArg computes a text argument; an error value comes back as ev.
func (e *Evaluator) textArg(n *node, sheet string) (string, *Value, error) {
	v, err := e.scalarNode(n, sheet)
	if err != nil {
		return "", nil, err
	}
	if v.Kind == Error {
		return "", &v, nil
	}
	s := toText(v)
	return s, nil, e.spendText(len(s))
}

func fnLen(e *Evaluator, sheet string, args []*node) (operand, error) {
	s, ev, err := e.textArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	return val(NumberValue(decimal.NewFromInt(int64(textLen(s))))), nil
}

func fnRept(e *Evaluator, sheet string, args []*node) (operand, error) {
	s, ev, err := e.textArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	n, ev, err := e.intArg(args[1], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	if n < 0 {
		return val(ErrorValue(ErrValue)), nil
	}
	if s == "" || n == 0 {
		return val(TextValue("")), nil
	}
	if n > e.lim.MaxText/len(s) {
		return operand{}, fmt.Errorf("%w: REPT of %d bytes %d times, more than %d", ErrTooLarge, len(s), n, e.lim.MaxText)
	}
	if err := e.spendText(len(s) * n); err != nil {
		return operand{}, err
	}
	return val(TextValue(strings.Repeat(s, n))), nil
}

func fnConcat(ranges bool) func(e *Evaluator, sheet string, args []*node) (operand, error) {
	return func(e *Evaluator, sheet string, args []*node) (operand, error) {
		var b strings.Builder
		var ev *Value
		add := func(v Value, _ bool) (bool, error) {
			if v.Kind == Error {
				bad := v
				ev = &bad
				return false, nil
			}
			s := toText(v)
			if err := e.checkText(b.Len() + len(s)); err != nil {
				return false, err
			}
			if err := e.spendText(len(s)); err != nil {
				return false, err
			}
			b.WriteString(s)
			return true, nil
		}
		for _, a := range args {
			var err error
			if ranges {
				err = e.values(a, sheet, add)
			} else {
				var v Value
				if v, err = e.scalarNode(a, sheet); err == nil {
					_, err = add(v, false)
				}
			}
			if err != nil || ev != nil {
				return errOperand(ev, err)
			}
		}
		return val(TextValue(b.String())), nil
	}
}

func fnLeftRight(left bool) func(e *Evaluator, sheet string, args []*node) (operand, error) {
	return func(e *Evaluator, sheet string, args []*node) (operand, error) {
		s, ev, err := e.textArg(args[0], sheet)
		if err != nil || ev != nil {
			return errOperand(ev, err)
		}
		n := 1
		if len(args) > 1 {
			if n, ev, err = e.intArg(args[1], sheet); err != nil || ev != nil {
				return errOperand(ev, err)
			}
		}
		if n < 0 {
			return val(ErrorValue(ErrValue)), nil
		}
		if left {
			return val(TextValue(s[:runeOffset(s, n)])), nil
		}
		total := 0
		for range s {
			total++
		}
		if n >= total {
			return val(TextValue(s)), nil
		}
		return val(TextValue(s[runeOffset(s, total-n):])), nil
	}
}

func fnMid(e *Evaluator, sheet string, args []*node) (operand, error) {
	s, ev, err := e.textArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	start, ev, err := e.intArg(args[1], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	n, ev, err := e.intArg(args[2], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	if start < 1 || n < 0 {
		return val(ErrorValue(ErrValue)), nil
	}
	i := runeOffset(s, start-1)
	j := i + runeOffset(s[i:], n)
	return val(TextValue(s[i:j])), nil
}

// trimSpaces is TRIM: spaces removed at both ends and runs of spaces
// inside made one.
func trimSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}

func fnText(f func(string) string) func(e *Evaluator, sheet string, args []*node) (operand, error) {
	return func(e *Evaluator, sheet string, args []*node) (operand, error) {
		s, ev, err := e.textArg(args[0], sheet)
		if err != nil || ev != nil {
			return errOperand(ev, err)
		}
		r := f(s) // UPPER may grow a text by half, no more
		if err := e.checkText(len(r)); err != nil {
			return operand{}, err
		}
		return val(TextValue(r)), nil
	}
}

func fnValue(e *Evaluator, sheet string, args []*node) (operand, error) {
	v, err := e.scalarNode(args[0], sheet)
	if err != nil {
		return operand{}, err
	}
	switch v.Kind {
	case Number, Error:
		return val(v), nil
	case Blank:
		return val(Value{Kind: Number}), nil
	case Text:
		if d, ok := parseNumber(v.Str); ok {
			return val(number(d)), nil
		}
	}
	return val(ErrorValue(ErrValue)), nil
}

func fnIs(test func(Value) bool) func(e *Evaluator, sheet string, args []*node) (operand, error) {
	return func(e *Evaluator, sheet string, args []*node) (operand, error) {
		v, err := e.scalarNode(args[0], sheet)
		if err != nil {
			return operand{}, err
		}
		return val(BoolValue(test(v))), nil
	}
}

func fnN(e *Evaluator, sheet string, args []*node) (operand, error) {
	v, err := e.scalarNode(args[0], sheet)
	if err != nil {
		return operand{}, err
	}
	switch v.Kind {
	case Number, Error:
		return val(v), nil
	case Bool:
		d, _ := toNum(v)
		return val(NumberValue(d)), nil
	}
	return val(Value{Kind: Number}), nil
}

// lookupEqual is the exact match of VLOOKUP, HLOOKUP and MATCH: same kind,
// text without regard to case, with * and ? wildcards.
func (e *Evaluator) lookupEqual(x, v Value) (bool, error) {
	if x.Kind != v.Kind {
		return false, nil
	}
	if x.Kind == Text {
		if err := e.spendText(len(x.Str) + len(v.Str)); err != nil {
			return false, err
		}
		m, ok := match(x.Str, v.Str, e.lim.MaxSteps-e.steps)
		if !ok {
			return false, fmt.Errorf("%w: pattern %q too costly", ErrTooLarge, clip(x.Str))
		}
		return m, e.spend(len(v.Str))
	}
	return compare(x, v) == 0, nil
}

// find looks x up in a row or column and returns the 0-based position:
// mode 0 exact, 1 the last of the values up to x in ascending order, -1
// the last of the values down to x in descending order. ok false is #N/A.
func (e *Evaluator) find(x Value, a area, mode int) (pos int, ok bool, err error) {
	pos = -1
	err = e.each(a, func(col, row int, v Value) (bool, error) {
		i := col - a.c1 + row - a.r1
		if mode == 0 {
			m, err := e.lookupEqual(x, v)
			if m {
				pos = i
			}
			return !m && err == nil, err
		}
		if v.Kind != x.Kind {
			return true, nil
		}
		if err := e.spendText(len(v.Str)); err != nil {
			return false, err
		}
		c := compare(v, x) * mode
		if c > 0 {
			return false, nil // sorted: nothing further fits
		}
		pos = i
		return c != 0 || mode != 0, nil
	})
	return pos, pos >= 0, err
}

func fnLookup(vertical bool) func(e *Evaluator, sheet string, args []*node) (operand, error) {
	return func(e *Evaluator, sheet string, args []*node) (operand, error) {
		x, err := e.scalarNode(args[0], sheet)
		if err != nil || x.Kind == Error {
			return val(x), err
		}
		t, err := e.refArg(args[1], sheet, "VLOOKUP")
		if err != nil {
			return operand{}, err
		}
		idx, ev, err := e.intArg(args[2], sheet)
		if err != nil || ev != nil {
			return errOperand(ev, err)
		}
		approx := true
		if len(args) > 3 && args[3].kind != nEmpty {
			if approx, ev, err = e.condArg(args[3], sheet); err != nil || ev != nil {
				return errOperand(ev, err)
			}
		}
		size := t.cols()
		if !vertical {
			size = t.rows()
		}
		switch {
		case idx < 1:
			return val(ErrorValue(ErrValue)), nil
		case idx > size:
			return val(ErrorValue(ErrRef)), nil
		}
		key := t
		if vertical {
			key.c2 = key.c1
		} else {
			key.r2 = key.r1
		}
		mode := 0
		if approx {
			mode = 1
		}
		pos, ok, err := e.find(x, key, mode)
		if err != nil || !ok {
			return val(ErrorValue(ErrNA)), err
		}
		if vertical {
			return operand{isRef: true, a: area{sheet: t.sheet, c1: t.c1 + idx - 1, c2: t.c1 + idx - 1, r1: t.r1 + pos, r2: t.r1 + pos}}, nil
		}
		return operand{isRef: true, a: area{sheet: t.sheet, c1: t.c1 + pos, c2: t.c1 + pos, r1: t.r1 + idx - 1, r2: t.r1 + idx - 1}}, nil
	}
}

func fnMatch(e *Evaluator, sheet string, args []*node) (operand, error) {
	x, err := e.scalarNode(args[0], sheet)
	if err != nil || x.Kind == Error {
		return val(x), err
	}
	a, err := e.refArg(args[1], sheet, "MATCH")
	if err != nil {
		return operand{}, err
	}
	mode := 1
	if len(args) > 2 && args[2].kind != nEmpty {
		var ev *Value
		if mode, ev, err = e.intArg(args[2], sheet); err != nil || ev != nil {
			return errOperand(ev, err)
		}
		mode = max(-1, min(1, mode))
	}
	if a.rows() > 1 && a.cols() > 1 {
		return val(ErrorValue(ErrNA)), nil
	}
	pos, ok, err := e.find(x, a, mode)
	if err != nil || !ok {
		return val(ErrorValue(ErrNA)), err
	}
	return val(NumberValue(decimal.NewFromInt(int64(pos + 1)))), nil
}

func fnIndex(e *Evaluator, sheet string, args []*node) (operand, error) {
	a, err := e.refArg(args[0], sheet, "INDEX")
	if err != nil {
		return operand{}, err
	}
	r, ev, err := e.intArg(args[1], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	c := 0
	if len(args) > 2 && args[2].kind != nEmpty {
		if c, ev, err = e.intArg(args[2], sheet); err != nil || ev != nil {
			return errOperand(ev, err)
		}
	} else if a.rows() == 1 {
		r, c = 0, r // INDEX(A1:J1, 3) is the third column
	}
	if r < 0 || c < 0 || r > a.rows() || c > a.cols() {
		return val(ErrorValue(ErrRef)), nil
	}
	if r > 0 {
		a.r1, a.r2 = a.r1+r-1, a.r1+r-1
	}
	if c > 0 {
		a.c1, a.c2 = a.c1+c-1, a.c1+c-1
	}
	return operand{isRef: true, a: a}, nil
}

func fnChoose(e *Evaluator, sheet string, args []*node) (operand, error) {
	i, ev, err := e.intArg(args[0], sheet)
	if err != nil || ev != nil {
		return errOperand(ev, err)
	}
	if i < 1 || i >= len(args) {
		return val(ErrorValue(ErrValue)), nil
	}
	return e.eval(args[i], sheet)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
