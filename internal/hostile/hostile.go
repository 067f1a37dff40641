// Package hostile makes the hostile inputs of issue 7 (bounded reading):
// small workbooks that are real score tables plus one attack each (stray
// cells in far columns, huge merge lists, formulas with no cached value
// that are unbounded, circular or absurd, a big sheet that is not a
// table), and paths that are not regular files. Every file is written by
// code, deterministically, as hand-made XML in a zip, so shapes that
// excelize cannot write cheaply are a few kilobytes.
//
// Each Case also says what the finished perfeval must answer for it with
// the default settings: the exit status, and per input its status, the
// code and cell of the expected error, and its totals; and which files
// the output folder holds afterwards. hostile_test.go asserts these
// outcomes; scripts/hostile.sh prints time and peak memory per case.
//
// It does not run perfeval and does not know how it reads workbooks.
package hostile

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Statuses and problem codes as the --report JSON spells them.
const (
	OK         = "ok"
	Invalid    = "invalid"
	Unreadable = "unreadable"

	CodeFormula    = "formula"
	CodeNotRegular = "not-regular"
)

// Case is one hostile input and the outcome perfeval must give.
type Case struct {
	Name  string // short name; a workbook case writes Name+".xlsx"
	About string // what the attack is, one line

	// Make writes the input(s) into dir and returns the paths to give
	// perfeval (absolute, or outside dir such as /dev/zero).
	Make func(dir string) ([]string, error)

	Exit    int        // exit status of "perfeval run PATHS --out OUT --report R"
	Files   []FileWant // every input's expected entry in the report
	Outputs []string   // the files in OUT afterwards (sorted), nothing else

	// Slow marks a file that takes long to read even when read well:
	// the interruption test's target, not part of the outcome table.
	Slow bool
}

// FileWant is one input's expected entry in the report.
type FileWant struct {
	Name   string // base name of the report's path
	Status string
	// Code and Cell name the error that must be reported (on the score
	// sheet); every error of the file must have Code. Empty: no error.
	Code, Cell string
	// MaxWarnings is how many warnings are tolerated (a header-less
	// column of spaces may get one).
	MaxWarnings int
	// Totals are the departments' totals as the report shows them,
	// "部门A=90.50", for an ok workbook.
	Totals []string
}

// Score sheet layout. Row 1 is the header; F2 is 部门B's first score.
const scoreSheet = "指标"

var header = []string{"一级指标", "分值", "二级指标", "分值", "部门A", "部门B"}

// base is the plain table: weights add to 100, 部门A 90.50, 部门B 88.00.
var base = [][]string{
	header,
	{"决策", "20", "目标设定", "10", "9", "8"},
	{"", "", "决策依据", "10", "8.5", "10"},
	{"过程", "30", "资金管理", "30", "27", "25"},
	{"产出", "50", "产出数量", "25", "24", "20"},
	{"", "", "产出质量", "25", "22", "25"},
}

var baseTotals = []string{"部门A=90.50", "部门B=88.00"}

// table is a score sheet: the base rows (or others), cells replaced by
// raw XML, cells added to the right of the table rows, rows below it.
type table struct {
	rows      [][]string
	raw       map[string]string // ref → the cell's XML, replacing the generated one
	right     func(w *bufio.Writer, r int)
	below     func(w *bufio.Writer) // rows from row len(rows)+2 on
	dimension string
	merges    func(w *bufio.Writer)
	nMerges   int
	shared    []string
}

func (t table) sheet() sheet {
	rows := t.rows
	if rows == nil {
		rows = base
	}
	return sheet{
		name: scoreSheet, dimension: t.dimension, merges: t.merges, nMerges: t.nMerges, sharedStr: t.shared,
		rows: func(w *bufio.Writer) {
			for i, row := range rows {
				r := i + 1
				fmt.Fprintf(w, `<row r="%d">`, r)
				for j, v := range row {
					ref := fmt.Sprintf("%s%d", Col(j+1), r)
					if x, ok := t.raw[ref]; ok {
						w.WriteString(x)
						continue
					}
					w.WriteString(cell(ref, v))
				}
				if t.right != nil {
					t.right(w, r)
				}
				w.WriteString(`</row>`)
			}
			if t.below != nil {
				t.below(w)
			}
		},
	}
}

// first is the first row below the table (a blank row between).
const first = 8

// book is a case made of one workbook, name.xlsx, in dir.
func book(name string, sheets ...sheet) func(dir string) ([]string, error) {
	return func(dir string) ([]string, error) {
		path := filepath.Join(dir, name+".xlsx")
		return []string{path}, writeBook(path, sheets)
	}
}

// okCase is a workbook that must be read as the plain table.
func okCase(name, about string, maxWarn int, sheets ...sheet) Case {
	return Case{
		Name: name, About: about, Make: book(name, sheets...), Exit: 0,
		Files:   []FileWant{{Name: name + ".xlsx", Status: OK, MaxWarnings: maxWarn, Totals: baseTotals}},
		Outputs: []string{name + "_结果.xlsx"},
	}
}

// formulaCase is a workbook whose F2 holds the raw cell XML f (a formula
// with no cached value): an error at F2, code formula, and an annotated
// copy.
func formulaCase(name, about, f string, more ...func(*table)) Case {
	t := table{raw: map[string]string{"F2": f}}
	for _, m := range more {
		m(&t)
	}
	return Case{
		Name: name, About: about, Make: book(name, t.sheet()), Exit: 1,
		// F2 is 部门B's own score: 部门B is blocked, 部门A still scored
		// (spec §8).
		Files:   []FileWant{{Name: name + ".xlsx", Status: Invalid, Code: CodeFormula, Cell: "F2", Totals: []string{"部门A=90.50", "部门B=(invalid)"}}},
		Outputs: []string{name + "_结果.xlsx", name + "_错误.xlsx"},
	}
}

// bothBlocked is a case whose errors are in both departments' scores:
// neither is scored, so there is only the annotated copy.
func bothBlocked(c Case) Case {
	c.Files[0].Totals = []string{"部门A=(invalid)", "部门B=(invalid)"}
	c.Outputs = []string{c.Name + "_错误.xlsx"}
	return c
}

// invalidCase is a table with a score error at F2 (not a number) and an
// attack: invalid, with its annotated copy.
func invalidCase(name, about string, t table) Case {
	return Case{
		Name: name, About: about, Make: book(name, t.sheet()), Exit: 1,
		Files:   []FileWant{{Name: name + ".xlsx", Status: Invalid, Code: "not-number", Cell: "F2", Totals: []string{"部门A=90.50", "部门B=(invalid)"}}},
		Outputs: []string{name + "_结果.xlsx", name + "_错误.xlsx"},
	}
}

// f2 is F2 holding formula (no cached value).
func f2(formula string) string {
	return fmt.Sprintf(`<c r="F2"><f>%s</f></c>`, escape(formula))
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// spaces writes n rows from row first, each with one cell holding a
// single space in column col: an inline string, or shared string 0.
func spaces(col string, n int, shared bool) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		for r := first; r < first+n; r++ {
			if shared {
				fmt.Fprintf(w, `<row r="%d"><c r="%s%d" t="s"><v>0</v></c></row>`, r, col, r)
			} else {
				fmt.Fprintf(w, `<row r="%d"><c r="%s%d" t="inlineStr"><is><t xml:space="preserve"> </t></is></c></row>`, r, col, r)
			}
		}
	}
}

func spaceCase(name, col string, n int, shared bool) Case {
	t := table{below: spaces(col, n, shared)}
	kind := "inline strings"
	if shared {
		t.shared = []string{" "}
		kind = "a shared string"
	}
	return okCase(name, fmt.Sprintf("%d rows below the table, each a single space in column %s (%s)", n, col, kind), 1, t.sheet())
}

// mergeCase is the table with n one-row merges a:b from row first.
func mergeCase(name, a, b string, n int) Case {
	t := table{nMerges: n, merges: func(w *bufio.Writer) {
		for r := first; r < first+n; r++ {
			fmt.Fprintf(w, `<mergeCell ref="%s%d:%s%d"/>`, a, r, b, r)
		}
	}}
	return okCase(name, fmt.Sprintf("%d one-row merges %s:%s below the table", n, a, b), 0, t.sheet())
}

// numbers is a sheet that is no score table: rows × cols numbers.
func numbers(name string, rows, cols int) sheet {
	return sheet{name: name, rows: func(w *bufio.Writer) {
		for r := 1; r <= rows; r++ {
			fmt.Fprintf(w, `<row r="%d">`, r)
			for c := 1; c <= cols; c++ {
				fmt.Fprintf(w, `<c r="%s%d"><v>%d</v></c>`, Col(c), r, 10000+(r%100)*10+c)
			}
			w.WriteString(`</row>`)
		}
	}}
}

// Cases are every hostile input, the plain table first.
func Cases() []Case {
	cs := []Case{
		okCase("control", "the plain score table, nothing hostile", 0, table{}.sheet()),

		// 1, 2: stray spaces far to the right.
		spaceCase("space-xfd-2k", "XFD", 2000, false),
		spaceCase("space-xfd-2k-sst", "XFD", 2000, true),
		spaceCase("space-cv-100k", "CV", 100000, false),
		spaceCase("space-zz-100k-sst", "ZZ", 100000, true),
		spaceCase("space-aaa-20k", "AAA", 20000, false),
		okCase("space-xfd-in-table", "a single space in XFD of every table row, header included, and 2,000 rows below", 1,
			table{below: spaces("XFD", 2000, false), right: func(w *bufio.Writer, r int) {
				fmt.Fprintf(w, `<c r="XFD%d" t="inlineStr"><is><t xml:space="preserve"> </t></is></c>`, r)
			}}.sheet()),

		// 3: merge lists.
		mergeCase("merges-100k", "H", "I", 100000),
		mergeCase("merges-1m", "H", "I", 1000000),
		mergeCase("merges-100k-xfd", "XFC", "XFD", 100000),

		// Invalid workbooks with the same attacks: their annotated copies
		// load the score sheet, which must stay bounded (the sheet's cells
		// are then listed, not marked).
		invalidCase("inv-space-xfd-2k", "the 2,000 spaces in XFD, and 待定 in F2: an annotated copy",
			table{below: spaces("XFD", 2000, false), raw: map[string]string{"F2": cell("F2", "待定")}}),
		invalidCase("inv-merges-1m", "1,000,000 one-row merges, and 待定 in F2: an annotated copy",
			table{nMerges: 1000000, raw: map[string]string{"F2": cell("F2", "待定")}, merges: func(w *bufio.Writer) {
				for r := first; r < first+1000000; r++ {
					fmt.Fprintf(w, `<mergeCell ref="H%d:I%d"/>`, r, r)
				}
			}}),

		// 4, 5, 6 and variants: formulas with no cached value.
		formulaCase("array-xfd", "array formula in F2 over F2:XFD1048576, no cached value",
			`<c r="F2"><f t="array" ref="F2:XFD1048576">G2:XFD1048576*1</f></c>`),
		formulaCase("array-aaa", "array formula in F2 over F2:AAA1048576 summing a whole-sheet range, no cached value",
			`<c r="F2"><f t="array" ref="F2:AAA1048576">SUM(A1:XFD1048576)*G2:AAA1048576</f></c>`),
		formulaCase("rept-len", `LEN(REPT(REPT("x",32767),32767)) in F2, no cached value`,
			f2(`LEN(REPT(REPT("x",32767),32767))`)),
		formulaCase("rept-len-3", `LEN(REPT(REPT(REPT("x",1024),1024),1024)) in F2, no cached value`,
			f2(`LEN(REPT(REPT(REPT("x",1024),1024),1024))`)),
		formulaCase("circular", "F2 = G2+F2, no cached value", f2(`G2+F2`)),
		bothBlocked(formulaCase("circular-pair", "F2 = E3+0 and E3 = F2+0, no cached values: both departments' own scores", f2(`E3+0`),
			func(t *table) { t.raw["E3"] = `<c r="E3"><f>F2+0</f></c>` })),
		formulaCase("circular-chain", "F2 = H2, H2 = H3, …, H10001 = H10002, H10002 = F2: a cycle of 10,002 cells, no cached values", f2(`H2`),
			func(t *table) {
				t.right = func(w *bufio.Writer, r int) {
					if r == 1 { // a notes column: the chain is not read as an unnamed department
						w.WriteString(cell("H1", "备注"))
						return
					}
					fmt.Fprintf(w, `<c r="H%d"><f>H%d</f></c>`, r, r+1)
				}
				t.below = func(w *bufio.Writer) {
					for r := len(base) + 1; r <= 10001; r++ {
						fmt.Fprintf(w, `<row r="%d"><c r="H%d"><f>H%d</f></c></row>`, r, r, r+1)
					}
					w.WriteString(`<row r="10002"><c r="H10002"><f>F2</f></c></row>`)
				}
			}),
		formulaCase("sum-column-self", "F2 = SUM(F:F): a whole column that holds F2 itself", f2(`SUM(F:F)`)),
		formulaCase("sum-sheet-self", "F2 = SUM(A1:XFD1048576): the whole sheet, F2 included", f2(`SUM(A1:XFD1048576)`)),
		formulaCase("indirect-self", `F2 = INDIRECT("F"&ROW()): itself through INDIRECT`, f2(`INDIRECT("F"&ROW())`)),
		formulaCase("indirect-sheet", `F2 = SUM(INDIRECT("A1:XFD1048576")): the whole sheet through INDIRECT`, f2(`SUM(INDIRECT("A1:XFD1048576"))`)),
		formulaCase("deep-parens", "F2 = 1 inside 100,000 nested parentheses (Excel allows 64 levels and 8,192 characters)",
			f2(strings.Repeat("(", 100000)+"1"+strings.Repeat(")", 100000))),

		// Formulas that are fine and must be computed.
		{
			Name: "sum-column-a", About: "F2 = SUM(A:A), no cached value: column A holds only words, so 0",
			Make: book("sum-column-a", table{raw: map[string]string{"F2": f2("SUM(A:A)")}}.sheet()), Exit: 0,
			Files:   []FileWant{{Name: "sum-column-a.xlsx", Status: OK, Totals: []string{"部门A=90.50", "部门B=80.00"}}},
			Outputs: []string{"sum-column-a_结果.xlsx"},
		},
		sharedFormulaCase(),

		// 7: a big sheet that is not a score table, before or after it.
		okCase("big-second-sheet", "a second sheet of 400,000 rows × 10 numbers (≈130 MB unpacked)", 0,
			table{}.sheet(), numbers("数据", 400000, 10)),
		okCase("big-first-sheet", "the same big sheet placed before the score table", 0,
			numbers("数据", 400000, 10), table{}.sheet()),

		// The dimension lies.
		okCase("dimension-xfd", "the score sheet's <dimension> claims A1:XFD1048576", 0,
			table{dimension: "A1:XFD1048576"}.sheet()),

		// 8: paths that are not regular files.
		{
			Name: "not-regular", About: "a FIFO fifo.xlsx, a character device x.xlsx and a directory d.xlsx beside good.xlsx; the folder is given",
			Make: makeSpecials, Exit: 1,
			Files: []FileWant{
				{Name: "d.xlsx", Status: Unreadable, Code: CodeNotRegular},
				{Name: "fifo.xlsx", Status: Unreadable, Code: CodeNotRegular},
				{Name: "good.xlsx", Status: OK, Totals: baseTotals},
				{Name: "x.xlsx", Status: Unreadable, Code: CodeNotRegular},
			},
			Outputs: []string{"good_结果.xlsx", "批量汇总.xlsx"},
		},
		{
			Name: "dev-zero", About: "/dev/zero given as a path", Exit: 1,
			Make:  func(string) ([]string, error) { return []string{"/dev/zero"}, nil },
			Files: []FileWant{{Name: "zero", Status: Unreadable, Code: CodeNotRegular}},
		},
		{
			Name: "fifo-path", About: "a FIFO p.xlsx given as a path", Exit: 1,
			Make: func(dir string) ([]string, error) {
				p := filepath.Join(dir, "p.xlsx")
				return []string{p}, mkfifo(p)
			},
			Files: []FileWant{{Name: "p.xlsx", Status: Unreadable, Code: CodeNotRegular}},
		},

		slowCase(),
	}
	return cs
}

// sharedFormulaCase is a table of 10,000 leaves of weight 0.01 whose
// 20,000 scores are one shared formula, $D2*0.9, with no cached values:
// both departments 90.00.
func sharedFormulaCase() Case {
	const n = 10000
	name := "shared-10k"
	rows := [][]string{header}
	for i := 1; i <= n; i++ {
		l1, w1 := "", ""
		if i == 1 {
			l1, w1 = "产出", "100"
		}
		rows = append(rows, []string{l1, w1, fmt.Sprintf("指标%05d", i), "0.01", "", ""})
	}
	raw := map[string]string{}
	for r := 2; r <= n+1; r++ {
		for _, c := range []string{"E", "F"} {
			ref := fmt.Sprintf("%s%d", c, r)
			if ref == "E2" {
				raw[ref] = fmt.Sprintf(`<c r="E2"><f t="shared" ref="E2:F%d" si="0">$D2*0.9</f></c>`, n+1)
			} else {
				raw[ref] = fmt.Sprintf(`<c r="%s"><f t="shared" si="0"/></c>`, ref)
			}
		}
	}
	return Case{
		Name: name, About: "10,000 leaves whose 20,000 scores are one shared formula ($D2*0.9) with no cached values",
		Make: book(name, table{rows: rows, raw: raw}.sheet()), Exit: 0,
		Files:   []FileWant{{Name: name + ".xlsx", Status: OK, Totals: []string{"部门A=90.00", "部门B=90.00"}}},
		Outputs: []string{name + "_结果.xlsx"},
	}
}

// slowCase is the interruption test's file: the table, then 1,000,000
// rows of 10 shared-string spaces (10,000,000 cells, ≈220 MB unpacked,
// under the default --max-size of 256 MiB). Read well it still takes
// seconds; the expected outcome is the plain table's.
func slowCase() Case {
	const rows = 1000000
	c := Case{
		Name: "slow-10m", Exit: 0,
		Files:   []FileWant{{Name: "slow-10m.xlsx", Status: OK, MaxWarnings: 1, Totals: baseTotals}},
		Outputs: []string{"slow-10m_结果.xlsx"},
	}
	t := table{shared: []string{" "}, below: func(w *bufio.Writer) {
		for r := first; r < first+rows; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="H%d" t="s"><v>0</v></c>`, r, r)
			for range 9 {
				w.WriteString(`<c t="s"><v>0</v></c>`)
			}
			w.WriteString(`</row>`)
		}
	}}
	c.About = "1,000,000 rows × 10 cells (H:Q) each a single space, below the table: 10,000,000 cells"
	c.Make = book(c.Name, t.sheet())
	c.Slow = true
	return c
}

// Find is the case named name.
func Find(name string) (Case, bool) {
	for _, c := range Cases() {
		if c.Name == name {
			return c, true
		}
	}
	return Case{}, false
}

// makeSpecials writes good.xlsx, a FIFO fifo.xlsx, a character device
// x.xlsx (or, when mknod is not allowed, a symbolic link to /dev/zero)
// and a directory d.xlsx into dir, which is the path to give.
func makeSpecials(dir string) ([]string, error) {
	if err := writeBook(filepath.Join(dir, "good.xlsx"), []sheet{table{}.sheet()}); err != nil {
		return nil, err
	}
	if err := mkfifo(filepath.Join(dir, "fifo.xlsx")); err != nil {
		return nil, err
	}
	if err := mkchar(filepath.Join(dir, "x.xlsx")); err != nil {
		if err := os.Symlink("/dev/zero", filepath.Join(dir, "x.xlsx")); err != nil {
			return nil, err
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "d.xlsx"), 0o755); err != nil {
		return nil, err
	}
	return []string{dir}, nil
}
