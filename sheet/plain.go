package sheet

import (
	"errors"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// KindMailList marks the outbox list perfeval mail writes.
const KindMailList = "mail-list"

// PlainSheet is one worksheet read as text, for small lists such as the
// contacts of perfeval mail: Rows[i][j] is the shown text of the cell in
// row i+1, column j+1.
type PlainSheet struct {
	Name string
	Rows [][]string
}

// plainLimit bounds a list workbook: contacts are a few hundred rows.
const plainLimit = 64 << 20

// maxPlainRows bounds the rows of one list sheet.
const maxPlainRows = 100000

// ErrTooManyRows is returned by ReadPlain for a sheet past maxPlainRows.
var ErrTooManyRows = errors.New("too many rows for a list")

// ReadPlain reads every worksheet of a small workbook (a list of
// contacts) as the text its cells show, row by row.
func ReadPlain(path string) ([]PlainSheet, error) {
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: plainLimit, UnzipXMLSizeLimit: plainLimit / 4})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookPassword) {
			return nil, fmt.Errorf("%w: %v", ErrPassword, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	defer f.Close()
	var out []PlainSheet
	for _, name := range f.GetSheetList() {
		rows, err := f.Rows(name)
		if err != nil {
			return nil, err
		}
		ps := PlainSheet{Name: name}
		for rows.Next() {
			if len(ps.Rows) >= maxPlainRows {
				rows.Close()
				return nil, fmt.Errorf("%s: %w", name, ErrTooManyRows)
			}
			cols, err := rows.Columns()
			if err != nil {
				rows.Close()
				return nil, err
			}
			ps.Rows = append(ps.Rows, cols)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		out = append(out, ps)
	}
	return out, nil
}

// CellRef is the A1 name of column col and row row, both from 1.
func CellRef(col, row int) string { return cellName(col, row) }

// WriteList writes, atomically at path, a one-sheet workbook listing rows
// under a header row (bold, frozen, with filters), marked with kind.
func WriteList(path, sheet string, header []string, rows [][]string, kind string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	widths := make([]float64, len(header))
	all := append([][]string{header}, rows...)
	for _, r := range all {
		for j, v := range r {
			if j < len(widths) {
				widths[j] = max(widths[j], displayWidth(v))
			}
		}
	}
	for j, w := range widths {
		if err := sw.SetColWidth(j+1, j+1, min(max(w+2, 8), 70)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, r := range all {
		style := wrap
		if i == 0 {
			style = bold
		}
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = excelize.Cell{StyleID: style, Value: v}
		}
		if err := sw.SetRow(cellName(1, i+1), cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if len(rows) > 0 && len(header) > 0 {
		if err := f.AutoFilter(sheet, cellName(1, 1)+":"+cellName(len(header), len(rows)+1), nil); err != nil {
			return err
		}
	}
	return saveMarked(f, path, Mark{Kind: kind})
}
