package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Large output sheets (汇总, 得分率, the batch summary's departments) are
// written row by row, once, as XML into a spool (memory, then a temporary
// file past a few MiB), so that they cost what one row costs, not what
// the sheet holds. excelize makes the sheet itself, empty, with its views,
// panes, merges and page layout; when the package is saved, the sheet's
// empty <sheetData> is replaced by the rows, after the column widths
// measured on the way (set through excelize, range by range, they would be
// quadratic in columns), and the part is compressed once (see
// firstActive).

// ErrSheetLimit is why an output sheet cannot be written: it would pass
// Excel's 16,384 columns or 1,048,576 rows.
var ErrSheetLimit = errors.New("past Excel's sheet limits")

// sheetOut is a sheet written row by row.
type sheetOut struct {
	name    string
	rows    *rowSink
	widths  []float64 // by column - 1; 0: not measured
	heights map[int]float64
	row     int       // the row being gathered
	cells   []outCell // its cells, by column - 1
	lastRow int
	lastCol int
	scratch []byte
	// The first row is held back until the column widths are known, so
	// that a title there gets the height its text needs (see spanTitle).
	first []byte
	title string // the title in A1, or ""
}

type outCell struct {
	value any // float64, int, string or nil
	style int
	set   bool
}

// put gathers a cell of the current row, or of a later one (the rows
// before it are written then).
func (o *sheetOut) put(col, row int, value any, style int) error {
	if col < 1 || col > maxColumns || row < 1 || row > maxRows {
		return fmt.Errorf("%w: sheet %s would need row %d, column %d (a sheet has at most %d rows and %d columns)",
			ErrSheetLimit, o.name, row, col, maxRows, maxColumns)
	}
	if value == nil && style == 0 {
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
		o.cells = append(o.cells, outCell{})
	}
	o.cells[col-1] = outCell{value: value, style: style, set: true}
	return nil
}

// fit widens a column to width.
func (o *sheetOut) fit(col int, width float64) {
	for len(o.widths) < col {
		o.widths = append(o.widths, 0)
	}
	o.widths[col-1] = max(o.widths[col-1], width)
}

// flush writes the row gathered.
func (o *sheetOut) flush() error {
	if o.row == 0 || len(o.cells) == 0 {
		return nil
	}
	b := o.scratch[:0]
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(o.row), 10)
	b = append(b, '"')
	if h := min(o.heights[o.row], excelize.MaxRowHeight); h > 0 {
		b = append(b, ` ht="`...)
		b = strconv.AppendFloat(b, h, 'f', -1, 64)
		b = append(b, `" customHeight="1"`...)
	}
	b = append(b, '>')
	for i, c := range o.cells {
		if !c.set {
			continue
		}
		col := i + 1
		o.lastCol = max(o.lastCol, col)
		b = append(b, `<c r="`...)
		b = append(b, columnName(col)...)
		b = strconv.AppendInt(b, int64(o.row), 10)
		b = append(b, '"')
		if c.style != 0 {
			b = append(b, ` s="`...)
			b = strconv.AppendInt(b, int64(c.style), 10)
			b = append(b, '"')
		}
		switch v := c.value.(type) {
		case float64:
			b = append(b, `><v>`...)
			b = strconv.AppendFloat(b, v, 'f', -1, 64)
			b = append(b, `</v></c>`...)
		case int:
			b = append(b, `><v>`...)
			b = strconv.AppendInt(b, int64(v), 10)
			b = append(b, `</v></c>`...)
		case string:
			b = append(b, ` t="inlineStr"><is><t`...)
			if strings.TrimSpace(v) != v {
				b = append(b, ` xml:space="preserve"`...)
			}
			b = append(b, '>')
			b = appendEscaped(b, cutText(v))
			b = append(b, `</t></is></c>`...)
		default:
			b = append(b, `/>`...)
		}
	}
	b = append(b, `</row>`...)
	o.scratch = b
	o.lastRow = o.row
	clear(o.cells)
	o.cells = o.cells[:0]
	if o.row == 1 {
		o.first = append([]byte(nil), b...)
		return nil
	}
	_, err := o.rows.Write(b)
	return err
}

// setHeight gives the held first row its height, rewriting its start tag.
func (o *sheetOut) setHeight(height float64) {
	if len(o.first) == 0 {
		return
	}
	end := bytes.IndexByte(o.first, '>')
	tag := `<row r="1" ht="` + strconv.FormatFloat(min(height, excelize.MaxRowHeight), 'f', -1, 64) + `" customHeight="1">`
	o.first = append([]byte(tag), o.first[end+1:]...)
}

// cutText cuts a text to Excel's 32,767 characters, as excelize does.
func cutText(s string) string {
	if len(s) <= 32767 || utf8.RuneCountInString(s) <= 32767 {
		return s
	}
	n := 0
	for i := range s {
		if n == 32767 {
			return s[:i]
		}
		n++
	}
	return s
}

// appendEscaped appends text escaped for XML; characters XML does not
// allow are left out.
func appendEscaped(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '\t' || r == '\n' || r == '\r':
			b = utf8.AppendRune(b, r)
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r == utf8.RuneError:
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

var columnNames []string

// columnName is "A", "B", …, "XFD".
func columnName(col int) string {
	if columnNames == nil {
		names := make([]string, maxColumns+1)
		for c := 1; c <= maxColumns; c++ {
			names[c], _ = excelize.ColumnNumberToName(c)
		}
		columnNames = names
	}
	return columnNames[col]
}

func init() { columnName(1) } // built once, before any goroutine asks

// setPanes freezes panes on a sheet.
func (w *writer) setPanes(sheet string, p *excelize.Panes) error {
	return w.f.SetPanes(sheet, p)
}

// stream writes the rows of a new, empty sheet with layout, once. widths
// gives the column widths from those measured. The rows and widths are
// kept in w.streamed, for the package to be saved with (saveCarrying,
// saveMarkedCols).
func (w *writer) stream(sheet string, layout func() error, widths func(measured map[int]float64) []colRange) (err error) {
	o := &sheetOut{name: sheet, heights: map[int]float64{}, rows: newRowSink(w.tmpDir)}
	kept := false
	defer func() {
		if !kept { // an error, or a panic on its way to recoverWrite: a packer would wait for more rows
			o.rows.Close()
		}
	}()
	w.out = o
	defer func() { w.out = nil }()
	if err := layout(); err != nil {
		return err
	}
	if err := o.flush(); err != nil {
		return err
	}
	if err := o.rows.finish(); err != nil { // packed rows: their compressor back
		return err
	}
	measured := map[int]float64{}
	for i, width := range o.widths {
		if width > 0 {
			measured[i+1] = width
		}
	}
	o.widths, o.cells, o.scratch = nil, nil, nil
	ranges := widths(measured)
	if o.title != "" && o.lastCol > 0 {
		height, err := w.spanTitle(sheet, 1, o.lastCol, o.title, ranges)
		if err != nil {
			return err
		}
		o.heights[1] = height
		o.setHeight(height)
	}
	w.streamed[sheet] = &streamedSheet{cols: colsXML(ranges), ranges: ranges, heights: o.heights, first: o.first, rows: o.rows, lastRow: o.lastRow, lastCol: o.lastCol}
	kept = true
	return nil
}

// streamedSheet is a sheet's rows, written, and its column widths.
type streamedSheet struct {
	cols             string
	ranges           []colRange      // the widths in cols, for the print layout
	heights          map[int]float64 // rows of a height of their own, in points
	first            []byte          // the first row, held back (see sheetOut.first)
	rows             *rowSink
	lastRow, lastCol int
}

// colsXML is the <cols> element of column ranges, as excelize writes it.
func colsXML(ranges []colRange) string {
	if len(ranges) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<cols>")
	for _, r := range ranges {
		b.WriteString(`<col min="`)
		b.WriteString(strconv.Itoa(r.lo))
		b.WriteString(`" max="`)
		b.WriteString(strconv.Itoa(r.hi))
		b.WriteString(`" width="`)
		b.WriteString(strconv.FormatFloat(min(r.width, excelize.MaxColumnWidth), 'f', -1, 64))
		b.WriteString(`" customWidth="1"/>`)
	}
	b.WriteString("</cols>")
	return b.String()
}

var (
	emptySheetData = regexp.MustCompile(`<sheetData\s*/>|<sheetData>\s*</sheetData>`)
	dimensionTag   = regexp.MustCompile(`<dimension\s[^>]*?(/>|>\s*</dimension>)`)
)

// fill is the sheet part excelize wrote, with the widths put in, cut
// where the rows go: the head, up to <sheetData>, and the tail.
func (s *streamedSheet) fill(part []byte) (head, tail []byte, err error) {
	loc := emptySheetData.FindIndex(part)
	if loc == nil {
		return nil, nil, errors.New("a streamed sheet has no empty sheetData")
	}
	head = append([]byte(nil), part[:loc[0]]...)
	if s.lastRow > 0 && s.lastCol > 0 {
		ref := `<dimension ref="A1:` + columnName(s.lastCol) + strconv.Itoa(s.lastRow) + `"/>`
		head = dimensionTag.ReplaceAll(head, []byte(ref))
	}
	head = append(head, s.cols...)
	head = append(head, "<sheetData>"...)
	tail = append([]byte("</sheetData>"), part[loc[1]:]...)
	return head, tail, nil
}

// spool holds written bytes in memory, then in a temporary file in dir
// (the system's when "") once they pass spoolMemory.
type spool struct {
	dir  string
	mem  *bytes.Buffer // from spoolBuffers until Close, nil before the first write
	file *os.File
}

// spoolMemory is how much a spool holds in memory (a variable for tests).
var spoolMemory = 1 << 20

// spoolBuffers are the spools' memory: a batch writes a few streamed
// sheets per workbook, thousands in all.
var spoolBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem == nil {
		s.mem = spoolBuffers.Get().(*bytes.Buffer)
	}
	if s.file == nil && s.mem.Len()+len(p) > spoolMemory {
		f, err := os.CreateTemp(s.dir, TempPattern())
		if err != nil {
			return 0, err
		}
		s.file = f
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			return 0, err
		}
		s.release()
	}
	if s.file != nil {
		return s.file.Write(p)
	}
	return s.mem.Write(p)
}

// release gives the memory back, once.
func (s *spool) release() {
	if s.mem != nil {
		if s.mem.Cap() <= 2*spoolMemory {
			s.mem.Reset()
			spoolBuffers.Put(s.mem)
		}
		s.mem = nil
	}
}

// bytes is what a spool in memory holds.
func (s *spool) bytes() []byte {
	if s.mem == nil {
		return nil
	}
	return s.mem.Bytes()
}

// reader reads what was written, from the start.
func (s *spool) reader() (io.Reader, error) {
	if s.file == nil {
		return bytes.NewReader(s.bytes()), nil
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return s.file, nil
}

// readerAt reads what was written, by offset, and its size.
func (s *spool) readerAt() (io.ReaderAt, int64, error) {
	if s.file == nil {
		b := s.bytes()
		return bytes.NewReader(b), int64(len(b)), nil
	}
	size, err := s.file.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, 0, err
	}
	return s.file, size, nil
}

// Close gives the memory back and removes the temporary file; what was
// written cannot be read after it. Closing again does nothing.
func (s *spool) Close() error {
	if s == nil {
		return nil
	}
	s.release()
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	s.file.Close()
	s.file = nil
	return os.Remove(name)
}
