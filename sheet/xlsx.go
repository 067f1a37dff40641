package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// This file reads the parts of an Office Open XML package that perfeval
// needs (the workbook, its relationships, shared strings, styles and the
// worksheets) straight from the zip, one XML token at a time. Nothing is
// looked up cell by cell and nothing grows with the width a sheet claims:
// a sheet costs what its cells cost, and every part is bounded by the
// unpacking limits.

// pkg is an opened workbook package.
type pkg struct {
	ctx      context.Context
	files    map[string]*zip.File
	sheets   []sheetPart
	strings  []string
	styles   []xfStyle        // by cellXfs index
	unpacked int64            // bytes unpacked so far, all parts together
	entries  []*zip.File      // every entry, names repeated included (files keeps the last)
	read     map[string]int64 // by part, the most of it read (and counted)
	whole    map[string]bool  // parts read to their end: their CRC-32 checked
	limit    int64            // the most that may be unpacked
	partMax  int64            // the most one part held in memory (shared strings) may take
	tokens   int              // tokens read since the last look at ctx

	stylesPath string
	workbook   string // the workbook part's path
	layoutOnly bool   // sheets and parts only: no shared strings
}

type sheetPart struct {
	name, path string
}

// xfStyle is what a cell style says about the number shown.
type xfStyle struct {
	date, percent bool
}

var errNoWorkbook = errors.New("no workbook part")

// openPkg reads the package's workbook, relationships, shared strings and
// styles.
func openPkg(ctx context.Context, data []byte, limit, partMax int64) (*pkg, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	p := &pkg{ctx: ctx, files: map[string]*zip.File{}, limit: limit, partMax: partMax, entries: zr.File}
	for _, f := range zr.File {
		p.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	wbPath := "xl/workbook.xml"
	if rels, err := p.rels("_rels/.rels"); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") {
				wbPath = r.target("")
			}
		}
	}
	if p.files[wbPath] == nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, errNoWorkbook)
	}
	p.workbook = wbPath
	if err := p.readWorkbook(wbPath); err != nil {
		return nil, err
	}
	if err := p.readStyles(); err != nil {
		return nil, err
	}
	return p, nil
}

// openLayout reads only a package's workbook and relationships: its
// sheets' names and parts, for rewriting the package.
func openLayout(data []byte) (*pkg, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	p := &pkg{ctx: context.Background(), files: map[string]*zip.File{}, limit: 1 << 62, partMax: 1 << 62, layoutOnly: true}
	for _, f := range zr.File {
		p.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	p.workbook = "xl/workbook.xml"
	if rels, err := p.rels("_rels/.rels"); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") {
				p.workbook = r.target("")
			}
		}
	}
	if p.files[p.workbook] == nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, errNoWorkbook)
	}
	return p, p.readWorkbook(p.workbook)
}

// open opens a part for streaming, counting what it unpacks.
func (p *pkg) open(name string) (io.ReadCloser, error) {
	f := p.files[name]
	if f == nil {
		return nil, fmt.Errorf("no part %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
	}
	if f.UncompressedSize64 >= largePart {
		// Unpacked on another core while it is parsed. Only what the
		// parser takes counts against the limit, not what was unpacked
		// ahead of it: the same workbook passes or fails every time.
		rc = readAhead(rc)
	}
	return &countingReader{rc: rc, p: p, name: name}, nil
}

// countingReader counts what a part unpacks against the package's limit,
// and notes how far the part was read (pkg.read) and whether to its end,
// where archive/zip checks its CRC-32 (pkg.whole).
type countingReader struct {
	rc   io.ReadCloser
	p    *pkg
	name string
	n    int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.rc.Read(b)
	c.n += int64(n)
	if err := c.p.count(n); err != nil {
		return n, err
	}
	if err == io.EOF {
		c.p.noteWhole(c.name)
	}
	return n, err
}

func (c *countingReader) Close() error {
	if c.p.read == nil {
		c.p.read = map[string]int64{}
	}
	c.p.read[c.name] = max(c.p.read[c.name], c.n)
	return c.rc.Close()
}

// count adds n bytes unpacked, and fails past the limit.
func (p *pkg) count(n int) error {
	p.unpacked += int64(n)
	if p.unpacked > p.limit {
		return fmt.Errorf("%w: more than %d MiB unpacked", ErrTooLarge, p.limit>>20)
	}
	return nil
}

func (p *pkg) noteWhole(name string) {
	if p.whole == nil {
		p.whole = map[string]bool{}
	}
	p.whole[name] = true
}

// checkRest unpacks to its end every entry not read to its end, so that
// archive/zip checks its CRC-32: a result carries the input's parts
// byte for byte, and a part damaged past what was read (the rest of a
// notes sheet, an image), or a second entry of the same name, would make
// a result Excel cannot open. What an entry unpacks past what was read
// of it counts against the limit. A compression Go cannot unpack
// (Deflate64, LZMA: Excel writes none) is damage too: the result could
// not be written (excelize unpacks every part but the sheets).
func (p *pkg) checkRest() error {
	bufp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bufp)
	for _, f := range p.entries {
		name := strings.TrimPrefix(f.Name, "/")
		if strings.HasSuffix(name, "/") && f.UncompressedSize64 == 0 {
			continue // a folder
		}
		seen := int64(0) // counted already
		if p.files[name] == f {
			if p.whole[name] {
				continue
			}
			seen = p.read[name]
		}
		if err := p.checkPart(f, seen, *bufp); err != nil {
			return &PartError{Part: f.Name, Sheet: p.sheetAt(name), Err: err}
		}
	}
	return nil
}

// sheetAt is the name of the sheet whose part is path, or "".
func (p *pkg) sheetAt(path string) string {
	for _, sp := range p.sheets {
		if sp.path == path {
			return sp.name
		}
	}
	return ""
}

func (p *pkg) checkPart(f *zip.File, seen int64, buf []byte) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	defer rc.Close()
	for {
		n, err := rc.Read(buf)
		if uncounted := min(int64(n), max(0, int64(n)-seen)); uncounted > 0 {
			if err := p.count(int(uncounted)); err != nil {
				return err
			}
		}
		seen -= int64(n)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if err := p.ctx.Err(); err != nil {
			return err
		}
	}
}

// decoder reads a part's XML tokens; the caller closes the part.
func (p *pkg) decoder(name string) (*xml.Decoder, io.Closer, error) {
	rc, err := p.open(name)
	if err != nil {
		return nil, nil, err
	}
	d := xml.NewDecoder(rc)
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return d, rc, nil
}

// token is the next raw token, with ctx looked at every few thousand
// tokens, so that a long part stops soon after the run is interrupted.
func (p *pkg) token(d *xml.Decoder) (xml.Token, error) {
	p.tokens++
	if p.tokens >= 4096 {
		p.tokens = 0
		if err := p.ctx.Err(); err != nil {
			return nil, err
		}
	}
	t, err := d.RawToken()
	if err != nil && err != io.EOF && !isLimitOrCtx(err) {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return t, err
}

func isLimitOrCtx(err error) bool {
	return errors.Is(err, ErrTooLarge) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func attr(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

type rel struct {
	id, typ, targetRaw, mode string
}

// target resolves the relationship's target against the folder of the
// part that holds it.
func (r rel) target(base string) string {
	t := r.targetRaw
	if strings.HasPrefix(t, "/") {
		return strings.TrimPrefix(path.Clean(t), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(base, t)), "/")
}

// rels reads a relationships part.
func (p *pkg) rels(name string) ([]rel, error) {
	d, c, err := p.decoder(name)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []rel
	for {
		t, err := p.token(d)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if se, ok := t.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			var r rel
			r.id, _ = attr(se, "Id")
			r.typ, _ = attr(se, "Type")
			r.targetRaw, _ = attr(se, "Target")
			r.mode, _ = attr(se, "TargetMode")
			out = append(out, r)
		}
	}
}

// strictSpreadsheetNS is SpreadsheetML's namespace in Strict Open XML.
const strictSpreadsheetNS = "http://purl.oclc.org/ooxml/spreadsheetml/main"

// readWorkbook lists the worksheets in order with their parts, and reads
// the shared strings. A workbook saved as Strict Open XML is ErrStrict.
func (p *pkg) readWorkbook(wbPath string) error {
	dir := path.Dir(wbPath)
	relsPath := path.Join(dir, "_rels", path.Base(wbPath)+".rels")
	rels, err := p.rels(relsPath)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, relsPath, err)
	}
	byID := map[string]rel{}
	sharedStrings, styles := "", ""
	for _, r := range rels {
		byID[r.id] = r
		switch {
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			sharedStrings = r.target(dir)
		case strings.HasSuffix(r.typ, "/styles"):
			styles = r.target(dir)
		}
	}
	d, c, err := p.decoder(wbPath)
	if err != nil {
		return err
	}
	defer c.Close()
	for {
		t, err := p.token(d)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		se, ok := t.(xml.StartElement)
		if ok && se.Name.Local == "workbook" {
			if conformance, _ := attr(se, "conformance"); se.Name.Space == strictSpreadsheetNS || conformance == "strict" {
				return ErrStrict
			}
		}
		if !ok || se.Name.Local != "sheet" {
			continue
		}
		name, _ := attr(se, "name")
		id := ""
		for _, a := range se.Attr {
			if a.Name.Local == "id" && a.Name.Space != "" {
				id = a.Value
			}
		}
		r, ok := byID[id]
		if !ok || !strings.HasSuffix(r.typ, "/worksheet") {
			continue // a chart sheet or a dangling entry: nothing to read
		}
		p.sheets = append(p.sheets, sheetPart{name: name, path: r.target(dir)})
	}
	if sharedStrings == "" && p.files["xl/sharedStrings.xml"] != nil {
		sharedStrings = "xl/sharedStrings.xml"
	}
	if styles == "" && p.files["xl/styles.xml"] != nil {
		styles = "xl/styles.xml"
	}
	p.stylesPath = styles
	if sharedStrings != "" && p.files[sharedStrings] != nil && !p.layoutOnly {
		return p.readSharedStrings(sharedStrings)
	}
	return nil
}

// readSharedStrings reads the shared string table: each item's text, rich
// text runs joined, phonetic runs left out. The table is held in memory,
// so it is bounded by the one-part limit.
func (p *pkg) readSharedStrings(name string) error {
	d, c, err := p.decoder(name)
	if err != nil {
		return err
	}
	defer c.Close()
	var (
		b       strings.Builder
		inText  bool
		phonetc int
		held    int64
	)
	for {
		t, err := p.token(d)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				b.Reset()
			case "t":
				inText = phonetc == 0
			case "rPh":
				phonetc++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				held += int64(b.Len()) + 16
				if held > p.partMax {
					return fmt.Errorf("%w: the shared strings pass %d MiB", ErrTooLarge, p.partMax>>20)
				}
				if len(p.strings) >= maxSharedStrings {
					return fmt.Errorf("%w: more than %d shared strings", ErrTooLarge, maxSharedStrings)
				}
				p.strings = append(p.strings, b.String())
			case "t":
				inText = false
			case "rPh":
				phonetc--
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
}

// readStyles reads which cell styles show a date or time, and which a
// percentage.
func (p *pkg) readStyles() error {
	if p.stylesPath == "" {
		return nil
	}
	d, c, err := p.decoder(p.stylesPath)
	if err != nil {
		return err
	}
	defer c.Close()
	custom := map[int]string{}
	inXfs := false
	for {
		t, err := p.token(d)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				id, _ := attr(t, "numFmtId")
				code, _ := attr(t, "formatCode")
				if n, err := strconv.Atoi(id); err == nil {
					custom[n] = code
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if !inXfs {
					continue
				}
				id, _ := attr(t, "numFmtId")
				n, _ := strconv.Atoi(id)
				st := xfStyle{}
				switch {
				case n >= 14 && n <= 22, n >= 27 && n <= 36, n >= 45 && n <= 47, n >= 50 && n <= 58:
					st.date = true
				case n == 9 || n == 10:
					st.percent = true
				}
				if code, ok := custom[n]; ok {
					st.date = isDateFormat(code)
					st.percent = !st.date && isPercentFormat(code)
				}
				if len(p.styles) < 1<<16 {
					p.styles = append(p.styles, st)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
}

// isPercentFormat reports whether a number format shows a percentage: a
// % outside quotes and brackets, not escaped.
func isPercentFormat(code string) bool {
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		switch ch := code[i]; {
		case ch == '"':
			quoted = !quoted
		case quoted:
		case ch == '\\':
			i++
		case ch == '[':
			bracket = true
		case ch == ']':
			bracket = false
		case bracket:
		case ch == '%':
			return true
		}
	}
	return false
}

func (p *pkg) style(s string) xfStyle {
	if s == "" {
		return xfStyle{}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n >= len(p.styles) {
		return xfStyle{}
	}
	return p.styles[n]
}

// xcell is one stored cell, kept small: a score table may hold millions.
type xcell struct {
	value   string
	formula int32 // 1 + its index in sheetData.formulas, 0 for none; a shared formula's other cells have none, theirs is computed from its first cell when asked
	col     int32
	shared  int32 // 1 + the shared formula's index, for its other cells
	kind    CellKind
	percent bool
	hasF    bool
}

// xrow is one stored row, its cells in column order.
type xrow struct {
	num   int
	cells []xcell
}

// sharedFormula is the first cell of a shared formula.
type sharedFormula struct {
	col, row int
	formula  string
}

// sheetData is a worksheet as read: the rows that hold cells, its merges,
// hidden rows and columns.
type sheetData struct {
	name       string
	rows       []xrow
	merges     []mergeArea
	hiddenRows []int
	hiddenCols [][2]int // ranges of hidden columns
	shared     map[int]sharedFormula
	values     map[string]string // see intern
	formulas   []string          // the cells' formulas (xcell.formula): most cells have none, and a sheet a million cells
	complete   bool              // every row was read (false when reading stopped early)
	cells      int
	padded     int64 // the cells a reader that fills each row out to its last cell would make (excelize does)
}

// formulaAt is the formula of x, "" for none.
func (s *sheetData) formulaAt(x *xcell) string {
	if x.formula == 0 {
		return ""
	}
	return s.formulas[x.formula-1]
}

// intern is the value v as a string, the same string for the short values
// that repeat (scores such as 4.5, 不适用): a million score cells need
// not be a million small allocations.
func (s *sheetData) intern(v []byte) string {
	if len(v) > maxInterned {
		return string(v)
	}
	if str, ok := s.values[string(v)]; ok {
		return str
	}
	str := string(v)
	if s.values == nil {
		s.values = map[string]string{}
	}
	if len(s.values) < maxInternedValues {
		s.values[str] = str
	}
	return str
}

const (
	maxInterned       = 16
	maxInternedValues = 1 << 14
)

// rowAt is the stored row with number n, or nil.
func (s *sheetData) rowAt(n int) *xrow {
	i := sort.Search(len(s.rows), func(i int) bool { return s.rows[i].num >= n })
	if i < len(s.rows) && s.rows[i].num == n {
		return &s.rows[i]
	}
	return nil
}

// cellAt is the stored cell at (row, col), or nil.
func (s *sheetData) cellAt(row, col int) *xcell {
	r := s.rowAt(row)
	if r == nil {
		return nil
	}
	i := sort.Search(len(r.cells), func(i int) bool { return int(r.cells[i].col) >= col })
	if i < len(r.cells) && int(r.cells[i].col) == col {
		return &r.cells[i]
	}
	return nil
}

// readControl says how much of a sheet to read.
type readControl struct {
	// keep, when set, is asked after the first headerRows rows whether to
	// read on; when it says no, the rest of the sheet is not read.
	keep       func(s *sheetData) bool
	headerRows int
	maxCol     int // columns beyond it are not stored (0: all)
	maxCells   int // stop with ErrTooLarge past this many stored cells (0: no bound)
}

// readSheet streams one worksheet, with the hand-written scanner.
func (p *pkg) readSheet(sp sheetPart, ctl readControl) (*sheetData, error) {
	s := &sheetData{name: sp.name, shared: map[int]sharedFormula{}}
	rc, err := p.open(sp.path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	defer rc.Close()
	sc := newScanner(rc)
	defer sc.release()
	var (
		row      *xrow
		rowNum   int
		cur      xcell
		inCell   bool
		field    string // "v", "f", "t" (inline text) or ""
		text     bytes.Buffer
		typ      string
		colNext  int
		fType    string // the formula's t and si
		fIndex   string
		asked    bool
		stopped  bool
		isText   int // depth inside <is>
		phonetic int
	)
	rowMax := 0 // the last column of the row, blank cells included
	// A row's cells are gathered in scratch, then kept in a slice of
	// their exact number: grown by appending, a sheet of a million cells
	// would hold a third more.
	var scratch []xcell
	flushRow := func() {
		if row != nil && len(row.cells) > 0 {
			cells := make([]xcell, len(row.cells))
			copy(cells, row.cells)
			scratch, row.cells = row.cells[:0], cells
			s.rows = append(s.rows, *row)
		}
		s.padded += int64(rowMax)
		row, rowMax = nil, 0
	}
	for {
		p.tokens++
		if p.tokens >= 4096 {
			p.tokens = 0
			if err := p.ctx.Err(); err != nil {
				return nil, err
			}
		}
		kind, err := sc.next(field != "" && text.Len() < maxCellText)
		if err == io.EOF {
			break
		}
		if err != nil {
			if isLimitOrCtx(err) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		switch kind {
		case tokStart:
			switch string(sc.name) {
			case "row":
				flushRow()
				n := rowNum + 1
				if v, ok := sc.attr("r"); ok {
					if x, err := strconv.Atoi(v); err == nil && x > 0 {
						n = x
					}
				}
				if n <= rowNum { // rows out of order: keep the order by number
					n = rowNum + 1
				}
				if n > maxRows { // past Excel's last row: nothing Excel would show
					flushRow()
					s.complete = true
					return s, nil
				}
				rowNum = n
				if !asked && ctl.keep != nil && rowNum > ctl.headerRows {
					asked = true
					if !ctl.keep(s) {
						stopped = true
					}
				}
				if stopped {
					return s, nil
				}
				if h, _ := sc.attr("hidden"); h == "1" || h == "true" {
					s.hiddenRows = append(s.hiddenRows, rowNum)
				}
				row = &xrow{num: rowNum, cells: scratch[:0]}
				colNext = 1
			case "c":
				if row == nil { // a cell outside a row: damaged, but read it in a row of its own
					flushRow()
					rowNum++
					row = &xrow{num: rowNum, cells: scratch[:0]}
					colNext = 1
				}
				cur = xcell{col: int32(colNext)}
				if r, ok := sc.attr("r"); ok {
					if col, rr, err := cellCoordinates(r); err == nil {
						cur.col = int32(col)
						_ = rr
					}
				}
				colNext = int(cur.col) + 1
				typ, _ = sc.attr("t")
				st, _ := sc.attr("s")
				style := p.style(st)
				cur.percent = style.percent
				if style.date {
					cur.kind = Date
				}
				inCell = true
				text.Reset()
			case "v":
				if inCell {
					field = "v"
					text.Reset()
				}
			case "f":
				if inCell {
					field = "f"
					fType, _ = sc.attr("t")
					fIndex, _ = sc.attr("si")
					text.Reset()
					cur.hasF = true
				}
			case "is":
				if inCell {
					isText++
					text.Reset()
				}
			case "rPh":
				phonetic++
			case "t":
				if inCell && isText > 0 && phonetic == 0 {
					field = "t"
				}
			case "mergeCell":
				if r, ok := sc.attr("ref"); ok {
					if m, ok := parseArea(r); ok {
						s.merges = append(s.merges, m)
					}
				}
			case "col":
				if h, _ := sc.attr("hidden"); h == "1" || h == "true" {
					lo, _ := sc.attr("min")
					hi, _ := sc.attr("max")
					a, err1 := strconv.Atoi(lo)
					b, err2 := strconv.Atoi(hi)
					if err1 == nil && err2 == nil && a >= 1 && b >= a {
						s.hiddenCols = append(s.hiddenCols, [2]int{a, min(b, maxColumns)})
					}
				}
			}
		case tokText:
			if field != "" && text.Len() < maxCellText {
				text.Write(sc.text)
			}
		case tokEnd:
			switch string(sc.name) {
			case "v":
				if field == "v" {
					cur.value = s.intern(text.Bytes())
					field = ""
				}
			case "f":
				if field == "f" {
					formula := text.String() // a copy
					if formula != "" {
						s.formulas = append(s.formulas, formula)
						cur.formula = int32(len(s.formulas))
					}
					field = ""
					if fType == "shared" {
						idx, err := strconv.Atoi(fIndex)
						if err == nil && idx >= 0 && idx < 1<<30 {
							if formula != "" {
								if _, seen := s.shared[idx]; !seen {
									s.shared[idx] = sharedFormula{col: int(cur.col), row: rowNum, formula: formula}
								}
							} else {
								cur.shared = int32(idx) + 1
							}
						}
					}
				}
			case "t":
				if field == "t" {
					field = ""
				}
			case "rPh":
				phonetic--
			case "is":
				if isText > 0 {
					isText--
					if isText == 0 {
						cur.value = s.intern(text.Bytes())
						typ = "inlineStr"
					}
				}
			case "c":
				if !inCell {
					continue
				}
				inCell, field = false, ""
				rowMax = max(rowMax, int(cur.col))
				p.finishCell(&cur, typ)
				if !cur.hasF && (cur.kind == Blank || cur.kind == Text && strings.Trim(cur.value, " \t\r\n") == "") {
					continue // nothing, or spaces only: read as blank, and costs nothing
				}
				if ctl.maxCol > 0 && int(cur.col) > ctl.maxCol {
					continue
				}
				s.cells++
				if ctl.maxCells > 0 && s.cells > ctl.maxCells {
					return nil, fmt.Errorf("%w: sheet %s holds more than %d cells", ErrTooLarge, sp.name, ctl.maxCells)
				}
				if n := len(row.cells); n > 0 && row.cells[n-1].col >= cur.col {
					insertCell(row, cur)
				} else {
					row.cells = append(row.cells, cur)
				}
			case "row":
				flushRow()
			case "sheetData":
				flushRow()
				if ctl.keep != nil && !asked {
					asked = true
					if !ctl.keep(s) {
						return s, nil
					}
				}
			}
		}
	}
	flushRow()
	s.complete = true
	return s, nil
}

// insertCell puts a cell given out of column order in its place; a second
// cell at the same column replaces the first, as Excel does.
func insertCell(r *xrow, c xcell) {
	i := sort.Search(len(r.cells), func(i int) bool { return r.cells[i].col >= c.col })
	if i < len(r.cells) && r.cells[i].col == c.col {
		r.cells[i] = c
		return
	}
	r.cells = append(r.cells, xcell{})
	copy(r.cells[i+1:], r.cells[i:])
	r.cells[i] = c
}

// maxSharedStrings bounds the shared string table: excelize decodes it
// whole when a result is written, at about 400 bytes a string. Real
// evaluation workbooks hold a few thousand.
const maxSharedStrings = 500_000

// maxCellText is the longest cell text kept: Excel's limit is 32,767
// characters; a longer text (a damaged or hostile file) is cut.
const maxCellText = 32767 * 4

// maxColumns and maxRows are Excel's sheet limits.
const (
	maxColumns = 16384
	maxRows    = 1048576
)

// finishCell sets a cell's kind and value from its type attribute.
func (p *pkg) finishCell(c *xcell, typ string) {
	c.value = strings.TrimRight(c.value, "\x00")
	date := c.kind == Date
	c.kind = Blank
	switch typ {
	case "s":
		idx, err := strconv.Atoi(strings.TrimSpace(c.value))
		if err != nil || idx < 0 || idx >= len(p.strings) {
			c.value = ""
			return
		}
		c.value, c.kind = p.strings[idx], Text
	case "inlineStr", "str":
		c.kind = Text
		if c.value == "" && (typ == "inlineStr" || !c.hasF) {
			c.kind = Blank
		}
	case "b":
		c.kind = Bool
	case "e":
		c.kind = ErrorValue
	case "d":
		c.kind = Date
	default:
		if c.value == "" {
			return
		}
		if _, err := strconv.ParseFloat(c.value, 64); err != nil {
			c.kind = Text
		} else if date {
			c.kind = Date
		} else {
			c.kind = Number
		}
	}
	if c.value == "" && c.kind != Text {
		c.kind = Blank
	}
	if c.kind != Number {
		c.percent = false
	}
}

// cellCoordinates reads "F12" as (6, 12).
func cellCoordinates(ref string) (col, row int, err error) {
	ref = strings.ReplaceAll(ref, "$", "")
	i := 0
	for i < len(ref) && (ref[i] >= 'A' && ref[i] <= 'Z' || ref[i] >= 'a' && ref[i] <= 'z') {
		ch := ref[i] | 0x20
		col = col*26 + int(ch-'a'+1)
		i++
		if col > maxColumns {
			return 0, 0, fmt.Errorf("column out of range in %q", ref)
		}
	}
	if i == 0 || i == len(ref) {
		return 0, 0, fmt.Errorf("not a cell reference: %q", ref)
	}
	row, err = strconv.Atoi(ref[i:])
	if err != nil || row < 1 || row > maxRows {
		return 0, 0, fmt.Errorf("row out of range in %q", ref)
	}
	return col, row, nil
}

// parseArea reads "A1:C3" (or "B2") as a merge area.
func parseArea(s string) (mergeArea, bool) {
	a, b, found := strings.Cut(s, ":")
	if !found {
		b = a
	}
	c1, r1, err1 := cellCoordinates(a)
	c2, r2, err2 := cellCoordinates(b)
	if err1 != nil || err2 != nil {
		return mergeArea{}, false
	}
	return mergeArea{top: min(r1, r2), left: min(c1, c2), bottom: max(r1, r2), right: max(c1, c2)}, true
}
