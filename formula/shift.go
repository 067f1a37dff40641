package formula

import (
	"fmt"
	"strconv"
	"strings"
)

// Shift moves the relative references of a shared formula written for (fromCol,fromRow) to (toCol,toRow),
// as Excel does for <f t="shared">: A1 → B2 when moved by one column and row; $A$1 unchanged; A$1 moves
// only its column. References in quoted strings are untouched. Sheet-qualified refs ('My Sheet'!A1) move too.
//
// A reference moved off the sheet becomes #REF!, as in Excel. Whole
// columns (F:F) move only sideways, whole rows (3:3) only up and down.
func Shift(formula string, fromCol, fromRow, toCol, toRow int) (string, error) {
	toks, err := lex(formula)
	if err != nil {
		return "", err
	}
	dc, dr := toCol-fromCol, toRow-fromRow
	if dc == 0 && dr == 0 {
		return formula, nil
	}
	var b strings.Builder
	last := 0
	for _, t := range toks {
		if t.kind != tRef {
			continue
		}
		b.WriteString(formula[last:t.start])
		last = t.end
		a, okA := t.ref.a.moved(dc, dr)
		z, okB := t.ref.b.moved(dc, dr)
		if !okA || t.ref.isRange && !okB {
			b.WriteString(t.ref.prefix)
			b.WriteString(ErrRef)
			continue
		}
		b.WriteString(t.ref.prefix)
		b.WriteString(a.String())
		if t.ref.isRange {
			b.WriteByte(':')
			b.WriteString(z.String())
		}
	}
	b.WriteString(formula[last:])
	if b.Len() > maxFormula {
		return "", fmt.Errorf("%w: formula of %d bytes", ErrTooLarge, b.Len())
	}
	return b.String(), nil
}

// moved returns the endpoint moved by dc columns and dr rows; ok false
// when it leaves the sheet.
func (p endpoint) moved(dc, dr int) (endpoint, bool) {
	if p.hasCol && !p.colAbs {
		p.col += dc
	}
	if p.hasRow && !p.rowAbs {
		p.row += dr
	}
	ok := (!p.hasCol || p.col >= 1 && p.col <= maxCol) && (!p.hasRow || p.row >= 1 && p.row <= maxRow)
	return p, ok
}

func (p endpoint) String() string {
	var b strings.Builder
	if p.hasCol {
		if p.colAbs {
			b.WriteByte('$')
		}
		name := CellName(p.col, 1)
		b.WriteString(name[:len(name)-1])
	}
	if p.hasRow {
		if p.rowAbs {
			b.WriteByte('$')
		}
		b.WriteString(strconv.Itoa(p.row))
	}
	return b.String()
}
