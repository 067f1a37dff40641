package sheet

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// CachedFormula is a formula with the value a spreadsheet program saved
// for it.
type CachedFormula struct {
	Expr  string
	Value any
}

// Formatted is a value shown with a number format, e.g. 0.285 as "0.00".
type Formatted struct {
	Value  any
	NumFmt string
}

// SheetFromText describes a worksheet in a readable text form, for tests
// and bug reports. Each line is a row, cells separated by tabs:
//
//	12.5         a number
//	'12.5        text (the quote is dropped), so text that holds a number
//	=SUM(F3:F5)  a formula without a cached value
//	=F3*2|6      a formula whose cached value is 6
//	date:2024-01-31  a date
//	0.285~0.00   a number shown with a number format
//	true         a boolean
//	anything else  text; an empty cell is blank
//
// Lines "#merge A3:A5" merge cells, "#hidden" hides the sheet, "#hiderow 3"
// and "#hidecol C" hide a row and a column; other lines
// starting with "#" are comments.
func SheetFromText(name, text string) (SheetSpec, error) {
	s := SheetSpec{Name: name}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.HasPrefix(line, "#") {
			switch fields := strings.Fields(line); {
			case len(fields) == 2 && fields[0] == "#merge":
				a, b, ok := strings.Cut(fields[1], ":")
				if !ok {
					return s, fmt.Errorf("%s: bad merge %q", name, line)
				}
				s.Merges = append(s.Merges, [2]string{a, b})
			case len(fields) == 1 && fields[0] == "#hidden":
				s.Hidden = true
			case len(fields) == 2 && fields[0] == "#hiderow":
				n, err := strconv.Atoi(fields[1])
				if err != nil {
					return s, fmt.Errorf("%s: bad row %q", name, line)
				}
				s.HiddenRows = append(s.HiddenRows, n)
			case len(fields) == 2 && fields[0] == "#hidecol":
				s.HiddenCols = append(s.HiddenCols, fields[1])
			}
			continue
		}
		var row []any
		for _, cell := range strings.Split(line, "\t") {
			v, err := textValue(cell)
			if err != nil {
				return s, fmt.Errorf("%s: %w", name, err)
			}
			row = append(row, v)
		}
		s.Rows = append(s.Rows, row)
	}
	return s, nil
}

func textValue(cell string) (any, error) {
	switch {
	case cell == "":
		return nil, nil
	case strings.HasPrefix(cell, "'"):
		return cell[1:], nil
	case strings.HasPrefix(cell, "="):
		expr, cached, ok := strings.Cut(cell[1:], "|")
		if !ok {
			return Formula(expr), nil
		}
		v, err := textValue(cached)
		return CachedFormula{Expr: expr, Value: v}, err
	case strings.HasPrefix(cell, "date:"):
		return time.Parse("2006-01-02", cell[5:])
	case strings.Contains(cell, "~") && !strings.HasPrefix(cell, "~"):
		value, format, _ := strings.Cut(cell, "~")
		v, err := textValue(value)
		return Formatted{Value: v, NumFmt: format}, err
	case cell == "true" || cell == "false":
		return cell == "true", nil
	}
	if d, err := decimal.NewFromString(cell); err == nil && !strings.ContainsAny(cell, "eE") {
		return d, nil
	}
	return strings.ReplaceAll(cell, `\n`, "\n"), nil
}
