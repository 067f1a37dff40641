package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// A large streamed sheet (得分率 of 5,000 departments is 30 MB of XML) is
// compressed while it is written, a chunk at a time on a goroutine of its
// own, rather than once it is whole: its rows are one deflate stream,
// flushed but not ended, and when the package is saved the head (views,
// widths, the first row) and the tail are compressed each on its own and
// put on either side, which is a valid deflate stream (a flush leaves the
// stream at a byte boundary, and no back reference crosses it). The
// entry's CRC-32 is combined from the three. A sheet under largePart is
// kept as written and compressed whole when saved, as before.

// rowSink takes a streamed sheet's rows as they are written: in a spool
// until they pass largePart, then packed as they come.
type rowSink struct {
	raw  *spool
	n    uint64 // bytes in raw
	pack *packer
	dir  string
}

func newRowSink(dir string) *rowSink { return &rowSink{raw: &spool{dir: dir}, dir: dir} }

func (r *rowSink) Write(p []byte) (int, error) {
	if r.pack == nil && r.n+uint64(len(p)) > largePart {
		r.pack = newPacker(r.dir)
		rd, err := r.raw.reader()
		if err == nil {
			_, err = pooledCopy(r.pack, rd)
		}
		r.raw.Close()
		r.raw = nil
		if err != nil {
			return 0, err
		}
	}
	if r.pack != nil {
		return r.pack.Write(p)
	}
	r.n += uint64(len(p))
	return r.raw.Write(p)
}

// finish ends the writing: the rows packed so far are all there once it
// returns (nil when they fail).
func (r *rowSink) finish() error {
	if r.pack == nil {
		return nil
	}
	return r.pack.finish()
}

// reader reads the rows as written; only for rows not packed.
func (r *rowSink) reader() (io.Reader, error) { return r.raw.reader() }

// Close drops the rows, packed or not; it stops a packer not finished.
func (r *rowSink) Close() error {
	if r == nil {
		return nil
	}
	if r.pack != nil {
		return r.pack.Close()
	}
	return r.raw.Close()
}

// packChunk is how much of a sheet's rows the packer takes at a time:
// the compressor's own block size.
const packChunk = 128 << 10

// packer compresses what is written to it on a goroutine of its own, up
// to three chunks behind the writer, into a spool: a deflate stream flushed
// at the end but not ended (see above).
type packer struct {
	out  *spool
	full chan []byte // chunks written, in order
	free chan []byte // chunks to write into
	cur  []byte
	done chan struct{} // closed when run returns
	// set by run, read once done is closed
	crc   uint32 // of the bytes written
	size  uint64
	err   error
	ended bool // full is closed
}

func newPacker(dir string) *packer {
	p := &packer{out: &spool{dir: dir}, full: make(chan []byte, 2), free: make(chan []byte, 4), done: make(chan struct{})}
	for range cap(p.free) - 1 {
		p.free <- make([]byte, 0, packChunk)
	}
	p.cur = make([]byte, 0, packChunk)
	go p.run()
	return p
}

func (p *packer) run() {
	defer close(p.done)
	fw, err := fastWriters.get(p.out)
	if err != nil {
		p.err = err
	}
	for b := range p.full {
		if p.err == nil {
			p.crc = crc32.Update(p.crc, crc32.IEEETable, b)
			p.size += uint64(len(b))
			_, p.err = fw.Write(b)
		}
		p.free <- b[:0]
	}
	if fw != nil {
		if p.err == nil {
			p.err = fw.(*keptWriter).Flush()
		}
		fw.(*keptWriter).release()
	}
}

func (p *packer) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		k := copy(p.cur[len(p.cur):cap(p.cur)], b)
		p.cur, b = p.cur[:len(p.cur)+k], b[k:]
		if len(p.cur) == cap(p.cur) {
			p.full <- p.cur
			p.cur = <-p.free
		}
	}
	return n, nil
}

// finish packs the last chunk and waits for the goroutine: its error.
func (p *packer) finish() error {
	if !p.ended {
		if len(p.cur) > 0 {
			p.full <- p.cur
		}
		p.cur = nil
		close(p.full)
		p.ended = true
	}
	<-p.done
	p.free = nil // the chunks go
	return p.err
}

// Close stops the packer and drops what it packed.
func (p *packer) Close() error {
	p.finish()
	return p.out.Close()
}

// release gives the compressor back without ending its stream (a packer
// flushes its own).
func (k *keptWriter) release() {
	select {
	case k.kept.free <- k.Writer:
	default:
	}
	k.Writer = nil
}

// writePacked writes the part f, head then the packed rows then tail, as
// a deflate entry whose compressed bytes are put together from the three
// (see above). The entry's header is the one zip.Writer.CreateHeader
// would write.
func writePacked(zw *zip.Writer, f *zip.File, head []byte, rows *packer, tail []byte) error {
	if err := rows.finish(); err != nil {
		return err
	}
	h, err := deflateAlone(head, false)
	if err != nil {
		return err
	}
	t, err := deflateAlone(tail, true)
	if err != nil {
		return err
	}
	r, size, err := rows.out.readerAt()
	if err != nil {
		return err
	}
	crc := crc32Combine(crc32.ChecksumIEEE(head), rows.crc, rows.size)
	crc = crc32Combine(crc, crc32.ChecksumIEEE(tail), uint64(len(tail)))
	fh := &zip.FileHeader{
		Name:               f.Name,
		Method:             zip.Deflate,
		Modified:           f.Modified,
		Flags:              0x8, // sizes and CRC after the data, as CreateHeader writes them
		CreatorVersion:     20,
		ReaderVersion:      20,
		CRC32:              crc,
		CompressedSize64:   uint64(len(h)) + uint64(size) + uint64(len(t)),
		UncompressedSize64: uint64(len(head)) + rows.size + uint64(len(tail)),
	}
	if !f.Modified.IsZero() {
		m := f.Modified
		fh.ModifiedDate = uint16(m.Day() + int(m.Month())<<5 + (m.Year()-1980)<<9)
		fh.ModifiedTime = uint16(m.Second()/2 + m.Minute()<<5 + m.Hour()<<11)
		// the extended timestamp, as CreateHeader writes it
		fh.Extra = binary.LittleEndian.AppendUint16(fh.Extra, 0x5455)
		fh.Extra = binary.LittleEndian.AppendUint16(fh.Extra, 5)
		fh.Extra = append(fh.Extra, 1)
		fh.Extra = binary.LittleEndian.AppendUint32(fh.Extra, uint32(m.Unix()))
	}
	w, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	if _, err := w.Write(h); err != nil {
		return err
	}
	if _, err := pooledCopy(w, io.NewSectionReader(r, 0, size)); err != nil {
		return err
	}
	_, err = w.Write(t)
	return err
}

// deflateAlone compresses b as a deflate stream of its own, at the level
// of the large sheets: ended when last, else flushed to a byte boundary
// and left open for more.
func deflateAlone(b []byte, last bool) ([]byte, error) {
	var out bytes.Buffer
	fw, err := fastWriters.get(&out)
	if err != nil {
		return nil, err
	}
	kw := fw.(*keptWriter)
	if _, err := kw.Write(b); err != nil {
		kw.release()
		return nil, err
	}
	if last {
		err = kw.Close()
	} else {
		err = kw.Flush()
		kw.release()
	}
	return out.Bytes(), err
}

// crc32Combine is the IEEE CRC-32 of a followed by b, from a's CRC, b's
// CRC and b's length (zlib's crc32_combine: b's length in zero bits
// applied to a's CRC by squaring the CRC's shift operator).
func crc32Combine(crcA, crcB uint32, lenB uint64) uint32 {
	if lenB == 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = crc32.IEEE // the operator for one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd) // one zero byte, then 4, 16, …
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}
