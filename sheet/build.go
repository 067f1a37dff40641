package sheet

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Spec describes a workbook to build: the samples and the tests describe
// workbooks as data, and Build writes them, so that only this package
// imports excelize.
type Spec struct {
	Sheets   []SheetSpec
	Password string // encrypt the workbook with this password
}

// SheetSpec is one worksheet. Rows start at A1; a value is nil or "" for a
// blank cell, a string (text, even if it looks like a number), an int,
// a float64 or a decimal.Decimal (a number), a bool, a time.Time (a date),
// a Formula, a CachedFormula or a Formatted value.
type SheetSpec struct {
	Name   string
	Rows   [][]any
	Merges [][2]string        // e.g. {"A3", "A7"}
	Widths map[string]float64 // column letter → width
	Hidden bool
	// HiddenRows and HiddenCols are rows (1-based) and column letters to
	// hide.
	HiddenRows []int
	HiddenCols []string
}

// Formula is a cell formula without a cached value, e.g. "SUM(F3:F7)".
type Formula string

// Build writes the workbook described by spec to path, atomically.
func Build(path string, spec Spec) error {
	f := excelize.NewFile()
	defer f.Close()
	if len(spec.Sheets) == 0 {
		return fmt.Errorf("no sheets")
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	for i, s := range spec.Sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return err
		}
		for r, row := range s.Rows {
			for c, v := range row {
				cell := cellName(c+1, r+1)
				if err := setValue(f, s.Name, cell, v); err != nil {
					return fmt.Errorf("%s!%s: %w", s.Name, cell, err)
				}
				if _, isText := v.(string); isText {
					if err := f.SetCellStyle(s.Name, cell, cell, wrap); err != nil {
						return err
					}
				}
			}
		}
		for _, m := range s.Merges {
			if err := f.MergeCell(s.Name, m[0], m[1]); err != nil {
				return err
			}
		}
		for col, width := range s.Widths {
			if err := f.SetColWidth(s.Name, col, col, width); err != nil {
				return err
			}
		}
		if s.Hidden {
			if err := f.SetSheetVisible(s.Name, false); err != nil {
				return err
			}
		}
		for _, r := range s.HiddenRows {
			if err := f.SetRowVisible(s.Name, r, false); err != nil {
				return err
			}
		}
		for _, c := range s.HiddenCols {
			if err := f.SetColVisible(s.Name, c, false); err != nil {
				return err
			}
		}
	}
	f.SetActiveSheet(0)
	return saveWorkbook(f, path, excelize.Options{Password: spec.Password})
}

func setValue(f *excelize.File, sheet, cell string, v any) error {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
		return f.SetCellStr(sheet, cell, x)
	case Formula:
		return f.SetCellFormula(sheet, cell, string(x))
	case CachedFormula:
		if err := setValue(f, sheet, cell, x.Value); err != nil {
			return err
		}
		return f.SetCellFormula(sheet, cell, x.Expr)
	case Formatted:
		if err := setValue(f, sheet, cell, x.Value); err != nil {
			return err
		}
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &x.NumFmt})
		if err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	case decimal.Decimal:
		return f.SetCellFloat(sheet, cell, x.InexactFloat64(), -1, 64)
	case time.Time:
		return f.SetCellValue(sheet, cell, x)
	case int, float64, bool:
		return f.SetCellValue(sheet, cell, x)
	default:
		return fmt.Errorf("unsupported value %T", v)
	}
}
