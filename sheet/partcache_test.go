package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/maphash"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	kflate "github.com/klauspost/compress/flate"
)

// deflated is raw compressed by a compressor of zipWriters' level made
// for it alone: what packedParts must give.
func deflated(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	fw, err := kflate.NewWriter(&b, zipWriters.level)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(raw)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func inflated(t *testing.T, packed []byte) []byte {
	t.Helper()
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(packed)))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// somePart is a part of n bytes of XML-like text made from seed.
func somePart(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, `<a:srgbClr val="%06X"/><c r="B%d" s="%d"><v>%d</v></c>`, rng.IntN(1<<24), rng.IntN(500), rng.IntN(40), rng.IntN(100))
	}
	return b.Bytes()[:n]
}

// TestPackedParts: a part comes back compressed exactly as a compressor
// of its own compresses it, the first time, the second (when it is
// kept) and from then on (from the cache); a kept part with the same
// hash but other bytes is not taken for it; the cache's size and the
// parts it remembers stay within their bounds.
func TestPackedParts(t *testing.T) {
	c := &partCache{seed: maphash.MakeSeed()}
	parts := [][]byte{{}, []byte("x"), []byte(strings.Repeat("<sheetData/>", 300)), somePart(1, 7269), somePart(2, cachedPartMax)}
	for round := 1; round <= 3; round++ {
		for i, raw := range parts {
			got, err := c.packed(raw)
			if err != nil {
				t.Fatal(err)
			}
			if want := deflated(t, raw); !bytes.Equal(got, want) {
				t.Errorf("round %d, part %d (%d bytes): %d compressed bytes differ from a compressor's own %d", round, i, len(raw), len(got), len(want))
			}
			if !bytes.Equal(inflated(t, got), raw) {
				t.Errorf("round %d, part %d: does not inflate to the part", round, i)
			}
		}
		if want := uint64(max(0, round-2) * len(parts)); c.hits != want {
			t.Errorf("after round %d: %d parts from the cache, want %d", round, c.hits, want)
		}
	}

	// Another part under the same hash: compared whole, never taken.
	raw := somePart(3, 5000)
	h := maphash.Bytes(c.seed, raw)
	c.parts[h] = append(c.parts[h], cachedPart{raw: somePart(4, 5000), packed: []byte("not this")})
	c.seen[h] = true
	for range 2 {
		got, err := c.packed(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, deflated(t, raw)) {
			t.Fatal("a part with the same hash and other bytes was taken for it")
		}
	}

	// Bounds: parts kept (each seen twice) never hold more than
	// partCacheMax; parts seen once are forgotten past partsSeenMax.
	c = &partCache{seed: maphash.MakeSeed()}
	big := somePart(5, cachedPartMax)
	for i := range 2 * partCacheMax / cachedPartMax {
		p := append([]byte(fmt.Sprint(i)), big...)
		for range 2 {
			if _, err := c.packed(p); err != nil {
				t.Fatal(err)
			}
		}
		if c.size > partCacheMax {
			t.Fatalf("after %d parts kept the cache holds %d bytes, past %d", i+1, c.size, partCacheMax)
		}
	}
	if c.size == 0 || len(c.parts) == 0 {
		t.Error("nothing kept")
	}
	for i := range partsSeenMax + 10 {
		if _, err := c.packed([]byte(fmt.Sprint("once ", i))); err != nil {
			t.Fatal(err)
		}
		if len(c.seen) > partsSeenMax {
			t.Fatalf("%d parts remembered, past %d", len(c.seen), partsSeenMax)
		}
	}
}

// TestPackedPartsTogether: jobs compressing the same parts at once each
// get the bytes a compressor of their own gives (run with -race).
func TestPackedPartsTogether(t *testing.T) {
	c := &partCache{seed: maphash.MakeSeed()}
	var parts, want [][]byte
	for i := range 6 {
		parts = append(parts, somePart(uint64(10+i), 2000+3000*i))
		want = append(want, deflated(t, parts[i]))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for k := range 200 {
				i := (g + k) % len(parts)
				got, err := c.packed(parts[i])
				if err != nil || !bytes.Equal(got, want[i]) {
					errs <- fmt.Sprintf("job %d, part %d: %d bytes (%v)", g, i, len(got), err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if c.hits == 0 {
		t.Error("no part came from the cache")
	}
}

// TestCachingWriter: zip parts written through zipDeflate, in pieces,
// small and past cachedPartMax, read back as written; a small part's
// compressed bytes are a compressor's own, the same the second time it
// is written.
func TestCachingWriter(t *testing.T) {
	small, large := somePart(20, 9000), somePart(21, 3*cachedPartMax+123)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, zipDeflate)
	rng := rand.New(rand.NewPCG(8, 9))
	for _, p := range []struct {
		name string
		data []byte
	}{{"a.xml", small}, {"big.xml", large}, {"b.xml", small}, {"c.xml", small}, {"empty.xml", nil}} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		for b := p.data; len(b) > 0; {
			n := min(len(b), 1+rng.IntN(20000))
			if _, err := w.Write(b[:n]); err != nil {
				t.Fatal(err)
			}
			b = b[n:]
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"a.xml": small, "big.xml": large, "b.xml": small, "c.xml": small, "empty.xml": nil}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc) // checks the CRC and size too
		rc.Close()
		if err != nil || !bytes.Equal(got, want[f.Name]) {
			t.Errorf("%s: read back %d bytes, want %d (%v)", f.Name, len(got), len(want[f.Name]), err)
		}
		if len(want[f.Name]) > cachedPartMax {
			continue
		}
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		packed, _ := io.ReadAll(raw)
		if !bytes.Equal(packed, deflated(t, want[f.Name])) {
			t.Errorf("%s: compressed bytes differ from a compressor's own", f.Name)
		}
	}
}

// TestCachingWriterClosed: a part written to or closed again once closed
// is an error, small or large, not a panic.
func TestCachingWriterClosed(t *testing.T) {
	for _, n := range []int{10, cachedPartMax + 1} {
		var b bytes.Buffer
		w, err := zipDeflate(&b)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(somePart(30, n))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("x")); err != errPartClosed {
			t.Errorf("%d bytes: a write after Close: %v", n, err)
		}
		if err := w.Close(); err != errPartClosed {
			t.Errorf("%d bytes: Close twice: %v", n, err)
		}
		if !bytes.Equal(inflated(t, b.Bytes()), somePart(30, n)) {
			t.Errorf("%d bytes: not the part", n)
		}
	}
}
