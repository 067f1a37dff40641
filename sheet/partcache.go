package sheet

import (
	"bytes"
	"errors"
	"hash/maphash"
	"io"
	"sync"
)

// Most small parts of the workbooks a run writes are the same from one
// workbook to the next: the theme, the styles, the content types, the
// relationships, the drawing and often the charts are alike in every
// department's workbook of a --split, and in the results of a batch
// made from one template. Compressing them at level 6 was a tenth of the
// CPU a per-department workbook took. packedParts compresses each such
// part once and gives its compressed bytes again when the same bytes come
// back: a part is found by its bytes (a hash, then the bytes compared
// whole), so what is written is exactly what compressing it again would
// give.

// cachedPartMax is the largest part, unpacked, that is looked up: larger
// parts are compressed as they are written.
const cachedPartMax = 64 << 10

// partCacheMax bounds what packedParts holds (the parts and their
// compressed bytes); past it, it starts afresh.
const partCacheMax = 4 << 20

// partsSeenMax bounds how many parts packedParts remembers having seen
// once; past it, it forgets them.
const partsSeenMax = 4096

// partCache keeps the compressed bytes of parts seen twice.
type partCache struct {
	mu    sync.Mutex
	seed  maphash.Seed
	seen  map[uint64]bool // hashes of parts compressed once, not kept
	parts map[uint64][]cachedPart
	size  int    // bytes held in parts
	hits  uint64 // parts given from the cache, for tests
}

type cachedPart struct {
	raw, packed []byte
}

var packedParts = &partCache{seed: maphash.MakeSeed()}

// packed is raw compressed by zipWriters' compressor: from the cache when
// the same bytes were compressed before, else compressed now, and kept
// when these bytes were seen once before.
func (c *partCache) packed(raw []byte) ([]byte, error) {
	h := maphash.Bytes(c.seed, raw)
	c.mu.Lock()
	for _, p := range c.parts[h] {
		if bytes.Equal(p.raw, raw) {
			c.hits++
			c.mu.Unlock()
			return p.packed, nil
		}
	}
	keep := c.seen[h]
	c.mu.Unlock()

	var b bytes.Buffer
	fw, err := zipWriters.get(&b)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(raw); err != nil {
		fw.Close()
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	packed := b.Bytes()

	c.mu.Lock()
	defer c.mu.Unlock()
	if !keep {
		if len(c.seen) >= partsSeenMax {
			clear(c.seen)
		}
		if c.seen == nil {
			c.seen = map[uint64]bool{}
		}
		c.seen[h] = true
		return packed, nil
	}
	for _, p := range c.parts[h] { // kept meanwhile by another job
		if bytes.Equal(p.raw, raw) {
			return packed, nil
		}
	}
	if c.size+len(raw)+len(packed) > partCacheMax {
		clear(c.parts)
		c.size = 0
	}
	if c.parts == nil {
		c.parts = map[uint64][]cachedPart{}
	}
	c.parts[h] = append(c.parts[h], cachedPart{raw: bytes.Clone(raw), packed: packed})
	c.size += len(raw) + len(packed)
	delete(c.seen, h)
	return packed, nil
}

// cachingWriter is zipDeflate's compressor: it holds a part while it is
// at most cachedPartMax and writes its compressed bytes (packedParts)
// when closed; a larger part goes to a compressor as it comes.
type cachingWriter struct {
	dst    io.Writer
	buf    *[]byte        // the part so far, from partBuffers
	fw     io.WriteCloser // once the part is larger
	closed bool
}

var errPartClosed = errors.New("sheet: a part written after it was closed")

var partBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func newCachingWriter(dst io.Writer) *cachingWriter {
	return &cachingWriter{dst: dst, buf: partBuffers.Get().(*[]byte)}
}

func (c *cachingWriter) Write(p []byte) (int, error) {
	if c.closed {
		return 0, errPartClosed
	}
	if c.fw != nil {
		return c.fw.Write(p)
	}
	if len(*c.buf)+len(p) <= cachedPartMax {
		*c.buf = append(*c.buf, p...)
		return len(p), nil
	}
	fw, err := zipWriters.get(c.dst)
	if err != nil {
		return 0, err
	}
	c.fw = fw
	_, err = fw.Write(*c.buf)
	c.release()
	if err != nil {
		return 0, err
	}
	return fw.Write(p)
}

func (c *cachingWriter) Close() error {
	if c.closed {
		return errPartClosed
	}
	c.closed = true
	if c.fw != nil {
		return c.fw.Close()
	}
	packed, err := packedParts.packed(*c.buf)
	c.release()
	if err != nil {
		return err
	}
	_, err = c.dst.Write(packed)
	return err
}

// release gives the part's buffer back.
func (c *cachingWriter) release() {
	if c.buf != nil {
		*c.buf = (*c.buf)[:0]
		partBuffers.Put(c.buf)
		c.buf = nil
	}
}
