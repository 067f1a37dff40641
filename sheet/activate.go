package sheet

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// The result workbook and the annotated copy carry the input's sheets as
// they were: excelize copies a sheet it never loaded byte for byte, and
// loading one costs what the sheet claims to be (excelize fills every row
// out to its last column: a single cell in column XFD makes each row
// 16,384 cells). Making the first sheet the active, only selected tab is
// the one change those sheets need, and excelize's SetActiveSheet loads
// every sheet to make it. So it is done here, on the saved package: the
// workbook view's active tab, and the tabSelected flag in the few bytes
// before each sheet's data.

// saveCarrying saves f atomically at path, marked m and never encrypted,
// with the sheet named first (unless "") moved to the front, active and
// the only one selected, and the column widths of streamed sheets (cols,
// see insertCols) put in. For a workbook opened with openCarrying, the
// parts named in carried are copied in place of the stubs excelize wrote.
// Large parts spool in tmpDir ("": the system's temporary folder). With
// settle, the file's last step is left to run on its own (Settle).
func saveCarrying(f *excelize.File, carried *carrying, path, first string, m Mark, cols map[string]*streamedSheet, tmpDir string, settle *Settle) error {
	if err := setMark(f, m); err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error {
		buf, err := writeBuffer(f, excelize.Options{})
		if err != nil {
			return err
		}
		return firstActive(buf.Bytes(), first, cols, carried, tmpDir, w)
	}, settle)
}

// carrying is the input's parts a result carries (openCarrying: its
// sheets and its theme), by name, and those of them already being
// compressed anew (startHeads: large sheets).
type carrying struct {
	parts map[string]*zip.File
	heads map[string]*compressed
}

// largePart is the size of a sheet part, unpacked, from which a result
// starts compressing it anew (startHeads) while its own sheets are
// written, instead of once they are: a score sheet of a million cells
// takes a quarter of a second to unpack and pack again, and a core is
// free while 汇总 and 得分率 are written. Smaller parts wait, as every
// part does in a batch of small workbooks, whose jobs keep the cores
// busy. Parts this large are also unpacked a chunk ahead of their
// parsing when read (readAhead), and a streamed sheet's rows are packed
// as they are written once they pass it (rowSink). A variable for tests.
var largePart uint64 = 1 << 20

// startHeads starts compressing anew each large carried part, as
// firstActive would for a sheet that is not the one made first: its tab
// selection dropped, its dimension put in. firstActive takes them; close
// waits for and drops those it did not.
func (c *carrying) startHeads(tmpDir string) {
	if c == nil {
		return
	}
	for name, f := range c.parts {
		if f.UncompressedSize64 < largePart || name == themePart {
			continue
		}
		if c.heads == nil {
			c.heads = map[string]*compressed{}
		}
		c.heads[name] = compress(func(zw *zip.Writer) error { return rewriteSheetHead(zw, f, true, false) }, tmpDir)
	}
}

// close waits for the parts startHeads started and drops them.
func (c *carrying) close() {
	if c == nil {
		return
	}
	for _, h := range c.heads {
		<-h.done
		h.buf.Close()
	}
	c.heads = nil
}

// part is the carried part named name, or nil.
func (c *carrying) part(name string) *zip.File {
	if c == nil {
		return nil
	}
	return c.parts[name]
}

// takeHead takes the part named name as startHeads compresses it, when
// that is how firstActive writes it (views, not selected); else nil.
func (c *carrying) takeHead(name string, views, selected bool) *compressed {
	if c == nil || !views || selected {
		return nil
	}
	h := c.heads[name]
	delete(c.heads, name)
	return h
}

var (
	sheetEntry  = regexp.MustCompile(`<(\w+:)?sheet\s[^>]*?(/>|>\s*</(\w+:)?sheet>)`)
	nameAttr    = regexp.MustCompile(`\sname="([^"]*)"`)
	localSheet  = regexp.MustCompile(`localSheetId="(\d+)"`)
	activeTab   = regexp.MustCompile(`\s(activeTab|firstSheet)="[^"]*"`)
	tabSelected = regexp.MustCompile(`\stabSelected="[^"]*"`)
	viewTag     = regexp.MustCompile(`<(\w+:)?workbookView\b|<(\w+:)?sheetView\b`)
)

// headLimit is how far into a sheet part its sheetView is looked for:
// the views come before the sheet's data, after at most the column list.
const headLimit = 4 << 20

// firstActive rewrites a package so that the sheet named first (unless
// first is "") is the first, the active tab and the only selected one,
// and so that each sheet named in cols gets that <cols> element, the
// column widths of a sheet excelize's StreamWriter wrote (setting them
// through it, range by range, is quadratic in columns). Other parts are
// copied raw; those named in carried are taken from there (the input's
// sheets, for which excelize had stubs). The package goes to out as
// stableZip writes it: parts in a stable order, written once, straight
// into the file (a result of 5,000 departments is 15 MB, not to be held
// in memory twice).
func firstActive(data []byte, first string, cols map[string]*streamedSheet, carried *carrying, tmpDir string, out io.Writer) error {
	p, err := openLayout(data)
	if err != nil {
		return err
	}
	if len(p.sheets) == 0 && (carried == nil || len(carried.parts) == 0) { // else below, so that no stub is left in place of a carried part
		return stableZip(data, out)
	}
	wbPath := p.workbook
	sheetParts := map[string]bool{}
	colsOf := map[string]*streamedSheet{}
	firstPath := ""
	for _, sp := range p.sheets {
		sheetParts[sp.path] = true
		if sp.name == first {
			firstPath = sp.path
		}
		if c, ok := cols[sp.name]; ok {
			colsOf[sp.path] = c
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	files := stableOrder(zr.File)
	// The sheets are compressed side by side, each into a zip of its own
	// (the input's score sheet, when its tab selection changes, and the
	// large sheets written), spooled (a temporary file past a few MiB),
	// then copied in order.
	sheets := map[string]*compressed{}
	defer func() {
		for _, c := range sheets {
			c.buf.Close()
		}
	}()
	for _, f := range files {
		if c := carried.part(f.Name); c != nil {
			f = c
		}
		var write func(zw *zip.Writer) error
		switch {
		case f.Name == wbPath && first != "":
		case colsOf[f.Name] != nil:
			write = func(zw *zip.Writer) error {
				return writeStreamed(zw, f, first != "", f.Name == firstPath, colsOf[f.Name])
			}
		case sheetParts[f.Name]: // its tab selection, or a dimension excelize left at A1
			if h := carried.takeHead(f.Name, first != "", f.Name == firstPath); h != nil {
				sheets[f.Name] = h
				continue
			}
			write = func(zw *zip.Writer) error { return rewriteSheetHead(zw, f, first != "", f.Name == firstPath) }
		}
		if write != nil {
			sheets[f.Name] = compress(write, tmpDir)
		}
	}
	var firstErr error
	wait := func() { // every goroutine is done before firstActive returns
		for _, c := range sheets {
			<-c.done
		}
	}
	zw := newZipWriter(out)
	for _, f := range files {
		if c := carried.part(f.Name); c != nil {
			f = c
		}
		if c := sheets[f.Name]; c != nil {
			<-c.done
			if err := c.copyTo(zw); err != nil && firstErr == nil {
				firstErr = err
			}
			continue
		}
		if firstErr != nil {
			continue
		}
		switch {
		case f.Name == contentTypes:
			firstErr = writeContentTypes(zw, f)
		case f.Name == wbPath && first != "":
			part, err := readPart(f, headLimit)
			if err == nil {
				part = editTag(moveSheetFirst(part, first), "workbookView", func(tag []byte) []byte {
					return activeTab.ReplaceAll(tag, nil)
				})
				err = writePart(zw, f, part, nil)
			}
			firstErr = err
		default:
			firstErr = copyRaw(zw, f)
		}
	}
	wait()
	if firstErr != nil {
		return firstErr
	}
	return zw.Close()
}

// compressing bounds the parts compressed at once across the process, one
// per core: jobs writing workbooks side by side share the cores, and each
// compressor holds about a megabyte.
var compressing = make(chan struct{}, runtime.GOMAXPROCS(0))

// compressed is one part written into a zip of its own.
type compressed struct {
	buf  *spool
	err  error
	done chan struct{}
}

// compress writes a part with write into a zip of its own, spooled in
// tmpDir, on a goroutine of its own once a core is free (compressing).
func compress(write func(zw *zip.Writer) error, tmpDir string) *compressed {
	c := &compressed{done: make(chan struct{}), buf: &spool{dir: tmpDir}}
	go func() {
		defer close(c.done)
		compressing <- struct{}{}
		defer func() { <-compressing }()
		zw := zip.NewWriter(c.buf)
		zw.RegisterCompressor(zip.Deflate, fastDeflate)
		if c.err = write(zw); c.err == nil {
			c.err = zw.Close()
		}
	}()
	return c
}

// copyTo copies the part, compressed as it is, into zw.
func (c *compressed) copyTo(zw *zip.Writer) error {
	if c.err != nil {
		return c.err
	}
	r, size, err := c.buf.readerAt()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if err := copyRaw(zw, f); err != nil {
			return err
		}
	}
	return nil
}

// moveSheetFirst moves the sheet named first to the front of the
// workbook's sheet list, and renumbers the sheet-scoped defined names
// (print titles) that point at sheets by position.
func moveSheetFirst(wb []byte, first string) []byte {
	entries := sheetEntry.FindAllIndex(wb, -1)
	from := -1
	for i, e := range entries {
		if m := nameAttr.FindSubmatch(wb[e[0]:e[1]]); m != nil && html.UnescapeString(string(m[1])) == first {
			from = i
		}
	}
	if from <= 0 {
		return wb
	}
	moved := wb[entries[from][0]:entries[from][1]]
	var out []byte
	out = append(out, wb[:entries[0][0]]...)
	out = append(out, moved...)
	out = append(out, wb[entries[0][0]:entries[from][0]]...)
	out = append(out, wb[entries[from][1]:]...)
	return localSheet.ReplaceAllFunc(out, func(m []byte) []byte {
		n, err := strconv.Atoi(string(localSheet.FindSubmatch(m)[1]))
		switch {
		case err != nil:
			return m
		case n == from:
			n = 0
		case n < from:
			n++
		}
		return []byte(`localSheetId="` + strconv.Itoa(n) + `"`)
	})
}

// editTag applies edit to the first start tag named local (any prefix).
func editTag(part []byte, local string, edit func(tag []byte) []byte) []byte {
	loc := viewTag.FindIndex(part)
	for loc != nil {
		end := bytes.IndexByte(part[loc[0]:], '>')
		if end < 0 {
			return part
		}
		tag := part[loc[0] : loc[0]+end]
		if bytes.Contains(tag[:min(len(tag), len(local)+8)], []byte(local)) {
			edited := edit(append([]byte(nil), tag...))
			out := append(append(append([]byte(nil), part[:loc[0]]...), edited...), part[loc[0]+end:]...)
			return out
		}
		next := viewTag.FindIndex(part[loc[0]+end:])
		if next == nil {
			return part
		}
		loc = []int{loc[0] + end + next[0], loc[0] + end + next[1]}
	}
	return part
}

// rewriteSheetHead drops tabSelected from a sheet's views, or sets it on
// the first sheet (when views), and puts in the used range where the
// sheet's <dimension> says A1 but it holds more (excelize writes A1 for
// the sheets it makes); it copies the part raw when nothing changes, as
// it does every input sheet that declares its size.
func rewriteSheetHead(zw *zip.Writer, f *zip.File, views, selected bool) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	head := make([]byte, 0, 4096)
	bufp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bufp)
	buf := *bufp
	for len(head) < headLimit && !bytes.Contains(head, []byte("sheetData")) {
		n, err := rc.Read(buf)
		head = append(head, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	cut := bytes.Index(head, []byte("sheetData"))
	if cut < 0 {
		cut = len(head)
	}
	before := head[:cut]
	has := views && tabSelected.Match(before)
	dim := dimensionTag.Find(before)
	fix := dim != nil && bytes.Contains(dim, []byte(`ref="A1"`))
	if fix {
		ref, err := usedRange(f)
		if err != nil {
			return err
		}
		fix = ref != "" && ref != "A1"
		if fix {
			before = dimensionTag.ReplaceAll(before, []byte(`<dimension ref="`+ref+`"/>`))
		}
	}
	if !has && !(views && selected) && !fix {
		rc.Close()
		return copyRaw(zw, f)
	}
	if views {
		before = selectView(before, selected)
	}
	newHead := append(append([]byte(nil), before...), head[cut:]...)
	return writePart(zw, f, newHead, rc)
}

// usedRange is the range of the cells a sheet part holds (A1:H40), read
// once through, a chunk at a time (an input sheet of a million cells is
// 40 MB): "" when it holds none.
func usedRange(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	pattern := []byte(`<c r="`)
	minCol, minRow, maxCol, maxRow := 0, 0, 0, 0
	cell := func(ref []byte) {
		col, row, err := cellCoordinates(string(ref))
		if err != nil {
			return
		}
		if maxRow == 0 {
			minCol, minRow = col, row
		}
		minCol, minRow = min(minCol, col), min(minRow, row)
		maxCol, maxRow = max(maxCol, col), max(maxRow, row)
	}
	chunkBuf, dataBuf := copyBuffers.Get().(*[]byte), copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(chunkBuf)
	defer copyBuffers.Put(dataBuf)
	chunk, data := *chunkBuf, (*dataBuf)[:0] // data: what is left of the last chunk, then this one
	for {
		n, err := rc.Read(chunk)
		data = append(data, chunk[:n]...)
		i := 0
		for {
			j := bytes.Index(data[i:], pattern)
			if j < 0 {
				i = max(i, len(data)-len(pattern)+1) // a pattern cut at the end
				break
			}
			start := i + j + len(pattern)
			end := bytes.IndexByte(data[start:], '"')
			if end < 0 {
				if len(data)-start > 32 { // no reference is that long
					i = start
					continue
				}
				i += j // the reference goes on in the next chunk
				break
			}
			cell(data[start : start+end])
			i = start + end
		}
		data = append(data[:0], data[i:]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	if maxRow == 0 {
		return "", nil
	}
	first, last := columnName(minCol)+strconv.Itoa(minRow), columnName(maxCol)+strconv.Itoa(maxRow)
	if first == last {
		return first, nil
	}
	return first + ":" + last, nil
}

// selectView sets or drops tabSelected in a sheet's views.
func selectView(views []byte, selected bool) []byte {
	edited := editTag(views, "sheetView", func(tag []byte) []byte {
		tag = tabSelected.ReplaceAll(tag, nil)
		if selected {
			tag = append(tag, ` tabSelected="1"`...)
		}
		return tag
	})
	if !selected {
		edited = tabSelected.ReplaceAll(edited, nil)
	}
	return edited
}

// writeStreamed writes a streamed sheet's part: the empty sheet excelize
// wrote, with its views edited (when views), its widths and its rows.
func writeStreamed(zw *zip.Writer, f *zip.File, views, selected bool, s *streamedSheet) error {
	part, err := readPart(f, headLimit)
	if err != nil {
		return err
	}
	head, tail, err := s.fill(part)
	if err != nil {
		return err
	}
	if views {
		head = selectView(head, selected)
	}
	head = append(head, s.first...) // the first row, held back
	if s.rows.pack != nil {
		return writePacked(zw, f, head, s.rows.pack, tail)
	}
	rows, err := s.rows.reader()
	if err != nil {
		return err
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
	if err != nil {
		return err
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := pooledCopy(w, rows); err != nil {
		return err
	}
	_, err = w.Write(tail)
	return err
}

func readPart(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}

// writePart writes a part anew: head, then the rest of rest when given.
func writePart(zw *zip.Writer, f *zip.File, head []byte, rest io.Reader) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
	if err != nil {
		return err
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	if rest != nil {
		_, err = pooledCopy(w, rest)
	}
	return err
}

// fastDeflate compresses the large sheets of a result (written row by
// row, or the input's score sheet with its tab selection edited) at
// flate.BestSpeed: for 5,000 departments × 200 indicators it takes
// about a third of the time of the default level, for a result about a
// tenth larger (see the README, Performance). The bytes are the same
// from one run to the next.
func fastDeflate(w io.Writer) (io.WriteCloser, error) { return fastWriters.get(w) }

// zipDeflate compresses every other part at level 6, with its
// compressors kept by keptWriters rather than archive/zip's sync.Pool,
// which the collector empties: in a batch, most workbooks made a new
// one. A small part already compressed in this run is not compressed
// again (packedParts).
//
// Both levels are klauspost/compress's deflate rather than the standard
// library's: on the parts of a batch's result workbook it takes a third
// of the time of compress/flate's level 5 (which archive/zip uses) for
// parts 1–2 % larger, and resetting a kept compressor does not clear
// 640 KB of hash tables, as compress/flate's does at every part. Any
// deflate reader unpacks them; the bytes are the same from one run to
// the next.
func zipDeflate(w io.Writer) (io.WriteCloser, error) { return newCachingWriter(w), nil }

// newZipWriter is zip.NewWriter compressing with zipDeflate: every zip
// the sheet package writes but the sheet parts compressed side by side
// (fastDeflate) goes through it.
func newZipWriter(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, zipDeflate)
	return zw
}

var (
	fastWriters = keptWriters{level: flate.BestSpeed, free: make(chan *flate.Writer, cap(compressing))}
	zipWriters  = keptWriters{level: 6, free: make(chan *flate.Writer, cap(compressing))}
)

// keptWriters keeps compressors of one level for the next part: a
// compressor holds most of a megabyte, so a run makes about one per
// core instead of one per part or workbook. More are made when more
// parts are compressed at once; those are dropped once closed.
type keptWriters struct {
	level int
	free  chan *flate.Writer
}

func (k *keptWriters) get(w io.Writer) (io.WriteCloser, error) {
	select {
	case fw := <-k.free:
		fw.Reset(w)
		return &keptWriter{fw, k}, nil
	default:
	}
	fw, err := flate.NewWriter(w, k.level)
	if err != nil {
		return nil, err
	}
	return &keptWriter{fw, k}, nil
}

// keptWriter gives its compressor back once closed.
type keptWriter struct {
	*flate.Writer
	kept *keptWriters
}

func (p *keptWriter) Close() error {
	err := p.Writer.Close()
	select {
	case p.kept.free <- p.Writer:
	default:
	}
	p.Writer = nil
	return err
}

func copyRaw(zw *zip.Writer, f *zip.File) error {
	if strings.HasSuffix(f.Name, "/") {
		// A folder entry, which some zip tools write (Java's, deflated,
		// with a data descriptor): no part of a workbook, and
		// archive/zip writes no data under such a name.
		return nil
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return err
	}
	fh := f.FileHeader // CreateRaw and Close write sizes into it, and one part may be copied into files written at once (a blank's theme)
	w, err := zw.CreateRaw(&fh)
	if err != nil {
		return err
	}
	_, err = pooledCopy(w, raw)
	return err
}

// pooledCopy is io.Copy with a buffer from copyBuffers.
func pooledCopy(w io.Writer, r io.Reader) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	return io.CopyBuffer(w, r, *buf)
}

// copyBuffers are the buffers parts are copied through: a result copies
// most of its input's parts, and a batch has thousands of them.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
