package calc

import (
	"sort"

	"github.com/shopspring/decimal"
)

// NodeResult is one department's rolled-up result at one indicator. Score
// and Weight are exact sums over the applicable leaves below (deduction
// items add their negative score but no weight).
type NodeResult struct {
	Indicator *Indicator
	Score     decimal.Decimal
	Weight    decimal.Decimal
	NA        bool // every leaf below is 不适用
}

// HasRate reports whether the node has a rate (a positive applicable
// weight).
func (r NodeResult) HasRate() bool { return !r.NA && r.Weight.IsPositive() }

// Rate is Score / Weight, exact to 16 decimals; zero without HasRate.
func (r NodeResult) Rate() decimal.Decimal {
	if !r.HasRate() {
		return decimal.Zero
	}
	return r.Score.Div(r.Weight)
}

// Loss is the points lost at the node: applicable weight minus score.
func (r NodeResult) Loss() decimal.Decimal {
	if r.NA {
		return decimal.Zero
	}
	return r.Weight.Sub(r.Score)
}

// Deduction is a main deduction (扣分项): an indicator below a level-1
// indicator that lost points.
type Deduction struct {
	Level1 string
	Name   string
	Loss   decimal.Decimal
}

// Result is one department's evaluation.
type Result struct {
	Department string
	Sheet      string
	Table      *Table
	Nodes      map[*Indicator]NodeResult
	Level1     []NodeResult // per root of Table, in order
	// Total is the exact total: level-1 scores rescaled to total points
	// when items are 不适用, plus deduction items, never below 0.
	Total      decimal.Decimal
	Shown      decimal.Decimal // Total rounded for showing
	Rate       decimal.Decimal // Total / total points, exact
	Grade      string
	GradeIndex int
	Rank       int
	Deductions []Deduction
}

// Evaluate computes every department of every table, then ranks them all
// together by shown total (ties share a rank: 1, 2, 2, 4). Results are in
// table and department order.
func Evaluate(tables []*Table, s Settings) []Result {
	var out []Result
	for _, t := range tables {
		for _, d := range t.Departments {
			out = append(out, evaluate(t, d, s))
		}
	}
	Rank(out)
	return out
}

func evaluate(t *Table, d Department, s Settings) Result {
	r := Result{Department: d.Name, Sheet: t.Sheet, Table: t, Nodes: map[*Indicator]NodeResult{}}
	var scoreSum, weightSum, deductions decimal.Decimal
	for i, leaf := range t.Leaves {
		sc := d.Scores[i]
		nr := NodeResult{Indicator: leaf, NA: sc.NA}
		if !sc.NA {
			nr.Score = sc.Value
			if leaf.Deduction() {
				deductions = deductions.Add(sc.Value)
			} else {
				nr.Weight = leaf.Weight
				scoreSum = scoreSum.Add(sc.Value)
				weightSum = weightSum.Add(leaf.Weight)
			}
		}
		r.Nodes[leaf] = nr
	}
	var roll func(n *Indicator) NodeResult
	roll = func(n *Indicator) NodeResult {
		if n.IsLeaf() {
			return r.Nodes[n]
		}
		nr := NodeResult{Indicator: n, NA: true}
		for _, c := range n.Children {
			cr := roll(c)
			if cr.NA {
				continue
			}
			nr.NA = false
			nr.Score = nr.Score.Add(cr.Score)
			nr.Weight = nr.Weight.Add(cr.Weight)
		}
		if nr.NA {
			nr.Score, nr.Weight = decimal.Zero, decimal.Zero
		}
		r.Nodes[n] = nr
		return nr
	}
	for _, root := range t.Roots {
		r.Level1 = append(r.Level1, roll(root))
	}

	total := scoreSum
	if weightSum.IsPositive() && !weightSum.Equal(s.TotalPoints) {
		total = scoreSum.Mul(s.TotalPoints).Div(weightSum) // 按比例折算
	}
	total = total.Add(deductions)
	if total.IsNegative() {
		total = decimal.Zero
	}
	r.Total = total
	r.Shown = s.Points(total)
	if s.TotalPoints.IsPositive() {
		r.Rate = total.Div(s.TotalPoints)
	}
	r.Grade, r.GradeIndex = s.Grade(r.Shown)
	r.Deductions = deductionsOf(t, r.Nodes)
	return r
}

// deductionsOf lists, for each level-1 indicator in order, its children
// (itself when it is a leaf) that lost points, largest loss first.
func deductionsOf(t *Table, nodes map[*Indicator]NodeResult) []Deduction {
	var out []Deduction
	for _, root := range t.Roots {
		items := root.Children
		if root.IsLeaf() {
			items = []*Indicator{root}
		}
		var lost []Deduction
		for _, c := range items {
			if loss := nodes[c].Loss(); loss.IsPositive() {
				lost = append(lost, Deduction{Level1: root.Name, Name: c.Name, Loss: loss})
			}
		}
		sort.SliceStable(lost, func(i, j int) bool { return lost[i].Loss.GreaterThan(lost[j].Loss) })
		out = append(out, lost...)
	}
	return out
}

// Rank sets Rank on every result by shown total, descending; equal shown
// totals share a rank and the next rank is skipped (1, 2, 2, 4).
func Rank(results []Result) {
	order := make([]int, len(results))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return results[order[a]].Shown.GreaterThan(results[order[b]].Shown)
	})
	for pos, i := range order {
		if pos > 0 && results[i].Shown.Equal(results[order[pos-1]].Shown) {
			results[i].Rank = results[order[pos-1]].Rank
		} else {
			results[i].Rank = pos + 1
		}
	}
}

// ByRank returns the indexes of results ordered by rank, ties in input
// order.
func ByRank(results []Result) []int {
	order := make([]int, len(results))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return results[order[a]].Rank < results[order[b]].Rank })
	return order
}
