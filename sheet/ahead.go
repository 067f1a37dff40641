package sheet

import "io"

// aheadChunk is how much a readAhead unpacks at a time.
const aheadChunk = 256 << 10

// readAhead reads rc on a goroutine of its own, up to two chunks ahead of
// its reader: a large sheet part is unpacked on one core while it is
// parsed on another. The goroutine stops on the first error, which the
// reader gets after the bytes before it, or once closed; Close waits for
// it, then closes rc.
func readAhead(rc io.ReadCloser) io.ReadCloser {
	a := &aheadReader{rc: rc, full: make(chan filled, 2), free: make(chan []byte, 3), stop: make(chan struct{}), done: make(chan struct{})}
	for range cap(a.free) {
		a.free <- make([]byte, aheadChunk)
	}
	go a.fill()
	return a
}

type aheadReader struct {
	rc   io.ReadCloser
	full chan filled   // chunks read, in order
	free chan []byte   // chunks to read into
	stop chan struct{} // closed by Close
	done chan struct{} // closed when fill returns
	cur  filled        // the chunk being read from
	off  int           // how far into cur
}

// filled is a chunk, and the error that ended it (nil, io.EOF or a
// failure).
type filled struct {
	b   []byte
	err error
}

func (a *aheadReader) fill() {
	defer close(a.done)
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.stop:
			return
		}
		n, err := 0, error(nil)
		for n < len(buf) && err == nil {
			var m int
			m, err = a.rc.Read(buf[n:])
			n += m
		}
		select {
		case a.full <- filled{b: buf[:n], err: err}:
		case <-a.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *aheadReader) Read(p []byte) (int, error) {
	for a.off == len(a.cur.b) {
		if a.cur.err != nil {
			return 0, a.cur.err
		}
		if a.cur.b != nil {
			a.free <- a.cur.b[:cap(a.cur.b)] // never blocks: free holds every chunk
		}
		a.cur, a.off = <-a.full, 0
	}
	n := copy(p, a.cur.b[a.off:])
	a.off += n
	return n, nil
}

func (a *aheadReader) Close() error {
	close(a.stop)
	<-a.done
	return a.rc.Close()
}
