package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"perfeval/sheet"
)

// With --report (and check --format json), the departments of each
// file's report wait in a sheet.SpillFile while the run goes on, so that
// a run of any number of workbooks does not hold every department's
// report until the report is written: each file's departments come
// back, one file at a time, as the report is written (encodeReport).

// errParkedLost is the reason, wrapped around the cause, that a file's
// departments could not be read back for the report.
var errParkedLost = errors.New("report departments not read back")

// parkedDepartments is where a file report's departments wait, and the
// run's ranks to give them when they come back (setBatchRanks).
type parkedDepartments struct {
	store *sheet.SpillFile
	depts span // where the departments are
	ranks *sheet.BatchFile
	// The problems found at the end of the run (a department sent
	// twice: in a batch of copies, one per department of every file),
	// in order: those that wait in store, then any kept once store
	// could not be written.
	problems []span
	late     []ProblemReport
}

type span struct{ at, size int64 }

// addLateProblem keeps p, found at the end of the run, with the file's
// parked departments, to come back with them (whole) after the file's
// own problems, in the order added.
func (fr *FileReport) addLateProblem(p ProblemReport) {
	pk := fr.parked
	if len(pk.late) == 0 {
		b := encodeProblem(p)
		if at, err := pk.store.Append(b); err == nil {
			pk.problems = append(pk.problems, span{at, int64(len(b))})
			return
		}
	}
	pk.late = append(pk.late, p)
}

// encodeProblem writes p as parked: each of its fields (all text) as its
// length and its bytes (parkValue).
func encodeProblem(p ProblemReport) []byte {
	b, _ := parkValue(nil, reflect.ValueOf(p)) // text only: no error
	return b
}

// errBadProblem is why a parked problem could not be read back.
var errBadProblem = errors.New("a parked problem is damaged")

// decodeProblem reads what encodeProblem wrote.
func decodeProblem(b []byte) (ProblemReport, error) {
	var p ProblemReport
	if err := unparkAll(b, reflect.ValueOf(&p).Elem()); err != nil {
		return ProblemReport{}, errBadProblem
	}
	return p, nil
}

// errBadParked is why parked bytes could not be read back.
var errBadParked = errors.New("parked bytes are damaged")

// parkValue appends v as a report parks it: a string as its length and
// its bytes, as they are (JSON would make bytes that are not UTF-8, a
// GBK file name, U+FFFD); an int as a varint; a bool as a byte; a slice
// as its length plus one (0: nil) and its elements; a struct as its
// exported fields that JSON writes, in order. What JSON would not keep
// (an unexported field, one tagged "-") is not kept either. Reading this
// back is several times quicker than decoding JSON: a report's
// departments are read back once each, when it is written.
func parkValue(b []byte, v reflect.Value) ([]byte, error) {
	switch v.Kind() {
	case reflect.String:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		return append(b, v.String()...), nil
	case reflect.Int:
		return binary.AppendVarint(b, v.Int()), nil
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case reflect.Slice:
		if v.IsNil() {
			return append(b, 0), nil
		}
		b = binary.AppendUvarint(b, uint64(v.Len())+1)
		var err error
		for i := range v.Len() {
			if b, err = parkValue(b, v.Index(i)); err != nil {
				return nil, err
			}
		}
		return b, nil
	case reflect.Struct:
		var err error
		ok := eachParked(v, func(f reflect.Value) bool {
			b, err = parkValue(b, f)
			return err == nil
		})
		if ok || err != nil {
			return b, err
		}
	}
	return nil, fmt.Errorf("cannot park a %s", v.Type())
}

// eachParked calls fn with each field of the struct v that parkValue
// keeps, in order, until fn returns false; false when it did, or when the
// struct is not parked (parkedFields).
func eachParked(v reflect.Value, fn func(f reflect.Value) bool) bool {
	fields, ok := parkedFields(v.Type())
	for _, i := range fields {
		if !fn(v.Field(i)) {
			return false
		}
	}
	return ok
}

// parkedFieldCache holds each struct type's parkedFields.
var parkedFieldCache sync.Map

// parkedFields are the indexes of the fields of t that parkValue keeps:
// those JSON writes (jsonWritten). A struct with an embedded field (JSON
// writes the fields it promotes) or with none to keep (it would take no
// bytes, and unparkValue takes a byte per element at least to bound a
// list) is not parked: false.
func parkedFields(t reflect.Type) ([]int, bool) {
	if l, ok := parkedFieldCache.Load(t); ok {
		return l.([]int), l.([]int) != nil
	}
	l, ok := jsonWritten(t)
	if !ok || len(l) == 0 {
		l = nil
	}
	parkedFieldCache.Store(t, l)
	return l, l != nil
}

// unparkAll reads into v (settable) what parkValue wrote, all of b.
func unparkAll(b []byte, v reflect.Value) error {
	rest, err := unparkValue(b, v)
	if err == nil && len(rest) != 0 {
		err = errBadParked
	}
	return err
}

// unparkValue reads into v what parkValue wrote at the start of b, and
// returns the rest of b.
func unparkValue(b []byte, v reflect.Value) ([]byte, error) {
	switch v.Kind() {
	case reflect.String:
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, errBadParked
		}
		v.SetString(string(b[k : k+int(n)]))
		return b[k+int(n):], nil
	case reflect.Int:
		n, k := binary.Varint(b)
		if k <= 0 {
			return nil, errBadParked
		}
		v.SetInt(n)
		return b[k:], nil
	case reflect.Bool:
		if len(b) == 0 || b[0] > 1 {
			return nil, errBadParked
		}
		v.SetBool(b[0] == 1)
		return b[1:], nil
	case reflect.Slice:
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k)+1 { // each element takes a byte at least
			return nil, errBadParked
		}
		b = b[k:]
		if n == 0 {
			v.SetZero()
			return b, nil
		}
		s := reflect.MakeSlice(v.Type(), int(n-1), int(n-1))
		var err error
		for i := range int(n - 1) {
			if b, err = unparkValue(b, s.Index(i)); err != nil {
				return nil, err
			}
		}
		v.Set(s)
		return b, nil
	case reflect.Struct:
		var err error
		ok := eachParked(v, func(f reflect.Value) bool {
			b, err = unparkValue(b, f)
			return err == nil
		})
		if ok || err != nil {
			return b, err
		}
	}
	return nil, fmt.Errorf("cannot read back a %s", v.Type())
}

// park writes the report's departments to p (nothing when p is nil or
// cannot be written); once the file is printed they are dropped
// (outcome.compact), and whole reads them back.
func (fr *FileReport) park(p *sheet.SpillFile) {
	if p == nil || len(fr.Departments) == 0 {
		return
	}
	b, err := parkValue(nil, reflect.ValueOf(fr.Departments))
	if err != nil {
		return
	}
	if at, err := p.Append(b); err == nil {
		fr.parked = &parkedDepartments{store: p, depts: span{at, int64(len(b))}}
	}
}

// dropParked drops the report's departments once they are parked,
// keeping their count and the grades of those counted (check, which has
// no batch rows to take them from).
func (fr *FileReport) dropParked() {
	if fr.parked == nil {
		return
	}
	var counted []string
	fr.countedGrades(func(label string) { counted = append(counted, label) })
	fr.counted, fr.departments, fr.compacted = counted, len(fr.Departments), true
	fr.Departments = nil
}

// read reads back the bytes written at sp.
func (pk *parkedDepartments) read(sp span) ([]byte, error) {
	b := make([]byte, sp.size)
	if _, err := pk.store.ReadAt(b, sp.at); err != nil {
		return nil, err
	}
	return b, nil
}

// problem reads back the problem written at sp.
func (pk *parkedDepartments) problem(sp span) (ProblemReport, error) {
	b, err := pk.read(sp)
	if err != nil {
		return ProblemReport{}, err
	}
	return decodeProblem(b)
}

// unparkLate brings the problems added at the end of the run back into
// fr.Problems, in order (and out of the counts of those dropped), for a
// file whose parked departments are dropped (fail, refuse: a --split
// that fails at the end). One that cannot be read back stays counted.
func (fr *FileReport) unparkLate() {
	pk := fr.parked
	if pk == nil {
		return
	}
	back := func(p ProblemReport) {
		fr.Problems = append(fr.Problems, p)
		if p.Severity == "error" {
			fr.droppedErrors--
		} else {
			fr.droppedWarnings--
		}
	}
	for _, sp := range pk.problems {
		if p, err := pk.problem(sp); err == nil {
			back(p)
		}
	}
	for _, p := range pk.late {
		back(p)
	}
	pk.problems, pk.late = nil, nil
}

// whole is the report with its departments, read back when they were
// dropped, with the run's ranks; fr itself is left as it is. A file
// never printed (the run was interrupted before an earlier one was
// done) still has its own.
func (fr *FileReport) whole() (FileReport, error) {
	if fr.parked == nil || !fr.compacted {
		return *fr, nil
	}
	p := fr.parked
	lost := func(cause error) (FileReport, error) {
		return FileReport{}, fmt.Errorf("%w: %s: %w", errParkedLost, fr.Path, cause)
	}
	b, err := p.read(p.depts)
	if err != nil {
		return lost(err)
	}
	var depts []DepartmentReport
	if err := unparkAll(b, reflect.ValueOf(&depts).Elem()); err != nil {
		return lost(err)
	}
	if len(depts) != fr.departments {
		return lost(fmt.Errorf("%d departments, not %d", len(depts), fr.departments))
	}
	problems := slices.Clip(fr.Problems) // appended to below, never into fr's
	for _, sp := range p.problems {
		pr, err := p.problem(sp)
		if err != nil {
			return lost(err)
		}
		problems = append(problems, pr)
	}
	problems = append(problems, p.late...)
	w := *fr
	w.Departments, w.compacted, w.departments, w.counted, w.parked = depts, false, 0, nil, nil
	w.Problems = problems
	if p.ranks != nil {
		setBatchRanks(&w, *p.ranks)
	}
	return w, nil
}
