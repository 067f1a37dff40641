package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/sheet"
	"perfeval/validate"
)

// TableLayout is how one score table was read (check --explain): what the
// person needs to see why perfeval read a sheet the way it did, and what
// to declare in the settings where it guessed wrong.
type TableLayout struct {
	Sheet         string         `json:"sheet"`
	HeaderRow     int            `json:"header_row"`
	FirstRow      int            `json:"first_row,omitempty"` // a group header above it
	Columns       []ColumnLayout `json:"columns"`
	Sections      bool           `json:"sections,omitempty"` // section rows read as a level above the names
	Indicators    []int          `json:"indicators"`         // per level
	WeightSums    []string       `json:"weight_sums"`        // per level: the declared (or leaf) weights added up
	Departments   []string       `json:"departments"`
	TotalRow      int            `json:"total_row,omitempty"`
	SubtotalRows  []int          `json:"subtotal_rows"`
	HiddenRows    []int          `json:"hidden_rows"`
	HiddenColumns []string       `json:"hidden_columns"`
	Unit          string         `json:"unit,omitempty"` // the 单位名称 above the header
	// How scores are read (spec §7): the scoring model (points, weighted
	// or coefficient), with its score scale or coefficient cap, the total
	// points, how many veto items there are and what a veto does.
	Model          string `json:"model"`
	ModelDeclared  bool   `json:"model_declared"`
	ScoreScale     string `json:"score_scale,omitempty"`
	CoefficientCap string `json:"coefficient_cap,omitempty"`
	TotalPoints    string `json:"total_points"`
	VetoItems      int    `json:"veto_items"`
	VetoZero       bool   `json:"veto_zero,omitempty"`
}

// ColumnLayout is one column's role and why.
type ColumnLayout struct {
	Column string `json:"column"`
	Header string `json:"header"`
	Role   string `json:"role"` // level, weight, department, descriptive
	Level  int    `json:"level,omitempty"`
	Why    string `json:"why"` // a reason code (sheet.Why*)
}

// explain describes every score table of a checked workbook.
func explain(w *validate.Workbook) []TableLayout {
	var out []TableLayout
	for i, src := range w.Sources {
		t := w.Tables[i]
		l := TableLayout{Sheet: src.Sheet, HeaderRow: src.HeaderRow, Sections: src.Sections,
			SubtotalRows: []int{}, HiddenRows: append([]int{}, src.HiddenRows...), HiddenColumns: []string{}, Departments: []string{}}
		if src.FirstRow != src.HeaderRow {
			l.FirstRow = src.FirstRow
		}
		for _, r := range src.Roles {
			col, _ := sheet.ColumnName(r.Index)
			l.Columns = append(l.Columns, ColumnLayout{Column: col, Header: r.Header, Role: r.Kind, Level: r.Level, Why: r.Why})
		}
		depth := len(src.Levels)
		l.Indicators = make([]int, depth)
		sums := make([]decimal.Decimal, depth)
		t.Walk(func(n *calc.Indicator) {
			if n.Level >= 1 && n.Level <= depth {
				l.Indicators[n.Level-1]++
				w, _ := n.Weights()
				sums[n.Level-1] = sums[n.Level-1].Add(w)
			}
		})
		for _, s := range sums {
			l.WeightSums = append(l.WeightSums, s.String())
		}
		for _, d := range t.Departments {
			l.Departments = append(l.Departments, d.Name)
		}
		if src.Total != nil {
			l.TotalRow = src.Total.Num
		}
		for _, st := range src.Subtotals {
			l.SubtotalRows = append(l.SubtotalRows, st.Num)
		}
		for _, c := range src.HiddenCols {
			name, _ := sheet.ColumnName(c)
			l.HiddenColumns = append(l.HiddenColumns, name)
		}
		if src.Unit != nil {
			l.Unit = src.Unit.Value
		}
		st := w.Settings
		l.Model, l.ModelDeclared, l.TotalPoints, l.VetoZero = st.Model.String(), st.ModelDeclared, st.TotalPoints.String(), st.VetoZero
		switch st.Model {
		case calc.WeightedModel:
			l.ScoreScale = st.ScoreScale.String()
		case calc.CoefficientModel:
			l.CoefficientCap = st.CoefficientCap.String()
		}
		for _, leaf := range t.Leaves {
			if leaf.Veto {
				l.VetoItems++
			}
		}
		out = append(out, l)
	}
	return out
}

// whyText says a reason code in words.
func whyText(lang, why string) string {
	words := map[string][2]string{
		sheet.WhyNumberedLevel:  {"带编号的指标层级名", "a numbered level name"},
		sheet.WhyLevelWord:      {"没有带编号的层级名，指标名称列按从左到右的顺序作为各级", "no numbered level names: indicator-name columns are the levels from left to right"},
		sheet.WhyDeclared:       {"在设置中声明", "declared in the settings"},
		sheet.WhyWeightPrefix:   {"前缀指明了层级", "its prefix names the level"},
		sheet.WhyWeightLeft:     {"属于左侧最近的指标名称列", "belongs to the nearest name column on its left"},
		sheet.WhyWeightBefore:   {"在所有指标名称列左侧，作为末级分值", "left of every name column: taken as the leaf weight"},
		sheet.WhyRightOfWeight:  {"末级分值列右侧的表头", "a header right of the leaf weight"},
		sheet.WhyGenericScore:   {"通用得分表头：一个被评价单位的得分", "a generic score header: one evaluated unit's scores"},
		sheet.WhyDescriptive:    {"说明性表头", "a descriptive header"},
		sheet.WhyLeftOfWeight:   {"末级分值列左侧的未知表头", "an unknown header left of the leaf weight"},
		sheet.WhyDuplicateLevel: {"该层级已有一列（或超过四级）", "the level already has a column (or past four levels)"},
		sheet.WhyExtraWeight:    {"该层级已有分值列", "the level already has a weight column"},
		sheet.WhyWordColumn:     {"填写的多是文字，不是得分", "its cells hold words, not scores"},
		sheet.WhyEmptyColumn:    {"整列为空", "the column is empty"},
	}
	if w, ok := words[why]; ok {
		return tr(lang, w[0], w[1])
	}
	return why
}

func roleText(lang string, c ColumnLayout) string {
	levels := []string{"一级", "二级", "三级", "四级"}
	switch c.Role {
	case "level":
		return tr(lang, levels[c.Level-1]+"指标", fmt.Sprintf("level %d", c.Level))
	case "weight":
		return tr(lang, levels[c.Level-1]+"分值", fmt.Sprintf("weight of level %d", c.Level))
	case "department":
		return tr(lang, "部门（得分列）", "department (scores)")
	default:
		return tr(lang, "说明列", "descriptive")
	}
}

// printLayouts prints how each score table was read.
func printLayouts(w io.Writer, lang string, layouts []TableLayout) {
	for _, l := range layouts {
		header := fmt.Sprintf(tr(lang, "  表 %s：表头在第 %d 行", "  sheet %s: header in row %d"), l.Sheet, l.HeaderRow)
		if l.FirstRow != 0 {
			header += fmt.Sprintf(tr(lang, "（上方第 %d 行起为分组表头）", " (a group header from row %d)"), l.FirstRow)
		}
		fmt.Fprintln(w, header)
		if l.Unit != "" {
			fmt.Fprintf(w, tr(lang, "    被评价单位（表头上方）：%s\n", "    unit (above the header): %s\n"), l.Unit)
		}
		for _, c := range l.Columns {
			fmt.Fprintf(w, "    %-4s %s → %s（%s）\n", c.Column, c.Header, roleText(lang, c), whyText(lang, c.Why))
		}
		if l.Sections {
			fmt.Fprintln(w, tr(lang, "    分节行（如“一、决策”）作为最上一级指标", "    section rows (Correctness, 一、决策) read as the top level"))
		}
		var per []string
		for i, n := range l.Indicators {
			per = append(per, fmt.Sprintf(tr(lang, "%d 级 %d 个（分值合计 %s）", "level %d: %d (weights add up to %s)"), i+1, n, l.WeightSums[i]))
		}
		fmt.Fprintf(w, tr(lang, "    指标：%s\n", "    indicators: %s\n"), strings.Join(per, tr(lang, "；", "; ")))
		fmt.Fprintf(w, "    %s\n", modelText(lang, l))
		fmt.Fprintf(w, tr(lang, "    部门 %d 个：%s\n", "    %d departments: %s\n"), len(l.Departments), strings.Join(l.Departments, tr(lang, "、", ", ")))
		none := tr(lang, "无", "none")
		total := none
		if l.TotalRow != 0 {
			total = fmt.Sprint(l.TotalRow)
		}
		fmt.Fprintf(w, tr(lang, "    合计行：%s；小计行：%s\n", "    total row: %s; subtotal rows: %s\n"), total, joinInts(l.SubtotalRows, none))
		fmt.Fprintf(w, tr(lang, "    隐藏行：%s；隐藏列：%s\n", "    hidden rows: %s; hidden columns: %s\n"), joinInts(l.HiddenRows, none), joinStrings(l.HiddenColumns, none))
	}
}

// modelText says how a table's scores are read: the scoring model and
// where it comes from, the total points and the veto items.
func modelText(lang string, l TableLayout) string {
	var model string
	switch l.Model {
	case "weighted":
		model = fmt.Sprintf(tr(lang, "权重（分值为占比，得分为 0 到 %s 的分数，按占比折成分值）", "weighted (weights are shares, scores are out of %s and turned into points by the shares)"), l.ScoreScale)
	case "coefficient":
		model = fmt.Sprintf(tr(lang, "系数（得分为 0 到 %s 的系数，乘以分值）", "coefficient (a score is a coefficient from 0 to %s of the weight)"), l.CoefficientCap)
	default:
		model = tr(lang, "分值（得分为该指标分值内的分数）", "points (a score is points out of the indicator's weight)")
	}
	from := tr(lang, "默认；可在设置中用“计分方式”改为 权重 或 系数", "the default; set 计分方式 / Scoring to weighted or coefficient to change it")
	if l.ModelDeclared {
		from = tr(lang, "在设置中声明", "declared in the settings")
	}
	text := fmt.Sprintf(tr(lang, "计分方式：%s（%s）；满分 %s", "scoring: %s (%s); total points %s"), model, from, l.TotalPoints)
	if l.VetoItems > 0 {
		what := tr(lang, "否决时等级为最低一档", "a veto gives the lowest grade")
		if l.VetoZero {
			what = tr(lang, "否决时总分为 0", "a veto makes the total 0")
		}
		text += fmt.Sprintf(tr(lang, "；一票否决项 %d 个，%s", "; %d veto items: %s"), l.VetoItems, what)
	}
	return text
}

func joinInts(xs []int, none string) string {
	var s []string
	for _, x := range xs {
		s = append(s, fmt.Sprint(x))
	}
	return joinStrings(s, none)
}

func joinStrings(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, ", ")
}
