package sheet

import (
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// TestCRC32Combine: the combined CRC is that of the bytes put together,
// for empty, short and long pieces.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 3<<20)
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	for _, cut := range [][2]int{{0, 0}, {0, 10}, {10, 10}, {1, 2}, {7, 1000}, {1 << 20, 3 << 20}, {5, 3 << 20}, {65536, 65536 + 255}} {
		a, b := data[:cut[0]], data[cut[0]:cut[1]]
		got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), uint64(len(b)))
		if want := crc32.ChecksumIEEE(data[:cut[1]]); got != want {
			t.Errorf("%d + %d bytes: %08x, want %08x", len(a), len(b), got, want)
		}
	}
}

// TestPacker: rows packed as they come are one deflate stream with a head
// and a tail compressed on their own, inflating to the bytes written;
// a packer that cannot write its spool says so when finished; one
// dropped before it is finished stops.
func TestPacker(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var rows bytes.Buffer
	for rows.Len() < 3*packChunk+777 {
		rows.WriteString(`<row r="1"><c r="A1" s="3"><v>`)
		rows.WriteString(string(rune('0' + rng.IntN(10))))
		rows.WriteString(`</v></c></row>`)
	}
	p := newPacker(t.TempDir())
	for b := rows.Bytes(); len(b) > 0; {
		n := min(len(b), 1+rng.IntN(5000))
		p.Write(b[:n])
		b = b[n:]
	}
	if err := p.finish(); err != nil {
		t.Fatal(err)
	}
	head, tail := []byte("<worksheet><sheetData>"), []byte("</sheetData></worksheet>")
	h, err := deflateAlone(head, false)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := deflateAlone(tail, true)
	if err != nil {
		t.Fatal(err)
	}
	r, size, err := p.out.readerAt()
	if err != nil {
		t.Fatal(err)
	}
	packed := make([]byte, size)
	if _, err := r.ReadAt(packed, 0); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	stream := append(append(append([]byte(nil), h...), packed...), tl...)
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(stream)))
	want := append(append(append([]byte(nil), head...), rows.Bytes()...), tail...)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("inflated %d bytes, want %d (%v)", len(got), len(want), err)
	}
	if p.size != uint64(rows.Len()) || p.crc != crc32.ChecksumIEEE(rows.Bytes()) {
		t.Errorf("packer counted %d bytes, crc %08x", p.size, p.crc)
	}
	p.Close()

	defer func(v int) { spoolMemory = v }(spoolMemory)
	spoolMemory = 1 << 10
	p = newPacker(filepath.Join(t.TempDir(), "gone"))
	p.Write(rows.Bytes())
	if err := p.finish(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a packer whose spool cannot be made: %v", err)
	}
	p.Close()

	p = newPacker(t.TempDir())
	p.Write(rows.Bytes()[:packChunk+10])
	p.Close()
	select {
	case <-p.done:
	default:
		t.Error("the packer's goroutine runs after Close")
	}
}

// TestStreamPanicStopsPacker: a sheet whose writing panics (recoverWrite
// makes that the file's failure) stops its packer and drops its spool.
func TestStreamPanicStopsPacker(t *testing.T) {
	defer func(v uint64) { largePart = v }(largePart)
	largePart = 0
	f := excelize.NewFile()
	defer f.Close()
	w, err := newWriter(f, "zh", calc.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	var rows *rowSink
	func() {
		defer func() { recover() }()
		w.stream("得分率", func() error {
			rows = w.out.rows
			for r := 2; r < 5000; r++ {
				if err := w.out.put(1, r, float64(r), 0); err != nil {
					return err
				}
			}
			panic("a writer bug")
		}, func(map[int]float64) []colRange { return nil })
	}()
	if rows == nil || rows.pack == nil {
		t.Fatal("the rows were not packed")
	}
	select {
	case <-rows.pack.done:
	default:
		t.Error("the packer still runs after the panic")
	}
}
