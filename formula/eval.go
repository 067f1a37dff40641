package formula

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Source is the workbook as the evaluator sees it. Its functions may be
// called again from within Range's fn (a cell of a range may hold a
// formula that refers to other cells), so they must be re-entrant.
type Source struct {
	// Cell returns the cell at sheet!(col,row), 1-based; ok false when absent or blank.
	Cell func(sheet string, col, row int) (c Cell, ok bool, err error)
	// Range calls fn for every non-blank cell of the rectangle (c1,r1)-(c2,r2), row by row, left to right,
	// stopping when fn returns false. It visits only cells that exist, whatever the size of the rectangle.
	Range func(sheet string, c1, r1, c2, r2 int, fn func(col, row int, c Cell) bool) error
}

// Limits bound one evaluation; zero fields take the defaults.
type Limits struct {
	MaxCells int // cells visited in all, references and ranges included (default 1_000_000)
	MaxText  int // longest text value, in bytes (default 32_767, Excel's cell limit)
	MaxDepth int // nesting of formula cells computed through references (default 1_000)
	MaxSteps int // function calls and operators evaluated (default 10_000_000)
}

// What counts as a step: each function call and operator; reading a
// formula, one per token and per two bytes; a multiplication, a division
// and MOD count as 8, a power and SQRT as 24, MOD and SQRT one more per 8
// digits between the magnitudes of their numbers; handling a text
// counts one more per 64 bytes, and a wildcard pattern one per byte tried.

// The defaults of Limits.
const (
	DefaultMaxCells = 1_000_000
	DefaultMaxText  = 32_767
	DefaultMaxDepth = 1_000
	DefaultMaxSteps = 10_000_000
)

var (
	ErrCircular    = errors.New("circular reference")
	ErrTooLarge    = errors.New("formula exceeds the evaluation limits")
	ErrUnsupported = errors.New("unsupported function or syntax")
	ErrSyntax      = errors.New("formula syntax error")
)

// EvalError is a failed evaluation with the place of the formula where it
// failed: the cell given to Eval, or a formula cell it refers to. Err wraps
// one of the sentinels, or the Source's error.
type EvalError struct {
	Sheet    string
	Col, Row int
	Err      error
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("%s!%s: %v", e.Sheet, CellName(e.Col, e.Row), e.Err)
}

func (e *EvalError) Unwrap() error { return e.Err }

// CellName returns the A1 name of a cell: CellName(3, 12) is "C12".
func CellName(col, row int) string {
	var b []byte
	for c := col; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return fmt.Sprintf("%s%d", b, row)
}

// Bounds that are not Limits: they hold whatever the limits are.
const (
	// maxFrames bounds the evaluator's recursion over formula trees and
	// referenced formula cells, all nested cells together.
	maxFrames = 5_000
	// The cache keeps at most this many computed cells and text bytes;
	// past it, cells are computed again when needed.
	maxCached      = 200_000
	maxCachedBytes = 16 << 20
	// maxLiveFormula bounds the formula text of the cells being computed
	// at once (the cell given to Eval and the formula cells it refers to,
	// nested), so that their trees stay a few megabytes.
	maxLiveFormula = 128 << 10
	divPlaces      = 30
)

type cellKey struct {
	sheet    string
	col, row int
}

// Evaluator computes formulas of one workbook; it caches computed cells.
// It is used by one goroutine.
type Evaluator struct {
	src         Source
	lim         Limits
	cache       map[cellKey]Value
	cachedBytes int
	active      map[cellKey]int // cells being computed, by place in stack
	stack       []cellKey
	live        int // bytes of the formulas in stack
	cells       int
	steps       int
	frames      int
}

// New returns an Evaluator over src.
func New(src Source, lim Limits) *Evaluator {
	if lim.MaxCells <= 0 {
		lim.MaxCells = DefaultMaxCells
	}
	if lim.MaxText <= 0 {
		lim.MaxText = DefaultMaxText
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultMaxDepth
	}
	if lim.MaxSteps <= 0 {
		lim.MaxSteps = DefaultMaxSteps
	}
	return &Evaluator{src: src, lim: lim, cache: map[cellKey]Value{}, active: map[cellKey]int{}}
}

// Eval computes the formula of the cell at sheet!(col,row) (formula without '=').
// Errors wrap one of the sentinels (or the Source's error, e.g. context.Canceled); an Excel error value
// such as #DIV/0! is a Value of Kind Error, not a Go error.
//
// The result is Blank never (a formula that gives nothing gives 0), and a
// Number is rounded to 15 significant digits as Excel shows it. The limits
// apply to each call; cells computed by earlier calls are taken from the
// cache.
func (e *Evaluator) Eval(sheet string, col, row int, formula string) (Value, error) {
	e.cells, e.steps, e.frames, e.live = 0, 0, 0, 0
	clear(e.active)
	e.stack = e.stack[:0]
	k := cellKey{sheet, col, row}
	v, ok := e.cache[k]
	if !ok {
		var err error
		if v, err = e.compute(k, formula); err != nil {
			return Value{}, err
		}
	}
	if v.Kind == Number {
		v.Num = round15(v.Num)
	}
	return v, nil
}

// compute evaluates the formula of cell k and caches the value.
func (e *Evaluator) compute(k cellKey, formula string) (Value, error) {
	if len(e.stack) >= e.lim.MaxDepth {
		return Value{}, e.place(k, fmt.Errorf("%w: formulas refer to formulas more than %d deep", ErrTooLarge, e.lim.MaxDepth))
	}
	if e.live+len(formula) > maxLiveFormula {
		return Value{}, e.place(k, fmt.Errorf("%w: formulas refer to formulas of more than %d bytes in all", ErrTooLarge, maxLiveFormula))
	}
	e.active[k] = len(e.stack)
	e.stack = append(e.stack, k)
	e.live += len(formula)
	defer func() {
		delete(e.active, k)
		e.stack = e.stack[:len(e.stack)-1]
		e.live -= len(formula)
	}()
	n, ntok, err := parse(formula)
	if err != nil {
		return Value{}, e.place(k, err)
	}
	if err := e.spend(ntok + len(formula)/2); err != nil {
		return Value{}, e.place(k, err)
	}
	op, err := e.eval(n, k.sheet)
	if err != nil {
		return Value{}, e.place(k, err)
	}
	v, err := e.scalar(op)
	if err != nil {
		return Value{}, e.place(k, err)
	}
	if v.Kind == Blank {
		v = Value{Kind: Number}
	}
	if len(e.cache) < maxCached && e.cachedBytes+len(v.Str) <= maxCachedBytes {
		e.cache[k] = v
		e.cachedBytes += len(v.Str)
	}
	return v, nil
}

// place gives err the place of the formula, unless it has one.
func (e *Evaluator) place(k cellKey, err error) error {
	var ee *EvalError
	if errors.As(err, &ee) {
		return err
	}
	return &EvalError{Sheet: k.sheet, Col: k.col, Row: k.row, Err: err}
}

// spend counts n steps against MaxSteps.
func (e *Evaluator) spend(n int) error {
	e.steps += n
	if e.steps > e.lim.MaxSteps {
		return fmt.Errorf("%w: more than %d steps", ErrTooLarge, e.lim.MaxSteps)
	}
	return nil
}

// costly is what a division, a power, MOD or SQRT counts as: several
// times an addition, so that MaxSteps of them stay within a second.
const costly = 8

func opCost(op string) int {
	switch op {
	case "/", "*":
		return costly
	case "^":
		return 3 * costly
	}
	return 1
}

// spendText counts the work of handling n bytes of text.
func (e *Evaluator) spendText(n int) error { return e.spend(1 + n/64) }

// visit counts one cell against MaxCells.
func (e *Evaluator) visit() error {
	e.cells++
	if e.cells > e.lim.MaxCells {
		return fmt.Errorf("%w: more than %d cells visited", ErrTooLarge, e.lim.MaxCells)
	}
	return nil
}

// checkText refuses a text of n bytes before it is built.
func (e *Evaluator) checkText(n int) error {
	if n > e.lim.MaxText || n < 0 {
		return fmt.Errorf("%w: text of %d bytes, more than %d", ErrTooLarge, n, e.lim.MaxText)
	}
	return nil
}

// area is a rectangle of one sheet, 1-based and ordered.
type area struct {
	sheet          string
	c1, r1, c2, r2 int
}

func (a area) single() bool { return a.c1 == a.c2 && a.r1 == a.r2 }
func (a area) rows() int    { return a.r2 - a.r1 + 1 }
func (a area) cols() int    { return a.c2 - a.c1 + 1 }

func (a area) String() string {
	s := CellName(a.c1, a.r1)
	if !a.single() {
		s += ":" + CellName(a.c2, a.r2)
	}
	return a.sheet + "!" + s
}

// operand is what an expression gives: a value, or a reference.
type operand struct {
	v     Value
	isRef bool
	a     area
}

func val(v Value) operand { return operand{v: v} }

// eval computes a tree in the sheet of its formula.
func (e *Evaluator) eval(n *node, sheet string) (operand, error) {
	e.frames++
	defer func() { e.frames-- }()
	if e.frames > maxFrames {
		return operand{}, fmt.Errorf("%w: formulas nested too deep", ErrTooLarge)
	}
	if err := e.spend(1); err != nil {
		return operand{}, err
	}
	switch n.kind {
	case nLit:
		return val(n.val), nil
	case nEmpty:
		return val(Value{}), nil
	case nRef:
		return operand{isRef: true, a: resolve(*n.ref, sheet)}, nil
	case nName:
		return operand{}, fmt.Errorf("%w: defined name %s", ErrUnsupported, clip(n.name))
	case nCall:
		f, ok := functions[n.name]
		if !ok {
			return operand{}, fmt.Errorf("%w: function %s", ErrUnsupported, clip(n.name))
		}
		if len(n.args) < f.min || f.max >= 0 && len(n.args) > f.max {
			return operand{}, fmt.Errorf("%w: %s with %d arguments", ErrSyntax, n.name, len(n.args))
		}
		return f.fn(e, sheet, n.args)
	case nUnary:
		v, err := e.scalarNode(n.args[0], sheet)
		if err != nil {
			return operand{}, err
		}
		switch n.op {
		case "+":
			return val(v), nil
		case "-":
			return val(arith("-", Value{Kind: Number}, v)), nil
		default: // %
			if err := e.spend(opCost("/")); err != nil {
				return operand{}, err
			}
			return val(arith("/", v, NumberValue(decimal.NewFromInt(100)))), nil
		}
	case nChain:
		v, err := e.scalarNode(n.args[0], sheet)
		if err != nil {
			return operand{}, err
		}
		for i, op := range n.ops {
			w, err := e.scalarNode(n.args[i+1], sheet)
			if err != nil {
				return operand{}, err
			}
			if err := e.spend(opCost(op)); err != nil {
				return operand{}, err
			}
			if v, err = e.binary(op, v, w); err != nil {
				return operand{}, err
			}
		}
		return val(v), nil
	}
	return operand{}, fmt.Errorf("%w: unknown node", ErrSyntax)
}

// resolve turns a reference as written into a rectangle.
func resolve(r refTok, sheet string) area {
	if r.hasSheet {
		sheet = r.sheet
	}
	a := area{sheet: sheet, c1: r.a.col, r1: r.a.row, c2: r.a.col, r2: r.a.row}
	if r.isRange {
		a.c2, a.r2 = r.b.col, r.b.row
	}
	if !r.a.hasCol {
		a.c1, a.c2 = 1, maxCol
	}
	if !r.a.hasRow {
		a.r1, a.r2 = 1, maxRow
	}
	if a.c1 > a.c2 {
		a.c1, a.c2 = a.c2, a.c1
	}
	if a.r1 > a.r2 {
		a.r1, a.r2 = a.r2, a.r1
	}
	return a
}

// scalarNode computes a node that must give one value.
func (e *Evaluator) scalarNode(n *node, sheet string) (Value, error) {
	op, err := e.eval(n, sheet)
	if err != nil {
		return Value{}, err
	}
	return e.scalar(op)
}

// scalar gives the value of an operand: a one-cell reference gives its
// cell's value; a larger range is not a single value (Excel would spill it
// or intersect it with the formula's row, which perfeval does not guess).
func (e *Evaluator) scalar(op operand) (Value, error) {
	if !op.isRef {
		return op.v, nil
	}
	if !op.a.single() {
		return Value{}, fmt.Errorf("%w: range %s used as a single value", ErrUnsupported, op.a)
	}
	return e.valueAt(op.a.sheet, op.a.c1, op.a.r1)
}

// valueAt returns the value of one cell, computing its formula.
func (e *Evaluator) valueAt(sheet string, col, row int) (Value, error) {
	if err := e.visit(); err != nil {
		return Value{}, err
	}
	k := cellKey{sheet, col, row}
	if err := e.checkCycle(k); err != nil {
		return Value{}, err
	}
	if v, ok := e.cache[k]; ok {
		return v, nil
	}
	c, ok, err := e.src.Cell(sheet, col, row)
	if err != nil {
		return Value{}, err
	}
	if !ok {
		return Value{}, nil
	}
	return e.cellValue(k, c)
}

func (e *Evaluator) checkCycle(k cellKey) error {
	i, ok := e.active[k]
	if !ok {
		return nil
	}
	var path []string
	for _, s := range e.stack[i:] {
		path = append(path, refName(s, k.sheet))
	}
	path = append(path, refName(k, k.sheet))
	return fmt.Errorf("%w: %s", ErrCircular, strings.Join(path, " → "))
}

func refName(k cellKey, sheet string) string {
	if k.sheet == sheet {
		return CellName(k.col, k.row)
	}
	return k.sheet + "!" + CellName(k.col, k.row)
}

// cellValue is the value of a cell the Source gave.
func (e *Evaluator) cellValue(k cellKey, c Cell) (Value, error) {
	if c.Formula != "" {
		if v, ok := e.cache[k]; ok {
			return v, nil
		}
		return e.compute(k, c.Formula)
	}
	v := c.Value
	if v.Kind == Number {
		v = number(v.Num)
	}
	return v, nil
}

// each calls fn with the value of every non-blank cell of a, row by row.
func (e *Evaluator) each(a area, fn func(col, row int, v Value) (bool, error)) error {
	var ferr error
	done := false // a Source that goes on after false is not listened to
	err := e.src.Range(a.sheet, a.c1, a.r1, a.c2, a.r2, func(col, row int, c Cell) bool {
		if done {
			return false
		}
		if col < a.c1 || col > a.c2 || row < a.r1 || row > a.r2 {
			return true
		}
		v, err := e.rangeCell(a.sheet, col, row, c)
		if err == nil && v.Kind == Blank {
			return true
		}
		more := false
		if err == nil {
			more, err = fn(col, row, v)
		}
		ferr, done = err, err != nil || !more
		return !done
	})
	if ferr != nil {
		return ferr
	}
	return err
}

// rangeCell is the value of a cell met in a range.
func (e *Evaluator) rangeCell(sheet string, col, row int, c Cell) (Value, error) {
	if err := e.visit(); err != nil {
		return Value{}, err
	}
	k := cellKey{sheet, col, row}
	if err := e.checkCycle(k); err != nil {
		return Value{}, err
	}
	return e.cellValue(k, c)
}

// values calls fn for each value of an argument: every non-blank cell of
// a reference (ref true), or the one value of an expression.
func (e *Evaluator) values(n *node, sheet string, fn func(v Value, ref bool) (bool, error)) error {
	op, err := e.eval(n, sheet)
	if err != nil {
		return err
	}
	if !op.isRef {
		_, err := fn(op.v, false)
		return err
	}
	return e.each(op.a, func(_, _ int, v Value) (bool, error) { return fn(v, true) })
}
