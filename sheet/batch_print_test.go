package sheet

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"perfeval/calc"
)

// batchOf builds a batch by hand: per group, departments of two level-1
// indicators (管理 40, 产出 60, or 投入 50, 效果 50 for a second group)
// with the given total rates, in rank order, in files a.xlsx (modified
// first) and b.xlsx (modified last); departments of a group alternate
// between the files.
func batchOf(rates ...[]string) *Batch {
	s := calc.DefaultSettings()
	s.Year, s.Evaluator = "2024", "某市财政局"
	b := &Batch{Files: []BatchFile{
		{Path: "in/a.xlsx", Status: "ok", Output: "out/a_结果.xlsx", Modified: time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC), Settings: s},
		{Path: "in/b.xlsx", Status: "ok", Output: "out/b_结果.xlsx", Modified: time.Date(2024, 3, 5, 9, 30, 0, 0, time.UTC), Settings: s},
	}}
	names := [][2]BatchColumn{
		{{"管理", decimal.NewFromInt(40)}, {"产出", decimal.NewFromInt(60)}},
		{{"投入", decimal.NewFromInt(50)}, {"效果", decimal.NewFromInt(50)}},
	}
	for gi, group := range rates {
		cols := names[gi%2]
		g := BatchGroup{Level1: cols[:], Ranked: len(group)}
		for i, r := range group {
			rate := decimal.RequireFromString(r)
			total := rate.Mul(calc.Hundred)
			label, index := s.Grade(total)
			d := BatchDepartment{Sheet: "指标", Name: fmt.Sprintf("部门%d-%d", gi+1, i+1), Group: strconv.Itoa(gi),
				Shown: NumOf(total), Rate: NumOf(rate), Band: label, BatchRank: i + 1, BatchOf: len(group),
				BatchDetail: &BatchDetail{Total: NumOf(total), Grade: label, GradeIndex: index, Rank: i + 1}}
			for _, c := range cols {
				d.Level1 = append(d.Level1, BatchLevel1{Name: c.Name, Weight: NumOf(c.Weight), HasRate: true, Score: NumOf(c.Weight.Mul(rate)), Rate: NumOf(rate)})
			}
			fi := i % 2
			b.Files[fi].Departments = append(b.Files[fi].Departments, d)
			g.Rows = append(g.Rows, BatchRef{File: fi, Dept: len(b.Files[fi].Departments) - 1})
		}
		for _, c := range cols {
			g.Stats = append(g.Stats, BatchStat{Name: c.Name, Weight: c.Weight, Count: len(group), Mean: decimal.RequireFromString(group[0]), Median: decimal.RequireFromString(group[0]),
				Min: decimal.RequireFromString(group[len(group)-1]), Max: decimal.RequireFromString(group[0])})
		}
		g.Stats = append(g.Stats, BatchStat{Total: true, Weight: s.TotalPoints, Count: len(group)})
		b.Groups = append(b.Groups, g)
	}
	return b
}

// printTitlesOf maps sheet index to its print titles.
func printTitlesOf(workbook string) map[string]string {
	out := map[string]string{}
	re := regexp.MustCompile(`<definedName localSheetId="(\d+)" name="_xlnm.Print_Titles"[^>]*>([^<]*)</definedName>`)
	for _, m := range re.FindAllStringSubmatch(workbook, -1) {
		out[m[1]] = strings.ReplaceAll(m[2], "&#39;", "'")
	}
	return out
}

// chartsOf are the chart parts, by the sheet of the first range they
// point at.
func chartsOf(parts map[string]string) map[string]string {
	out := map[string]string{}
	re := regexp.MustCompile(`<f>&#39;([^&]+)&#39;!`)
	for name, x := range parts {
		if strings.HasPrefix(name, "xl/charts/chart") {
			if m := re.FindStringSubmatch(x); m != nil {
				out[m[1]] = x
			}
		}
	}
	return out
}

// pointFills are the fill colours of a chart's points, in order.
func pointFills(chart string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<dPt><idx val="(\d+)"/>.*?<a:solidFill><a:srgbClr val="([0-9A-F]{6})"/>`).FindAllStringSubmatch(chart, -1) {
		out = append(out, m[1]+":"+m[2])
	}
	return out
}

// TestBatchSummaryPrintsAndCharts reads a batch summary of one group back:
// every sheet's page setup, footer and print titles; the dimensions; the
// document properties (the evaluation of the first file, the time of the
// last modified); the charts of grades and of total rates, their series'
// ranges and their points' grade colours; and a rerun writes the same
// bytes.
func TestBatchSummaryPrintsAndCharts(t *testing.T) {
	b := batchOf([]string{"0.95", "0.85", "0.83", "0.55"})
	b.Roster = &RosterCheck{Path: "roster.txt", Entries: []RosterEntry{{Name: "部门1-1", Files: []string{"in/a.xlsx"}}, {Name: "部门9"}}}
	path := filepath.Join(t.TempDir(), "批量汇总.xlsx")
	if err := WriteBatchSummary(path, "zh", b); err != nil {
		t.Fatal(err)
	}
	parts, sheets := zipParts(t, path)
	names := []string{"部门汇总", "统计", "名单核对", "文件清单", "等级分布", "总分分布"}
	for _, name := range names {
		x := sheets[name]
		assertPrinted(t, name, x)
		if attrOf(t, x, "pageSetup", "fitToWidth") == "" {
			t.Errorf("%s page setup: %s", name, regexp.MustCompile(`<pageSetup[^>]*>`).FindString(x))
		}
	}
	// 部门汇总: rank, department, 2 × (score, rate), total, rate, grade,
	// file, sheet, rank in workbook, state = 13 columns; title, header, 4
	// departments. 统计: 2 indicators and the total under a header. 总分分布:
	// 50–60% … 90–100%.
	dims := map[string]string{"部门汇总": "A1:M6", "统计": "A1:G4", "名单核对": "A1:C3", "文件清单": "A1:H3", "等级分布": "A1:B4", "总分分布": "A1:B6"}
	for name, want := range dims {
		if got := attrOf(t, sheets[name], "dimension", "ref"); got != want {
			t.Errorf("%s dimension %s, want %s", name, got, want)
		}
	}
	if !strings.Contains(sheets["部门汇总"], `<mergeCell ref="A1:M1"`) {
		t.Errorf("the title is not merged across the table: %s", regexp.MustCompile(`<mergeCells.*</mergeCells>`).FindString(sheets["部门汇总"]))
	}
	// Every sheet repeats its header row; 部门汇总 rank and department
	// when it spans pages across.
	titles := printTitlesOf(parts["xl/workbook.xml"])
	for i, name := range names {
		q := "'" + name + "'!"
		want := q + "$1:$1"
		if name == "部门汇总" {
			want = q + "$2:$2"
		}
		if got := titles[strconv.Itoa(i)]; got != want && got != q+"$A:$B,"+want && got != q+"$A:$A,"+want {
			t.Errorf("%s print titles %q, want %q", name, got, want)
		}
	}
	// Document properties.
	core := parts["docProps/core.xml"]
	for _, want := range []string{"<dc:creator>perfeval</dc:creator>", "<dc:title>2024年度某市财政局部门整体支出绩效评价</dc:title>",
		`<dcterms:created xsi:type="dcterms:W3CDTF">2024-03-05T09:30:00Z`, `<dcterms:modified xsi:type="dcterms:W3CDTF">2024-03-05T09:30:00Z`} {
		if !strings.Contains(core, want) {
			t.Errorf("core.xml lacks %s:\n%s", want, core)
		}
	}
	if !strings.Contains(parts["docProps/app.xml"], "<Application>perfeval</Application>") {
		t.Errorf("app.xml: %s", parts["docProps/app.xml"])
	}
	if font := regexp.MustCompile(`<fonts[^>]*><font>.*?</font>`).FindString(parts["xl/styles.xml"]); !strings.Contains(font, `<name val="等线"`) {
		t.Errorf("the default font is not 等线: %s", font)
	}
	// The charts: one bar per row of their table, in the grade colours
	// (优 green, 良 blue, 中 yellow, 差 red); a range's colour is that of
	// the grade of its lower end.
	charts := chartsOf(parts)
	green, blue, yellow, red := gradeColors[0].Fill, gradeColors[1].Fill, gradeColors[2].Fill, gradeColors[3].Fill
	for _, c := range []struct {
		sheet string
		rows  int
		fills []string
		dump  string
	}{
		{"等级分布", 3, []string{"0:" + green, "1:" + blue, "2:" + red}, "等级\t部门数\n优\t1\n良\t2\n差\t1\n"},
		{"总分分布", 5, []string{"0:" + red, "1:" + yellow, "2:" + yellow, "3:" + blue, "4:" + green},
			"得分率区间\t部门数\n50%–60%\t1\n60%–70%\t0\n70%–80%\t0\n80%–90%\t2\n90%–100%\t1\n"},
	} {
		chart := charts[c.sheet]
		q := "&#39;" + c.sheet + "&#39;!"
		for _, want := range []string{"<barDir val=\"col\"", "<f>" + q + "$B$1</f>", fmt.Sprintf("<f>%s$A$2:$A$%d</f>", q, c.rows+1), fmt.Sprintf("<f>%s$B$2:$B$%d</f>", q, c.rows+1), `varyColors val="0"`} {
			if !strings.Contains(chart, want) {
				t.Errorf("%s chart lacks %s:\n%s", c.sheet, want, chart)
			}
		}
		if got := pointFills(chart); strings.Join(got, " ") != strings.Join(c.fills, " ") {
			t.Errorf("%s chart points %v, want %v", c.sheet, got, c.fills)
		}
		if got, err := DumpSheet(path, c.sheet); err != nil || got != c.dump {
			t.Errorf("%s:\n%s%v", c.sheet, got, err)
		}
	}
	// The charts stand at D2, beside their tables, and are kept whole on
	// the page (portrait: the table and the chart fit across).
	for _, name := range []string{"等级分布", "总分分布"} {
		if o := attrOf(t, sheets[name], "pageSetup", "orientation"); o != "portrait" {
			t.Errorf("%s prints %s", name, o)
		}
	}
	for name, x := range parts {
		if strings.HasPrefix(name, "xl/drawings/drawing") && strings.HasSuffix(name, ".xml") && !strings.Contains(x, "<xdr:from><xdr:col>3</xdr:col><xdr:colOff>") {
			t.Errorf("%s: a chart not in column D:\n%s", name, x)
		}
	}
	// A rerun writes the same bytes.
	one, _ := os.ReadFile(path)
	if !bytes.Equal(one, summaryBytes(t, filepath.Join(t.TempDir(), "批量汇总.xlsx"), "zh", b)) {
		t.Error("a rerun wrote other bytes")
	}
}

// summaryBytes writes b's batch summary at path and returns its bytes.
func summaryBytes(t *testing.T, path, lang string, b *Batch) []byte {
	t.Helper()
	if err := WriteBatchSummary(path, lang, b); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestBatchSummaryBlocksPrint: with several groups, 部门汇总 repeats no
// header row (each block has its own) but keeps a block whole on a page
// (every page break is at a block's caption), its captions leave the rank
// column narrow, 统计's captions are merged across its table; English
// names the sheets, the charts and the ranges.
func TestBatchSummaryBlocksPrint(t *testing.T) {
	var first []string
	for i := range 45 {
		first = append(first, fmt.Sprintf("0.%02d", 95-i))
	}
	b := batchOf(first, []string{"0.91", "0.62", "0.40"}, []string{"0.88", "0.70"})
	path := filepath.Join(t.TempDir(), "batch-summary.xlsx")
	if err := WriteBatchSummary(path, "en", b); err != nil {
		t.Fatal(err)
	}
	parts, sheets := zipParts(t, path)
	x := sheets["Departments"]
	if x == "" {
		t.Fatalf("no sheet Departments: %v", sheets)
	}
	if got := printTitlesOf(parts["xl/workbook.xml"])["0"]; got != "" && got != "'Departments'!$A:$B" {
		t.Errorf("Departments print titles %q: a header row of one block", got)
	}
	// Blocks: caption 2, header 3, 45 departments 4–48; blank 49, caption
	// 50, header 51, 52–54; blank 55, caption 56, header 57, 58–59.
	captions := map[string]bool{"50": true, "56": true}
	breaks := regexp.MustCompile(`<brk id="(\d+)"`).FindAllStringSubmatch(x, -1)
	if len(breaks) == 0 {
		t.Errorf("no page break: %s", regexp.MustCompile(`<rowBreaks.*</rowBreaks>`).FindString(x))
	}
	for _, m := range breaks {
		n, _ := strconv.Atoi(m[1])
		if !captions[strconv.Itoa(n+1)] {
			t.Errorf("a page break before row %d, not at a block's caption", n+1)
		}
	}
	if w, _ := strconv.ParseFloat(regexp.MustCompile(`<col min="1" max="1" width="([0-9.]+)"`).FindStringSubmatch(x)[1], 64); w > 10 {
		t.Errorf("the rank column is %g wide", w)
	}
	if got := attrOf(t, x, "dimension", "ref"); got != "A1:M59" {
		t.Errorf("Departments dimension %s", got)
	}
	for _, want := range []string{`<mergeCell ref="A1:G1"`, `<mergeCell ref="A7:G7"`, `<mergeCell ref="A13:G13"`} {
		if !strings.Contains(sheets["Statistics"], want) {
			t.Errorf("Statistics lacks %s: %s", want, regexp.MustCompile(`<mergeCells.*</mergeCells>`).FindString(sheets["Statistics"]))
		}
	}
	charts := chartsOf(parts)
	for sheet, title := range map[string]string{"Grades": "Departments by grade", "Totals": "Departments by total rate"} {
		if !strings.Contains(charts[sheet], "<a:t>"+title+"</a:t>") {
			t.Errorf("%s chart has no title %q:\n%s", sheet, title, charts[sheet])
		}
	}
	// 0.40 is in 40–50%: the ranges start there.
	if got, _ := DumpSheet(path, "Totals"); !strings.HasPrefix(got, "Total rate\tDepartments\n40%–50%\t1\n50%–60%\t9\n") {
		t.Errorf("Totals:\n%s", got)
	}
}
