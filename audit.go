package main

import (
	"os"
	"sync"

	"github.com/rs/zerolog"
)

// auditLog appends one JSON event per workbook to a file, so that a
// year-end run can be audited later. A nil *auditLog does nothing.
type auditLog struct {
	mu   sync.Mutex
	file *os.File
	log  zerolog.Logger
}

// openAuditLog opens (or creates) the log file for appending.
func openAuditLog(path string) (*auditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &auditLog{file: f, log: zerolog.New(f).With().Timestamp().Logger()}, nil
}

// Log records one processed workbook: path, SHA-256 of the input, status,
// departments, problem counts, outputs and duration.
func (a *auditLog) Log(o outcome) {
	if a == nil {
		return
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
	a.log.Info().
		Str("event", "workbook").
		Str("path", o.report.Path).
		Str("sha256", o.sha256).
		Str("status", o.report.Status).
		Int("departments", len(o.report.Departments)).
		Int("errors", errs).
		Int("warnings", warns).
		Strs("outputs", outputs).
		Int64("duration_ms", o.took.Milliseconds()).
		Msg("processed")
}

// Close closes the file.
func (a *auditLog) Close() error {
	if a == nil {
		return nil
	}
	return a.file.Close()
}
