package calc

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestCompactNode: a node gives back the decimals it was made from (the
// same coefficients and exponents, the zero decimal.Decimal{} as such),
// and a number that does not fit is refused.
func TestCompactNode(t *testing.T) {
	leaf := &Indicator{Name: "x"}
	for _, nr := range []NodeResult{
		{Indicator: leaf},
		{Indicator: leaf, NA: true, Score: decimal.Zero, Weight: decimal.Zero},
		{Indicator: leaf, Score: decimal.RequireFromString("12.50"), Weight: decimal.RequireFromString("15"), Positive: decimal.RequireFromString("12.50"), Vetoed: true},
		{Indicator: leaf, Score: decimal.RequireFromString("-3.25"), Deducted: decimal.RequireFromString("-3.25"), Weight: decimal.New(0, 0)},
		{Indicator: leaf, Score: decimal.New(999999999, -2), Weight: decimal.New(-999999999, 5)},
	} {
		n, ok := compactNode(nr)
		if !ok {
			t.Fatalf("%+v: not kept", nr)
		}
		got := n.result(nr.Indicator)
		if got.Indicator != nr.Indicator || got.NA != nr.NA || got.Vetoed != nr.Vetoed {
			t.Errorf("%+v: got %+v", nr, got)
		}
		for i, pair := range [][2]decimal.Decimal{{nr.Score, got.Score}, {nr.Weight, got.Weight}, {nr.Positive, got.Positive}, {nr.Deducted, got.Deducted}} {
			a, b := pair[0], pair[1]
			if a.Exponent() != b.Exponent() || a.Coefficient().Cmp(b.Coefficient()) != 0 || (a == decimal.Decimal{}) != (b == decimal.Decimal{}) {
				t.Errorf("%+v: number %d is %v (exp %d), want %v (exp %d)", nr, i, b, b.Exponent(), a, a.Exponent())
			}
		}
	}
	for _, d := range []decimal.Decimal{decimal.New(1234567890, 0), decimal.RequireFromString("0.14285714285714285714"), decimal.New(1, -200), decimal.New(1, 200)} {
		if _, ok := compactNode(NodeResult{Indicator: leaf, Score: d}); ok {
			t.Errorf("%v: kept in a node", d)
		}
	}
}

// TestNodeKeys: equal keys are kept once; past maxIndexed, keys are still
// kept and found by their index, only not looked up.
func TestNodeKeys(t *testing.T) {
	k := &nodeKeys{index: map[NodeKey]uint32{}}
	a, _ := compactNode(NodeResult{Score: decimal.RequireFromString("4.5"), Weight: decimal.New(5, 0)})
	b, _ := compactNode(NodeResult{Score: decimal.RequireFromString("4.50"), Weight: decimal.New(5, 0)})
	if k.id(a) != k.id(a) || k.id(a) == k.id(b) || len(k.keys) != 2 {
		t.Fatalf("ids %d %d %d, %d keys", k.id(a), k.id(a), k.id(b), len(k.keys))
	}
	for i := range maxIndexed + 10 {
		var key NodeKey
		key.coef[0], key.coef[1] = int32(i), 7
		if id := k.id(key); k.keys[id] != key {
			t.Fatalf("key %d: index %d holds %+v", i, id, k.keys[id])
		}
	}
	if len(k.index) != maxIndexed {
		t.Errorf("%d keys indexed, want %d", len(k.index), maxIndexed)
	}
	if k.keys[k.id(a)] != a {
		t.Error("a lost")
	}
}

// TestNodeOfTable: results of two tables evaluated together give their
// own indicators' results (equal ones share a key), and nothing for an
// indicator of the other table, even at the same place in preorder.
func TestNodeOfTable(t *testing.T) {
	a, b := tree(), tree()
	a.Departments = []Department{{Name: "a1", Scores: scores("3", "6", "10", "0", "80")}, {Name: "a2", Scores: scores("3", "6", "10", "-2", "70")}}
	b.Departments = []Department{{Name: "b1", Scores: scores("4", "6", "10", "0", "80")}}
	rs := Evaluate([]*Table{a, b}, DefaultSettings())
	byName := map[string]*Result{}
	for i := range rs {
		byName[rs[i].Department] = &rs[i]
	}
	a1, a2, b1 := byName["a1"], byName["a2"], byName["b1"]
	leafA, leafB := a.Leaves[0], b.Leaves[0]
	if got := a1.Node(leafA).Score; !got.Equal(dec("3")) {
		t.Errorf("a1 A1 = %s, want 3", got)
	}
	if got := b1.Node(leafB).Score; !got.Equal(dec("4")) {
		t.Errorf("b1 A1 = %s, want 4", got)
	}
	if got := a1.Node(leafB); got.Indicator != nil {
		t.Errorf("a1 at b's leaf: %+v, want nothing", got)
	}
	if _, ok := a1.NodeKey(leafB); ok {
		t.Error("a1 has a key at b's leaf")
	}
	ka, _ := a1.NodeKey(a.Roots[0])
	kb, _ := a2.NodeKey(a.Roots[0])
	if ka != kb {
		t.Errorf("A of a1 and a2: keys %+v and %+v, want equal", ka, kb)
	}
	if got := a2.Node(a.Roots[1]); !got.Score.Equal(dec("8")) || !got.Deducted.Equal(dec("-2")) || got.Indicator != a.Roots[1] {
		t.Errorf("a2 B = %+v, want 8 with −2 deducted", got)
	}
}
