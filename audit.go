package main

import (
	"bytes"
	"os"
	"sync"

	"github.com/rs/zerolog"
)

// auditLog appends one JSON event per workbook to a file, so that a
// year-end run can be audited later. A nil *auditLog does nothing.
type auditLog struct {
	mu   sync.Mutex
	file *os.File
	buf  bytes.Buffer
	log  zerolog.Logger
}

// openAuditLog opens (or creates) the log file for appending.
func openAuditLog(path string) (*auditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	a := &auditLog{file: f}
	a.log = zerolog.New(&a.buf).With().Timestamp().Logger()
	return a, nil
}

// Log records one processed workbook: path, SHA-256 of the input, status,
// departments, problem counts, outputs and duration. The line is written
// with one write call and synced; when the write fails partway (a full
// disk), the file is cut back to where it was, so no torn line is left to
// spoil the next run's first event.
func (a *auditLog) Log(o outcome) error {
	if a == nil {
		return nil
	}
	errs, warns := problemCounts(o.report)
	outputs := []string{}
	for _, p := range []string{o.report.Output, o.report.Annotated} {
		if p != "" {
			outputs = append(outputs, p)
		}
	}
	outputs = append(outputs, o.report.Split...)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.buf.Reset()
	a.log.Info().
		Str("event", "workbook").
		Str("path", o.report.Path).
		Str("sha256", o.sha256).
		Str("status", o.report.Status).
		Int("departments", o.report.departmentCount()).
		Int("errors", errs).
		Int("warnings", warns).
		Strs("outputs", outputs).
		Int64("duration_ms", o.took.Milliseconds()).
		Msg("processed")
	return a.append(a.buf.Bytes())
}

// append writes line at the end of the file in one call and syncs it,
// truncating back on failure.
func (a *auditLog) append(line []byte) error {
	info, err := a.file.Stat()
	if err != nil {
		return err
	}
	if _, err := a.file.Write(line); err != nil {
		a.file.Truncate(info.Size())
		return err
	}
	if err := a.file.Sync(); err != nil {
		a.file.Truncate(info.Size())
		return err
	}
	return nil
}

// Close closes the file.
func (a *auditLog) Close() error {
	if a == nil {
		return nil
	}
	return a.file.Close()
}
