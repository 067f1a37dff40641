package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

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
	w := *fr
	w.Departments, w.compacted, w.departments, w.counted, w.parked = depts, false, 0, nil, nil
	if p.ranks != nil {
		setBatchRanks(&w, *p.ranks)
	}
	return w, nil
}
