package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"perfeval/sheet"
)

// parkedReports keeps the departments of a run's file reports in a
// temporary file while the run goes on (--report), so that a run of any
// number of workbooks does not hold every department's report until the
// report is written: each file's departments come back, one file at a
// time, as the report is written (encodeReport). Park is safe for
// several jobs at once; loads come after every park, and Close after
// every load.
type parkedReports struct {
	mu   sync.Mutex
	f    *os.File
	size int64
}

// newParkedReports makes the file in dir. Close removes it.
func newParkedReports(dir string) (*parkedReports, error) {
	f, err := os.CreateTemp(dir, sheet.TempPattern())
	if err != nil {
		return nil, err
	}
	return &parkedReports{f: f}, nil
}

// Close removes the file.
func (p *parkedReports) Close() error {
	if p == nil || p.f == nil {
		return nil
	}
	err := sheet.CloseRemove(p.f)
	p.f = nil
	return err
}

// errParkedLost is the reason, wrapped around the cause, that a file's
// departments could not be read back for the report.
var errParkedLost = errors.New("report departments not read back")

// parkedDepartments is where a file report's departments wait, and the
// run's ranks to give them when they come back (setBatchRanks).
type parkedDepartments struct {
	store    *parkedReports
	at, size int64
	ranks    *sheet.BatchFile
}

// park writes the report's departments to p (nothing when p is nil or
// cannot be written); once the file is printed they are dropped
// (outcome.compact), and whole reads them back.
func (fr *FileReport) park(p *parkedReports) {
	if p == nil || len(fr.Departments) == 0 {
		return
	}
	b, err := json.Marshal(fr.Departments)
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.f == nil {
		return
	}
	if _, err := p.f.WriteAt(b, p.size); err != nil {
		return
	}
	fr.parked = &parkedDepartments{store: p, at: p.size, size: int64(len(b))}
	p.size += int64(len(b))
}

// dropParked drops the report's departments once they are parked,
// keeping their count and the grades of those counted (check, which has
// no batch rows to take them from).
func (fr *FileReport) dropParked() {
	if fr.parked == nil {
		return
	}
	fr.counted = nil
	for _, d := range fr.Departments {
		if d.Status == statusOK {
			fr.counted = append(fr.counted, d.GradeLabel)
		}
	}
	fr.departments, fr.compacted = len(fr.Departments), true
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
	if p.store.f == nil {
		return lost(os.ErrClosed)
	}
	var depts []DepartmentReport
	if err := json.NewDecoder(io.NewSectionReader(p.store.f, p.at, p.size)).Decode(&depts); err != nil {
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
