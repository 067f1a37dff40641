package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestPrintProblemsErrorsFirst: an error listed after more warnings than
// are printed is still printed, before the warnings.
func TestPrintProblemsErrorsFirst(t *testing.T) {
	fr := FileReport{Path: "a.xlsx", Status: statusInvalid}
	for i := range maxPrinted + 5 {
		fr.Problems = append(fr.Problems, ProblemReport{Severity: "warning", Sheet: "指标", Cell: fmt.Sprintf("D%d", i+2), Message: "warn"})
	}
	fr.Problems = append(fr.Problems, ProblemReport{Severity: "error", Sheet: "指标", Cell: "D99", Message: "blocking"})
	var w bytes.Buffer
	printProblems(&w, "perfeval: ", "zh", fr)
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	if !strings.Contains(lines[0], "指标!D99: blocking") {
		t.Errorf("first line %q, want the error", lines[0])
	}
	if !strings.Contains(lines[len(lines)-1], "另有 6 条问题未列出") {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
	if fr.Problems[0].Severity != "warning" {
		t.Error("printProblems reordered the report's problems")
	}
}
