package sheet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
)

// File-level reasons a workbook cannot be read. Open wraps them, so
// callers test with errors.Is.
var (
	ErrEmpty     = errors.New("file is empty")
	ErrLegacyXLS = errors.New("legacy binary .xls workbook")
	ErrWPS       = errors.New("WPS .et workbook")
	ErrCSV       = errors.New("CSV text, not a workbook")
	ErrText      = errors.New("text file, not a workbook")
	ErrFormat    = errors.New("not an Office Open XML workbook (.xlsx or .xlsm)")
	ErrEncrypted = errors.New("workbook is encrypted")
	ErrPassword  = errors.New("wrong password")
	ErrCorrupt   = errors.New("workbook is damaged")
	ErrTooLarge  = errors.New("workbook expands past the size limit")
)

// Default size limits for opening a workbook; Options can raise them.
// Evaluation workbooks unpack to a few MiB; the limits stop a zip bomb.
const (
	DefaultUnzipLimit    = 256 << 20 // all parts together, unpacked
	DefaultUnzipXMLLimit = 64 << 20  // one worksheet or the shared strings in memory
)

// Options control how a workbook is opened.
type Options struct {
	Password      string
	UnzipLimit    int64 // 0: DefaultUnzipLimit
	UnzipXMLLimit int64 // 0: DefaultUnzipXMLLimit
	TmpDir        string
}

// CellKind is what a cell holds.
type CellKind int

// Cell kinds.
const (
	Blank         CellKind = iota
	Number                 // a number (formulas: their value)
	Text                   // text, which may still hold a number
	Bool                   // TRUE / FALSE
	ErrorValue             // #DIV/0!, #N/A, …
	Date                   // a number shown as a date or time
	FormulaFailed          // a formula with no cached value that could not be computed
)

// Cell is one cell as read: its raw value (a formula's cached or computed
// value), kind and reference.
type Cell struct {
	Ref     string // "F12"
	Value   string
	Kind    CellKind
	Formula string // the formula, when the cell has one
	Err     error  // why a formula could not be computed
	Percent bool   // a number formatted as a percentage (0.9 shown as 90%)
	Merge   string // the merge the value was taken from ("F2:F9"), when it was

}

// IsBlank reports whether the cell holds nothing.
func (c Cell) IsBlank() bool { return c.Kind == Blank }

// Column is one recognised column of a score table.
type Column struct {
	Index  int    // 1-based column number
	Header string // the header text, trimmed
	Ref    string // the header cell
}

// Table is one score table as read.
type Table struct {
	Sheet       string
	HeaderRow   int
	Levels      []Column  // indicator-name columns in order; the last is the leaf level
	Weights     []*Column // per level; nil where the level has no weight column
	Departments []Column  // department columns (or the one 得分 column)
	Descriptive []Column
	Unnamed     []Column // columns right of the leaf weight with data but no header
	ScoreColumn bool     // one 得分/Score column: the department is the sheet
	Rows        []Row
	Total       *Row  // the 合计 row, if any
	Footer      []Row // rows after the total row
}

// LeafWeight is the leaf level's weight column, or nil.
func (t *Table) LeafWeight() *Column {
	if len(t.Weights) == 0 {
		return nil
	}
	return t.Weights[len(t.Weights)-1]
}

// Row is one non-blank row below the header.
type Row struct {
	Num     int    // 1-based sheet row
	Names   []Cell // per level: parents inherited, merges resolved
	Weights []Cell // per level; Blank where there is no column
	Scores  []Cell // per department
}

// Leaf is the row's leaf name cell.
func (r Row) Leaf() Cell { return r.Names[len(r.Names)-1] }

// Setting is one row of the settings sheet.
type Setting struct {
	Key, Value Cell
}

// Book is a workbook as read.
type Book struct {
	Path          string
	Sheets        []string // all sheets, in order
	Tables        []*Table
	SettingsSheet string // "" when there is none
	Settings      []Setting
	file          *excelize.File
}

// Close releases the workbook.
func (b *Book) Close() error {
	if b.file == nil {
		return nil
	}
	return b.file.Close()
}

// Open reads the workbook at path. Errors that say why a file is not a
// usable workbook wrap one of ErrEmpty, ErrLegacyXLS, ErrWPS, ErrCSV,
// ErrText, ErrFormat, ErrEncrypted, ErrPassword, ErrCorrupt and
// ErrTooLarge.
func Open(ctx context.Context, path string, opt Options) (b *Book, err error) {
	defer func() {
		// A file malformed enough to break the reader is a damaged file.
		if p := recover(); p != nil {
			if b != nil {
				b.Close()
			}
			b, err = nil, fmt.Errorf("%w: the reader failed: %v", ErrCorrupt, p)
		}
	}()
	if err := sniff(path, opt); err != nil {
		return nil, err
	}
	if opt.UnzipLimit <= 0 {
		opt.UnzipLimit = DefaultUnzipLimit
	}
	if info, err := os.Stat(path); err == nil && info.Size() > opt.UnzipLimit {
		return nil, fmt.Errorf("%w: the file alone is %d MiB", ErrTooLarge, info.Size()>>20)
	}
	if opt.UnzipXMLLimit <= 0 {
		opt.UnzipXMLLimit = DefaultUnzipXMLLimit
	}
	opt.UnzipXMLLimit = min(opt.UnzipXMLLimit, opt.UnzipLimit)
	in, err := os.Open(path) // read-only: the input is never written
	if err != nil {
		return nil, err
	}
	defer in.Close()
	f, err := excelize.OpenReader(in, excelize.Options{
		RawCellValue:      true,
		Password:          opt.Password,
		UnzipSizeLimit:    opt.UnzipLimit,
		UnzipXMLSizeLimit: opt.UnzipXMLLimit,
		TmpDir:            opt.TmpDir,
	})
	if err != nil {
		return nil, classifyOpenError(err, opt)
	}
	f.Path = path // for the content type when the result is written
	b = &Book{Path: path, file: f, Sheets: f.GetSheetList()}
	for _, name := range b.Sheets {
		if err := b.readSheet(name); err != nil {
			f.Close()
			return nil, fmt.Errorf("sheet %s: %w: %v", name, ErrCorrupt, err)
		}
	}
	return b, nil
}

// sniff tells the real cause from the leading bytes and the extension,
// before excelize reports everything as "not a valid zip".
func sniff(path string, opt Options) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if n == 0 {
		return ErrEmpty
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if ext != ".xlsx" && ext != ".xlsm" {
			return fmt.Errorf("%w: a zip file named %s", ErrFormat, ext)
		}
		return nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return compound(f, ext, opt)
	case ext == ".xls":
		return fmt.Errorf("%w: its content is not a workbook either", ErrLegacyXLS)
	case ext == ".et":
		return ErrWPS
	case isText(head):
		if ext == ".csv" || looksLikeCSV(head) {
			return ErrCSV
		}
		return ErrText
	default:
		return ErrFormat
	}
}

// compound tells an encrypted package from a legacy .xls or .et, both
// stored as compound (OLE) files.
func compound(r io.ReaderAt, ext string, opt Options) error {
	doc, err := mscfb.New(r)
	if err != nil {
		return fmt.Errorf("%w: a damaged compound file: %v", ErrCorrupt, err)
	}
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		switch entry.Name {
		case "EncryptedPackage", "EncryptionInfo":
			if opt.Password == "" {
				return ErrEncrypted
			}
			return nil
		case "Workbook", "Book":
			if ext == ".et" {
				return ErrWPS
			}
			return ErrLegacyXLS
		}
	}
	if ext == ".et" {
		return ErrWPS
	}
	return fmt.Errorf("%w: a compound file without a workbook", ErrFormat)
}

// isText reports whether b reads as text: valid UTF-8 (or a BOM) without
// control bytes other than white space.
func isText(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return len(b) < 4 // a rune cut at the end of the sample
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
		b = b[size:]
	}
	return true
}

// looksLikeCSV reports whether text has commas or tabs on its first line.
func looksLikeCSV(b []byte) bool {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return bytes.ContainsAny(line, ",\t")
}

func classifyOpenError(err error, opt Options) error {
	msg := err.Error()
	switch {
	case errors.Is(err, excelize.ErrWorkbookPassword):
		return fmt.Errorf("%w: %v", ErrPassword, err)
	case strings.Contains(msg, "unzip size exceeds") || strings.Contains(msg, "size limit"):
		return fmt.Errorf("%w: %v", ErrTooLarge, err)
	case opt.Password != "" && strings.Contains(msg, "password"):
		return fmt.Errorf("%w: %v", ErrPassword, err)
	default:
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
}

// grid is one sheet's raw values with its merges.
type grid struct {
	f      *excelize.File
	sheet  string
	rows   [][]string
	merges map[int][]mergeArea // row → the merges that cover it
	dates  map[int]bool        // style index → shows a date
}

// maxMergeEntries bounds the merge index of one sheet.
const maxMergeEntries = 1 << 20

// mergeAt is the merge that covers a cell other than its top-left one.
func (g *grid) mergeAt(row, col int) (mergeArea, bool) {
	for _, m := range g.merges[row] {
		if col >= m.left && col <= m.right && (row != m.top || col != m.left) {
			return m, true
		}
	}
	return mergeArea{}, false
}

type mergeArea struct {
	top, left, bottom, right int
}

func (g *grid) raw(row, col int) string {
	if row < 1 || row > len(g.rows) || col < 1 || col > len(g.rows[row-1]) {
		return ""
	}
	return g.rows[row-1][col-1]
}

func ref(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// cell reads one cell with its kind.
func (g *grid) cell(row, col int) Cell {
	c := Cell{Ref: ref(col, row), Value: strings.TrimRight(g.raw(row, col), "\x00")}
	formula, _ := g.f.GetCellFormula(g.sheet, c.Ref)
	c.Formula = formula
	if c.Value == "" {
		if formula == "" {
			return c
		}
		v, err := g.f.CalcCellValue(g.sheet, c.Ref, excelize.Options{RawCellValue: true})
		switch {
		case err != nil:
			c.Kind, c.Err = FormulaFailed, err
		case v == "":
			c.Kind = Blank
		default:
			c.Value = v
			if _, perr := strconv.ParseFloat(v, 64); perr == nil {
				c.Kind = Number
			} else {
				c.Kind = Text
			}
		}
		return c
	}
	typ, _ := g.f.GetCellType(g.sheet, c.Ref)
	switch typ {
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
		c.Kind = Text
	case excelize.CellTypeBool:
		c.Kind = Bool
	case excelize.CellTypeError:
		c.Kind = ErrorValue
	case excelize.CellTypeDate:
		c.Kind = Date
	default:
		c.Kind = Number
		if g.isDate(c.Ref) {
			c.Kind = Date
		} else if _, err := strconv.ParseFloat(c.Value, 64); err != nil {
			c.Kind = Text
		}
	}
	return c
}

// isDate reports whether a number cell's format shows a date or time.
func (g *grid) isDate(cellRef string) bool {
	idx, err := g.f.GetCellStyle(g.sheet, cellRef)
	if err != nil || idx == 0 {
		return false
	}
	if d, ok := g.dates[idx]; ok {
		return d
	}
	d := false
	if st, err := g.f.GetStyle(idx); err == nil && st != nil {
		switch n := st.NumFmt; {
		case n >= 14 && n <= 22, n >= 27 && n <= 36, n >= 45 && n <= 47, n >= 50 && n <= 58:
			d = true
		}
		if st.CustomNumFmt != nil {
			d = d || isDateFormat(*st.CustomNumFmt)
		}
	}
	g.dates[idx] = d
	return d
}

// isDateFormat reports whether a custom number format shows a date or
// time: it has y, d, h or s (or 年月日时) outside quotes and brackets, or
// an elapsed time such as [h].
func isDateFormat(code string) bool {
	var b, bracket strings.Builder
	quoted, inBracket := false, false
	for _, r := range strings.ToLower(code) {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			inBracket = true
			bracket.Reset()
		case r == ']':
			inBracket = false
			if strings.Trim(bracket.String(), "hms") == "" {
				return true
			}
		case inBracket:
			bracket.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return strings.ContainsAny(b.String(), "ydhs年月日时")
}

// resolved is the cell, or, inside a merge, the merge's top-left cell
// when the merge is vertical (parent columns) or horizontal (score
// cells), as asked.
func (g *grid) resolved(row, col int, vertical, horizontal bool) Cell {
	c := g.cell(row, col)
	if !c.IsBlank() {
		return c
	}
	m, ok := g.mergeAt(row, col)
	if !ok {
		return c
	}
	tall, wide := m.bottom > m.top, m.right > m.left
	if (vertical && tall && !wide) || (horizontal && wide && !tall) || (vertical && horizontal) {
		top := g.cell(m.top, m.left)
		top.Ref = c.Ref
		return top
	}
	return c
}

func (b *Book) readSheet(name string) error {
	f := b.file
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	g := &grid{f: f, sheet: name, rows: rows, merges: map[int][]mergeArea{}, dates: map[int]bool{}}
	merges, err := f.GetMergeCells(name, true)
	if err != nil {
		return err
	}
	// Index merges by the rows that hold cells: a merge as wide as the
	// sheet costs one entry per such row, not one per cell, and a file
	// built to exhaust memory stops being indexed at maxMergeEntries.
	entries := 0
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		area := mergeArea{top: r1, left: c1, bottom: r2, right: c2}
		for r := r1; r <= min(r2, len(rows)) && entries < maxMergeEntries; r++ {
			if r == r1 || len(rows[r-1]) > 0 || r <= MaxHeaderRow+1 {
				g.merges[r] = append(g.merges[r], area)
				entries++
			}
		}
	}
	if IsSettingsSheet(name) && b.SettingsSheet == "" {
		b.SettingsSheet = name
		for r := 1; r <= len(rows); r++ {
			key, val := g.cell(r, 1), g.cell(r, 2)
			if key.IsBlank() && val.IsBlank() {
				continue
			}
			b.Settings = append(b.Settings, Setting{Key: key, Value: val})
		}
		return nil
	}
	if t := readTable(g); t != nil {
		b.Tables = append(b.Tables, t)
	}
	return nil
}

// MaxHeaderRow is how far down the header row is looked for.
const MaxHeaderRow = 20

func readTable(g *grid) *Table {
	header := 0
	for r := 1; r <= min(MaxHeaderRow, len(g.rows)) && header == 0; r++ {
		for c := 1; c <= len(g.rows[r-1]); c++ {
			if k, _ := Classify(g.raw(r, c)); k == LevelName {
				header = r
				break
			}
		}
	}
	if header == 0 {
		return nil
	}
	cells, last := headerCells(g, header)
	t := &Table{Sheet: g.sheet, HeaderRow: last}
	mapColumns(t, cells, last)
	if len(t.Levels) == 0 {
		return nil
	}
	readRows(t, g)
	if lw := t.LeafWeight(); lw != nil {
		t.Unnamed = unnamedColumns(t, g, lw.Index)
	}
	return t
}

// headerCells returns the header row's cells and the header's last row.
// A two-row header, whose level names are merged down over two rows with
// the department names under a merged 得分 above them, reads as one row:
// a name in the lower row replaces the one above it.
func headerCells(g *grid, header int) ([]string, int) {
	cells := append([]string(nil), g.rows[header-1]...)
	twoRows := false
	for c, v := range cells {
		if k, _ := Classify(v); k != LevelName {
			continue
		}
		m, merged := g.mergeAt(header+1, c+1)
		if !merged || m.top != header || m.left != c+1 || strings.TrimSpace(g.raw(header+1, c+1)) != "" {
			return cells, header // a level name not merged down over an empty cell
		}
		twoRows = true
	}
	if !twoRows || header >= len(g.rows) {
		return cells, header
	}
	lower := g.rows[header]
	for c, v := range lower {
		if strings.TrimSpace(v) == "" {
			continue
		}
		for len(cells) <= c {
			cells = append(cells, "")
		}
		cells[c] = v
	}
	return cells, header + 1
}

// mapColumns assigns the header row's columns: level names, their weights
// (by prefix, else the nearest level name on the left), descriptive
// columns, and departments right of the leaf weight column.
func mapColumns(t *Table, cells []string, header int) {
	type col struct {
		kind  Kind
		level int
	}
	kinds := make([]col, len(cells))
	levelPos := map[int]int{} // header level → position in t.Levels
	for i, h := range cells {
		k, lvl := Classify(h)
		kinds[i] = col{k, lvl}
		if k == LevelName {
			if _, dup := levelPos[lvl]; dup {
				kinds[i].kind = Descriptive
				continue
			}
			levelPos[lvl] = len(t.Levels)
			t.Levels = append(t.Levels, Column{Index: i + 1, Header: strings.TrimSpace(h), Ref: ref(i+1, header)})
		}
	}
	t.Weights = make([]*Column, len(t.Levels))
	leafWeight := -1
	for i, h := range cells {
		if kinds[i].kind != Weight {
			continue
		}
		pos, ok := levelPos[kinds[i].level]
		if kinds[i].level == 0 || !ok {
			pos = -1
			for p, lc := range t.Levels {
				if lc.Index < i+1 {
					pos = p
				}
			}
		}
		if pos < 0 || t.Weights[pos] != nil {
			kinds[i].kind = Descriptive
			continue
		}
		t.Weights[pos] = &Column{Index: i + 1, Header: strings.TrimSpace(h), Ref: ref(i+1, header)}
		if pos == len(t.Levels)-1 {
			leafWeight = i + 1
		}
	}
	var candidates []Column
	for i, h := range cells {
		c := Column{Index: i + 1, Header: CleanName(h), Ref: ref(i+1, header)}
		switch k := kinds[i].kind; {
		case k == LevelName || (k == Weight && t.isWeight(i+1)):
		case c.Header == "":
		case leafWeight > 0 && i+1 > leafWeight && (k == Other || k == ScoreColumn):
			candidates = append(candidates, c)
		default:
			t.Descriptive = append(t.Descriptive, c)
		}
	}
	if len(candidates) == 1 {
		if k, _ := Classify(candidates[0].Header); k == ScoreColumn {
			t.ScoreColumn = true
		}
	}
	t.Departments = candidates
}

func (t *Table) isWeight(index int) bool {
	for _, w := range t.Weights {
		if w != nil && w.Index == index {
			return true
		}
	}
	return false
}

// readRows reads every non-blank row below the header until the total
// row; rows after it are kept as Footer.
func readRows(t *Table, g *grid) {
	depth := len(t.Levels)
	last := make([]string, depth)
	for r := t.HeaderRow + 1; r <= len(g.rows); r++ {
		first := ""
		for _, v := range g.rows[r-1] {
			if strings.TrimSpace(v) != "" {
				first = v
				break
			}
		}
		if first == "" && !g.hasFormula(r) {
			continue
		}
		row := Row{Num: r, Names: make([]Cell, depth), Weights: make([]Cell, depth)}
		for p, w := range t.Weights {
			if w == nil {
				row.Weights[p] = Cell{Ref: ref(t.Levels[p].Index, r)}
				continue
			}
			row.Weights[p] = g.resolved(r, w.Index, p < depth-1, false)
		}
		for _, d := range t.Departments {
			row.Scores = append(row.Scores, g.resolved(r, d.Index, false, true))
		}
		if t.Total != nil {
			t.Footer = append(t.Footer, row)
			continue
		}
		if IsTotalLabel(first) {
			row.Names = nil
			t.Total = &row
			continue
		}
		// Parent names: a merge gives its top-left value; a blank cell
		// inherits the value above unless a higher level changed here.
		changed := false
		for p := 0; p < depth; p++ {
			c := g.resolved(r, t.Levels[p].Index, p < depth-1, false)
			c.Value = CleanName(c.Value)
			if p == depth-1 {
				row.Names[p] = c
				break
			}
			switch {
			case c.Value != "":
				if c.Value != last[p] {
					changed = true
				}
			case !changed:
				c.Value = last[p]
			}
			last[p] = c.Value
			row.Names[p] = c
		}
		t.Rows = append(t.Rows, row)
	}
}

// hasFormula reports whether a row that reads blank has a formula in it
// (one without a cached value).
func (g *grid) hasFormula(row int) bool {
	if row > len(g.rows) {
		return false
	}
	for c := 1; c <= len(g.rows[row-1]); c++ {
		if f, _ := g.f.GetCellFormula(g.sheet, ref(c, row)); f != "" {
			return true
		}
	}
	return false
}

// unnamedColumns lists the columns right of the leaf weight that have no
// header but hold a number in a row of the table: scores of a department
// whose name is missing. Columns of notes are left alone. One pass over
// the cells that exist, however wide the sheet claims to be.
func unnamedColumns(t *Table, g *grid, leafWeight int) []Column {
	last := len(g.rows)
	if t.Total != nil {
		last = t.Total.Num - 1
	}
	found := map[int]bool{}
	for r := t.HeaderRow + 1; r <= last; r++ {
		for c := leafWeight + 1; c <= len(g.rows[r-1]); c++ {
			if found[c] || strings.TrimSpace(g.raw(r, c)) == "" || strings.TrimSpace(g.raw(t.HeaderRow, c)) != "" {
				continue
			}
			if k := g.cell(r, c).Kind; k == Number || k == FormulaFailed {
				found[c] = true
			}
		}
	}
	var out []Column
	for c := range found {
		out = append(out, Column{Index: c, Ref: ref(c, t.HeaderRow)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}
