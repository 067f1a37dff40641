// Command hostile writes the hostile inputs of issue 7 (package
// perfeval/internal/hostile) and compares a perfeval report with the
// outcome expected for each. It is the helper of scripts/hostile.sh.
//
//	hostile make DIR [NAME...]     write each case into DIR/NAME/in; print "NAME<TAB>EXIT<TAB>PATH…"
//	hostile list                   print every case: name, expected outcome, what it is
//	hostile check NAME REPORT      print "got<TAB>want<TAB>yes|no" for the case's report
//
// It does not run perfeval.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"perfeval/internal/hostile"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: hostile make DIR [NAME...] | list | check NAME REPORT")
	}
	switch args[0] {
	case "make":
		if len(args) < 2 {
			return fmt.Errorf("make: no folder given")
		}
		return makeCases(args[1], args[2:])
	case "list":
		for _, c := range hostile.Cases() {
			fmt.Printf("%s\t%s\t%s\n", c.Name, want(c), c.About)
		}
		return nil
	case "check":
		if len(args) != 3 {
			return fmt.Errorf("check: give NAME REPORT")
		}
		c, ok := hostile.Find(args[1])
		if !ok {
			return fmt.Errorf("no case %q", args[1])
		}
		got, err := got(args[2])
		if err != nil {
			return err
		}
		match := "no"
		if got == want(c) {
			match = "yes"
		}
		fmt.Printf("%s\t%s\t%s\n", got, want(c), match)
		return nil
	default:
		return fmt.Errorf("unknown command %q", args[0])
	}
}

func makeCases(dir string, names []string) error {
	for _, c := range hostile.Cases() {
		if len(names) > 0 && !slices.Contains(names, c.Name) {
			continue
		}
		in := filepath.Join(dir, c.Name, "in")
		if err := os.MkdirAll(in, 0o755); err != nil {
			return err
		}
		paths, err := c.Make(in)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		fmt.Printf("%s\t%d\t%s\n", c.Name, c.Exit, strings.Join(paths, "\t"))
	}
	return nil
}

// want is the expected outcome in the form got prints: per input, in
// name order, "name:status[/code@cell]".
func want(c hostile.Case) string {
	var parts []string
	files := slices.Clone(c.Files)
	slices.SortFunc(files, func(a, b hostile.FileWant) int { return strings.Compare(a.Name, b.Name) })
	for _, f := range files {
		parts = append(parts, outcome(f.Name, f.Status, f.Code, f.Cell))
	}
	return strings.Join(parts, " ")
}

func outcome(name, status, code, cell string) string {
	s := name + ":" + status
	if code != "" {
		s += "/" + code
		if cell != "" {
			s += "@" + cell
		}
	}
	return s
}

// got is a report's outcome: per file, its status and its first error.
func got(report string) (string, error) {
	data, err := os.ReadFile(report)
	if err != nil {
		return "", err
	}
	var r struct {
		Files []struct {
			Path     string `json:"path"`
			Status   string `json:"status"`
			Problems []struct {
				Severity, Cell, Code string
			} `json:"problems"`
		} `json:"files"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return "", err
	}
	var parts []string
	for _, f := range r.Files {
		code, cell := "", ""
		for _, p := range f.Problems {
			if p.Severity == "error" {
				code, cell = p.Code, p.Cell
				break
			}
		}
		parts = append(parts, outcome(filepath.Base(f.Path), f.Status, code, cell))
	}
	slices.Sort(parts)
	return strings.Join(parts, " "), nil
}
