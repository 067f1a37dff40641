package formula_test

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"perfeval/formula"
)

// book is an in-memory workbook: sheet → "A1" → content. A content
// starting with '=' is a formula without a cached value; "'" starts a
// text; TRUE/FALSE are booleans; #… an error; else a number or a text.
type book map[string]map[string]string

type pos struct{ col, row int }

func parseRef(ref string) pos {
	var p pos
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		p.col = p.col*26 + int(ref[i]-'A'+1)
		i++
	}
	for ; i < len(ref); i++ {
		p.row = p.row*10 + int(ref[i]-'0')
	}
	return p
}

func content(s string) formula.Cell {
	switch {
	case strings.HasPrefix(s, "="):
		return formula.Cell{Formula: s[1:]}
	case strings.HasPrefix(s, "'"):
		return formula.Cell{Value: formula.TextValue(s[1:])}
	case s == "TRUE" || s == "FALSE":
		return formula.Cell{Value: formula.BoolValue(s == "TRUE")}
	case strings.HasPrefix(s, "#"):
		return formula.Cell{Value: formula.ErrorValue(s)}
	}
	if d, err := decimal.NewFromString(s); err == nil {
		return formula.Cell{Value: formula.NumberValue(d)}
	}
	return formula.Cell{Value: formula.TextValue(s)}
}

// source returns the Source of a book.
func (b book) source() formula.Source {
	type entry struct {
		p pos
		c formula.Cell
	}
	sheets := map[string][]entry{}
	cells := map[string]map[pos]formula.Cell{}
	for sh, m := range b {
		cells[sh] = map[pos]formula.Cell{}
		for ref, s := range m {
			p := parseRef(ref)
			c := content(s)
			cells[sh][p] = c
			sheets[sh] = append(sheets[sh], entry{p, c})
		}
		es := sheets[sh]
		sort.Slice(es, func(i, j int) bool {
			if es[i].p.row != es[j].p.row {
				return es[i].p.row < es[j].p.row
			}
			return es[i].p.col < es[j].p.col
		})
	}
	return formula.Source{
		Cell: func(sheet string, col, row int) (formula.Cell, bool, error) {
			c, ok := cells[sheet][pos{col, row}]
			return c, ok, nil
		},
		Range: func(sheet string, c1, r1, c2, r2 int, fn func(col, row int, c formula.Cell) bool) error {
			for _, e := range sheets[sheet] {
				if e.p.col >= c1 && e.p.col <= c2 && e.p.row >= r1 && e.p.row <= r2 {
					if !fn(e.p.col, e.p.row, e.c) {
						return nil
					}
				}
			}
			return nil
		},
	}
}

// eval computes the formula of sheet "S" cell ref of the book.
func (b book) eval(ref, f string) (formula.Value, error) {
	p := parseRef(ref)
	return formula.New(b.source(), formula.Limits{}).Eval("S", p.col, p.row, f)
}
