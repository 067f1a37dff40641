package validate

import (
	"errors"
	"strings"
	"testing"

	"perfeval/sheet"
)

// checkPatched reads the text sheets, lets patch change what the reader
// gave (to stand for cells the reader gives: percentages, merges, booleans,
// dates), and checks the workbook.
func checkPatched(t *testing.T, patch func(b *sheet.Book), sheets ...string) (*Workbook, List) {
	t.Helper()
	b := book(t, sheets...)
	if patch != nil {
		patch(b)
	}
	return Check(b)
}

// score sets the score cell of good's row (2 to 4) and department (0 for
// 部门A in D, 1 for 部门B in E).
func setScore(row, dept int, c sheet.Cell) func(b *sheet.Book) {
	return func(b *sheet.Book) {
		c.Ref = string(rune('D'+dept)) + string(rune('0'+row))
		b.Tables[0].Rows[row-2].Scores[dept] = sheet.NewScoreCell(c)
	}
}

func both(patches ...func(b *sheet.Book)) func(b *sheet.Book) {
	return func(b *sheet.Book) {
		for _, p := range patches {
			p(b)
		}
	}
}

type wantProblem struct {
	err                  error
	cell                 string
	zh, en, hintZh, hint string
}

// TestMessages: the cells of issue 7 item 8 give these exact messages and
// hints in both languages.
func TestMessages(t *testing.T) {
	const notNumberHintZh, notNumberHint = "填写 0 到分值之间的数字，或“不适用”", "write a number between 0 and the weight, or 不适用 (N/A)"
	const deleteZh, deleteEn = "；删除不可见字符：清空单元格后重新输入", "; delete the invisible characters: clear the cell and type it again"
	text := func(v string) sheet.Cell { return sheet.Cell{Value: v, Kind: sheet.Text} }
	merged := func(v, merge string) sheet.Cell { return sheet.Cell{Value: v, Kind: sheet.Text, Merge: merge} }
	long := strings.Repeat("很", 150)
	tests := []struct {
		name  string
		patch func(b *sheet.Book)
		want  []wantProblem
	}{
		{"a boolean shows as TRUE", setScore(3, 0, sheet.Cell{Value: "1", Kind: sheet.Bool}), []wantProblem{{ErrNotNumber, "D3",
			"得分“TRUE”不是数字", "score TRUE is not a number", notNumberHintZh, notNumberHint}}},
		{"a boolean shows as FALSE", setScore(3, 0, sheet.Cell{Value: "0", Kind: sheet.Bool}), []wantProblem{{ErrNotNumber, "D3",
			"得分“FALSE”不是数字", "score FALSE is not a number", notNumberHintZh, notNumberHint}}},
		{"a date shows as a date", setScore(3, 0, sheet.Cell{Value: "45292", Kind: sheet.Date}), []wantProblem{{ErrNotNumber, "D3",
			"得分“2024-01-01”不是数字", "score 2024-01-01 is not a number", notNumberHintZh, notNumberHint}}},
		{"a date and time", setScore(3, 0, sheet.Cell{Value: "45292.5", Kind: sheet.Date}), []wantProblem{{ErrNotNumber, "D3",
			"得分“2024-01-01 12:00”不是数字", "score 2024-01-01 12:00 is not a number", notNumberHintZh, notNumberHint}}},
		{"a score formatted as a percentage", setScore(3, 0, sheet.Cell{Value: "0.9", Kind: sheet.Number, Percent: true}), []wantProblem{{WarnPercentScore, "D3",
			"得分单元格设置为百分比格式，显示为 90%，已按 0.9 分读取", "the score cell is formatted as a percentage: it shows 90% and is read as 0.9 points",
			"直接填写分数，或把单元格格式改为“常规”或“数值”", "type the points, or set the cell format to General or Number"}}},
		{"a percentage above the weight", setScore(3, 0, sheet.Cell{Value: "90", Kind: sheet.Number, Percent: true}), []wantProblem{
			{WarnPercentScore, "D3", "得分单元格设置为百分比格式，显示为 9000%，已按 90 分读取", "the score cell is formatted as a percentage: it shows 9000% and is read as 90 points",
				"直接填写分数，或把单元格格式改为“常规”或“数值”", "type the points, or set the cell format to General or Number"},
			{ErrAboveWeight, "D3", "得分 90 超过分值 20", "score 90 above weight 20", "得分不能超过该指标的分值", "a score cannot exceed the indicator's weight"}}},
		{"a zero-width space in a number is named", setScore(3, 0, text("15\u200b")), []wantProblem{{WarnTextNumber, "D3",
			"“15\u200b”是文本格式的数字，已按 15 读取，含不可见字符 U+200B（零宽空格）", "15\u200b is a number stored as text, read as 15; it contains an invisible character U+200B (zero-width space)",
			"可将单元格改为数字格式" + deleteZh, "store the cell as a number" + deleteEn}}},
		{"two invisible characters (the trailing one is trimmed when quoted)", setScore(3, 0, text("1\u200b5\u00a0")), []wantProblem{{WarnTextNumber, "D3",
			"“1\u200b5”是文本格式的数字，已按 15 读取，含不可见字符 U+200B（零宽空格）、U+00A0（不换行空格）",
			"1\u200b5 is a number stored as text, read as 15; it contains invisible characters U+200B (zero-width space) and U+00A0 (non-breaking space)",
			"可将单元格改为数字格式" + deleteZh, "store the cell as a number" + deleteEn}}},
		{"a number split by a non-breaking space", setScore(3, 0, text("1\u00a05")), []wantProblem{{ErrNotNumber, "D3",
			"得分“1\u00a05”不是数字，含不可见字符 U+00A0（不换行空格）", "score 1\u00a05 is not a number; it contains an invisible character U+00A0 (non-breaking space)",
			notNumberHintZh + deleteZh, notNumberHint + deleteEn}}},
		{"a cell holding only a BOM", setScore(3, 0, text("\ufeff")), []wantProblem{{ErrMissing, "D3",
			"缺少得分，含不可见字符 U+FEFF（BOM 字节顺序标记）", "the score is missing; it contains an invisible character U+FEFF (byte order mark)",
			"填写得分；不适用的指标填“不适用”" + deleteZh, "fill in the score, or 不适用 (N/A) if the indicator does not apply" + deleteEn}}},
		{"long text is cut", setScore(3, 0, text(long)), []wantProblem{{ErrNotNumber, "D3",
			"得分“" + strings.Repeat("很", 100) + "…”不是数字", "score " + strings.Repeat("很", 100) + "… is not a number", notNumberHintZh, notNumberHint}}},
		{"a merged score cell is one problem", both(setScore(2, 0, merged("好", "D2:D3")), setScore(3, 0, merged("好", "D2:D3"))), []wantProblem{{ErrNotNumber, "D2",
			"得分“好”不是数字（合并单元格 D2:D3，涉及 2 个指标）", "score 好 is not a number (merged cell D2:D3, covering 2 indicators)",
			notNumberHintZh + "；取消合并单元格 D2:D3，为每个指标分别填写得分", notNumberHint + "; unmerge D2:D3 and give each indicator its own score"}}},
		{"a merge over two departments is one problem each", both(setScore(3, 0, merged("好", "D3:E3")), setScore(3, 1, merged("好", "D3:E3"))), []wantProblem{
			{ErrNotNumber, "D3", "得分“好”不是数字（合并单元格 D3:E3，涉及 1 个指标）", "score 好 is not a number (merged cell D3:E3, covering 1 indicator)",
				notNumberHintZh + "；取消合并单元格 D3:E3，为每个指标分别填写得分", notNumberHint + "; unmerge D3:E3 and give each indicator its own score"},
			{ErrNotNumber, "D3", "得分“好”不是数字（合并单元格 D3:E3，涉及 1 个指标）", "score 好 is not a number (merged cell D3:E3, covering 1 indicator)",
				notNumberHintZh + "；取消合并单元格 D3:E3，为每个指标分别填写得分", notNumberHint + "; unmerge D3:E3 and give each indicator its own score"}}},
		{"a merged score above one of its weights", both(
			setScore(2, 0, sheet.Cell{Value: "25", Kind: sheet.Number, Merge: "D2:D3"}),
			setScore(3, 0, sheet.Cell{Value: "25", Kind: sheet.Number, Merge: "D2:D3"})), []wantProblem{{ErrAboveWeight, "D2",
			"得分 25 超过分值 20（合并单元格 D2:D3，涉及 1 个指标）", "score 25 above weight 20 (merged cell D2:D3, covering 1 indicator)",
			"得分不能超过该指标的分值；取消合并单元格 D2:D3，为每个指标分别填写得分", "a score cannot exceed the indicator's weight; unmerge D2:D3 and give each indicator its own score"}}},
		{"a department name with a zero-width space", func(b *sheet.Book) { b.Tables[0].Departments[0].Header = "部门A\u200b" }, []wantProblem{{WarnInvisibleChar, "D1",
			"名称“部门A\u200b”含不可见字符 U+200B（零宽空格）", "name 部门A\u200b contains an invisible character U+200B (zero-width space)",
			"删除这些字符：清空单元格后重新输入名称（复制粘贴常会带入此类字符）", "delete them: clear the cell and type the name again (copy and paste often brings such characters in)"}}},
		{"departments differing only by a zero-width space", func(b *sheet.Book) { b.Tables[0].Departments[1].Header = "部门A\u200b" }, []wantProblem{{ErrDuplicateDepartment, "E1",
			"部门“部门A\u200b”重复出现（另见 指标!D1），两个名称只差不可见字符 U+200B（零宽空格）",
			"department 部门A\u200b appears twice (also at 指标!D1); the two names differ only by an invisible character U+200B (zero-width space)",
			"每个部门只能有一列，请合并或改名" + deleteZh, "keep one column per department: merge or rename" + deleteEn}}},
		{"departments differing only by a non-breaking space", func(b *sheet.Book) {
			b.Tables[0].Departments[0].Header = "Water Bureau"
			b.Tables[0].Departments[1].Header = "Water\u00a0Bureau"
		}, []wantProblem{{ErrDuplicateDepartment, "E1",
			"部门“Water\u00a0Bureau”重复出现（另见 指标!D1），两个名称只差不可见字符 U+00A0（不换行空格）",
			"department Water\u00a0Bureau appears twice (also at 指标!D1); the two names differ only by an invisible character U+00A0 (non-breaking space)",
			"每个部门只能有一列，请合并或改名" + deleteZh, "keep one column per department: merge or rename" + deleteEn}}},
		{"an indicator name with a joiner, once for its parent", func(b *sheet.Book) {
			for i := 0; i < 2; i++ {
				b.Tables[0].Rows[i].Names[0].Value = "管理\u200d"
			}
		}, []wantProblem{{WarnInvisibleChar, "A2",
			"名称“管理\u200d”含不可见字符 U+200D（零宽连接符）", "name 管理\u200d contains an invisible character U+200D (zero-width joiner)",
			"删除这些字符：清空单元格后重新输入名称（复制粘贴常会带入此类字符）", "delete them: clear the cell and type the name again (copy and paste often brings such characters in)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := checkPatched(t, tt.patch, "指标", tsv(good...))
			if len(problems) != len(tt.want) {
				t.Fatalf("got %d problems, want %d: %s", len(problems), len(tt.want), describe(problems))
			}
			for i, w := range tt.want {
				p := problems[i]
				if !errors.Is(p, w.err) || p.Cell != w.cell {
					t.Errorf("problem %d: %v at %s, want %v at %s", i, p.Err, p.Cell, w.err, w.cell)
				}
				for _, c := range []struct{ name, got, want string }{
					{"zh", p.Message("zh"), w.zh}, {"en", p.Message("en"), w.en},
					{"hint zh", p.Hint("zh"), w.hintZh}, {"hint en", p.Hint("en"), w.hint},
				} {
					if c.got != c.want {
						t.Errorf("problem %d %s:\n got %q\nwant %q", i, c.name, c.got, c.want)
					}
				}
			}
		})
	}
}

// TestCodes: every sentinel has its own stable code and its words in both
// languages. The codes are what scripts read in the JSON report: this list
// changes only by adding.
func TestCodes(t *testing.T) {
	want := map[error]string{
		ErrNoScoreTable: "no-score-table", ErrNoWeightColumn: "no-weight-column", ErrNoDepartment: "no-department",
		ErrNoIndicators: "no-indicators", ErrDuplicateDepartment: "duplicate-department", ErrEmptyDepartment: "empty-department",
		ErrDuplicateIndicator: "duplicate-indicator", ErrWeightConflict: "weight-conflict", ErrWeightSum: "weight-sum",
		ErrTotalPoints: "total-points", ErrTotalConflict: "total-conflict", ErrMissingWeight: "missing-weight",
		ErrWeightNotNumber: "weight-not-number", ErrZeroWeight: "zero-weight", ErrMissing: "missing",
		ErrNotNumber: "not-number", ErrAboveWeight: "above-weight", ErrBelowZero: "below-zero",
		ErrDeductionRange: "deduction-range", ErrFormula: "formula", ErrDeclaredTotal: "declared-total",
		ErrAllNotApplicable: "all-not-applicable", ErrSetting: "setting", ErrGradeBands: "grade-bands",
		WarnTextNumber: "text-number", WarnUnknownSetting: "unknown-setting", WarnWordColumn: "word-column",
		ErrNoScores: "no-scores", ErrSubtotal: "subtotal", ErrNegativeTotal: "negative-total", WarnEmptyColumn: "empty-column", WarnHidden: "hidden",
		WarnStrayNumber: "stray-number", WarnPercentScore: "percent-score", WarnScoringModel: "scoring-model-hint", WarnAboveTotal: "above-total", WarnInvisibleChar: "invisible-character",
		ErrAboveScale: "above-scale", ErrAboveCap: "above-cap", ErrScoringModel: "scoring-model", ErrVetoScore: "veto-score", ErrVetoWeight: "veto-weight",
	}
	seen := map[string]error{}
	for _, s := range Sentinels() {
		code := Code(&CellError{Err: s})
		if code != want[s] {
			t.Errorf("%v: code %q, want %q", s, code, want[s])
		}
		if other, dup := seen[code]; dup {
			t.Errorf("code %q shared by %v and %v", code, other, s)
		}
		seen[code] = s
		m, ok := messages[s]
		if !ok || m.zh == "" || m.en == "" || m.hintZh == "" || m.hintEn == "" {
			t.Errorf("%v: words missing: %+v", s, m)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d sentinels, %d codes expected", len(seen), len(want))
	}
}

// TestFormulaCode: a formula that could not be computed is ErrFormula
// (code formula) wherever it stands: score, leaf weight, parent weight,
// total row.
func TestFormulaCode(t *testing.T) {
	failed := func(ref string) sheet.Cell {
		return sheet.Cell{Ref: ref, Kind: sheet.FormulaFailed, Formula: "G2+F2", Err: errors.New("circular reference")}
	}
	tests := []struct {
		name  string
		patch func(b *sheet.Book)
		cell  string
	}{
		{"score", func(b *sheet.Book) { b.Tables[0].Rows[0].Scores[0] = sheet.NewScoreCell(failed("E2")) }, "E2"},
		{"leaf weight", func(b *sheet.Book) { b.Tables[0].Rows[0].Weights[1] = failed("D2") }, "D2"},
		{"parent weight", func(b *sheet.Book) { b.Tables[0].Rows[0].Weights[0] = failed("B2") }, "B2"},
		{"total row weight", func(b *sheet.Book) { b.Tables[0].Total.Weights[1] = failed("D4") }, "D4"},
		{"total row score", func(b *sheet.Book) { b.Tables[0].Total.Scores[0] = sheet.NewScoreCell(failed("E4")) }, "E4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := checkPatched(t, tt.patch, "指标", tsv(
				"一级指标|一级分值|二级指标|分值|甲",
				"管理|40|预算|40|35",
				"产出|60|数量|60|50",
				"合计|||100|85"))
			var found *CellError
			for _, p := range problems {
				if p.Cell == tt.cell {
					found = p
				}
			}
			if found == nil || !errors.Is(found, ErrFormula) || Code(found) != "formula" {
				t.Fatalf("want formula at %s, got %s", tt.cell, describe(problems))
			}
			if got, want := found.Message("zh"), "公式 =G2+F2 没有保存计算结果，也无法计算：circular reference"; got != want {
				t.Errorf("zh %q, want %q", got, want)
			}
		})
	}
}

// TestPercentWeights: weights formatted as percentages are read as the
// numbers they hold (30% is 0.3), without a warning; only scores formatted
// as percentages are warned about.
func TestPercentWeights(t *testing.T) {
	w, problems := checkPatched(t, func(b *sheet.Book) {
		for i := range b.Tables[0].Rows {
			b.Tables[0].Rows[i].Weights[1].Percent = true
		}
	}, "指标", tsv(
		"一级指标|二级指标|分值|甲",
		"管理|预算|0.3|0.28",
		"|绩效|0.2|0.15",
		"产出|数量|0.5|0.45"), "设置", tsv("满分|1"))
	if len(problems) != 0 {
		t.Fatalf("problems: %s", describe(problems))
	}
	if len(w.Results) != 1 || !w.Results[0].Total.Equal(mustDec("0.88")) {
		t.Fatalf("results %+v", w.Results)
	}
}

// TestSettingsQuoteAsShown: a setting's value is quoted as shown (a date
// as a date).
func TestSettingsQuoteAsShown(t *testing.T) {
	_, problems := Check(book(t, "指标", tsv(good...), "设置", tsv("满分|date:2024-01-01")))
	if len(problems) != 1 || !errors.Is(problems[0], ErrSetting) {
		t.Fatalf("problems: %s", describe(problems))
	}
	if got, want := problems[0].Message("zh"), "设置值“满分 = 2024-01-01”无效，应为 a positive number / 正数"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestMessagesFromWorkbook runs item 8's cells through a real workbook and
// the reader.
func TestMessagesFromWorkbook(t *testing.T) {
	tests := []struct {
		name   string
		row3   string // good's row 3, changed
		err    error
		cell   string
		zh, en string
	}{
		{"boolean", "|绩效|20|true|20", ErrNotNumber, "D3", "得分“TRUE”不是数字", "score TRUE is not a number"},
		{"date", "|绩效|20|date:2024-01-01|20", ErrNotNumber, "D3", "得分“2024-01-01”不是数字", "score 2024-01-01 is not a number"},
		{"zero-width space in a number", "|绩效|20|'15\u200b|20", WarnTextNumber, "D3",
			"“15\u200b”是文本格式的数字，已按 15 读取，含不可见字符 U+200B（零宽空格）", "15\u200b is a number stored as text, read as 15; it contains an invisible character U+200B (zero-width space)"},
		{"percentage", "|绩效|20|0.9~0%|20", WarnPercentScore, "D3",
			"得分单元格设置为百分比格式，显示为 90%，已按 0.9 分读取", "the score cell is formatted as a percentage: it shows 90% and is read as 0.9 points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := append([]string(nil), good...)
			rows[2] = tt.row3
			_, problems := Check(book(t, "指标", tsv(rows...)))
			if len(problems) != 1 || !errors.Is(problems[0], tt.err) || problems[0].Cell != tt.cell {
				t.Fatalf("want %v at %s, got %s", tt.err, tt.cell, describe(problems))
			}
			if got := problems[0].Message("zh"); got != tt.zh {
				t.Errorf("zh %q, want %q", got, tt.zh)
			}
			if got := problems[0].Message("en"); got != tt.en {
				t.Errorf("en %q, want %q", got, tt.en)
			}
		})
	}
}

// TestDuplicateDepartmentsFromWorkbook: two department headers that differ
// only by a zero-width space, across two score sheets.
func TestDuplicateDepartmentsFromWorkbook(t *testing.T) {
	_, problems := Check(book(t, "甲表", tsv(good...), "乙表", tsv(
		"一级指标|二级指标|分值|部门A\u200b",
		"管理|预算|30|28",
		"|绩效|20|15",
		"产出|数量|50|45")))
	if len(problems) != 1 || !errors.Is(problems[0], ErrDuplicateDepartment) || problems[0].Sheet != "乙表" || problems[0].Cell != "D1" {
		t.Fatalf("got %s", describe(problems))
	}
	if got, want := problems[0].Message("zh"), "部门“部门A\u200b”重复出现（另见 甲表!D1），两个名称只差不可见字符 U+200B（零宽空格）"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
