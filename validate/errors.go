package validate

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"perfeval/sheet"
)

// Severity of a problem: errors block a workbook's results, warnings do
// not.
type Severity int

// Severities.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String is "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Errors: each blocks the workbook's results.
var (
	ErrNoScoreTable        = errors.New("no score table")
	ErrNoWeightColumn      = errors.New("no leaf weight column")
	ErrNoDepartment        = errors.New("no department column")
	ErrNoIndicators        = errors.New("no indicator rows")
	ErrDuplicateDepartment = errors.New("duplicate department")
	ErrEmptyDepartment     = errors.New("department without a name")
	ErrDuplicateIndicator  = errors.New("duplicate indicator")
	ErrWeightConflict      = errors.New("conflicting parent weights")
	ErrWeightSum           = errors.New("weights do not add up")
	ErrTotalPoints         = errors.New("level-1 weights do not add up to the total points")
	ErrTotalConflict       = errors.New("total points declared twice, differently")
	ErrMissingWeight       = errors.New("missing weight")
	ErrWeightNotNumber     = errors.New("weight is not a number")
	ErrZeroWeight          = errors.New("weight is zero")
	ErrMissing             = errors.New("missing score")
	ErrNotNumber           = errors.New("score is not a number")
	ErrAboveWeight         = errors.New("score above weight")
	ErrBelowZero           = errors.New("score below zero")
	ErrDeductionRange      = errors.New("deduction outside its range")
	ErrFormula             = errors.New("formula without a value")
	ErrDeclaredTotal       = errors.New("declared total differs from computed")
	ErrAllNotApplicable    = errors.New("every indicator not applicable")
	ErrSetting             = errors.New("malformed setting")
	ErrGradeBands          = errors.New("bad grade bands")
	ErrNoScores            = errors.New("department column without a score")
	ErrSubtotal            = errors.New("subtotal differs from its group")
	ErrNegativeTotal       = errors.New("total points are not positive")
	ErrAboveScale          = errors.New("score above the score scale")
	ErrAboveCap            = errors.New("coefficient above its cap")
	ErrScoringModel        = errors.New("scores look meant under another scoring model")
	ErrVetoScore           = errors.New("veto item score is neither vetoed nor passed")
	ErrVetoWeight          = errors.New("veto item with a weight")
)

// Warnings: reported, results still written.
var (
	WarnTextNumber     = errors.New("number stored as text")
	WarnUnknownSetting = errors.New("unknown setting")
	WarnWordColumn     = errors.New("column without numbers taken as descriptive")
	WarnStrayNumber    = errors.New("number outside an indicator row")
	WarnPercentScore   = errors.New("score formatted as a percentage")
	WarnScoringModel   = errors.New("scores look like another scoring model")
	WarnAboveTotal     = errors.New("total above the total points")
	WarnInvisibleChar  = errors.New("invisible character in a name")
	WarnEmptyColumn    = errors.New("empty column taken as descriptive")
	WarnHidden         = errors.New("hidden rows or columns")
)

// CellError is one problem, with its place. Err is one of the sentinels.
type CellError struct {
	Severity   Severity
	Sheet      string
	Cell       string // "F12"; empty for a problem of the whole workbook
	Department string
	Indicator  string // path, 管理效率/预算绩效管理/绩效目标设定
	Err        error
	Found      string // what the cell holds
	Expected   string // what it should hold
	Invisible  []rune // invisible characters in the cell (U+200B, …), named in the message
	Merge      string // the merged cell the value came from ("F2:F9"); Cell is its top-left
	Covered    int    // with Merge: how many indicators share this problem
	// Texts, when set, replace Found and Expected in messages: found in
	// Chinese and English, then expected in Chinese and English (for
	// text perfeval composes, such as what it saw of a header row).
	Texts *[4]string
	// Rescaled: a declared total that differs from a total rescaled for
	// 不适用 items (按比例折算); the hint says so.
	Rescaled bool
}

func (e *CellError) Unwrap() error { return e.Err }

// Error reads like 指标!F12: 部门A: 管理效率/…: score 5.5 above weight 5.
func (e *CellError) Error() string {
	return e.Place() + e.Message("en")
}

// Place is "Sheet!Cell: department: indicator: ", the parts known.
func (e *CellError) Place() string {
	var b strings.Builder
	switch {
	case e.Sheet != "" && e.Cell != "":
		b.WriteString(e.Sheet + "!" + e.Cell + ": ")
	case e.Sheet != "":
		b.WriteString(e.Sheet + ": ")
	}
	if e.Department != "" {
		b.WriteString(cut(e.Department) + ": ")
	}
	if e.Indicator != "" {
		parts := strings.Split(e.Indicator, "/")
		for i, p := range parts {
			parts[i] = cut(p)
		}
		b.WriteString(strings.Join(parts, "/") + ": ")
	}
	return b.String()
}

// Message says what is wrong, in lang ("zh" or "en"), without the place:
// the sentinel's sentence, then the invisible characters found and the
// merged cell, when there are any. Cell text is cut to 100 characters.
func (e *CellError) Message(lang string) string {
	m, ok := messages[e.Err]
	if !ok {
		return e.Err.Error()
	}
	en := lang == "en"
	tmpl := pick(en, m.zh, m.en)
	if e.Err == ErrVetoScore && e.Found == "" && e.Texts == nil {
		tmpl = pick(en, "一票否决项的得分是空的，应填“否决”或“通过”", "the veto item's score is blank; it must say vetoed or passed")
	}
	msg := e.fill(tmpl, en)
	if len(e.Invisible) > 0 && !strings.Contains(tmpl, "{chars}") {
		clause := pick(en, "，含{chars}", "; it contains {chars}")
		if c, ok := charsClauses[e.Err]; ok {
			clause = pick(en, c[0], c[1])
		}
		msg += e.fill(clause, en)
	}
	if e.Merge != "" {
		n := max(e.Covered, 1)
		if en {
			noun := "indicators"
			if n == 1 {
				noun = "indicator"
			}
			msg += fmt.Sprintf(" (merged cell %s, covering %d %s)", e.Merge, n, noun)
		} else {
			msg += fmt.Sprintf("（合并单元格 %s，涉及 %d 个指标）", e.Merge, n)
		}
	}
	return msg
}

// Hint says what to do, in lang; "" when there is nothing to add.
func (e *CellError) Hint(lang string) string {
	m := messages[e.Err]
	en := lang == "en"
	hints := []string{e.fill(pick(en, m.hintZh, m.hintEn), en)}
	if len(e.Invisible) > 0 && !strings.Contains(pick(en, m.zh, m.en), "{chars}") {
		hints = append(hints, pick(en, "删除不可见字符：清空单元格后重新输入", "delete the invisible characters: clear the cell and type it again"))
	}
	if e.Rescaled {
		hints = append(hints, pick(en, "该部门有“不适用”指标，总分已按比例折算（满分 × 得分合计 ÷ 适用分值合计），合计行填写的可能是折算前的分数", "the department has 不适用 (N/A) items, so its total was rescaled (按比例折算: total points × scores ÷ applicable weights); the declared total may be the sum before rescaling"))
	}
	if e.Merge != "" && e.Department != "" {
		hints = append(hints, e.fill(pick(en, "取消合并单元格 {merge}，为每个指标分别填写得分", "unmerge {merge} and give each indicator its own score"), en))
	}
	var out []string
	for _, h := range hints {
		if h != "" {
			out = append(out, h)
		}
	}
	return strings.Join(out, pick(en, "；", "; "))
}

func pick(en bool, zh, english string) string {
	if en {
		return english
	}
	return zh
}

// fill puts the problem's parts into a template: {found} and {expected}
// (cut to 100 characters), {chars} (the invisible characters, named) and
// {merge}.
func (e *CellError) fill(tmpl string, en bool) string {
	chars := ""
	if len(e.Invisible) > 0 {
		chars = charNames(e.Invisible, pick(en, "zh", "en"))
	}
	found, expected := cut(e.Found), cut(e.Expected)
	if e.Texts != nil { // composed by perfeval in both languages: not cell text, not cut
		found, expected = pick(en, e.Texts[0], e.Texts[1]), pick(en, e.Texts[2], e.Texts[3])
	}
	return strings.NewReplacer("{found}", found, "{expected}", expected, "{chars}", chars, "{merge}", e.Merge).Replace(tmpl)
}

// message is a sentinel's text. A template may hold {found}, {expected},
// {chars} and {merge}.
type message struct {
	zh, en, hintZh, hintEn string
}

// charsClauses replace, for some sentinels, the usual clause that names
// invisible characters (，含{chars}).
var charsClauses = map[error][2]string{
	ErrDuplicateDepartment: {"，两个名称只差{chars}", "; the two names differ only by {chars}"},
}

var messages = map[error]message{
	ErrAboveScale: {
		"得分 {found} 超过得分满分 {expected}（计分方式 = 权重）", "score {found} above the score scale {expected} (Scoring = weighted)",
		"按权重计分时，得分在 0 到得分满分之间；满分不是 100 时，在“设置”表中填写 得分满分", "under the weighted model a score lies between 0 and the score scale; if scores are not out of 100, set Score scale (得分满分) in the Settings sheet"},
	ErrAboveCap: {
		"系数 {found} 超过系数上限 {expected}（计分方式 = 系数）", "coefficient {found} above the cap {expected} (Scoring = coefficient)",
		"按系数计分时，得分是 0 到系数上限之间的系数（得分 = 分值 × 系数）；上限不是 1 时，在“设置”表中填写 系数上限", "under the coefficient model a score is a coefficient from 0 to the cap (points = weight × score); if the cap is not 1, set Coefficient cap (系数上限) in the Settings sheet"},
	ErrScoringModel: {
		"{found}", "{found}",
		"{expected}", "{expected}"},
	ErrVetoScore: {
		"一票否决项的得分“{found}”既不是“否决”也不是“通过”", "veto item score {found} is neither vetoed nor passed",
		"填写 否决（或 是）表示被否决，通过（或 否）表示未被否决", "write 否决 / Yes (vetoed) or 通过 / No (not vetoed)"},
	ErrVetoWeight: {
		"一票否决项不计分值，却填了分值 {found}", "a veto item carries no weight, but its weight cell holds {found}",
		"清空该分值，或填写“否决”；如果它不是一票否决项，改正“指标类型”", "clear the weight or write 否决 (Veto) in it; if it is not a veto item, correct its 指标类型 (Type)"},
	ErrNoScoreTable: {
		"找不到评分表：前 20 行内没有指标名称表头（一级指标/二级指标/三级指标，或 指标、考核维度、考核内容 等）{found}", "no score table: no sheet has a header row naming the indicators (一级指标/二级指标/三级指标 or Level 1/2/3, or 指标, 考核维度, Criterion, KPI …) in its first 20 rows{found}",
		"在表头行写明指标层级（一级指标、二级指标、三级指标）、分值，以及每个部门一列；或在“设置”表中声明各列：{expected}", "add a header row naming the indicator levels, the weight and one column per department; or declare the columns in a Settings sheet: {expected}"},
	ErrNoScores: {
		"得分列“{found}”没有任何得分", "score column {found} holds no score at all",
		"填写该列的得分；不适用的指标填“不适用”", "fill in its scores, or 不适用 (N/A) where an indicator does not apply"},
	ErrSubtotal: {
		"小计 {found} 与本组计算结果 {expected} 不一致", "subtotal {found} differs from its group's {expected}",
		"核对本组各项，或更正小计行", "check the group's rows, or correct the 小计 (subtotal) row"},
	ErrNegativeTotal: {
		"合计行的分值 {found} 不是正数，不能作为满分", "the 合计 (Total) row's weight {found} is not positive and cannot be the total points",
		"合计行的分值可能是把扣分项（负分值）也加进去的公式，只合计正分值指标，或在“设置”表中填写满分", "the total row's weight may be a SUM that includes deduction items (negative weights): add up the positive weights only, or set Total points in the Settings sheet"},
	WarnEmptyColumn: {
		"列“{found}”是空的，按说明列处理，不作为部门", "column {found} is empty: taken as a description, not a department",
		"如果这是部门，请填写得分；否则可忽略", "if it is a department, fill in its scores; otherwise ignore this"},
	WarnHidden: {
		"表中有隐藏的{found}，已照常读取", "the table has hidden {found}; they were read as usual",
		"隐藏的行列也计入结果；如不应计入，请删除而不是隐藏", "hidden rows and columns count; delete them rather than hide them if they should not"},
	ErrNoWeightColumn: {
		"末级指标“{found}”没有分值列", "the leaf level {found} has no weight column",
		"在末级指标列右侧加一列“分值”", "add a Weight column to the right of the leaf indicator column"},
	ErrNoDepartment: {
		"分值列右侧没有部门列", "no department column to the right of the weight column",
		"在分值列右侧为每个部门加一列，表头写部门名称", "add one column per department to the right of the weight column, headed by its name"},
	ErrNoIndicators: {
		"表头下没有任何指标行", "no indicator rows below the header",
		"在末级指标列填写指标名称", "fill in the leaf indicator names"},
	ErrDuplicateDepartment: {
		"部门“{found}”重复出现（另见 {expected}）", "department {found} appears twice (also at {expected})",
		"每个部门只能有一列，请合并或改名", "keep one column per department: merge or rename"},
	ErrEmptyDepartment: {
		"该列有得分但表头没有部门名称", "this column holds scores but its header names no department",
		"在表头填写部门名称，或删除该列", "write the department's name in the header, or delete the column"},
	ErrDuplicateIndicator: {
		"同一上级指标下重复出现指标“{found}”（首次在第 {expected} 行）", "indicator {found} appears twice under the same parent (first in row {expected})",
		"删除重复行或修改指标名称", "delete the repeated row or rename it"},
	ErrWeightConflict: {
		"上级指标分值 {found} 与前面填写的 {expected} 不一致", "parent weight {found} differs from {expected} given above",
		"同一上级指标的分值应一致", "give the parent one weight"},
	ErrWeightSum: {
		"下级指标分值合计 {found}，与上级指标分值 {expected} 不一致", "the weights below add up to {found}, but the parent's weight is {expected}",
		"调整下级指标分值或上级指标分值，使两者相等", "correct the weights so that they add up to the parent's weight"},
	ErrTotalPoints: {
		"一级指标分值合计 {found}，与满分 {expected} 不一致", "level-1 weights add up to {found}, but the total points are {expected}",
		"调整一级指标分值，或在“设置”表或合计行中填写正确的满分", "correct the level-1 weights, or set Total points in the Settings sheet or in the Total row"},
	ErrTotalConflict: {
		"合计行的分值 {found} 与“设置”表中的满分 {expected} 不一致", "the 合计 (Total) row declares {found} points, but the settings say {expected}",
		"更正合计行的分值或“设置”表中的满分", "correct the total row's weight or the Total points setting"},
	ErrMissingWeight: {
		"缺少分值", "the weight is missing",
		"填写该指标的分值", "fill in the indicator's weight"},
	ErrWeightNotNumber: {
		"分值“{found}”不是数字", "weight {found} is not a number",
		"填写数字分值", "write the weight as a number"},
	ErrZeroWeight: {
		"分值为 0", "the weight is 0",
		"填写非零分值；扣分项（调节项）填负数", "give a non-zero weight; a deduction item takes a negative weight"},
	ErrMissing: {
		"缺少得分", "the score is missing",
		"填写得分；不适用的指标填“不适用”", "fill in the score, or 不适用 (N/A) if the indicator does not apply"},
	ErrNotNumber: {
		"得分“{found}”不是数字", "score {found} is not a number",
		"填写 0 到分值之间的数字，或“不适用”", "write a number between 0 and the weight, or 不适用 (N/A)"},
	ErrAboveWeight: {
		"得分 {found} 超过分值 {expected}", "score {found} above weight {expected}",
		"得分不能超过该指标的分值", "a score cannot exceed the indicator's weight"},
	ErrBelowZero: {
		"得分 {found} 小于 0", "score {found} below 0",
		"得分应在 0 到分值之间", "a score lies between 0 and the weight"},
	ErrDeductionRange: {
		"扣分项得分 {found} 应在 {expected} 到 0 之间", "deduction {found} must lie between {expected} and 0",
		"扣分项填 0 或负数，且不低于其分值", "a deduction item takes 0 or a negative score, not below its weight"},
	ErrFormula: {
		"公式 {found} 没有保存计算结果，也无法计算：{expected}", "formula {found} has no saved value and cannot be computed: {expected}",
		"用 Excel 或 WPS 打开并保存该工作簿，使公式结果被保存", "open and save the workbook in Excel or WPS so that the formula's value is stored"},
	ErrDeclaredTotal: {
		"合计行填写的总分 {found} 与计算结果 {expected} 不一致", "declared total {found} differs from the computed total {expected}",
		"核对各项得分，或更正合计行", "check the scores, or correct the Total (合计) row"},
	ErrAllNotApplicable: {
		"所有指标均为“不适用”，无法计算总分", "every indicator is 不适用 (N/A): no total can be computed",
		"至少填写一项得分", "score at least one indicator"},
	ErrSetting: {
		"设置值“{found}”无效，应为 {expected}", "setting value {found} is not valid: expected {expected}",
		"更正“设置”表中的该项", "correct it in the settings sheet"},
	ErrGradeBands: {
		"等级划分无效：{found}", "grade bands are not valid: {found}",
		"各等级下限应依次递减，最低等级下限为 0", "give each grade a lower bound, strictly decreasing, the lowest 0"},
	WarnTextNumber: {
		"“{found}”是文本格式的数字，已按 {expected} 读取", "{found} is a number stored as text, read as {expected}",
		"可将单元格改为数字格式", "store the cell as a number"},
	WarnUnknownSetting: {
		"未知设置项“{found}”，已忽略", "unknown setting {found} ignored",
		"可用的设置项：满分、小数位、舍入、计分方式、得分满分、系数上限、否决处理、年度、评价单位、评价名称、评价对象、一级指标列…四级指标列、分值列、得分列、说明列、等级名称（优、良、中、差）", "known settings: Total points, Decimals, Rounding, Scoring, Score scale, Coefficient cap, Veto, Year, Evaluator, Evaluation, Unit, Level 1 column … Level 4 column, Weight column, Score columns, Descriptive columns and grade labels"},
	WarnWordColumn: {
		"列“{found}”没有任何数字，按说明列处理，不作为部门", "column {found} holds no number: taken as a description, not a department",
		"如果这是部门，请把得分填成数字", "if it is a department, write its scores as numbers"},
	WarnScoringModel: {
		"{found}", "{found}",
		"{expected}", "{expected}"},
	WarnAboveTotal: {
		"总分 {found} 超过满分 {expected}（系数上限大于 1，得分可以高于分值）；一级指标得分率按 100% 封顶显示", "the total {found} is above the total points {expected} (the coefficient cap is above 1, so scores may exceed their weights); level-1 rates are shown capped at 100%",
		"确认系数上限是否应大于 1；若不应，在“设置”表中把 系数上限 改为 1", "check that the coefficient cap should be above 1; if not, set Coefficient cap (系数上限) to 1 in the Settings sheet"},
	WarnPercentScore: {
		"得分单元格设置为百分比格式，显示为 {found}，已按 {expected} 分读取", "the score cell is formatted as a percentage: it shows {found} and is read as {expected} points",
		"直接填写分数，或把单元格格式改为“常规”或“数值”", "type the points, or set the cell format to General or Number"},
	WarnInvisibleChar: {
		"名称“{found}”含{chars}", "name {found} contains {chars}",
		"删除这些字符：清空单元格后重新输入名称（复制粘贴常会带入此类字符）", "delete them: clear the cell and type the name again (copy and paste often brings such characters in)"},
	WarnStrayNumber: {
		"数字 {found} 所在行没有末级指标名称，未计入得分", "number {found} is in a row without a leaf indicator name and is not counted",
		"补上指标名称，或删除该数字", "add the indicator's name, or remove the number"},
}

// List collects every problem of a workbook.
type List []*CellError

// Add appends a problem.
func (l *List) Add(e *CellError) { *l = append(*l, e) }

// Sort orders problems by sheet (in the order given), row, then column;
// problems without a cell come first within their sheet.
func (l List) Sort(sheets []string) {
	pos := map[string]int{}
	for i, s := range sheets {
		pos[s] = i + 1
	}
	key := func(e *CellError) (int, int, int) {
		col, row := 0, 0
		if e.Cell != "" {
			col, row = splitRef(e.Cell)
		}
		return pos[e.Sheet], row, col
	}
	sort.SliceStable(l, func(i, j int) bool {
		si, ri, ci := key(l[i])
		sj, rj, cj := key(l[j])
		if si != sj {
			return si < sj
		}
		if ri != rj {
			return ri < rj
		}
		return ci < cj
	})
}

// Errors counts the problems of severity error.
func (l List) Errors() int {
	n := 0
	for _, e := range l {
		if e.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Warnings counts the warnings.
func (l List) Warnings() int { return len(l) - l.Errors() }

// Err returns the list as an error when it holds at least one problem of
// severity error, else nil.
func (l List) Err() error {
	if l.Errors() == 0 {
		return nil
	}
	return l
}

// Error is the first error and how many more there are.
func (l List) Error() string {
	for _, e := range l {
		if e.Severity == SeverityError {
			if n := l.Errors() - 1; n > 0 {
				return fmt.Sprintf("%v (and %d more errors)", e, n)
			}
			return e.Error()
		}
	}
	return "no errors"
}

// splitRef splits "AB12" into column 28 and row 12.
func splitRef(ref string) (col, row int) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	for ; i < len(ref); i++ {
		if ref[i] >= '0' && ref[i] <= '9' {
			row = row*10 + int(ref[i]-'0')
		}
	}
	return col, row
}

// cellProblem is a problem at a cell of a score table.
func cellProblem(sev Severity, sheetName string, c sheet.Cell, dept, indicator string, err error, found, expected string) *CellError {
	return &CellError{Severity: sev, Sheet: sheetName, Cell: c.Ref, Department: dept, Indicator: indicator, Err: err, Found: found, Expected: expected, Merge: c.Merge}
}

// naming adds the invisible characters a value held, to be named.
func (e *CellError) naming(v value) *CellError {
	e.Invisible = v.invisible
	return e
}

// mergeProblems reports problems that come from one merged cell once: the
// problems of one sentinel, severity, sheet, department and merge become
// one, at the merge's top-left cell, counting the indicators it covers.
func (l List) mergeProblems() List {
	type key struct {
		err                       error
		sev                       Severity
		sheet, department, merged string
	}
	first := map[key]*CellError{}
	var out List
	for _, e := range l {
		if e.Merge == "" {
			out = append(out, e)
			continue
		}
		k := key{e.Err, e.Severity, e.Sheet, e.Department, e.Merge}
		if f, ok := first[k]; ok {
			f.Covered++
			continue
		}
		e.Covered = 1
		if topLeft, _, ok := strings.Cut(e.Merge, ":"); ok {
			e.Cell = topLeft
		}
		first[k] = e
		out = append(out, e)
	}
	return out
}
