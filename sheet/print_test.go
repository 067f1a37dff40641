package sheet

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/internal/ziptest"
)

// zipParts reads every part of the package at path, and maps sheet names
// to their parts.
func zipParts(t *testing.T, path string) (parts map[string]string, sheets map[string]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ziptest.Parts(data)
	if err != nil {
		t.Fatal(err)
	}
	parts = map[string]string{}
	for name, b := range raw {
		parts[name] = string(b)
	}
	p, err := openLayout(data)
	if err != nil {
		t.Fatal(err)
	}
	sheets = map[string]string{}
	for _, sp := range p.sheets {
		sheets[sp.name] = parts[sp.path]
	}
	return parts, sheets
}

func attrOf(t *testing.T, xml, tag, attr string) string {
	t.Helper()
	m := regexp.MustCompile(`<` + tag + `\b[^>]*\b` + attr + `="([^"]*)"`).FindStringSubmatch(xml)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestResultPrintsAndDescribesItself reads a result workbook's parts back:
// each written sheet's page setup, footer, print titles (scoped to the
// right sheet after 汇总 moved first), dimension and title merge; the
// document properties; the chart of totals.
func TestResultPrintsAndDescribesItself(t *testing.T) {
	in, out := writeSample(t)
	parts, sheets := zipParts(t, out)
	for _, name := range []string{"汇总", "得分率", "校验"} {
		x := sheets[name]
		assertPrinted(t, name, x)
		if attrOf(t, x, "pageSetup", "fitToWidth") != "1" {
			t.Errorf("%s page setup: %s", name, regexp.MustCompile(`<pageSetup[^>]*>`).FindString(x))
		}
		if attrOf(t, x, "pageMargins", "left") != "0.5" {
			t.Errorf("%s margins: %s", name, regexp.MustCompile(`<pageMargins[^>]*>`).FindString(x))
		}
	}
	// 汇总: rank, department, 2 × (score, rate), total, rate, grade,
	// deductions = 10 columns, then 适用分值 and 折算系数 (部门B's 产出 is
	// 不适用, so its total is rescaled) = 12; title, header, 2
	// departments, weights.
	dims := map[string]string{"汇总": "A1:L5", "得分率": "A1:F5", "校验": "A1:G2"}
	for name, want := range dims {
		if got := attrOf(t, sheets[name], "dimension", "ref"); got != want {
			t.Errorf("%s dimension %s, want %s", name, got, want)
		}
	}
	if got := attrOf(t, sheets["说明"], "dimension", "ref"); got != "A1" {
		t.Errorf("the input's sheet 说明 dimension %s, want its own A1", got)
	}
	if !strings.Contains(sheets["汇总"], `<mergeCell ref="A1:L1"`) {
		t.Errorf("汇总's title is not merged across the table: %s", regexp.MustCompile(`<mergeCells.*</mergeCells>`).FindString(sheets["汇总"]))
	}
	if !strings.Contains(sheets["汇总"], `<row r="1" ht=`) {
		t.Error("汇总's title row has no height")
	}
	// Print titles: sheet order is 汇总, 说明, 指标, 得分率, 校验.
	wb := parts["xl/workbook.xml"]
	for id, want := range map[string]string{"0": "'汇总'!$A:$B,'汇总'!$2:$2", "3": "'得分率'!$A:$D,'得分率'!$2:$2", "4": "'校验'!$A:$A,'校验'!$1:$1"} {
		re := regexp.MustCompile(`<definedName localSheetId="` + id + `" name="_xlnm.Print_Titles"[^>]*>([^<]*)</definedName>`)
		m := re.FindStringSubmatch(wb)
		if m == nil {
			t.Errorf("no print titles for sheet %s in %s", id, wb)
			continue
		}
		got := strings.ReplaceAll(m[1], "&#39;", "'")
		if got != want && !strings.HasSuffix(want, got) { // columns are repeated only when the sheet spans pages across
			t.Errorf("print titles of sheet %s: %s, want %s", id, got, want)
		}
	}
	if !strings.Contains(wb, `<definedName localSheetId="2" name="_xlnm.Print_Area"`) {
		t.Errorf("the input's print area lost its sheet: %s", wb)
	}
	// Document properties: perfeval, the title, the input's time.
	info, _ := os.Stat(in)
	stamp := info.ModTime().UTC().Truncate(time.Second).Format(time.RFC3339)
	core := parts["docProps/core.xml"]
	for _, want := range []string{"<dc:creator>perfeval</dc:creator>", "<lastModifiedBy>perfeval</lastModifiedBy>",
		"<dc:title>部门整体支出绩效评价</dc:title>", `<dcterms:created xsi:type="dcterms:W3CDTF">` + stamp, `<dcterms:modified xsi:type="dcterms:W3CDTF">` + stamp} {
		if !strings.Contains(core, want) {
			t.Errorf("core.xml lacks %s:\n%s", want, core)
		}
	}
	if !strings.Contains(parts["docProps/app.xml"], "<Application>perfeval</Application>") {
		t.Errorf("app.xml: %s", parts["docProps/app.xml"])
	}
	// The chart of totals: the department names and totals of 汇总, rows 3
	// and 4, the bars in grade colours.
	chart := ""
	for name, x := range parts {
		if strings.HasPrefix(name, "xl/charts/chart") {
			chart = x
		}
	}
	for _, want := range []string{"<barDir val=\"bar\">", "<f>&#39;汇总&#39;!$B$3:$B$4</f>", "<f>&#39;汇总&#39;!$G$3:$G$4</f>", "<f>&#39;汇总&#39;!$G$2</f>", `<dPt><idx val="1"/>`} {
		if !strings.Contains(chart, want) {
			t.Errorf("chart of totals lacks %s:\n%s", want, chart)
		}
	}
	// Every style names the font.
	for _, font := range regexp.MustCompile(`(?s)<font>.*?</font>`).FindAllString(parts["xl/styles.xml"], -1) {
		if strings.Contains(font, "<b") && !strings.Contains(font, `<name val="等线"`) {
			t.Errorf("a bold font without the family: %s", font)
		}
	}
}

// TestDepartmentWorkbook reads a per-department workbook's parts back:
// the radar of rates beside the mean and the bars of scores against
// weights point at its level-1 table; its title spans the table; it prints
// on A4 portrait with the footer; its name.
func TestDepartmentWorkbook(t *testing.T) {
	tab := &calc.Table{Sheet: "指标"}
	tab.Add(nil, "管理", decimal.NewFromInt(40), 2)
	tab.Add(nil, "产出", decimal.NewFromInt(60), 3)
	tab.Departments = []calc.Department{
		{Name: "部门A", Scores: []calc.Score{{Value: decimal.RequireFromString("35.5")}, {Value: decimal.NewFromInt(59)}}},
		{Name: "部门B", Scores: []calc.Score{{Value: decimal.NewFromInt(30)}, {Value: decimal.NewFromInt(40)}}},
	}
	s := calc.DefaultSettings()
	s.Year = "2021"
	results := calc.Evaluate([]*calc.Table{tab}, s)
	means := MeanRatesByTree(results)[tab]
	if got := means.Level1["管理"].String(); got != "0.81875" { // (35.5/40 + 30/40) / 2
		t.Errorf("mean 管理 rate %s", got)
	}
	name := DepartmentResultName("部门A", s, "zh")
	if name != "2021年度部门整体支出绩效评价结果_部门A.xlsx" {
		t.Errorf("name %s", name)
	}
	for _, lang := range []string{"zh", "en"} {
		path := filepath.Join(t.TempDir(), name)
		stamp := time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)
		if err := WriteDepartment(path, Department{Lang: lang, Settings: s, Result: results[0], Of: 2, Mean: means, Time: stamp}); err != nil {
			t.Fatal(err)
		}
		parts, sheets := zipParts(t, path)
		L := LabelsFor(lang)
		x := sheets[L.DeptSheet]
		if attrOf(t, x, "pageSetup", "orientation") != "portrait" || attrOf(t, x, "pageSetup", "fitToWidth") != "1" {
			t.Errorf("%s: page setup %s", lang, regexp.MustCompile(`<pageSetup[^>]*>`).FindString(x))
		}
		if !strings.Contains(x, `<mergeCell ref="A1:D1"`) {
			t.Errorf("%s: title merge %s", lang, regexp.MustCompile(`<mergeCells.*</mergeCells>`).FindString(x))
		}
		if got := attrOf(t, x, "dimension", "ref"); !strings.HasPrefix(got, "A1:D") {
			t.Errorf("%s: dimension %s", lang, got)
		}
		if !strings.Contains(parts["docProps/core.xml"], "2024-03-01T08:30:00Z") {
			t.Errorf("%s: core.xml %s", lang, parts["docProps/core.xml"])
		}
		q := "&#39;" + L.DeptSheet + "&#39;!"
		var radar, bars string
		for n, c := range parts {
			switch {
			case !strings.HasPrefix(n, "xl/charts/chart"):
			case strings.Contains(c, "<radarChart>"):
				radar = c
			case strings.Contains(c, "<barChart>"):
				bars = c
			}
		}
		// Row 4 names the level-1 indicators; 5 weights, 6 scores, 7 rates, 8 means.
		for _, want := range []string{q + "$B$4:$C$4</f>", q + "$B$7:$C$7</f>", q + "$B$8:$C$8</f>", q + "$A$7</f>", q + "$A$8</f>", `<a:srgbClr val="` + meanInk + `"/>`} {
			if !strings.Contains(radar, want) {
				t.Errorf("%s: radar lacks %s:\n%s", lang, want, radar)
			}
		}
		for _, want := range []string{q + "$B$4:$C$4</f>", q + "$B$5:$C$5</f>", q + "$B$6:$C$6</f>"} {
			if !strings.Contains(bars, want) {
				t.Errorf("%s: bars lack %s:\n%s", lang, want, bars)
			}
		}
		text, err := DumpSheet(path, L.DeptSheet)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, L.MeanRate+"\t81.88%\t") {
			t.Errorf("%s: no mean row:\n%s", lang, text)
		}
	}
}

// TestPageBreaksKeepGroups: a group that would run past a page's end
// starts the next page; one taller than a page is left to run on.
func TestPageBreaksKeepGroups(t *testing.T) {
	fit := pageFit{heightPt: 100 / 0.92, scale: 1} // 100 points a page: 6 rows of 15
	tests := []struct {
		groups [][2]int
		want   []int
	}{
		// 1-3 (45) | 4-7 (60) would end at 105: a break at 4; 8-9 fits after it.
		{[][2]int{{1, 3}, {4, 7}, {8, 9}}, []int{4}},
		// 8-10 no longer fits after 4-7.
		{[][2]int{{1, 3}, {4, 7}, {8, 10}}, []int{4, 8}},
		// 2-20 is taller than a page: no break for it; 21-22 fits after its last rows.
		{[][2]int{{2, 20}, {21, 22}}, nil},
	}
	for _, tt := range tests {
		got := pageBreaks(PrintSetup{Groups: tt.groups}, fit)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("groups %v: breaks %v, want %v", tt.groups, got, tt.want)
		}
	}
	// A chart below a table always starts a page when asked.
	if got := pageBreaks(PrintSetup{BreakBefore: []int{3}}, fit); fmt.Sprint(got) != "[3]" {
		t.Errorf("break before 3: %v", got)
	}
}

// assertPrinted checks what every sheet perfeval writes is printed with:
// A4, as many pages tall as it needs, fitted to the page, the page
// numbers in the footer, no gridlines. How many pages wide is the
// caller's to check.
func assertPrinted(t *testing.T, name, x string) {
	t.Helper()
	if x == "" {
		t.Fatalf("no sheet %s", name)
	}
	if attrOf(t, x, "pageSetup", "paperSize") != "9" || attrOf(t, x, "pageSetup", "fitToHeight") != "0" {
		t.Errorf("%s page setup: %s", name, regexp.MustCompile(`<pageSetup[^>]*>`).FindString(x))
	}
	if v := attrOf(t, x, "pageSetUpPr", "fitToPage"); v != "1" && v != "true" {
		t.Errorf("%s not fitted to the page", name)
	}
	if !strings.Contains(x, "<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>") {
		t.Errorf("%s footer: %s", name, regexp.MustCompile(`<headerFooter.*</headerFooter>`).FindString(x))
	}
	if v := attrOf(t, x, "sheetView", "showGridLines"); v != "0" && v != "false" {
		t.Errorf("%s shows gridlines", name)
	}
}
