package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"unicode/utf8"
)

// scanner reads the tokens of a worksheet part, by hand: start tags (with
// their attributes left raw until asked for), end tags and text. It reads
// what encoding/xml's RawToken reads from a worksheet, for what readSheet
// asks (names without their prefix; text and attribute values with
// entities and character references decoded, CDATA kept, line ends made
// "\n"; comments, processing instructions and DOCTYPE skipped), in a few
// allocations per row instead of a few per token. A tag is bounded by
// maxTag, text by maxCellText (the rest of a longer text is read and
// dropped).
type scanner struct {
	r     *bufio.Reader
	tag   []byte // the current start or end tag, between < and >
	name  []byte // its local name
	attrs []byte // its attributes, raw
	text  []byte // the current text, decoded
	self  bool   // the start tag closes itself: an end token follows
	end   bool   // the pending end token of a self-closing tag
	err   error
}

// Token kinds.
const (
	tokStart = iota + 1
	tokEnd
	tokText
)

// maxTag bounds one tag: cells carry a few short attributes.
const maxTag = 1 << 20

var errTagTooLong = errors.New("a tag longer than 1 MiB")

func newScanner(r io.Reader) *scanner {
	br, _ := readerPool.Get().(*bufio.Reader)
	if br == nil {
		br = bufio.NewReaderSize(r, 64<<10)
	} else {
		br.Reset(r)
	}
	return &scanner{r: br}
}

// readerPool keeps the scanners' 64 KiB buffers for the next sheet: a
// batch of small workbooks reads thousands of sheets.
var readerPool sync.Pool

// release gives the scanner's buffer back; the scanner is not used after.
func (s *scanner) release() {
	if s.r != nil {
		s.r.Reset(nil)
		readerPool.Put(s.r)
		s.r = nil
	}
}

// next reads the next token. keepText says whether text is wanted: when
// not, it is skipped without being decoded.
func (s *scanner) next(keepText bool) (int, error) {
	if s.end {
		s.end = false
		return tokEnd, nil
	}
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return 0, err
		}
		if c != '<' {
			s.r.UnreadByte()
			if err := s.readText(keepText); err != nil && err != io.EOF {
				return 0, err
			}
			if keepText && len(s.text) > 0 {
				return tokText, nil
			}
			continue
		}
		c, err = s.r.ReadByte()
		if err != nil {
			return 0, eofIsCorrupt(err)
		}
		switch c {
		case '/':
			if err := s.readTag(); err != nil {
				return 0, err
			}
			s.name = localName(bytes.TrimRight(s.tag, " \t\r\n"))
			return tokEnd, nil
		case '?':
			if err := s.skipPast("?>"); err != nil {
				return 0, err
			}
		case '!':
			kind, err := s.r.Peek(2)
			switch {
			case err == nil && string(kind) == "--":
				s.r.Discard(2)
				if err := s.skipPast("-->"); err != nil {
					return 0, err
				}
			case err == nil && string(kind) == "[C":
				if err := s.readCDATA(keepText); err != nil {
					return 0, err
				}
				if keepText && len(s.text) > 0 {
					return tokText, nil
				}
			default:
				if err := s.skipDecl(); err != nil {
					return 0, err
				}
			}
		default:
			s.r.UnreadByte()
			if err := s.readTag(); err != nil {
				return 0, err
			}
			tag := s.tag
			s.self = len(tag) > 0 && tag[len(tag)-1] == '/'
			if s.self {
				tag = tag[:len(tag)-1]
			}
			i := 0
			for i < len(tag) && !isSpace(tag[i]) {
				i++
			}
			s.name, s.attrs = localName(tag[:i]), tag[i:]
			s.end = s.self
			return tokStart, nil
		}
	}
}

func eofIsCorrupt(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// readTag reads a tag up to its closing '>', outside quoted values.
func (s *scanner) readTag() error {
	s.tag = s.tag[:0]
	var quote byte
	for {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return eofIsCorrupt(err)
		}
		for _, c := range chunk {
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			}
		}
		if len(s.tag)+len(chunk) > maxTag {
			return errTagTooLong
		}
		s.tag = append(s.tag, chunk...)
		if err == nil && quote == 0 {
			s.tag = s.tag[:len(s.tag)-1] // the '>'
			return nil
		}
	}
}

// skipPast reads up to and past end.
func (s *scanner) skipPast(end string) error {
	last := end[len(end)-1]
	window := make([]byte, 0, len(end))
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return eofIsCorrupt(err)
		}
		if len(window) == len(end) {
			copy(window, window[1:])
			window = window[:len(end)-1]
		}
		window = append(window, c)
		if c == last && string(window) == end {
			return nil
		}
	}
}

// skipDecl skips a <!DOCTYPE …> or other declaration, with its internal
// subset in brackets.
func (s *scanner) skipDecl() error {
	depth := 0
	var quote byte
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return eofIsCorrupt(err)
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			return nil
		}
	}
}

// readCDATA reads <![CDATA[ … ]]> (the "<!" read) as text, kept as it is
// but for line ends.
func (s *scanner) readCDATA(keep bool) error {
	head := make([]byte, 7)
	if _, err := io.ReadFull(s.r, head); err != nil || string(head) != "[CDATA[" {
		return fmt.Errorf("%w: a bad CDATA section", ErrCorrupt)
	}
	var raw []byte
	for {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return eofIsCorrupt(err)
		}
		if !keep && len(raw) > 2 {
			raw = append(raw[:0], raw[len(raw)-2:]...) // only the end matters
		}
		raw = append(raw, chunk...)
		if err == nil && bytes.HasSuffix(raw, []byte("]]>")) {
			break
		}
		if keep && len(raw) > maxCellText+3 {
			raw = append(raw[:maxCellText], raw[len(raw)-3:]...)
		}
	}
	s.text = s.text[:0]
	if !keep {
		return nil
	}
	raw = bytes.TrimSuffix(raw, []byte("]]>"))
	for i := 0; i < len(raw) && len(s.text) < maxCellText; i++ {
		switch c := raw[i]; {
		case c == '\r' && i+1 < len(raw) && raw[i+1] == '\n':
		case c == '\r':
			s.text = append(s.text, '\n')
		default:
			s.text = append(s.text, c)
		}
	}
	return nil
}

// readText reads text up to the next '<', decoded into s.text when keep.
func (s *scanner) readText(keep bool) error {
	s.text = s.text[:0]
	cr := false
	for {
		chunk, err := s.r.ReadSlice('<')
		n := len(chunk)
		if err == nil {
			n-- // the '<' stays for the next token
			s.r.UnreadByte()
		}
		if keep {
			cr = s.appendText(chunk[:n], cr)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return err
	}
}

// appendText decodes raw text into s.text (up to maxCellText bytes).
// cr says whether the text so far ends with a "\r" (made "\n"), so that a
// "\n" right after it is dropped.
func (s *scanner) appendText(raw []byte, cr bool) bool {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if len(s.text) >= maxCellText {
			return false
		}
		switch c {
		case '\r':
			s.text = append(s.text, '\n')
			cr = true
			continue
		case '\n':
			if cr {
				cr = false
				continue
			}
		case '&':
			if r, n := entity(raw[i:]); n > 0 {
				s.text = utf8.AppendRune(s.text, r)
				i += n - 1
				cr = false
				continue
			}
		}
		cr = false
		s.text = append(s.text, c)
	}
	return cr
}

// entity decodes the entity or character reference at the start of b
// ("&amp;", "&#38;", "&#x26;"): the rune and the bytes it takes, or 0
// bytes when it is none (the '&' is then kept, as encoding/xml does when
// not strict).
func entity(b []byte) (rune, int) {
	end := bytes.IndexByte(b[:min(len(b), 16)], ';')
	if end < 2 {
		return 0, 0
	}
	name := b[1:end]
	switch string(name) {
	case "amp":
		return '&', end + 1
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "quot":
		return '"', end + 1
	case "apos":
		return '\'', end + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, 0
	}
	var n uint64
	var err error
	if name[1] == 'x' {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !isXMLChar(rune(n)) {
		return 0, 0
	}
	return rune(n), end + 1
}

// isXMLChar is XML's Char production, as encoding/xml checks it.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// attr is the value of the attribute with local name name in the
// current start tag, decoded.
func (s *scanner) attr(name string) (string, bool) {
	a := s.attrs
	for len(a) > 0 {
		i := 0
		for i < len(a) && isSpace(a[i]) {
			i++
		}
		a = a[i:]
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return "", false
		}
		key := localName(bytes.TrimRight(a[:eq], " \t\r\n"))
		a = a[eq+1:]
		i = 0
		for i < len(a) && isSpace(a[i]) {
			i++
		}
		a = a[i:]
		if len(a) == 0 || a[0] != '"' && a[0] != '\'' {
			return "", false
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return "", false
		}
		val := a[1 : end+1]
		a = a[end+2:]
		if string(key) == name {
			if bytes.IndexByte(val, '&') < 0 && bytes.IndexByte(val, '\r') < 0 {
				return string(val), true
			}
			saved := s.text
			s.text = nil
			s.appendText(val, false)
			v := string(s.text)
			s.text = saved
			return v, true
		}
	}
	return "", false
}

// is reports whether the current tag's local name is name.
func (s *scanner) is(name string) bool { return string(s.name) == name }
