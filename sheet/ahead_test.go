package sheet

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"testing"
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
// read ahead and the carried ones packed anew while 汇总 and 得分率 are
// written, and the result is the same, byte for byte, as when none does.
func TestLargePartsAhead(t *testing.T) {
	defer func(v uint64) { largePart = v }(largePart)
	result := func(threshold uint64) []byte {
		largePart = threshold
		_, out := writeSample(t)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	none, every := result(math.MaxUint64), result(0)
	if !bytes.Equal(none, every) {
		t.Error("the result differs when its parts are read ahead and packed early")
	}

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
