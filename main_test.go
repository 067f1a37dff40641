package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"perfeval/samples"
	"perfeval/sheet"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"perfeval": func() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script. Besides the
// perfeval command they have:
//
//	sample NAME              write samples/NAME (built from its code) here
//	mkbook FILE SHEET=TEXT…  build a workbook from text files (sheet.SheetFromText)
//	dumpsheet FILE SHEET     print a sheet as TSV, values as shown
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sample":    cmdSample,
			"mkbook":    cmdMkbook,
			"dumpsheet": cmdDumpSheet,
		},
	})
}

func cmdSample(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sample NAME")
	}
	spec, ok := samples.All()[args[0]]
	if !ok {
		ts.Fatalf("no sample %s", args[0])
	}
	ts.Check(sheet.Build(ts.MkAbs(args[0]), spec))
}

func cmdMkbook(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkbook FILE SHEET=TEXTFILE...")
	}
	var spec sheet.Spec
	for _, a := range args[1:] {
		name, file, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("mkbook: %q is not SHEET=TEXTFILE", a)
		}
		s, err := sheet.SheetFromText(name, ts.ReadFile(file))
		ts.Check(err)
		spec.Sheets = append(spec.Sheets, s)
	}
	out := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(out), 0o755))
	ts.Check(sheet.Build(out, spec))
}

func cmdDumpSheet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: dumpsheet FILE SHEET")
	}
	text, err := sheet.DumpSheet(ts.MkAbs(args[0]), args[1])
	if neg {
		if err == nil {
			ts.Fatalf("dumpsheet: %s has sheet %s", args[0], args[1])
		}
		return
	}
	ts.Check(err)
	ts.Stdout().Write([]byte(text))
}
