package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"perfeval/sheet"
	"perfeval/validate"
)

// tsv joins rows given with "|" between cells into tab-separated text.
func tsv(rows ...string) string {
	return strings.ReplaceAll(strings.Join(rows, "\n"), "|", "\t") + "\n"
}

// good is a valid two-level table: 管理 (预算 30, 绩效 20), 产出 (数量 50).
var good = []string{
	"一级指标|二级指标|分值|部门A|部门B",
	"管理|预算|30|28|25",
	"|绩效|20|15|20",
	"产出|数量|50|45|40",
}

// with replaces rows of good (index → row) and appends extra rows.
func with(changes map[int]string, extra ...string) string {
	rows := append([]string(nil), good...)
	for i, r := range changes {
		rows[i] = r
	}
	return tsv(append(rows, extra...)...)
}

// badCase is one bad input: a file made by the test, what opening it must
// say (OpenErr, a sheet sentinel) or which problem it must report at
// which cell (a validate sentinel), and the file's status.
type badCase struct {
	name     string
	file     string                  // default t.xlsx
	sheets   []string                // a workbook from text sheets: name, text, …
	password string                  // encrypt that workbook
	content  func(*testing.T) []byte // or these bytes
	opts     func(*inspectOptions)
	openErr  error
	problem  error
	cell     string
	status   string
}

// The sheet sentinels every bad input test must hit.
var fileSentinels = []error{
	sheet.ErrEmpty, sheet.ErrLegacyXLS, sheet.ErrWPS, sheet.ErrCSV, sheet.ErrText, sheet.ErrFormat,
	sheet.ErrEncrypted, sheet.ErrPassword, sheet.ErrCorrupt, sheet.ErrTooLarge, sheet.ErrStrict,
}

func fixture(name string) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", "files", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
}

func raw(s string) func(*testing.T) []byte {
	return func(*testing.T) []byte { return []byte(s) }
}

// goodBytes is a valid workbook's bytes, cut to n bytes when n > 0.
func goodBytes(n int) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		path := filepath.Join(t.TempDir(), "g.xlsx")
		s, _ := sheet.SheetFromText("指标", tsv(good...))
		if err := sheet.Build(path, sheet.Spec{Sheets: []sheet.SheetSpec{s}}); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		if n > 0 {
			data = data[:n]
		}
		return data
	}
}

// strictWorkbook is a good workbook as Excel saves it as "Strict Open
// XML Spreadsheet": its namespaces are Strict's, and its workbook part
// says conformance="strict".
func strictWorkbook(t *testing.T) []byte {
	data := goodBytes(0)(t)
	strict := strings.NewReplacer(
		"http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main",
		"http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships",
		"<workbook ", `<workbook conformance="strict" `,
	)
	return editParts(t, data, func(name string, part []byte) []byte {
		if name == "[Content_Types].xml" {
			return part
		}
		return []byte(strict.Replace(string(part)))
	})
}

// bigWorkbook unpacks to several MiB: past a 1 MiB limit.
func bigWorkbook(t *testing.T) []byte {
	var rows [][]any
	rows = append(rows, []any{"一级指标", "分值", "甲"})
	for i := 0; i < 40000; i++ {
		rows = append(rows, []any{"一段很长的重复文字用来撑大解压后的体积", nil, nil})
	}
	path := filepath.Join(t.TempDir(), "big.xlsx")
	if err := sheet.Build(path, sheet.Spec{Sheets: []sheet.SheetSpec{{Name: "指标", Rows: rows}}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	return data
}

// plainZip is a zip that holds no workbook.
func plainZip(t *testing.T) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("readme.txt")
	w.Write([]byte("not a workbook"))
	z.Close()
	return buf.Bytes()
}

func badCases() []badCase {
	return []badCase{
		// Files that are not usable workbooks.
		{name: "legacy .xls", file: "a.xls", content: fixture("legacy.xls"), openErr: sheet.ErrLegacyXLS, status: statusUnreadable},
		{name: ".xls renamed .xlsx", content: fixture("legacy.xls"), openErr: sheet.ErrLegacyXLS, status: statusUnreadable},
		{name: "WPS .et", file: "a.et", content: fixture("legacy.xls"), openErr: sheet.ErrWPS, status: statusUnreadable},
		{name: "encrypted, no password", sheets: []string{"指标", tsv(good...)}, password: "s3cret", openErr: sheet.ErrEncrypted, status: statusUnreadable},
		{name: "encrypted, wrong password", sheets: []string{"指标", tsv(good...)}, password: "s3cret",
			opts: func(o *inspectOptions) { o.Password = "guess" }, openErr: sheet.ErrPassword, status: statusUnreadable},
		{name: ".csv", file: "a.csv", content: raw("一级指标,分值,甲\n管理,100,90\n"), openErr: sheet.ErrCSV, status: statusUnreadable},
		{name: "CSV renamed .xlsx", content: raw("一级指标,分值,甲\n管理,100,90\n"), openErr: sheet.ErrCSV, status: statusUnreadable},
		{name: "text renamed .xlsx", content: raw("这不是工作簿。\n只是一段说明文字。\n"), openErr: sheet.ErrText, status: statusUnreadable},
		{name: "empty file", content: raw(""), openErr: sheet.ErrEmpty, status: statusUnreadable},
		{name: "truncated zip", content: goodBytes(1500), openErr: sheet.ErrCorrupt, status: statusUnreadable},
		{name: "zip header then garbage", content: raw("PK\x03\x04\x00\x01garbage garbage garbage"), openErr: sheet.ErrCorrupt, status: statusUnreadable},
		{name: "a picture renamed .xlsx", content: raw("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), openErr: sheet.ErrFormat, status: statusUnreadable},
		{name: "a zip that is no workbook", content: plainZip, openErr: sheet.ErrCorrupt, status: statusUnreadable},
		{name: "saved as Strict Open XML", content: strictWorkbook, openErr: sheet.ErrStrict, status: statusUnreadable},
		{name: "expands past the limit", content: bigWorkbook, opts: func(o *inspectOptions) { o.MaxSizeMiB = 1 },
			openErr: sheet.ErrTooLarge, status: statusUnreadable},
		{name: "missing file", file: "missing.xlsx", openErr: fs.ErrNotExist, status: statusUnreadable},
		// Workbooks with problems at known cells.
		{name: "score above weight", sheets: []string{"指标", with(map[int]string{1: "管理|预算|30|30.5|25"})}, problem: validate.ErrAboveWeight, cell: "D2", status: statusInvalid},
		{name: "missing score", sheets: []string{"指标", with(map[int]string{2: "|绩效|20||20"})}, problem: validate.ErrMissing, cell: "D3", status: statusInvalid},
		{name: "score in words", sheets: []string{"指标", with(map[int]string{3: "产出|数量|50|45|待定"})}, problem: validate.ErrNotNumber, cell: "E4", status: statusInvalid},
		{name: "malformed number", sheets: []string{"指标", with(map[int]string{3: "产出|数量|50|12..5|40"})}, problem: validate.ErrNotNumber, cell: "D4", status: statusInvalid},
		{name: "dash", sheets: []string{"指标", with(map[int]string{3: "产出|数量|50|-|40"})}, problem: validate.ErrNotNumber, cell: "D4", status: statusInvalid},
		{name: "date", sheets: []string{"指标", with(map[int]string{3: "产出|数量|50|date:2024-01-31|40"})}, problem: validate.ErrNotNumber, cell: "D4", status: statusInvalid},
		{name: "boolean", sheets: []string{"指标", with(map[int]string{3: "产出|数量|50|true|40"})}, problem: validate.ErrNotNumber, cell: "D4", status: statusInvalid},
		{name: "negative score", sheets: []string{"指标", with(map[int]string{2: "|绩效|20|-1|20"})}, problem: validate.ErrBelowZero, cell: "D3", status: statusInvalid},
		{name: "deduction out of range", sheets: []string{"指标", with(nil, "调节项|违规|-5|-6|0")}, problem: validate.ErrDeductionRange, cell: "D5", status: statusInvalid},
		{name: "positive deduction", sheets: []string{"指标", with(nil, "调节项|违规|-5|1|0")}, problem: validate.ErrDeductionRange, cell: "D5", status: statusInvalid},
		{name: "uncomputable formula", sheets: []string{"指标", with(map[int]string{3: "产出|数量|50|=NOSUCHFUNC(1)|40"})}, problem: validate.ErrFormula, cell: "D4", status: statusInvalid},
		{name: "missing weight", sheets: []string{"指标", with(map[int]string{2: "|绩效||15|20"})}, problem: validate.ErrMissingWeight, cell: "C3", status: statusInvalid},
		{name: "weight in words", sheets: []string{"指标", with(map[int]string{2: "|绩效|二十|15|20"})}, problem: validate.ErrWeightNotNumber, cell: "C3", status: statusInvalid},
		{name: "zero weight", sheets: []string{"指标", with(map[int]string{2: "|绩效|0|0|0"})}, problem: validate.ErrZeroWeight, cell: "C3", status: statusInvalid},
		{name: "level-1 weights not 100", sheets: []string{"指标", with(map[int]string{3: "产出|数量|40|38|40"})}, problem: validate.ErrTotalPoints, cell: "C1", status: statusInvalid},
		{name: "parent weight sum", sheets: []string{"指标", tsv(
			"一级指标|一级分值|二级指标|分值|部门A",
			"管理|45|预算|30|28",
			"|45|绩效|20|15",
			"产出|50|数量|50|45")}, problem: validate.ErrWeightSum, cell: "B2", status: statusInvalid},
		{name: "conflicting parent weights", sheets: []string{"指标", tsv(
			"一级指标|一级分值|二级指标|分值|部门A",
			"管理|50|预算|30|28",
			"管理|40|绩效|20|15",
			"产出|50|数量|50|45")}, problem: validate.ErrWeightConflict, cell: "B3", status: statusInvalid},
		{name: "duplicate indicator", sheets: []string{"指标", with(map[int]string{2: "|预算|20|15|20"})}, problem: validate.ErrDuplicateIndicator, cell: "B3", status: statusInvalid},
		{name: "duplicate department", sheets: []string{"指标", with(map[int]string{0: "一级指标|二级指标|分值|部门A|部门A"})}, problem: validate.ErrDuplicateDepartment, cell: "E1", status: statusInvalid},
		{name: "duplicate across sheets", sheets: []string{"甲", tsv(good...), "乙", tsv(good...)}, problem: validate.ErrDuplicateDepartment, cell: "D1", status: statusInvalid},
		{name: "department without a name", sheets: []string{"指标", tsv(
			"一级指标|二级指标|分值|部门A|",
			"管理|预算|30|28|25",
			"|绩效|20|15|20",
			"产出|数量|50|45|40")}, problem: validate.ErrEmptyDepartment, cell: "E1", status: statusInvalid},
		{name: "no weight column", sheets: []string{"指标", tsv("一级指标|二级指标|部门A", "管理|预算|28")}, problem: validate.ErrNoWeightColumn, cell: "B1", status: statusInvalid},
		{name: "no department column", sheets: []string{"指标", tsv("一级指标|二级指标|分值", "管理|预算|100")}, problem: validate.ErrNoDepartment, cell: "C1", status: statusInvalid},
		{name: "only columns of words", sheets: []string{"指标", tsv("一级指标|二级指标|分值|说明", "管理|预算|100|好")}, problem: validate.ErrNoDepartment, cell: "C1", status: statusInvalid},
		{name: "no indicator rows", sheets: []string{"指标", tsv("一级指标|二级指标|分值|部门A")}, problem: validate.ErrNoIndicators, cell: "B1", status: statusInvalid},
		{name: "no score table", sheets: []string{"说明", tsv("本工作簿没有评分表")}, problem: validate.ErrNoScoreTable, cell: "", status: statusInvalid},
		{name: "declared total differs", sheets: []string{"指标", with(nil, "合计||100|88|86")}, problem: validate.ErrDeclaredTotal, cell: "E5", status: statusInvalid},
		{name: "every indicator not applicable", sheets: []string{"指标", with(map[int]string{1: "管理|预算|30|不适用|25", 2: "|绩效|20|N/A|20", 3: "产出|数量|50|NA|40"})}, problem: validate.ErrAllNotApplicable, cell: "D1", status: statusInvalid},
		{name: "total row and settings disagree", sheets: []string{"指标", with(nil, "合计||90||"), "设置", tsv("满分|100")}, problem: validate.ErrTotalConflict, cell: "C5", status: statusInvalid},
		{name: "malformed setting", sheets: []string{"指标", tsv(good...), "设置", tsv("小数位|两位")}, problem: validate.ErrSetting, cell: "B1", status: statusInvalid},
		{name: "bad rounding", sheets: []string{"指标", tsv(good...), "设置", tsv("舍入|随便")}, problem: validate.ErrSetting, cell: "B1", status: statusInvalid},
		{name: "grade bands without 0", sheets: []string{"指标", tsv(good...), "设置", tsv("优|90", "良|80", "差|60")}, problem: validate.ErrGradeBands, cell: "A1", status: statusInvalid},
		{name: "grade bands equal", sheets: []string{"指标", tsv(good...), "设置", tsv("优|90", "良|90", "差|0")}, problem: validate.ErrGradeBands, cell: "A1", status: statusInvalid},
		{name: "text number", sheets: []string{"指标", with(map[int]string{3: "产出|数量|50|'45|40"})}, problem: validate.WarnTextNumber, cell: "D4", status: statusOK},
		{name: "unknown setting", sheets: []string{"指标", tsv(good...), "设置", tsv("颜色|红")}, problem: validate.WarnUnknownSetting, cell: "A1", status: statusOK},
		{name: "department typed in words", sheets: []string{"指标", with(map[int]string{0: "一级指标|二级指标|分值|部门A|完成情况", 1: "管理|预算|30|28|好", 2: "|绩效|20|15|较好", 3: "产出|数量|50|45|好"})}, problem: validate.WarnWordColumn, cell: "E1", status: statusOK},
		{name: "an empty column with an unknown header", sheets: []string{"指标", with(map[int]string{0: "一级指标|二级指标|分值|部门A|部门B|关键结果完成情况描述"})}, problem: validate.WarnEmptyColumn, cell: "F1", status: statusOK},
		{name: "a score column with no score", sheets: []string{"指标", tsv("一级指标|二级指标|分值|自评得分", "管理|预算|30|", "|绩效|20|", "产出|数量|50|")}, problem: validate.ErrNoScores, cell: "D1", status: statusInvalid},
		{name: "a subtotal that does not add up", sheets: []string{"指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|28", "|绩效|20|15", "小计||50|44", "产出|数量|50|45")}, problem: validate.ErrSubtotal, cell: "D4", status: statusInvalid},
		{name: "a negative total row weight", sheets: []string{"指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|28", "|扣分|-5|0", "产出|数量|70|45", "合计||-21|")}, problem: validate.ErrNegativeTotal, cell: "C5", status: statusInvalid},
		{name: "hidden rows", sheets: []string{"指标", tsv(good...) + "\n#hiderow 3\n"}, problem: validate.WarnHidden, cell: "A1", status: statusOK},
		{name: "notes without a header are not a department", sheets: []string{"指标", with(map[int]string{1: "管理|预算|30|28|25|按时完成"})}, problem: nil, cell: "", status: statusOK},
		{name: "number without an indicator", sheets: []string{"指标", with(nil, "注：|||12|")}, problem: validate.WarnStrayNumber, cell: "D5", status: statusOK},
		{name: "score formatted as a percentage", sheets: []string{"指标", with(map[int]string{3: "产出|数量|50|0.9~0%|40"})}, problem: validate.WarnPercentScore, cell: "D4", status: statusOK},
		{name: "a weighted score above the score scale", sheets: []string{"指标", tsv("一级指标|二级指标|权重|部门A", "管理|预算|'30%|120", "产出|数量|'70%|90"), "设置", tsv("计分方式|权重")}, problem: validate.ErrAboveScale, cell: "D2", status: statusInvalid},
		{name: "scores that look like coefficients, some above 1.05", sheets: []string{"指标", tsv("一级指标|二级指标|分值|部门A", "管理|甲|20|1.1", "|乙|20|0.9", "产出|丙|20|0.8", "|丁|20|1", "|戊|20|0.95")}, problem: validate.WarnScoringModel, cell: "D1", status: statusOK},
		{name: "a total above the total points", sheets: []string{"指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|1.2", "产出|数量|70|1.1"), "设置", tsv("计分方式|系数", "系数上限|1.2")}, problem: validate.WarnAboveTotal, cell: "D1", status: statusOK},
		{name: "level-1 weights that are shares of 1", sheets: []string{"指标", tsv("一级指标|分值|二级指标|分值|部门A", "管理|40%|预算|0.5|80", "||绩效|0.5|90", "产出|60%|数量|1|85")}, problem: validate.ErrScoringModel, cell: "E1", status: statusInvalid},
		{name: "a coefficient above its cap", sheets: []string{"指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|1.5", "产出|数量|70|0.9"), "设置", tsv("计分方式|系数")}, problem: validate.ErrAboveCap, cell: "D2", status: statusInvalid},
		{name: "coefficients scored as points", sheets: []string{"指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|0.9", "|绩效|20|1", "产出|数量|50|0.85")}, problem: validate.ErrScoringModel, cell: "D1", status: statusInvalid},
		{name: "a veto item scored neither way", sheets: []string{"指标", tsv("一级指标|二级指标|分值|部门A", "管理|预算|30|28", "产出|数量|70|60", "否决|重大事故|一票否决|待定")}, problem: validate.ErrVetoScore, cell: "D4", status: statusInvalid},
		{name: "a veto item with a weight", sheets: []string{"指标", tsv("一级指标|二级指标|分值|指标类型|部门A", "管理|预算|30||28", "产出|数量|70||60", "否决|重大事故|5|否决项|通过")}, problem: validate.ErrVetoWeight, cell: "C4", status: statusInvalid},
		{name: "zero-width space in a department name", sheets: []string{"指标", with(map[int]string{0: "一级指标|二级指标|分值|部门A\u200b|部门B"})}, problem: validate.WarnInvisibleChar, cell: "D1", status: statusOK},
	}
}

// TestBadInputs runs every bad input through reading and checking, and
// makes sure that together they hit every exported sentinel.
func TestBadInputs(t *testing.T) {
	hit := map[error]bool{}
	cases := badCases()
	if len(cases) < 25 {
		t.Fatalf("only %d bad inputs", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := makeBadInput(t, tc)
			opts := inspectOptions{Lang: "zh", MaxSizeMiB: 256, Log: zerolog.Nop()}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			before, _ := os.ReadFile(path)
			in := inspect(context.Background(), path, opts)
			if in.Book != nil {
				in.Book.Close()
			}
			if in.Status != tc.status {
				t.Errorf("status %s, want %s (open error %v; problems %v)", in.Status, tc.status, in.OpenErr, in.Problems)
			}
			if tc.openErr != nil {
				if !errors.Is(in.OpenErr, tc.openErr) {
					t.Fatalf("open error %v, want %v", in.OpenErr, tc.openErr)
				}
				hit[tc.openErr] = true
				if fr := in.report("zh"); len(fr.Problems) != 1 || fr.Problems[0].Hint == "" {
					t.Errorf("report problems %+v: want one cause with a hint", fr.Problems)
				}
			}
			if tc.problem != nil {
				found := false
				for _, p := range in.Problems {
					if errors.Is(p, tc.problem) && p.Cell == tc.cell {
						found = true
					}
				}
				if !found {
					t.Fatalf("want %v at %q; got %v", tc.problem, tc.cell, in.Problems)
				}
				hit[tc.problem] = true
			}
			if tc.openErr == nil && tc.problem == nil && len(in.Problems) != 0 {
				t.Errorf("want no problems, got %v", in.Problems)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("the input changed")
			}
		})
	}
	for _, s := range append(validate.Sentinels(), fileSentinels...) {
		if !hit[s] {
			t.Errorf("no bad input hits %v", s)
		}
	}
}

func makeBadInput(t *testing.T, tc badCase) string {
	t.Helper()
	name := tc.file
	if name == "" {
		name = "t.xlsx"
	}
	path := filepath.Join(t.TempDir(), name)
	switch {
	case tc.content != nil:
		if err := os.WriteFile(path, tc.content(t), 0o644); err != nil {
			t.Fatal(err)
		}
	case tc.sheets != nil:
		spec := sheet.Spec{Password: tc.password}
		for i := 0; i+1 < len(tc.sheets); i += 2 {
			s, err := sheet.SheetFromText(tc.sheets[i], tc.sheets[i+1])
			if err != nil {
				t.Fatal(err)
			}
			spec.Sheets = append(spec.Sheets, s)
		}
		if err := sheet.Build(path, spec); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// TestEncryptedWithPassword: the right password opens the workbook.
func TestEncryptedWithPassword(t *testing.T) {
	path := makeBadInput(t, badCase{sheets: []string{"指标", tsv(good...)}, password: "s3cret"})
	in := inspect(context.Background(), path, inspectOptions{Lang: "zh", Password: "s3cret", MaxSizeMiB: 256, Log: zerolog.Nop()})
	if in.Book != nil {
		defer in.Book.Close()
	}
	if in.Status != statusOK || len(in.Workbook.Results) != 2 {
		t.Fatalf("status %s, open error %v, problems %v", in.Status, in.OpenErr, in.Problems)
	}
}
