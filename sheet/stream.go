package sheet

import (
	"errors"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Large output sheets (汇总, 得分率, the batch summary's departments) are
// written row by row with excelize's StreamWriter, so that they cost what
// one row costs, not what the sheet holds. A StreamWriter wants column
// widths and panes before the first row, and widths follow the contents;
// so such a sheet is laid out twice by the same code: once measuring
// (nothing is kept but widths, row heights and panes), once writing.

// ErrSheetLimit is why an output sheet cannot be written: it would pass
// Excel's 16,384 columns or 1,048,576 rows.
var ErrSheetLimit = errors.New("past Excel's sheet limits")

// sheetOut is the sheet being streamed.
type sheetOut struct {
	name    string
	sw      *excelize.StreamWriter // nil while measuring
	heights map[int]float64
	panes   *excelize.Panes
	row     int   // the row being gathered
	cells   []any // its cells, by column
}

// put gathers a cell of the current row, or of a later one (the rows
// before it are written then).
func (o *sheetOut) put(col, row int, value any, style int) error {
	if col < 1 || col > maxColumns || row < 1 || row > maxRows {
		return fmt.Errorf("%w: sheet %s would need row %d, column %d (a sheet has at most %d rows and %d columns)",
			ErrSheetLimit, o.name, row, col, maxRows, maxColumns)
	}
	if o.sw == nil || value == nil && style == 0 {
		return nil
	}
	if row != o.row {
		if row < o.row {
			return fmt.Errorf("sheet %s: row %d written after row %d", o.name, row, o.row)
		}
		if err := o.flush(); err != nil {
			return err
		}
		o.row = row
	}
	for len(o.cells) < col {
		o.cells = append(o.cells, nil)
	}
	o.cells[col-1] = excelize.Cell{StyleID: style, Value: value}
	return nil
}

// flush writes the row gathered.
func (o *sheetOut) flush() error {
	if o.row == 0 || len(o.cells) == 0 {
		return nil
	}
	opts := excelize.RowOpts{Height: min(o.heights[o.row], excelize.MaxRowHeight)}
	if err := o.sw.SetRow(cellName(1, o.row), o.cells, opts); err != nil {
		return err
	}
	o.cells = o.cells[:0]
	return nil
}

// setPanes freezes panes on a sheet.
func (w *writer) setPanes(sheet string, p *excelize.Panes) error {
	if o := w.out; o != nil && o.name == sheet {
		if o.sw == nil {
			o.panes = p
		}
		return nil
	}
	return w.f.SetPanes(sheet, p)
}

// stream writes a new, empty sheet with layout, twice: measuring, then
// writing through a StreamWriter. widths gives the column widths from
// those measured (w.widths[sheet]). Whatever layout does outside the
// sheet (styles, defined names) must be done before or after, not in it.
func (w *writer) stream(sheet string, layout func() error, widths func(measured map[int]float64) []colRange) error {
	o := &sheetOut{name: sheet, heights: map[int]float64{}}
	w.out = o
	defer func() { w.out = nil }()
	if err := layout(); err != nil {
		return err
	}
	sw, err := w.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for _, r := range widths(w.widths[sheet]) {
		if err := sw.SetColWidth(r.lo, r.hi, r.width); err != nil {
			return err
		}
	}
	if o.panes != nil {
		if err := sw.SetPanes(o.panes); err != nil {
			return err
		}
	}
	o.sw = sw
	if err := layout(); err != nil {
		return err
	}
	if err := o.flush(); err != nil {
		return err
	}
	return sw.Flush()
}
