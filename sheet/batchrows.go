package sheet

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/shopspring/decimal"
)

// BatchRows keeps a run's batch rows (each workbook's BatchDepartments) in
// a temporary file while the run goes on, so that a batch of any number
// of workbooks holds none of them in memory until its summary is made.
// At the end each department comes back without its BatchDetail (Load),
// which is read again one department at a time, by the statistics and
// the summary's rows (BatchDepartment.Detail). Park is safe for several
// jobs at once; Load comes after every Park, from one goroutine, and
// Close after every read.
type BatchRows struct {
	file *SpillFile
	mu   sync.Mutex
	buf  []byte // Park's encoding, reused under mu

	strs map[string]string // Load's strings: each name, group and grade once
}

// BatchSpan is where Park put one workbook's departments.
type BatchSpan struct {
	at   int64
	size int64
	n    int
}

// Len is how many departments the span holds.
func (s BatchSpan) Len() int { return s.n }

// NewBatchRows makes the file of a run's batch rows in dir (the system's
// temporary folder when dir is ""). Close removes it.
func NewBatchRows(dir string) (*BatchRows, error) {
	f, err := NewSpillFile(dir)
	if err != nil {
		return nil, err
	}
	return &BatchRows{file: f, strs: map[string]string{}}, nil
}

// Close removes the file.
func (r *BatchRows) Close() error {
	if r == nil {
		return nil
	}
	return r.file.Close()
}

// Park writes depts to the file.
func (r *BatchRows) Park(depts []BatchDepartment) (BatchSpan, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.buf[:0]
	for i := range depts {
		b = appendDepartment(b, &depts[i])
	}
	r.buf = b[:0]
	at, err := r.file.Append(b)
	if err != nil {
		return BatchSpan{}, err
	}
	return BatchSpan{at: at, size: int64(len(b)), n: len(depts)}, nil
}

// Load reads back the departments of a span without their BatchDetail
// (Detail reads it); BatchRank, BatchOf and CountedIn, the run's own,
// are not kept by Park.
func (r *BatchRows) Load(span BatchSpan) ([]BatchDepartment, error) {
	if span.n == 0 {
		return nil, nil
	}
	rd := &rowReader{r: bufio.NewReaderSize(io.NewSectionReader(r.file, span.at, span.size), 16<<10), at: span.at, end: span.at + span.size, strs: r.strs}
	out := make([]BatchDepartment, span.n)
	for i := range out {
		if err := rd.department(&out[i]); err != nil {
			return nil, fmt.Errorf("batch rows at %d: %w", rd.at, err)
		}
		out[i].rows = r
	}
	if rd.at != rd.end { // the span is its departments, no more, no less
		return nil, fmt.Errorf("batch rows at %d: %w", rd.at, errCorrupt)
	}
	return out, nil
}

// Detail is the department's BatchDetail: its own, or read back from the
// run's batch rows when Load left it there (not kept: each call reads
// it again).
func (d *BatchDepartment) Detail() (*BatchDetail, error) {
	switch {
	case d.BatchDetail != nil:
		return d.BatchDetail, nil
	case d.rows == nil:
		return &BatchDetail{}, nil
	}
	b := make([]byte, d.detailSize)
	if _, err := d.rows.file.ReadAt(b, d.detailAt); err != nil {
		return nil, fmt.Errorf("batch rows at %d: %w", d.detailAt, err)
	}
	rd := &rowReader{r: bytes.NewReader(b), at: d.detailAt, end: d.detailAt + int64(len(b))}
	x, err := rd.detail(uint64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("batch rows at %d: %w", rd.at, err)
	}
	return x, nil
}

// extras reports whether the department has deductions and a rescaled
// total: the summary's extra columns.
func (d *BatchDepartment) extras() (deducted, rescaled bool) {
	if x := d.BatchDetail; x != nil {
		return !x.Deducted.IsZero(), !x.Factor.IsZero()
	}
	return d.deducted, d.rescaled
}

// The encoding: per department its strings, numbers and flags, then its
// BatchDetail, preceded by its size, whose offset Load keeps.

const (
	flagVetoed = 1 << iota
	flagWhole
	flagDeducted
	flagRescaled
)

func appendDepartment(b []byte, d *BatchDepartment) []byte {
	for _, s := range []string{d.Sheet, d.Name, d.Group, d.Tree, d.Names, d.Band} {
		b = appendStr(b, s)
	}
	b = appendNum(b, d.Shown)
	b = appendNum(b, d.Rate)
	b = binary.AppendVarint(b, int64(d.Blocked))
	deducted, rescaled := d.extras()
	var flags byte
	for _, f := range []struct {
		set  bool
		flag byte
	}{{d.Vetoed, flagVetoed}, {d.Whole, flagWhole}, {deducted, flagDeducted}, {rescaled, flagRescaled}} {
		if f.set {
			flags |= f.flag
		}
	}
	b = append(b, flags)
	x := d.BatchDetail
	if x == nil {
		x = &BatchDetail{}
	}
	var xb []byte
	for _, n := range []Num{x.Total, x.Deducted, x.Applicable, x.Factor} {
		xb = appendNum(xb, n)
	}
	xb = appendStr(xb, x.Grade)
	xb = binary.AppendVarint(xb, int64(x.GradeIndex))
	xb = binary.AppendVarint(xb, int64(x.Rank))
	xb = binary.AppendUvarint(xb, uint64(len(x.Level1)))
	for _, l := range x.Level1 {
		xb = appendStr(xb, l.Name)
		var flags byte
		if l.NA {
			flags |= 1
		}
		if l.HasRate {
			flags |= 2
		}
		xb = append(xb, flags)
		xb = appendNum(xb, l.Weight)
		xb = appendNum(xb, l.Score)
		xb = appendNum(xb, l.Rate)
	}
	b = binary.AppendUvarint(b, uint64(len(xb)))
	return append(b, xb...)
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendNum writes a small number as its coefficient and exponent, a big
// one as decimal's binary form.
func appendNum(b []byte, n Num) []byte {
	if n.big == nil {
		b = append(b, 0)
		b = binary.AppendVarint(b, n.coef)
		return binary.AppendVarint(b, int64(n.exp))
	}
	m, err := n.big.MarshalBinary()
	if err != nil { // decimal's own encoding does not fail
		panic(err)
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(m)))
	return append(b, m...)
}

// rowReader decodes what appendDepartment wrote.
type rowReader struct {
	r    byteReader
	at   int64             // the offset in the file of the next byte
	end  int64             // the offset past the last byte there is to read
	strs map[string]string // nil: strings are not shared
	tmp  []byte
}

type byteReader interface {
	io.Reader
	io.ByteReader
}

var errCorrupt = errors.New("corrupt batch rows")

// maxRowBytes bounds what one length in the file may say.
const maxRowBytes = 64 << 20

func (rd *rowReader) byte() (byte, error) {
	c, err := rd.r.ReadByte()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	rd.at++
	return c, err
}

func (rd *rowReader) uvarint() (uint64, error) {
	var x uint64
	var s uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		c, err := rd.byte()
		if err != nil {
			return 0, err
		}
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 { // past 64 bits
				return 0, errCorrupt
			}
			return x | uint64(c)<<s, nil
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
	return 0, errCorrupt
}

func (rd *rowReader) varint() (int64, error) {
	u, err := rd.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x, err
}

func (rd *rowReader) bytes(n uint64) ([]byte, error) {
	if n > maxRowBytes || int64(n) > rd.end-rd.at { // never more than is left
		return nil, errCorrupt
	}
	if uint64(cap(rd.tmp)) < n {
		rd.tmp = make([]byte, n)
	}
	b := rd.tmp[:n]
	k, err := io.ReadFull(rd.r, b)
	rd.at += int64(k)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return b, err
}

func (rd *rowReader) str() (string, error) {
	n, err := rd.uvarint()
	if err != nil {
		return "", err
	}
	b, err := rd.bytes(n)
	if err != nil {
		return "", err
	}
	if rd.strs == nil {
		return string(b), nil
	}
	if s, ok := rd.strs[string(b)]; ok {
		return s, nil
	}
	s := string(b)
	rd.strs[s] = s
	return s, nil
}

func (rd *rowReader) num() (Num, error) {
	tag, err := rd.byte()
	if err != nil {
		return Num{}, err
	}
	switch tag {
	case 0:
		coef, err := rd.varint()
		if err != nil {
			return Num{}, err
		}
		exp, err := rd.varint()
		if err == nil && int64(int32(exp)) != exp {
			err = errCorrupt
		}
		return Num{coef: coef, exp: int32(exp)}, err
	case 1:
		n, err := rd.uvarint()
		if err != nil {
			return Num{}, err
		}
		b, err := rd.bytes(n)
		if err != nil {
			return Num{}, err
		}
		var d decimal.Decimal
		if err := d.UnmarshalBinary(b); err != nil {
			return Num{}, err
		}
		return Num{big: &d}, nil
	}
	return Num{}, errCorrupt
}

// department decodes one department, skipping its detail, whose place
// it keeps.
func (rd *rowReader) department(d *BatchDepartment) error {
	var err error
	for _, s := range []*string{&d.Sheet, &d.Name, &d.Group, &d.Tree, &d.Names, &d.Band} {
		if *s, err = rd.str(); err != nil {
			return err
		}
	}
	if d.Shown, err = rd.num(); err != nil {
		return err
	}
	if d.Rate, err = rd.num(); err != nil {
		return err
	}
	blocked, err := rd.varint()
	if err != nil {
		return err
	}
	d.Blocked = int(blocked)
	flags, err := rd.byte()
	if err != nil {
		return err
	}
	d.Vetoed, d.Whole, d.deducted, d.rescaled = flags&flagVetoed != 0, flags&flagWhole != 0, flags&flagDeducted != 0, flags&flagRescaled != 0
	size, err := rd.uvarint()
	if err != nil {
		return err
	}
	if size > maxRowBytes {
		return errCorrupt
	}
	d.detailAt, d.detailSize = rd.at, int32(size)
	_, err = rd.bytes(size)
	return err
}

// detail decodes a department's BatchDetail of size bytes.
func (rd *rowReader) detail(size uint64) (*BatchDetail, error) {
	x := &BatchDetail{}
	var err error
	for _, n := range []*Num{&x.Total, &x.Deducted, &x.Applicable, &x.Factor} {
		if *n, err = rd.num(); err != nil {
			return nil, err
		}
	}
	if x.Grade, err = rd.str(); err != nil {
		return nil, err
	}
	for _, i := range []*int{&x.GradeIndex, &x.Rank} {
		v, err := rd.varint()
		if err != nil {
			return nil, err
		}
		*i = int(v)
	}
	n, err := rd.uvarint()
	if err != nil {
		return nil, err
	}
	if n > size { // each takes a few bytes
		return nil, errCorrupt
	}
	x.Level1 = make([]BatchLevel1, n)
	for i := range x.Level1 {
		l := &x.Level1[i]
		if l.Name, err = rd.str(); err != nil {
			return nil, err
		}
		flags, err := rd.byte()
		if err != nil {
			return nil, err
		}
		l.NA, l.HasRate = flags&1 != 0, flags&2 != 0
		for _, n := range []*Num{&l.Weight, &l.Score, &l.Rate} {
			if *n, err = rd.num(); err != nil {
				return nil, err
			}
		}
	}
	return x, nil
}
