package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"

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
	store    *sheet.SpillFile
	at, size int64
	ranks    *sheet.BatchFile
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

// encodeProblem writes each of p's fields (all text) as its length and
// its bytes: as they are, where JSON would make bytes that are not UTF-8
// (a GBK file name in a message) U+FFFD.
func encodeProblem(p ProblemReport) []byte {
	v := reflect.ValueOf(p)
	var b []byte
	for i := range v.NumField() {
		f := v.Field(i).String()
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// errBadProblem is why a parked problem could not be read back.
var errBadProblem = errors.New("a parked problem is damaged")

// decodeProblem reads what encodeProblem wrote.
func decodeProblem(b []byte) (ProblemReport, error) {
	var p ProblemReport
	v := reflect.ValueOf(&p).Elem()
	for i := range v.NumField() {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return ProblemReport{}, errBadProblem
		}
		v.Field(i).SetString(string(b[k : k+int(n)]))
		b = b[k+int(n):]
	}
	if len(b) != 0 {
		return ProblemReport{}, errBadProblem
	}
	return p, nil
}

// park writes the report's departments to p (nothing when p is nil or
// cannot be written); once the file is printed they are dropped
// (outcome.compact), and whole reads them back.
func (fr *FileReport) park(p *sheet.SpillFile) {
	if p == nil || len(fr.Departments) == 0 {
		return
	}
	b, err := json.Marshal(fr.Departments)
	if err != nil {
		return
	}
	if at, err := p.Append(b); err == nil {
		fr.parked = &parkedDepartments{store: p, at: at, size: int64(len(b))}
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

// problem reads back the problem written at sp.
func (pk *parkedDepartments) problem(sp span) (ProblemReport, error) {
	b := make([]byte, sp.size)
	if _, err := pk.store.ReadAt(b, sp.at); err != nil {
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
	var depts []DepartmentReport
	if err := json.NewDecoder(io.NewSectionReader(p.store, p.at, p.size)).Decode(&depts); err != nil {
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
