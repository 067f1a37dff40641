package sheet

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"perfeval/formula"
)

// evaluator computes, within formula's bounds, the formulas a workbook
// holds without a saved value. It sees every sheet of the workbook: the
// sheets already read, and others read whole (up to maxLookupCells) the
// first time a formula points into them.
type evaluator struct {
	b      *Book
	ev     *formula.Evaluator
	sheets map[string]*sheetData
	calls  int
}

// maxLookupCells bounds a sheet read only because a formula points into it.
const maxLookupCells = 1_000_000

// remember keeps a sheet read by Open for the formulas that point into it.
func (b *Book) remember(s *sheetData) {
	if b.eval == nil {
		b.eval = b.newEvaluator()
	}
	if s.complete {
		b.eval.sheets[s.name] = s
	}
}

func (b *Book) newEvaluator() *evaluator {
	e := &evaluator{b: b, sheets: map[string]*sheetData{}}
	e.ev = formula.New(formula.Source{Cell: e.cell, Range: e.rangeCells}, formula.Limits{})
	return e
}

// compute is the value of the formula at (col, row) of s.
func (b *Book) compute(s *sheetData, col, row int, f string) (string, CellKind, error) {
	b.remember(s)
	v, err := b.eval.ev.Eval(s.name, col, row, f)
	if err != nil {
		return "", FormulaFailed, err
	}
	switch v.Kind {
	case formula.Number:
		return v.String(), Number, nil
	case formula.Text:
		return v.Str, Text, nil
	case formula.Bool:
		if v.Bool {
			return "1", Bool, nil
		}
		return "0", Bool, nil
	case formula.Error:
		return v.Str, ErrorValue, nil
	default:
		return "", Blank, nil
	}
}

// sheet is the named sheet, read whole when first needed.
func (e *evaluator) sheet(name string) (*sheetData, error) {
	if s, ok := e.sheets[name]; ok {
		return s, nil
	}
	for _, sp := range e.b.pkg.sheets {
		if sp.name == name {
			s, err := e.b.pkg.readSheet(sp, readControl{maxCells: maxLookupCells})
			if err != nil {
				return nil, err
			}
			e.sheets[name] = s
			return s, nil
		}
	}
	return nil, fmt.Errorf("no sheet %q in the workbook", name)
}

// maxWorkbookVisits bounds the cells all the formulas of one workbook may
// look at together; formula bounds each formula on its own.
const maxWorkbookVisits = 20_000_000

// tick counts a cell looked at, and looks at the run's context every few
// thousand cells.
func (e *evaluator) tick() error {
	e.calls++
	if e.calls > maxWorkbookVisits {
		return fmt.Errorf("%w: the workbook's formulas look at more than %d cells together", formula.ErrTooLarge, maxWorkbookVisits)
	}
	if e.calls%4096 == 0 {
		return e.b.pkg.ctx.Err()
	}
	return nil
}

func (e *evaluator) cell(name string, col, row int) (formula.Cell, bool, error) {
	if err := e.tick(); err != nil {
		return formula.Cell{}, false, err
	}
	s, err := e.sheet(name)
	if err != nil {
		return formula.Cell{}, false, err
	}
	x := s.cellAt(row, col)
	if x == nil {
		return formula.Cell{}, false, nil
	}
	return e.toCell(s, x, row)
}

func (e *evaluator) toCell(s *sheetData, x *xcell, row int) (formula.Cell, bool, error) {
	if x.hasF && x.value == "" {
		g := &grid{b: e.b, data: s, sheet: s.name}
		return formula.Cell{Formula: g.formulaOf(x, row)}, true, nil
	}
	switch x.kind {
	case Number, Date:
		d, err := Number15(x.value)
		if err != nil {
			return formula.Cell{Value: formula.Value{Kind: formula.Text, Str: x.value}}, true, nil
		}
		return formula.Cell{Value: formula.Value{Kind: formula.Number, Num: d}}, true, nil
	case Text:
		return formula.Cell{Value: formula.Value{Kind: formula.Text, Str: x.value}}, true, nil
	case Bool:
		return formula.Cell{Value: formula.Value{Kind: formula.Bool, Bool: x.value == "1" || x.value == "true" || x.value == "TRUE"}}, true, nil
	case ErrorValue:
		return formula.Cell{Value: formula.Value{Kind: formula.Error, Str: x.value}}, true, nil
	default:
		return formula.Cell{}, false, nil
	}
}

func (e *evaluator) rangeCells(name string, c1, r1, c2, r2 int, fn func(col, row int, c formula.Cell) bool) error {
	s, err := e.sheet(name)
	if err != nil {
		return err
	}
	i := sort.Search(len(s.rows), func(i int) bool { return s.rows[i].num >= r1 })
	for ; i < len(s.rows) && s.rows[i].num <= r2; i++ {
		r := &s.rows[i]
		j := sort.Search(len(r.cells), func(j int) bool { return int(r.cells[j].col) >= c1 })
		for ; j < len(r.cells) && int(r.cells[j].col) <= c2; j++ {
			if err := e.tick(); err != nil {
				return err
			}
			c, ok, err := e.toCell(s, &r.cells[j], r.num)
			if err != nil {
				return err
			}
			if ok && !fn(int(r.cells[j].col), r.num, c) {
				return nil
			}
		}
	}
	return nil
}

// Number15 reads a stored number as Excel shows it, to 15 significant
// digits: a stored 14.230000000000001 is 14.23.
func Number15(raw string) (decimal.Decimal, error) {
	if s, ok := plain15(raw); ok {
		return decimal.NewFromString(s)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return decimal.NewFromString(strconv.FormatFloat(f, 'g', 15, 64))
}

// plain15 is raw as Number15 would print it before reading it, when raw
// is a plain decimal (-12.50) of at most 15 significant digits: such a
// number goes through a float64 and back unchanged, so only the trailing
// zeros of its fraction go. Scores are such numbers; this spares a float
// round trip for each of a million cells.
func plain15(raw string) (string, bool) {
	s := raw
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	digits, dot, lead := 0, -1, true
	if s == "" || s[0] == '.' {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' && dot < 0:
			dot = i
		case c >= '0' && c <= '9':
			if c != '0' || !lead {
				lead = false
				digits++
			}
		default:
			return "", false
		}
	}
	if digits > 15 || dot == len(s)-1 {
		return "", false
	}
	if dot >= 0 {
		raw = strings.TrimRight(raw, "0")
		raw = strings.TrimSuffix(raw, ".")
	}
	return raw, true
}

// shiftFormula moves a shared formula to another of its cells.
func shiftFormula(f string, fromCol, fromRow, toCol, toRow int) (string, error) {
	return formula.Shift(f, fromCol, fromRow, toCol, toRow)
}
