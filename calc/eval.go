package calc

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// NodeResult is one department's rolled-up result at one indicator. Score
// and Weight are exact sums over the applicable leaves below (deduction
// items add their negative score but no weight). Weight is the applicable
// weight: the declared one (Indicator.ShownWeight) less the 不适用 leaves.
type NodeResult struct {
	Indicator *Indicator
	Score     decimal.Decimal
	Weight    decimal.Decimal
	NA        bool // every leaf below is 不适用
	// Positive is the score of the items that are not deduction items;
	// Deducted the (zero or negative) sum of the deduction items below.
	// Score is Positive + Deducted.
	Positive decimal.Decimal
	Deducted decimal.Decimal
	Vetoed   bool // a veto item (itself, or below) says 否决
}

// HasRate reports whether the node has a rate (a positive applicable
// weight).
func (r NodeResult) HasRate() bool { return !r.NA && r.Weight.IsPositive() }

// Rate is the rate of the node's positive items, Positive / Weight, exact
// to 16 decimals and never below 0 or above 1 (spec §7.2: deduction items
// are shown apart, never as a rate of −485.71%); zero without HasRate.
func (r NodeResult) Rate() decimal.Decimal {
	if !r.HasRate() {
		return decimal.Zero
	}
	rate := r.Positive.Div(r.Weight)
	if rate.IsNegative() {
		return decimal.Zero
	}
	if rate.GreaterThan(one) {
		return one
	}
	return rate
}

var one = decimal.NewFromInt(1)

// DeclaredWeight is the weight the workbook gives the indicator (its
// declared weight, or the sum of its leaves' weights), 不适用 leaves
// included. Weight is the applicable part of it.
func (r NodeResult) DeclaredWeight() decimal.Decimal { return r.Indicator.ShownWeight() }

// Reduced reports whether 不适用 leaves make the applicable weight differ
// from the declared one: then show both (spec §7.2).
func (r NodeResult) Reduced() bool {
	return !r.NA && !r.Weight.Equal(r.Indicator.LeafWeights())
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
	// The result at each indicator, in preorder (see Node): the index of
	// its NodeKey in keys, which the results of one evaluation share, or
	// (wide) the NodeResults whole when a number does not fit in a key.
	order  []*Indicator // Table's indicators in preorder
	keys   *nodeKeys
	ids    []uint32
	wide   []NodeResult
	Level1 []NodeResult // per root of Table, in order
	// Total is the exact total: level-1 scores rescaled to total points
	// when items are 不适用, plus deduction items, never below 0 (0 for a
	// vetoed department with Settings.VetoZero).
	Total decimal.Decimal
	// Applicable is the applicable weight of the positive items (total
	// points less the 不适用 leaves) and Factor the rescale factor
	// (按比例折算): total points ÷ Applicable, 1 when nothing was
	// rescaled. The total is Positive × Factor + Deducted.
	Applicable decimal.Decimal
	Factor     decimal.Decimal
	Positive   decimal.Decimal // the positive items' score, before the rescale
	Deducted   decimal.Decimal // the deduction items' score (zero or negative)
	// Vetoed lists the paths of the veto items (一票否决) that vetoed the
	// department: it takes the lowest grade (and ranks after every
	// department not vetoed). Grade then names them; GradeLabel is the
	// band's label alone.
	Vetoed     []string
	GradeLabel string
	Shown      decimal.Decimal // Total rounded for showing
	Rate       decimal.Decimal // Total / total points, exact
	Grade      string
	GradeIndex int
	Rank       int
}

// Deductions lists, for each level-1 indicator in order, its children
// (itself when it is a leaf) that lost points, largest loss first: the
// department's main deductions (扣分项). They are made from the node
// results when asked, not kept (20,000 departments would hold 70 MB).
func (r *Result) Deductions() []Deduction {
	if r.Table == nil {
		return nil
	}
	return deductionsOf(r.Table, r)
}

// Evaluate computes every department of every table, then ranks them by
// shown total (ties share a rank: 1, 2, 2, 4), the departments of tables
// with the same level-1 indicators and weights together (GroupKey). Results are in
// table and department order.
func Evaluate(tables []*Table, s Settings) []Result {
	return EvaluateExcept(tables, s, nil)
}

// Blocked is a department left out of the results by errors of its own
// (its score cells): the other departments of its table are computed and
// ranked without it.
type Blocked struct {
	Table      *Table
	Sheet      string
	Department string
	Errors     int  // its errors (with Whole, the workbook's)
	Whole      bool // blocked by errors of its table or workbook (the tree, the weights, the settings), not its own
}

// EvaluateExcept is Evaluate without the departments skip says to leave
// out (blocked by their own errors): they get no result and no rank.
func EvaluateExcept(tables []*Table, s Settings, skip func(t *Table, department string) bool) []Result {
	var out []Result
	var buf sumBuffer
	keys := &nodeKeys{index: map[NodeKey]uint32{}}
	for _, t := range tables {
		order := t.prepare()
		for _, d := range t.Departments {
			if skip != nil && skip(t, d.Name) {
				continue
			}
			out = append(out, evaluate(t, order, d, s, &buf, keys))
		}
	}
	keys.index = nil // the results only read keys from now on
	Rank(out)
	return out
}

// prepare numbers the table's indicators in preorder (Result.Node) and
// caches their weights, children before parents; it returns them in
// preorder.
func (t *Table) prepare() []*Indicator {
	var order []*Indicator
	t.Walk(func(n *Indicator) {
		n.node, n.cached = len(order), nil
		order = append(order, n)
	})
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		counted, deductions := n.Weights()
		n.cached = &cachedWeights{counted: counted, deductions: deductions, leaves: n.LeafWeights()}
	}
	return order
}

// Node is the department's result at indicator n of its table (the zero
// NodeResult for an indicator of another table).
func (r *Result) Node(n *Indicator) NodeResult {
	if n != nil && n.node < len(r.wide) && r.wide[n.node].Indicator == n {
		return r.wide[n.node]
	}
	if key, ok := r.NodeKey(n); ok {
		return key.result(n)
	}
	return NodeResult{}
}

// NodeKey is a NodeResult as a Result keeps it, without its indicator: a
// department has one per indicator (a million for 5,000 departments of
// 200 leaves), so its four decimals are kept as coefficient and exponent
// inline, 24 bytes and no *big.Int instead of 88 bytes and a *big.Int per
// sum; and the results of one evaluation keep each distinct key once
// (nodeKeys), each result an index per indicator, 4 bytes. A result with a
// number that does not fit (a coefficient past int32, an exponent past
// int8: shares of shares under the weighted model) keeps its NodeResults
// whole instead (Result.wide). result gives back the same decimals (the
// same coefficients and exponents). Keys are comparable: equal keys make
// equal NodeResults but for Indicator, so writers that turn a million
// results into cells make each distinct one once (Result.NodeKey).
type NodeKey struct {
	coef [4]int32 // Score, Weight, Positive, Deducted
	exp  [4]int8
	// bits 0–3: which of the four are the zero decimal.Decimal{} (no
	// coefficient); bits 4, 5: NA, Vetoed.
	flags uint8
}

// NA is NodeResult.NA of the key's results.
func (k NodeKey) NA() bool { return k.flags&nodeNA != 0 }

// NodeKey is the key of the department's result at indicator n, ok false
// when the result is not kept compact (Result.wide) or n is of another
// table.
func (r *Result) NodeKey(n *Indicator) (key NodeKey, ok bool) {
	if n != nil && n.node < len(r.ids) && r.order[n.node] == n {
		return r.keys.keys[r.ids[n.node]], true
	}
	return NodeKey{}, false
}

// nodeKeys are the distinct NodeKeys of one evaluation, each once; index
// finds them while it runs. Past maxIndexed keys, new ones are kept
// without being looked up (a key kept twice costs what it would inline),
// so that a workbook of all-different results does not grow a map of
// millions.
type nodeKeys struct {
	keys  []NodeKey
	index map[NodeKey]uint32
}

const maxIndexed = 1 << 18

func (k *nodeKeys) id(key NodeKey) uint32 {
	if id, ok := k.index[key]; ok {
		return id
	}
	id := uint32(len(k.keys))
	k.keys = append(k.keys, key)
	if len(k.index) < maxIndexed {
		k.index[key] = id
	}
	return id
}

const (
	nodeNA     = 1 << 4
	nodeVetoed = 1 << 5
)

// compactNode is nr as a key, ok false when a number does not fit.
func compactNode(nr NodeResult) (NodeKey, bool) {
	var n NodeKey
	if nr.NA {
		n.flags |= nodeNA
	}
	if nr.Vetoed {
		n.flags |= nodeVetoed
	}
	for i, d := range [4]decimal.Decimal{nr.Score, nr.Weight, nr.Positive, nr.Deducted} {
		if d == (decimal.Decimal{}) {
			n.flags |= 1 << i
			continue
		}
		e := d.Exponent()
		if d.NumDigits() > 9 || e < -128 || e > 127 {
			return NodeKey{}, false
		}
		n.coef[i], n.exp[i] = int32(d.CoefficientInt64()), int8(e)
	}
	return n, true
}

func (n NodeKey) dec(i int) decimal.Decimal {
	if n.flags&(1<<i) != 0 {
		return decimal.Decimal{}
	}
	return decimal.New(int64(n.coef[i]), int32(n.exp[i]))
}

// result is the NodeResult of the key at indicator ind.
func (n NodeKey) result(ind *Indicator) NodeResult {
	return NodeResult{Indicator: ind, Score: n.dec(0), Weight: n.dec(1), NA: n.flags&nodeNA != 0, Positive: n.dec(2), Deducted: n.dec(3), Vetoed: n.flags&nodeVetoed != 0}
}

func evaluate(t *Table, order []*Indicator, d Department, s Settings, buf *sumBuffer, keys *nodeKeys) Result {
	r := Result{Department: d.Name, Sheet: t.Sheet, Table: t, order: order, keys: keys}
	// full holds each indicator's result while the department is rolled
	// up; r.ids keeps them compact.
	full := buf.results(len(order))
	scores, weights, deducted := buf.take(0), buf.take(1), buf.take(2)
	for i, leaf := range t.Leaves {
		sc := d.Scores[i]
		nr := NodeResult{Indicator: leaf, NA: sc.NA}
		switch {
		case leaf.Veto:
			nr.NA = false
			if sc.Vetoed {
				nr.Vetoed = true
				r.Vetoed = append(r.Vetoed, leaf.Path())
			}
		case sc.NA:
		case leaf.Deduction():
			nr.Score, nr.Deducted = sc.Value, sc.Value
			deducted = append(deducted, sc.Value)
		default:
			nr.Score, nr.Positive = sc.Value, sc.Value
			nr.Weight = leaf.Weight
			scores = append(scores, sc.Value)
			weights = append(weights, leaf.Weight)
		}
		full[leaf.node] = nr
	}
	scoreSum, weightSum, deductions := sum(scores), sum(weights), sum(deducted)
	buf.terms[0], buf.terms[1], buf.terms[2] = scores, weights, deducted
	// Parents, children first (reverse preorder): each sums its children
	// that are not 不适用.
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if n.IsLeaf() {
			continue
		}
		nr := NodeResult{Indicator: n, NA: true}
		sc, w, pos, ded := buf.take(0), buf.take(1), buf.take(2), buf.take(3)
		for _, c := range n.Children {
			cr := full[c.node]
			if cr.NA {
				continue
			}
			nr.NA = false
			sc, w, pos, ded = append(sc, cr.Score), append(w, cr.Weight), append(pos, cr.Positive), append(ded, cr.Deducted)
			nr.Vetoed = nr.Vetoed || cr.Vetoed
		}
		nr.Score, nr.Weight, nr.Positive, nr.Deducted = sum(sc), sum(w), sum(pos), sum(ded)
		buf.terms[0], buf.terms[1], buf.terms[2], buf.terms[3] = sc, w, pos, ded
		if nr.NA {
			nr.Score, nr.Weight = decimal.Zero, decimal.Zero
		}
		full[n.node] = nr
	}
	r.ids = make([]uint32, len(full))
	for i, nr := range full {
		n, ok := compactNode(nr)
		if !ok {
			r.ids, r.wide = nil, slices.Clone(full)
			break
		}
		r.ids[i] = keys.id(n)
	}
	for _, root := range t.Roots {
		r.Level1 = append(r.Level1, full[root.node])
	}

	total := scoreSum
	r.Applicable, r.Factor, r.Positive, r.Deducted = weightSum, one, scoreSum, deductions
	if weightSum.IsPositive() && !weightSum.Equal(s.TotalPoints) {
		total = scoreSum.Mul(s.TotalPoints).Div(weightSum) // 按比例折算
		r.Factor = s.TotalPoints.Div(weightSum)
	}
	if s.Model == WeightedModel {
		// Points that are shares of shares (1/3 of 1/7 of 100) are exact
		// to 16 significant digits only: a total of 88 must not show as
		// 87.99 when rounded by truncation.
		total = total.Round(12)
	}
	total = total.Add(deductions)
	if total.IsNegative() {
		total = decimal.Zero
	}
	if len(r.Vetoed) > 0 && s.VetoZero {
		total = decimal.Zero
	}
	r.Total = total
	r.Shown = s.Points(total)
	if s.TotalPoints.IsPositive() {
		r.Rate = total.Div(s.TotalPoints)
	}
	r.Grade, r.GradeIndex = s.Grade(r.Shown)
	if len(r.Vetoed) > 0 && len(s.Bands) > 0 {
		r.GradeIndex = len(s.Bands) - 1
		r.Grade = s.Bands[r.GradeIndex].Label
	}
	r.GradeLabel = r.Grade
	return r
}

// sumBuffer holds the slices evaluate gathers the terms of its sums in,
// reused from one sum to the next.
type sumBuffer struct {
	terms [4][]decimal.Decimal
	nodes []NodeResult
}

func (b *sumBuffer) take(i int) []decimal.Decimal { return b.terms[i][:0] }

// results is a cleared slice of n node results, reused from one
// department to the next.
func (b *sumBuffer) results(n int) []NodeResult {
	if cap(b.nodes) < n {
		b.nodes = make([]NodeResult, n)
	}
	b.nodes = b.nodes[:n]
	clear(b.nodes)
	return b.nodes
}

// sum is zero plus each of xs in turn, exactly as decimal's Add chain
// gives it (the exponent is the least of 0 and theirs), with one
// allocation instead of one per term when the coefficients are small:
// rolling 200 leaves up for every department is most of the work.
func sum(xs []decimal.Decimal) decimal.Decimal {
	if len(xs) == 0 {
		return decimal.Decimal{}
	}
	exp := int32(0)
	for _, x := range xs {
		exp = min(exp, x.Exponent())
		if x.NumDigits() > 15 {
			return sumSlow(xs)
		}
	}
	var total int64
	for _, x := range xs {
		shift := x.Exponent() - exp
		if shift > 3 {
			return sumSlow(xs)
		}
		c := x.CoefficientInt64() * pow10[shift] // below 10^18
		if total > 1<<61 || total < -1<<61 {
			return sumSlow(xs)
		}
		total += c
	}
	return decimal.New(total, exp)
}

var pow10 = [...]int64{1, 10, 100, 1000}

func sumSlow(xs []decimal.Decimal) decimal.Decimal {
	var total decimal.Decimal
	for _, x := range xs {
		total = total.Add(x)
	}
	return total
}

// deductionsOf lists, for each level-1 indicator in order, its children
// (itself when it is a leaf) that lost points, largest loss first.
func deductionsOf(t *Table, r *Result) []Deduction {
	var out []Deduction
	for _, root := range t.Roots {
		items := root.Children
		if root.IsLeaf() {
			items = []*Indicator{root}
		}
		var lost []Deduction
		for _, c := range items {
			if loss := r.Node(c).Loss(); loss.IsPositive() {
				lost = append(lost, Deduction{Level1: root.Name, Name: c.Name, Loss: loss})
			}
		}
		sort.SliceStable(lost, func(i, j int) bool { return lost[i].Loss.GreaterThan(lost[j].Loss) })
		out = append(out, lost...)
	}
	return out
}

// NameKey folds an indicator's or department's name for matching: white
// space (full-width too) and invisible characters removed, full-width
// letters and digits made half-width. 决　策 is 决策.
func NameKey(s string) string {
	i := strings.IndexFunc(s, keyChanges)
	if i < 0 {
		return s // most names: nothing to change, nothing to make
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case unicode.IsSpace(r), unicode.Is(unicode.Cf, r):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// keyChanges reports whether NameKey changes or drops r. Bytes that are
// not UTF-8 come as utf8.RuneError, which NameKey writes as U+FFFD.
func keyChanges(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r == ' ' || r >= '\t' && r <= '\r'
	case r >= 0x4E00 && r <= 0x9FFF: // CJK ideographs, most of a name
		return false
	}
	return r >= 0xFF01 && r <= 0xFF5E || r == utf8.RuneError || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// GroupKey is what decides which departments are ranked together (spec
// §6.5): their tables' level-1 indicators and weights, in order. Two
// tables with the same key are one evaluation; tables with different keys
// are ranked apart.
func GroupKey(t *Table) string {
	if t == nil {
		return ""
	}
	var sb strings.Builder
	for _, root := range t.Roots {
		w, d := root.Weights()
		if root.Veto {
			w = decimal.NewFromInt(-1) // a veto item carries no weight, but is not a 0-point item
		}
		fmt.Fprintf(&sb, "%s\x1f%s\x1f%s\x1e", NameKey(root.Name), w.String(), d.String())
	}
	return sb.String()
}

// TreeKey is a table's whole tree: every indicator's level, name and
// weights, in order. The same department in two workbooks is the same
// submission only when their trees have the same key.
func TreeKey(t *Table) string {
	var sb strings.Builder
	t.Walk(func(n *Indicator) {
		w, d := n.Weights()
		fmt.Fprintf(&sb, "%d\x1f%s\x1f%s\x1f%s\x1f%t\x1e", n.Level, NameKey(n.Name), w.String(), d.String(), n.Veto)
	})
	return sb.String()
}

// Rank sets Rank on every result by shown total, descending, among the
// results whose tables share a GroupKey; equal shown totals share a rank
// and the next rank is skipped (1, 2, 2, 4). Vetoed departments rank
// after every department not vetoed.
func Rank(results []Result) {
	keys := map[*Table]string{}
	groups := map[string][]int{}
	var order []string
	for i, r := range results {
		k, ok := keys[r.Table]
		if !ok {
			k = GroupKey(r.Table)
			keys[r.Table] = k
		}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range order {
		idx := groups[k]
		shown := make([]decimal.Decimal, len(idx))
		vetoed := make([]bool, len(idx))
		for j, i := range idx {
			shown[j], vetoed[j] = results[i].Shown, len(results[i].Vetoed) > 0
		}
		for j, rank := range Ranks(shown, vetoed) {
			results[idx[j]].Rank = rank
		}
	}
}

// Ranks ranks shown totals, descending: equal totals share a rank and the
// next rank is skipped (1, 2, 2, 4); vetoed entries rank after every entry
// not vetoed. ranks[i] is the rank of shown[i].
func Ranks(shown []decimal.Decimal, vetoed []bool) []int {
	order := make([]int, len(shown))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		va, vb := vetoed[order[a]], vetoed[order[b]]
		if va != vb {
			return vb
		}
		return shown[order[a]].GreaterThan(shown[order[b]])
	})
	ranks := make([]int, len(shown))
	for pos, i := range order {
		if pos > 0 && shown[i].Equal(shown[order[pos-1]]) && vetoed[i] == vetoed[order[pos-1]] {
			ranks[i] = ranks[order[pos-1]]
		} else {
			ranks[i] = pos + 1
		}
	}
	return ranks
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
