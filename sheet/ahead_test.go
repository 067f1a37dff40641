package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"

	"perfeval/internal/ziptest"
)

// chunky reads from r at most n bytes at a time, then fails with err
// (unless nil), and counts its Close calls.
type chunky struct {
	r      io.Reader
	n      int
	err    error
	closed int
}

func (c *chunky) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), c.n)])
	if err == io.EOF && c.err != nil {
		err = c.err
	}
	return n, err
}

func (c *chunky) Close() error { c.closed++; return nil }

// TestReadAhead: a reader ahead gives every byte in order, then the error
// that ended them (not io.EOF in its place), again on every later read;
// Close stops it, waiting, even when it is blocked ahead of a reader that
// stopped reading, and closes the part once.
func TestReadAhead(t *testing.T) {
	data := make([]byte, 3*aheadChunk+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	c := &chunky{r: bytes.NewReader(data), n: 7777}
	a := readAhead(c)
	got, err := io.ReadAll(a)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes of %d, err %v", len(got), len(data), err)
	}
	if err := a.Close(); err != nil || c.closed != 1 {
		t.Errorf("Close: %v, part closed %d times", err, c.closed)
	}

	boom := errors.New("flate: corrupt input")
	c = &chunky{r: bytes.NewReader(data[:aheadChunk+100]), n: 5000, err: boom}
	a = readAhead(c)
	got, err = io.ReadAll(a)
	if !errors.Is(err, boom) || !bytes.Equal(got, data[:aheadChunk+100]) {
		t.Fatalf("a failing part: %d bytes, err %v; want %d bytes, then %v", len(got), err, aheadChunk+100, boom)
	}
	if _, err := a.Read(make([]byte, 10)); !errors.Is(err, boom) {
		t.Errorf("a read after the failure: %v", err)
	}
	a.Close()

	endless := &chunky{r: rng2reader{rng}, n: 1 << 16}
	a = readAhead(endless)
	if _, err := io.ReadFull(a, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil || endless.closed != 1 {
		t.Errorf("Close of an endless part: %v, closed %d times", err, endless.closed)
	}
	select {
	case <-a.(*aheadReader).done:
	default:
		t.Error("the goroutine still runs after Close")
	}
}

type rng2reader struct{ r *rand.Rand }

func (r rng2reader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.r.IntN(256))
	}
	return len(p), nil
}

// TestLargePartsAhead: when every part counts as large, the sheets are
// read ahead, the carried ones packed anew while 汇总 and 得分率 are
// written, and the streamed ones packed as they are written; the result
// has the same parts, holding the same bytes under the same headers, as
// when none does, every checksum right, and excelize reads it.
func TestLargePartsAhead(t *testing.T) {
	defer func(v uint64) { largePart = v }(largePart)
	result := func(threshold uint64) (string, []byte) {
		largePart = threshold
		_, out := writeSample(t)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return out, data
	}
	_, none := result(math.MaxUint64)
	for _, threshold := range []uint64{0, 300, 1500} {
		out, every := result(threshold)
		a, b := partsInOrder(t, none), partsInOrder(t, every)
		if len(a) != len(b) {
			t.Fatalf("largePart %d: %d parts, want %d", threshold, len(b), len(a))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("largePart %d: part %d is %.80q, want %.80q", threshold, i, b[i], a[i])
			}
		}
		if bytes.Equal(none, every) {
			t.Errorf("largePart %d: no sheet was packed as written", threshold)
		}
		if _, again := result(threshold); !bytes.Equal(again, every) {
			t.Errorf("largePart %d: a rerun writes other bytes", threshold)
		}
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(LabelsFor("zh").Rates)
		f.Close()
		if err != nil || len(rows) < 3 {
			t.Errorf("largePart %d: 得分率 reads back as %d rows, %v", threshold, len(rows), err)
		}
	}

	largePart = 0
	in, _ := writeSample(t)
	b, err := Open(t.Context(), in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	f, carried, err := b.openCarrying()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	carried.startHeads(t.TempDir())
	if len(carried.heads) != 2 { // 说明 and 指标
		t.Errorf("%d parts packed early, want 2", len(carried.heads))
	}
	carried.close()
	if carried.heads != nil {
		t.Error("close left the parts packed early")
	}
}

// partsInOrder is each part of a zip package, in order: its name, header fields and
// content, read through archive/zip (which checks every CRC-32).
func partsInOrder(t *testing.T, data []byte) []string {
	t.Helper()
	var parts []string
	err := ziptest.Each(data, func(f *zip.File, content []byte) error {
		parts = append(parts, fmt.Sprintf("%s %d %d %d %x %v %q %s", f.Name, f.Flags, f.CreatorVersion, f.ReaderVersion, f.Extra, f.Modified, f.Comment, content))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return parts
}
