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
//	mkbook [-password PW] FILE SHEET=TEXT…
//	                         build a workbook from text files (sheet.SheetFromText)
//	dumpsheet FILE SHEET     print a sheet as TSV, values as shown
//	dumpbook FILE            print every sheet, with merges and comments
//
// and $FIXTURES is testdata/files.
func TestScripts(t *testing.T) {
	fixtures, err := filepath.Abs(filepath.Join("testdata", "files"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", fixtures)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sample":    cmdSample,
			"mkbook":    cmdMkbook,
			"dumpsheet": cmdDumpSheet,
			"dumpbook":  cmdDumpBook,
		},
	})
}

func cmdDumpBook(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: dumpbook FILE")
	}
	text, err := sheet.Dump(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Stdout().Write([]byte(text))
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
	var spec sheet.Spec
	if len(args) > 1 && args[0] == "-password" {
		spec.Password, args = args[1], args[2:]
	}
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkbook [-password PW] FILE SHEET=TEXTFILE...")
	}
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
