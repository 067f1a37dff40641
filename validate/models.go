package validate

import (
	"strings"

	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/sheet"
)

// This file turns the scoring models of spec §7 into points, reads veto
// items (§7.1) and says when a workbook scored under the default points
// model looks like it was meant under another one.

// vetoRow adds a veto item: no weight (its weight cell says 否决, or is
// blank, when its 指标类型 says 否决项), and per department a score that
// says 否决 (vetoed) or 通过 (not vetoed).
func vetoRow(info *tableInfo, t *sheet.Table, row sheet.Row, rowIndex int, parents []string, leafName, path string, active []int, problems *List) {
	wc := row.Weights[len(row.Names)-1]
	if !blank(wc) && !(wc.Kind == sheet.Text && vetoWord(wc.Value)) {
		if v := readWeight(wc); v.err != nil || !v.num.IsZero() {
			problems.Add(cellProblem(SeverityError, t.Sheet, wc, "", path, ErrVetoWeight, shown(wc), ""))
		}
	}
	leaf, added := info.table.Add(parents, leafName, decimal.Zero, row.Num)
	if !added {
		problems.Add(cellProblem(SeverityError, t.Sheet, row.Leaf(), "", path, ErrDuplicateIndicator, leafName, itoa(leaf.Row)))
		return
	}
	leaf.Veto = true
	info.leafOfRow[rowIndex] = len(info.table.Leaves) - 1
	for k, i := range active {
		dept := &info.table.Departments[k]
		c := row.Score(i)
		vetoed, ok := vetoScore(c.Value)
		if c.Kind != sheet.Text || !ok {
			problems.Add(cellProblem(SeverityError, t.Sheet, c, dept.Name, path, ErrVetoScore, shown(c), ""))
		}
		dept.Scores = append(dept.Scores, calc.Score{Vetoed: vetoed && ok})
	}
}

// toPoints turns a table read under the weighted or coefficient model
// into points (spec §7): leaf weights become the points they are worth
// and scores the points they earn. A declared parent weight becomes its
// points too. Deduction items are points in every model. Indicator.Share
// keeps the weight as the workbook gives it.
func toPoints(info *tableInfo, s calc.Settings) {
	t := info.table
	t.Walk(func(n *calc.Indicator) { n.Share = n.Weight })
	switch s.Model {
	case calc.WeightedModel:
		// share: a leaf's weight, a parent's declared weight, else the
		// sum of its children's shares
		var share func(n *calc.Indicator) decimal.Decimal
		share = func(n *calc.Indicator) decimal.Decimal {
			switch {
			case n.Veto || n.Deduction():
				return decimal.Zero
			case n.IsLeaf() || n.Declared:
				return n.Share
			}
			var sum decimal.Decimal
			for _, c := range n.Children {
				sum = sum.Add(share(c))
			}
			return sum
		}
		var give func(list []*calc.Indicator, points decimal.Decimal)
		give = func(list []*calc.Indicator, points decimal.Decimal) {
			var sum decimal.Decimal
			for _, c := range list {
				sum = sum.Add(share(c))
			}
			for _, c := range list {
				if c.Veto || c.Deduction() {
					continue
				}
				p := decimal.Zero
				if sum.IsPositive() {
					p = points.Mul(share(c)).DivRound(sum, 20)
				}
				if c.IsLeaf() || c.Declared {
					c.Weight = p
				}
				give(c.Children, p)
			}
		}
		give(t.Roots, s.TotalPoints)
		for k := range t.Departments {
			d := &t.Departments[k]
			for i, sc := range d.Scores {
				if l := t.Leaves[i]; !sc.NA && !l.Veto && !l.Deduction() {
					d.Scores[i].Value = l.Weight.Mul(sc.Value).DivRound(s.ScoreScale, 20)
				}
			}
		}
	case calc.CoefficientModel:
		for k := range t.Departments {
			d := &t.Departments[k]
			for i, sc := range d.Scores {
				if l := t.Leaves[i]; !sc.NA && !l.Veto && !l.Deduction() {
					d.Scores[i].Value = l.Weight.Mul(sc.Value)
				}
			}
		}
	}
}

// suggestModel reports, under the default points model, a department
// whose scores look meant under another model (spec §7, never silently
// wrong):
//
//   - every score at most 1.05 while the leaf weights are 5 or more (on
//     average): coefficients of the weights (计分方式 = 系数);
//   - leaf weights that add up to 1 (100 %) with a score above its weight,
//     or to 100 with most scores above their weights: shares, and scores
//     out of 100 (计分方式 = 权重). That one error replaces the
//     department's "score above weight" errors and the level-1 sum.
//
// smallLimit is the largest score read as a likely coefficient.
var smallLimit = decimal.RequireFromString("1.5")

func suggestModel(info *tableInfo, problems *List) {
	t := info.table
	var weightSum decimal.Decimal
	leaves := 0
	for _, l := range t.Leaves {
		if !l.Veto && !l.Deduction() {
			weightSum = weightSum.Add(l.Weight)
			leaves++
		}
	}
	if leaves == 0 {
		return
	}
	meanWeight := weightSum.Div(decimal.NewFromInt(int64(leaves)))
	shares := weightSum.Equal(decimal.NewFromInt(1)) || weightSum.Equal(calc.Hundred)
	// Level-1 weights declared as shares of 1 (40%, 35%, 25%), whatever
	// the leaves below add up to.
	rootShares := len(t.Roots) > 1
	var rootSum decimal.Decimal
	for _, root := range t.Roots {
		c, ok := info.declared[root]
		if !ok {
			rootShares = false
			break
		}
		v := readWeight(c)
		if v.err != nil {
			rootShares = false
			break
		}
		rootSum = rootSum.Add(v.num)
	}
	rootShares = rootShares && rootSum.Equal(decimal.NewFromInt(1))
	shares = shares || rootShares
	coefLimit := decimal.RequireFromString("1.05")
	// What each leaf is compared with, made once: a table holds a
	// million scores.
	heavy := make([]bool, len(t.Leaves))             // worth 3 or more
	halves := make([]decimal.Decimal, len(t.Leaves)) // half its weight
	for i, l := range t.Leaves {
		heavy[i] = l.Weight.GreaterThanOrEqual(decimal.NewFromInt(3))
		halves[i] = l.Weight.Mul(decimal.New(5, -1))
	}
	gt := func(a, b decimal.Decimal) bool { return calc.Compare(a, b) > 0 }
	for _, d := range t.Departments {
		scored, above, positive, small := 0, 0, false, 0
		top := decimal.Zero
		within := true // every score at most 1.05
		for i, sc := range d.Scores {
			l := t.Leaves[i]
			if sc.NA || l.Veto || l.Deduction() {
				continue
			}
			scored++
			if gt(sc.Value, l.Weight) {
				above++
			}
			if sc.Value.IsPositive() {
				positive = true
			}
			if gt(sc.Value, coefLimit) || gt(sc.Value, calc.Hundred) {
				within = false
			}
			if gt(sc.Value, top) {
				top = sc.Value
			}
			// A score of at most 1.5 where the leaf is worth 3 or more
			// and twice the score: a coefficient rather than points.
			if !gt(sc.Value, smallLimit) && heavy[i] && !gt(sc.Value, halves[i]) {
				small++
			}
		}
		if scored == 0 {
			continue
		}
		cell := sheet.Cell{Ref: d.Cell}
		switch {
		case within && positive && meanWeight.GreaterThanOrEqual(decimal.NewFromInt(5)):
			e := cellProblem(SeverityError, t.Sheet, cell, d.Name, "", ErrScoringModel, "", "")
			e.Texts = &[4]string{
				"每项得分都不超过 1.05（最高 " + top.String() + "），而末级指标的分值平均 " + meanWeight.Round(2).String() + " 分：得分像是分值的系数（计分方式 = 系数），按分值计算总分会远低于实际",
				"every score is at most 1.05 (the highest is " + top.String() + ") while the leaf weights average " + meanWeight.Round(2).String() + " points: the scores look like coefficients of the weights (Scoring = coefficient), and as points the total would be far too low",
				"如果得分是系数（得分 = 分值 × 系数），在“设置”表中填写 计分方式 = 系数（系数上限默认 1）；如果确实是分数，填写 计分方式 = 分值",
				"if the scores are coefficients (points = weight × score), set Scoring (计分方式) = coefficient (系数) in the Settings sheet (the cap is 1 unless Coefficient cap says otherwise); if they really are points, set Scoring = points (分值)",
			}
			problems.Add(e)
		case positive && !within && scored >= 5 && 10*small >= 9*scored:
			// Scores that are nearly all small next to their weights,
			// some above 1.05: coefficients with a cap above 1, most
			// likely. Not certain, so a warning, with the result.
			e := cellProblem(SeverityWarning, t.Sheet, cell, d.Name, "", WarnScoringModel, "", "")
			e.Texts = &[4]string{
				itoa(small) + " 项得分（共 " + itoa(scored) + " 项）不超过 1.5，而这些指标的分值都在 3 分以上：得分像是分值的系数（计分方式 = 系数），按分值计算的总分可能远低于实际",
				itoa(small) + " of " + itoa(scored) + " scores are at most 1.5 while their leaves are worth 3 points or more: the scores look like coefficients of the weights (Scoring = coefficient), and the total as points may be far too low",
				"如果得分是系数，在“设置”表中填写 计分方式 = 系数 并按需填写 系数上限；如果确实是分数，填写 计分方式 = 分值，本提示即不再出现",
				"if the scores are coefficients, set Scoring (计分方式) = coefficient (系数) in the Settings sheet, with Coefficient cap if it is not 1; if they really are points, set Scoring = points (分值) and this warning goes",
			}
			problems.Add(e)
		case shares && above > 0 && (weightSum.Equal(decimal.NewFromInt(1)) || rootShares || 2*above >= scored):
			info.looksWeighted = true
			kept := (*problems)[:0]
			for _, p := range *problems {
				if p.Err == ErrAboveWeight && p.Sheet == t.Sheet && p.Department == d.Name {
					continue
				}
				kept = append(kept, p)
			}
			*problems = kept
			sum, sumEn := weightSum.String(), weightSum.String()
			if weightSum.Equal(decimal.NewFromInt(1)) || rootShares {
				sum, sumEn = "1（100%）", "1 (100%)"
			}
			which, whichEn := "末级指标的分值", "the leaf weights"
			if rootShares && !weightSum.Equal(decimal.NewFromInt(1)) {
				which, whichEn = "一级指标的分值", "the level-1 weights"
			}
			e := cellProblem(SeverityError, t.Sheet, cell, d.Name, "", ErrScoringModel, "", "")
			e.Texts = &[4]string{
				which + "合计 " + sum + "，而 " + itoa(above) + " 项得分超过其分值（最高 " + top.String() + "）：分值像是权重，得分像是百分制（计分方式 = 权重）",
				whichEn + " add up to " + sumEn + " while " + itoa(above) + " scores exceed their weights (the highest is " + top.String() + "): the weights look like shares and the scores like marks out of 100 (Scoring = weighted)",
				"在“设置”表中填写 计分方式 = 权重（得分满分默认 100，可用 得分满分 修改）；如果确实按分值计分，改正超过分值的得分",
				"set Scoring (计分方式) = weighted (权重) in the Settings sheet (scores are out of 100 unless Score scale says otherwise); if the scores really are points, correct those above their weights",
			}
			problems.Add(e)
		}
	}
}

// vetoGrade makes a vetoed department's grade name its veto items:
// 差（一票否决：重大安全事故）, Poor (veto: Major accident).
func vetoGrade(r *calc.Result, lang string) {
	if len(r.Vetoed) == 0 {
		return
	}
	var names []string
	for _, p := range r.Vetoed {
		names = append(names, p[strings.LastIndex(p, "/")+1:])
	}
	if lang == "en" {
		r.Grade = r.GradeLabel + " (veto: " + strings.Join(names, ", ") + ")"
		return
	}
	r.Grade = r.GradeLabel + "（一票否决：" + strings.Join(names, "、") + "）"
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }
