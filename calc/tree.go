package calc

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Indicator is one node of an indicator tree: a level-1, -2, -3 or -4
// indicator. Leaves carry scores; parents roll them up.
type Indicator struct {
	Name     string
	Level    int             // 1 for a level-1 indicator
	Weight   decimal.Decimal // a leaf's weight, or a parent's declared weight
	Declared bool            // a parent's weight was given in the workbook
	Parent   *Indicator
	Children []*Indicator
	Leaf     int // index in Table.Leaves; -1 for a parent
	Row      int // the sheet row where it first appears (1-based)
	// Veto marks a veto item (一票否决, spec §7.1): a leaf without weight
	// whose score says whether the department is vetoed.
	Veto bool
	// Share is the weight as the workbook gives it, before a weighted or
	// coefficient model turned Weight into points (equal to Weight under
	// the points model).
	Share decimal.Decimal

	// Set by Evaluate, which the tree must not change after: the
	// indicator's place in its table (Result.Node) and its weights.
	node   int
	cached *cachedWeights
}

// cachedWeights are an indicator's Weights and LeafWeights, computed once
// per Evaluate instead of once per department.
type cachedWeights struct {
	counted, deductions, leaves decimal.Decimal
}

// IsLeaf reports whether n is a leaf indicator.
func (n *Indicator) IsLeaf() bool { return n.Leaf >= 0 }

// Deduction reports whether n is a deduction item (调节项): a leaf with a
// negative weight.
func (n *Indicator) Deduction() bool { return n.IsLeaf() && n.Weight.IsNegative() }

// Path is the indicator's names from level 1 down, joined by "/".
func (n *Indicator) Path() string {
	var names []string
	for p := n; p != nil; p = p.Parent {
		names = append(names, p.Name)
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, "/")
}

// Child returns n's direct child called name, or nil.
func (n *Indicator) Child(name string) *Indicator {
	return findChild(n.Children, name)
}

func findChild(list []*Indicator, name string) *Indicator {
	for _, c := range list {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Weights returns the weight that counts towards n's parent (the declared
// weight of a parent, else the sum of its non-deduction leaves) and the
// weight of its deduction items (zero or negative).
func (n *Indicator) Weights() (counted, deductions decimal.Decimal) {
	if n.cached != nil {
		return n.cached.counted, n.cached.deductions
	}
	if n.Veto {
		return decimal.Zero, decimal.Zero
	}
	if n.IsLeaf() {
		if n.Deduction() {
			return decimal.Zero, n.Weight
		}
		return n.Weight, decimal.Zero
	}
	var sum decimal.Decimal
	for _, c := range n.Children {
		w, d := c.Weights()
		sum = sum.Add(w)
		deductions = deductions.Add(d)
	}
	if n.Declared {
		if n.Weight.IsNegative() && sum.IsZero() {
			return decimal.Zero, n.Weight
		}
		return n.Weight, deductions
	}
	return sum, deductions
}

// LeafWeights is the sum of the weights of the leaves below n (n itself
// for a leaf), deduction and veto items left out: what n's applicable
// weight adds up to when nothing is 不适用.
func (n *Indicator) LeafWeights() decimal.Decimal {
	if n.cached != nil {
		return n.cached.leaves
	}
	if n.IsLeaf() {
		if n.Veto || n.Deduction() {
			return decimal.Zero
		}
		return n.Weight
	}
	var sum decimal.Decimal
	for _, c := range n.Children {
		sum = sum.Add(c.LeafWeights())
	}
	return sum
}

// ShownWeight is the weight to show for n: the weight that counts, or,
// for a deduction item or a parent of deduction items only, their
// (negative) weight.
func (n *Indicator) ShownWeight() decimal.Decimal {
	counted, deductions := n.Weights()
	if counted.IsZero() {
		return deductions
	}
	return counted
}

// Score is one department's score for one leaf.
type Score struct {
	Value  decimal.Decimal
	NA     bool // 不适用: the leaf drops out of score and weight
	Vetoed bool // a veto item's score says 否决 (vetoed)
}

// Department is one evaluated unit of a table: its name and a score per
// leaf, in Table.Leaves order.
type Department struct {
	Name   string
	Scores []Score
	Cell   string // the header cell naming it, for messages
}

// Table is one score table: an indicator tree and its departments.
type Table struct {
	Sheet       string
	Roots       []*Indicator // level-1 indicators, in sheet order
	Leaves      []*Indicator // leaves, in sheet order
	Departments []Department
}

// Add inserts a leaf under the named parents (level-1 first; empty names
// are skipped, so a leaf may sit directly under a level-1 indicator) and
// returns it, or returns the existing leaf with the same path and false.
func (t *Table) Add(parents []string, leaf string, weight decimal.Decimal, row int) (*Indicator, bool) {
	var parent *Indicator
	level := 1
	for _, name := range parents {
		if name == "" {
			continue
		}
		parent = t.parent(parent, name, level, row)
		level++
	}
	siblings := t.Roots
	if parent != nil {
		siblings = parent.Children
	}
	if existing := findChild(siblings, leaf); existing != nil {
		return existing, false
	}
	n := &Indicator{Name: leaf, Level: level, Weight: weight, Parent: parent, Leaf: len(t.Leaves), Row: row}
	t.Leaves = append(t.Leaves, n)
	if parent == nil {
		t.Roots = append(t.Roots, n)
	} else {
		parent.Children = append(parent.Children, n)
	}
	return n, true
}

// parent finds or creates the parent indicator name under p (nil: a root).
func (t *Table) parent(p *Indicator, name string, level, row int) *Indicator {
	siblings := t.Roots
	if p != nil {
		siblings = p.Children
	}
	if n := findChild(siblings, name); n != nil {
		return n
	}
	n := &Indicator{Name: name, Level: level, Parent: p, Leaf: -1, Row: row}
	if p == nil {
		t.Roots = append(t.Roots, n)
	} else {
		p.Children = append(p.Children, n)
	}
	return n
}

// Walk calls fn for every indicator, parents before their children, in
// sheet order.
func (t *Table) Walk(fn func(*Indicator)) {
	var walk func([]*Indicator)
	walk = func(list []*Indicator) {
		for _, n := range list {
			fn(n)
			walk(n.Children)
		}
	}
	walk(t.Roots)
}

// Depth is the deepest level in the table.
func (t *Table) Depth() int {
	depth := 0
	t.Walk(func(n *Indicator) { depth = max(depth, n.Level) })
	return depth
}
