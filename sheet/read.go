package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
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
	// ErrStrict: saved as Excel's "Strict Open XML Spreadsheet". Its
	// scores could be read, but excelize writes no workbook Excel opens
	// from it (its workbook part comes out with a prefix it does not
	// declare), so the result, the annotated copy and a template would
	// be broken: it is refused, for check as for run.
	ErrStrict = errors.New("workbook saved as Strict Open XML")
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
	UnzipLimit    int64  // 0: DefaultUnzipLimit
	UnzipXMLLimit int64  // 0: DefaultUnzipXMLLimit
	TmpDir        string // where excelize may put temporary copies of large parts when writing; "": the system's
	// Settings apply to the workbook where its own settings sheet does not
	// set the same key (perfeval --settings FILE).
	Settings []Setting
}

// CellKind is what a cell holds.
type CellKind int8

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
	Percent bool   // a number formatted as a percentage (0.9 shown as 90%)
	Formula string // the formula, when the cell has one
	Err     error  // why a formula could not be computed
	Merge   string // the merge the value was taken from ("F2:F9"), when it was

}

// IsBlank reports whether the cell holds nothing.
func (c Cell) IsBlank() bool { return c.Kind == Blank }

// Column is one recognised column of a score table.
type Column struct {
	Index   int    // 1-based column number
	Header  string // the header text, trimmed
	Ref     string // the header cell
	Generic bool   // a department column headed by a generic score word (得分, 自评得分, Score …)
}

// Role is what a column of a score table was read as, and why: what
// check --explain prints.
type Role struct {
	Column
	Kind  string // "level", "weight", "department", "descriptive", "ignored"
	Level int    // for a level or a weight: 1 to 4
	Why   string // a reason code: see the Why* constants
}

// Reasons a column got its role.
const (
	WhyNumberedLevel  = "numbered-level"  // 一级指标 …
	WhyLevelWord      = "level-word"      // 考核维度, 指标 … in column order
	WhyDeclared       = "declared"        // named in the settings (一级指标列, 分值列, 得分列, 说明列)
	WhyWeightPrefix   = "weight-prefix"   // 一级分值: the level its prefix names
	WhyWeightLeft     = "weight-left"     // the nearest level name to its left
	WhyWeightBefore   = "weight-before"   // left of every name column: the leaf weight
	WhyRightOfWeight  = "right-of-weight" // a header right of the leaf weight: a department
	WhyGenericScore   = "generic-score"   // 得分, 自评得分 …: one unit's scores
	WhyDescriptive    = "descriptive"     // 评分标准, 备注 …
	WhyLeftOfWeight   = "left-of-weight"  // an unknown header left of the leaf weight
	WhyDuplicateLevel = "duplicate-level" // a second column for a level already taken
	WhyExtraWeight    = "extra-weight"    // a weight column for a level that has one
	WhyWordColumn     = "word-column"     // its filled cells are words, not scores
	WhyEmptyColumn    = "empty-column"    // no cell of it is filled
)

// Table is one score table as read.
type Table struct {
	Sheet       string
	HeaderRow   int       // the header's last row
	FirstRow    int       // the header's first row (a group header above the names, a two-row header)
	Levels      []Column  // indicator-name columns in order; the last is the leaf level
	Weights     []*Column // per level; nil where the level has no weight column
	Departments []Column  // department columns (or the one score column of a unit)
	Descriptive []Column
	TypeColumn  *Column  // the 指标类型 (Type) column among Descriptive, if any
	Unnamed     []Column // columns right of the leaf weight with data but no header
	Roles       []Role   // every non-empty header column, in column order
	Sections    bool     // section rows (一、决策) were read as a level above the names
	Rows        []Row
	Subtotals   []Subtotal
	Total       *Row  // the 合计 row, if any
	TotalPoints *Cell // points declared in the total row's label (Total (150)), if any
	Footer      []Row // rows after the total row
	LastRow     int   // the table's last row (the next table, if any, starts below)
	Unit        *Cell // the unit named above the header (单位名称：X), if any
	HiddenRows  []int // hidden rows of the table
	HiddenCols  []int // hidden columns of the table
}

// Subtotal is a 小计 row: its numbers are the leaves of Rows[From:To].
type Subtotal struct {
	Row
	From, To int
}

// LeafWeight is the leaf level's weight column, or nil.
func (t *Table) LeafWeight() *Column {
	if len(t.Weights) == 0 {
		return nil
	}
	return t.Weights[len(t.Weights)-1]
}

// SetRole changes the role of a column (a department column found to
// hold words only is descriptive).
func (t *Table) SetRole(index int, kind, why string) {
	for i := range t.Roles {
		if t.Roles[i].Index == index {
			t.Roles[i].Kind, t.Roles[i].Why = kind, why
		}
	}
}

// Row is one non-blank row below the header.
type Row struct {
	Num     int         // 1-based sheet row
	Names   []Cell      // per level: parents inherited, merges resolved
	Weights []Cell      // per level; Blank where there is no column
	Scores  []ScoreCell // per department: Score(i) is the cell
	Type    *Cell       // the 指标类型 (Type) column's cell, when the table has one (a veto item says 否决项); nil without one
}

// Leaf is the row's leaf name cell.
func (r Row) Leaf() Cell { return r.Names[len(r.Names)-1] }

// Score is the row's score cell of department i (its index in the
// table's Departments).
func (r Row) Score(i int) Cell { return r.Scores[i].cell(r.Num) }

// ScoreValue is Score without its reference (Ref is "" unless the cell
// was made with one), for reading a million cells: the reference is made
// by Score when a message names the cell.
func (r Row) ScoreValue(i int) Cell { return r.Scores[i].cell(0) }

// ScoreCell is a score cell as a Row keeps it: a table keeps one per
// department and indicator (a million for 5,000 departments), so it
// keeps the cell's column instead of its reference (made again when a
// message names the cell) and the rare parts (formula, error, merge)
// apart: 32 bytes instead of a Cell's 96 and a reference string.
type ScoreCell struct {
	Value   string
	more    *scoreMore // nil unless the cell has a formula, an error or a merge, or was made by NewScoreCell
	col     int32
	Kind    CellKind
	Percent bool
}

type scoreMore struct {
	ref     string // the reference given to NewScoreCell
	formula string
	err     error
	merge   string
}

// IsBlank reports whether the cell holds nothing.
func (c ScoreCell) IsBlank() bool { return c.Kind == Blank }

// NewScoreCell keeps c, reference included, as a score cell.
func NewScoreCell(c Cell) ScoreCell {
	return ScoreCell{Value: c.Value, Kind: c.Kind, Percent: c.Percent, more: &scoreMore{ref: c.Ref, formula: c.Formula, err: c.Err, merge: c.Merge}}
}

// scoreCell keeps c, read at column col, as a score cell.
func scoreCell(c Cell, col int) ScoreCell {
	s := ScoreCell{Value: c.Value, Kind: c.Kind, Percent: c.Percent, col: int32(col)}
	if c.Formula != "" || c.Err != nil || c.Merge != "" {
		s.more = &scoreMore{formula: c.Formula, err: c.Err, merge: c.Merge}
	}
	return s
}

// cell is the score cell as a Cell, at row.
func (c ScoreCell) cell(row int) Cell {
	out := Cell{Value: c.Value, Kind: c.Kind, Percent: c.Percent}
	if c.more != nil {
		out.Ref, out.Formula, out.Err, out.Merge = c.more.ref, c.more.formula, c.more.err, c.more.merge
	}
	if out.Ref == "" && row > 0 {
		out.Ref = ref(int(c.col), row)
	}
	return out
}

// Setting is one row of the settings sheet.
type Setting struct {
	Key, Value Cell
	From       string // the file of a setting given with --settings; "" for the workbook's own
}

// Book is a workbook as read.
type Book struct {
	Path          string
	Sheets        []string // all worksheets, in order
	Tables        []*Table
	SettingsSheet string // "" when there is none
	Settings      []Setting
	SHA256        string    // of the file's bytes as read
	ModTime       time.Time // the file's modification time: its outputs' document times, so that reruns give the same bytes
	Guess         *Guess    // with no score table: the row that looks most like a header

	data []byte // the workbook package (decrypted when it was encrypted)
	opt  Options
	pkg  *pkg
	eval *evaluator // computes formulas saved without a value; made when first needed
	// large names the sheets too large for excelize to load when writing
	// the annotated copy (it fills every row out to its last cell).
	large map[string]bool
}

// Close releases the workbook.
func (b *Book) Close() error {
	b.data, b.pkg, b.eval = nil, nil, nil
	return nil
}

// ErrNotRegular is the reason a path that is not a regular file (a folder,
// a FIFO, a device) is not opened.
var ErrNotRegular = errors.New("not a regular file")

// Open reads the workbook at path. Errors that say why a file is not a
// usable workbook wrap one of ErrNotRegular, ErrEmpty, ErrLegacyXLS,
// ErrWPS, ErrCSV, ErrText, ErrFormat, ErrEncrypted, ErrPassword,
// ErrCorrupt and ErrTooLarge; an interrupted read wraps ctx's error.
//
// Reading is bounded: the file is read once (and hashed on the way), each
// worksheet is streamed once, sheets that are not score tables are read
// no further than their header rows, and nothing grows with the size a
// sheet claims rather than the cells it holds.
func Open(ctx context.Context, path string, opt Options) (b *Book, err error) {
	defer func() {
		// A file malformed enough to break the reader is a damaged file.
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("%w: the reader failed: %v", ErrCorrupt, p)
		}
	}()
	if opt.UnzipLimit <= 0 {
		opt.UnzipLimit = DefaultUnzipLimit
	}
	if opt.UnzipXMLLimit <= 0 {
		opt.UnzipXMLLimit = DefaultUnzipXMLLimit
	}
	opt.UnzipXMLLimit = min(opt.UnzipXMLLimit, opt.UnzipLimit)
	data, sum, mod, err := readFile(path, opt.UnzipLimit)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("%w: the reader failed: %v", ErrCorrupt, p)
		}
		if err != nil { // the hash of an unreadable file, for the audit log
			err = hashedError{sum: sum, err: err}
		}
	}()
	if err := sniff(path, data, opt); err != nil {
		return nil, err
	}
	if isCompound(data) { // an encrypted package, opened with the password
		plain, err := excelize.Decrypt(data, &excelize.Options{Password: opt.Password})
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPassword, err)
		}
		if !bytes.HasPrefix(plain, []byte("PK\x03\x04")) { // a wrong password decrypts to noise
			return nil, ErrPassword
		}
		data = plain
	}
	p, err := openPkg(ctx, data, opt.UnzipLimit, opt.UnzipXMLLimit)
	if err != nil {
		return nil, wrapRead(err)
	}
	b = &Book{Path: path, SHA256: sum, ModTime: mod, data: data, opt: opt, pkg: p}
	for _, sp := range p.sheets {
		b.Sheets = append(b.Sheets, sp.name)
	}
	// The settings first: they may declare the layout of the tables.
	for _, sp := range p.sheets {
		if IsSettingsSheet(sp.name) {
			if err := b.readSettings(sp); err != nil {
				return nil, wrapRead(&PartError{Part: sp.path, Sheet: sp.name, Err: err})
			}
			break
		}
	}
	b.Settings = MergeSettings(b.Settings, opt.Settings)
	layout := LayoutOf(b.Settings)
	for _, sp := range p.sheets {
		if sp.name == b.SettingsSheet {
			continue
		}
		if err := b.readSheet(sp, layout); err != nil {
			return nil, wrapRead(&PartError{Part: sp.path, Sheet: sp.name, Err: err})
		}
	}
	if len(b.Tables) > 0 {
		b.Guess = nil
	}
	// The outputs carry the input's parts byte for byte: each is checked
	// whole here, so that damage past what was read is the input's, not
	// a result Excel cannot open.
	if err := p.checkRest(); err != nil {
		return nil, wrapRead(err)
	}
	b.pkg, b.eval = nil, nil // every cell is read and computed: only the package stays, for writing
	return b, nil
}

// PartError is an error in one part of a workbook's package: the part's
// name, and the sheet it holds ("" for another part), for a message that
// says where the damage is.
type PartError struct {
	Part, Sheet string
	Err         error
}

func (e *PartError) Error() string {
	if e.Sheet != "" {
		return "sheet " + e.Sheet + ": " + e.Err.Error()
	}
	return "part " + e.Part + ": " + e.Err.Error()
}

func (e *PartError) Unwrap() error { return e.Err }

// hashedError is an error of Open on a file that was read (and hashed).
type hashedError struct {
	sum string
	err error
}

func (e hashedError) Error() string { return e.err.Error() }
func (e hashedError) Unwrap() error { return e.err }

// FileSHA256 is the SHA-256 (hex) of the file that Open failed to read as
// a workbook, when it was read, or "".
func FileSHA256(err error) string {
	var h hashedError
	if errors.As(err, &h) {
		return h.sum
	}
	return ""
}

// wrapRead keeps the reasons callers test for (size, interruption,
// damage) and calls anything else damage.
func wrapRead(err error) error {
	if isLimitOrCtx(err) || errors.Is(err, ErrCorrupt) || errors.Is(err, ErrStrict) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

// readFile reads a regular file whole, at most limit bytes, and hashes it
// on the way. A path that is not a regular file is never opened for
// reading (a FIFO would block, a device would never end).
func readFile(path string, limit int64) ([]byte, string, time.Time, error) {
	data, sum, info, err := readRegular(path, limit)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	return data, sum, info.ModTime(), nil
}

func readRegular(path string, limit int64) ([]byte, string, os.FileInfo, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, "", nil, err
	}
	if err := CheckRegular(info); err != nil {
		return nil, "", nil, err
	}
	if info.Size() == 0 {
		return nil, "", nil, ErrEmpty
	}
	if info.Size() > limit {
		return nil, "", nil, fmt.Errorf("%w: the file alone is %d MiB", ErrTooLarge, info.Size()>>20)
	}
	f, err := os.Open(path) // read-only: the input is never written
	if err != nil {
		return nil, "", nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, "", nil, fmt.Errorf("%w: it changed while being opened", ErrNotRegular)
	}
	h := sha256.New()
	var buf bytes.Buffer
	buf.Grow(int(info.Size()))
	if _, err := io.Copy(io.MultiWriter(&buf, h), io.LimitReader(f, limit+1)); err != nil {
		return nil, "", nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, "", nil, fmt.Errorf("%w: the file grew past %d MiB", ErrTooLarge, limit>>20)
	}
	if buf.Len() == 0 {
		return nil, "", nil, ErrEmpty
	}
	return buf.Bytes(), hex.EncodeToString(h.Sum(nil)), info, nil
}

// CheckRegular is nil for a regular file, else ErrNotRegular naming what
// the path is.
func CheckRegular(info os.FileInfo) error {
	if info.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrNotRegular, describeMode(info.Mode()))
}

// describeMode names what a path is when it is not a regular file.
func describeMode(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	default:
		return "not a regular file"
	}
}

func isCompound(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
}

// openForWrite opens the workbook as read with excelize, to write a
// result or an annotated copy from it. An encrypted input is opened from
// its decrypted package, so what is written is not encrypted.
func (b *Book) openForWrite() (*excelize.File, error) {
	if b.data == nil {
		return nil, errors.New("the workbook is closed")
	}
	data, err := forExcelize(b.data)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    b.opt.UnzipLimit,
		UnzipXMLSizeLimit: b.opt.UnzipXMLLimit,
		TmpDir:            b.opt.TmpDir,
	})
	if err != nil {
		return nil, classifyOpenError(err, b.opt)
	}
	f.Path = b.Path // for the content type when the result is written
	return f, nil
}

// openCarrying is openForWrite for a result, which carries every input
// sheet and the theme as they are: excelize gets each worksheet part as
// an empty stub (so it neither unpacks nor compresses sheets it never
// changes) and a stub theme (stubTheme), and carried names the input's
// parts, to be copied byte for byte in their place when the result is
// saved (firstActive).
func (b *Book) openCarrying() (*excelize.File, *carrying, error) {
	if b.data == nil {
		return nil, nil, errors.New("the workbook is closed")
	}
	data, err := forExcelize(b.data)
	if err != nil {
		return nil, nil, err
	}
	stubbed, carried, err := stubSheets(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(stubbed), excelize.Options{
		UnzipSizeLimit:    b.opt.UnzipLimit,
		UnzipXMLSizeLimit: b.opt.UnzipXMLLimit,
		TmpDir:            b.opt.TmpDir,
	})
	if err != nil {
		return nil, nil, classifyOpenError(err, b.opt)
	}
	f.Path = b.Path
	return f, &carrying{parts: carried}, nil
}

// stubSheet is the worksheet excelize gets in place of an input sheet it
// only carries.
const stubSheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`

// themePart is the theme excelize reads: it parses it when it opens a
// package and writes it back when it saves one (Office's theme, 7 KB, is
// half a millisecond of a small result's 6 ms), though a result never
// asks it for a colour.
const themePart = "xl/theme/theme1.xml"

// stubTheme is the theme excelize gets in place of the input's, which the
// result carries as it is (checked well-formed by checkTheme). It has no
// colours: excelize takes every theme colour of such a file for black.
// Nothing that writes a result or a per-department workbook may ask
// excelize for a colour: GetStyle, a time value given to SetCellValue
// (which makes a date style from the cell's style), AutoFitColWidth or
// the conditional formats' getters; what it writes of the styles it
// was given is not touched.
const stubTheme = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme"><a:themeElements/></a:theme>`

// stubSheets is the package with each worksheet part replaced by
// stubSheet and the theme by stubTheme, and those parts as they were, by
// name.
func stubSheets(data []byte) ([]byte, map[string]*zip.File, error) {
	p, err := openLayout(data)
	if err != nil {
		return nil, nil, err
	}
	parts := map[string]bool{}
	for _, sp := range p.sheets {
		parts[sp.path] = true
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, err
	}
	carried := map[string]*zip.File{}
	stubbed, err := withStubs(zr.File, func(f *zip.File) (string, error) {
		switch {
		case f.Name == themePart:
			if err := checkTheme(f); err != nil {
				return "", err
			}
			carried[f.Name] = f
			return stubTheme, nil
		case parts[f.Name]:
			carried[f.Name] = f
			return stubSheet, nil
		}
		return "", nil
	})
	if err != nil {
		return nil, nil, err
	}
	return stubbed, carried, nil
}

// withStubs is the package of files written anew: each part for which
// stub gives a text is written as that text, every other part copied as
// it is stored.
func withStubs(files []*zip.File, stub func(f *zip.File) (string, error)) ([]byte, error) {
	var out bytes.Buffer
	zw := newZipWriter(&out)
	for _, f := range files {
		text, err := stub(f)
		if err != nil {
			return nil, err
		}
		if text == "" {
			if err := copyRaw(zw, f); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, text); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// sniff tells the real cause from the leading bytes and the extension,
// before a zip reader reports everything as "not a valid zip".
func sniff(path string, data []byte, opt Options) error {
	head := data[:min(len(data), 512)]
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if ext != ".xlsx" && ext != ".xlsm" {
			return fmt.Errorf("%w: a zip file named %s", ErrFormat, ext)
		}
		return nil
	case isCompound(head):
		return compound(bytes.NewReader(data), ext, opt)
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

// grid is one sheet as read, with its merges indexed by row.
type grid struct {
	b      *Book
	data   *sheetData
	sheet  string
	merges map[int][]mergeArea // row → the merges that cover it
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

func (m mergeArea) String() string {
	return ref(m.left, m.top) + ":" + ref(m.right, m.bottom)
}

// raw is a cell's stored text, "" when it holds nothing.
func (g *grid) raw(row, col int) string {
	if x := g.data.cellAt(row, col); x != nil {
		return x.value
	}
	return ""
}

func ref(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// cell reads one cell with its kind; a formula saved without a value is
// computed (within bounds), else the cell says why it could not be.
func (g *grid) cell(row, col int) Cell {
	c := Cell{Ref: ref(col, row)}
	x := g.data.cellAt(row, col)
	if x == nil {
		return c
	}
	c.Value, c.Kind, c.Percent = x.value, x.kind, x.percent
	if !x.hasF {
		return c
	}
	c.Formula = g.formulaOf(x, row)
	if c.Value != "" {
		return c
	}
	v, kind, err := g.b.compute(g.data, col, row, c.Formula)
	switch {
	case err != nil:
		c.Kind, c.Err = FormulaFailed, err
	default:
		c.Value, c.Kind = v, kind
	}
	return c
}

// formulaOf is a cell's formula; the other cells of a shared formula get
// the first cell's formula moved to their place.
func (g *grid) formulaOf(x *xcell, row int) string {
	if x.shared == 0 {
		return g.data.formulaAt(x)
	}
	sf, ok := g.data.shared[int(x.shared)-1]
	if !ok {
		return ""
	}
	moved, err := shiftFormula(sf.formula, sf.col, sf.row, int(x.col), row)
	if err != nil {
		return sf.formula
	}
	return moved
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

// forExcelize is the input's package as excelize is given it, to be
// written: with its parts named as Excel names them (plainNames) and with
// a styles part (withStyles).
func forExcelize(data []byte) ([]byte, error) {
	data, err := plainNames(data)
	if err != nil {
		return nil, err
	}
	return withStyles(data)
}

// plainNames is the package with a leading "/" taken off its parts'
// names. Some writers name every part so: perfeval's reader takes them,
// but excelize finds no part (the result, the annotated copy and a
// template failed to write, "workbook is damaged"), and withStyles would
// not find the styles. The bytes of each part are copied as they are;
// a package with no such name is returned unchanged.
func plainNames(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if !slices.ContainsFunc(zr.File, func(f *zip.File) bool { return strings.HasPrefix(f.Name, "/") }) {
		return data, nil
	}
	var out bytes.Buffer
	zw := newZipWriter(&out)
	for _, f := range zr.File {
		named := *f
		if named.Name = strings.TrimPrefix(f.Name, "/"); named.Name == "" {
			continue // an entry named "/": no part
		}
		if err := copyRaw(zw, &named); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// withStyles adds excelize's default styles part to a package that has
// none (some generators write none; Excel does not need it, but excelize
// cannot add a style without it).
func withStyles(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	for _, f := range zr.File {
		if f.Name == "xl/styles.xml" {
			return data, nil
		}
	}
	styles, err := defaultStyles()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := newZipWriter(&out)
	for _, f := range zr.File {
		switch f.Name {
		case "[Content_Types].xml", "xl/_rels/workbook.xml.rels":
			part, err := readPart(f, 1<<20)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			if f.Name == "[Content_Types].xml" {
				part = insertBefore(part, "</Types>", `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
			} else {
				part = insertBefore(part, "</Relationships>", `<Relationship Id="rIdPerfevalStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`)
			}
			w, err := zw.Create(f.Name)
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(part); err != nil {
				return nil, err
			}
		default:
			if err := copyRaw(zw, f); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
		}
	}
	w, err := zw.Create("xl/styles.xml")
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(styles); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func insertBefore(part []byte, end, add string) []byte {
	i := bytes.LastIndex(part, []byte(end))
	if i < 0 {
		return part
	}
	return append(append(append([]byte(nil), part[:i]...), add...), part[i:]...)
}

// defaultStyles is the styles part of a new excelize workbook.
func defaultStyles() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, err
	}
	for _, zf := range zr.File {
		if zf.Name == "xl/styles.xml" {
			return readPart(zf, 1<<20)
		}
	}
	return nil, errors.New("excelize wrote no styles part")
}

// MergeSettings is own with the settings of extra whose keys own does not
// set: a workbook's own settings sheet wins key by key.
func MergeSettings(own, extra []Setting) []Setting {
	if len(extra) == 0 {
		return own
	}
	set := map[string]bool{}
	for _, s := range own {
		set[Normalize(s.Key.Value)] = true
	}
	out := append([]Setting(nil), own...)
	for _, s := range extra {
		if !set[Normalize(s.Key.Value)] {
			out = append(out, s)
		}
	}
	return out
}

// ReadSettingsFile reads the settings sheet of the workbook at path (its
// 设置 / Settings sheet, else its first sheet) for perfeval --settings:
// settings that apply to every workbook of a run.
func ReadSettingsFile(ctx context.Context, path string, opt Options) ([]Setting, error) {
	opt.Settings = nil
	data, _, _, err := readFile(path, max(opt.UnzipLimit, DefaultUnzipLimit))
	if err != nil {
		return nil, err
	}
	if err := sniff(path, data, opt); err != nil {
		return nil, err
	}
	if isCompound(data) {
		return nil, ErrEncrypted
	}
	p, err := openPkg(ctx, data, DefaultUnzipLimit, DefaultUnzipXMLLimit)
	if err != nil {
		return nil, wrapRead(err)
	}
	if len(p.sheets) == 0 {
		return nil, fmt.Errorf("%w: no sheet", ErrCorrupt)
	}
	sp := p.sheets[0]
	for _, s := range p.sheets {
		if IsSettingsSheet(s.name) {
			sp = s
			break
		}
	}
	b := &Book{Path: path, pkg: p}
	if err := b.readSettings(sp); err != nil {
		return nil, wrapRead(err)
	}
	from := filepath.Base(path)
	for i := range b.Settings {
		b.Settings[i].From = from
	}
	return b.Settings, nil
}

// OneUnit reports whether the table's one department column is headed
// by a generic score word (得分, 自评得分, Score): one unit's table, named
// as spec §6.4 says.
func (t *Table) OneUnit() bool {
	return len(t.Departments) == 1 && t.Departments[0].Generic
}
