package calc

import (
	"testing"

	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestRounding(t *testing.T) {
	tests := []struct {
		mode  Rounding
		rate  string
		want  string
		place int32
	}{
		{HalfUp, "0.889375", "88.94%", 2},
		{Truncate, "0.889375", "88.93%", 2},
		{HalfEven, "0.889375", "88.94%", 2},
		{HalfUp, "0.85046875", "85.05%", 2},
		{Truncate, "0.85046875", "85.04%", 2},
		{HalfEven, "0.00125", "0.12%", 2},
		{HalfUp, "0.00125", "0.13%", 2},
		{HalfUp, "0.5", "50%", 0},
		{HalfUp, "0.12345", "12.3%", 1},
	}
	for _, tt := range tests {
		s := DefaultSettings()
		s.Rounding, s.Decimals = tt.mode, tt.place
		if got := s.FormatPercent(dec(tt.rate)); got != tt.want {
			t.Errorf("%v %s to %d: got %s, want %s", tt.mode, tt.rate, tt.place, got, tt.want)
		}
	}
}

func TestDecimalSumIsExact(t *testing.T) {
	var sum decimal.Decimal
	for _, s := range []string{"14.23", "12", "54.43", "4.6", "2.7"} {
		sum = sum.Add(dec(s))
	}
	if !sum.Equal(dec("87.96")) {
		t.Fatalf("sum = %s, want 87.96", sum)
	}
	if !dec("0.1").Add(dec("0.2")).Equal(dec("0.3")) {
		t.Fatal("0.1 + 0.2 != 0.3")
	}
}

func TestGrade(t *testing.T) {
	s := DefaultSettings()
	for total, want := range map[string]string{"100": "优", "90": "优", "89.99": "良", "80": "良", "79.99": "中", "60": "中", "59.99": "差", "0": "差"} {
		if got, _ := s.Grade(dec(total)); got != want {
			t.Errorf("grade of %s = %s, want %s", total, got, want)
		}
	}
	// Default bands scale with total points.
	if b := DefaultBands(dec("120")); !b[0].Min.Equal(dec("108")) || !b[2].Min.Equal(dec("72")) {
		t.Errorf("bands for 120 points: %v", b)
	}
}

func TestSortBands(t *testing.T) {
	ok := []Band{{"差", dec("0")}, {"优", dec("85")}, {"良", dec("70")}}
	if err := SortBands(ok); err != nil || ok[0].Label != "优" || ok[2].Label != "差" {
		t.Fatalf("SortBands = %v, %v", err, ok)
	}
	if err := SortBands([]Band{{"优", dec("90")}, {"良", dec("90")}, {"差", dec("0")}}); err == nil {
		t.Error("equal bounds accepted")
	}
	if err := SortBands([]Band{{"优", dec("90")}, {"差", dec("10")}}); err == nil {
		t.Error("lowest bound 10 accepted")
	}
}

func TestRankTies(t *testing.T) {
	rs := []Result{{Shown: dec("80")}, {Shown: dec("90")}, {Shown: dec("80")}, {Shown: dec("70")}, {Shown: dec("95")}}
	Rank(rs)
	want := []int{3, 2, 3, 5, 1}
	for i, r := range rs {
		if r.Rank != want[i] {
			t.Errorf("result %d (%s): rank %d, want %d", i, r.Shown, r.Rank, want[i])
		}
	}
	order := ByRank(rs)
	if order[0] != 4 || order[2] != 0 || order[3] != 2 {
		t.Errorf("ByRank = %v", order)
	}
}

// tree builds a two-level table: A (A1 4, A2 6), B (B1 10, B2 −5
// deduction), C (C1 80).
func tree() *Table {
	t := &Table{Sheet: "s"}
	t.Add([]string{"A"}, "A1", dec("4"), 2)
	t.Add([]string{"A"}, "A2", dec("6"), 3)
	t.Add([]string{"B"}, "B1", dec("10"), 4)
	t.Add([]string{"B"}, "B2", dec("-5"), 5)
	t.Add([]string{"C"}, "C1", dec("80"), 6)
	return t
}

func scores(vals ...string) []Score {
	var out []Score
	for _, v := range vals {
		if v == "NA" {
			out = append(out, Score{NA: true})
			continue
		}
		out = append(out, Score{Value: dec(v)})
	}
	return out
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name       string
		scores     []Score
		total      string // shown, 2 decimals half-up
		grade      string
		level1     []string // scores
		deductions []string
	}{
		{"full marks", scores("4", "6", "10", "0", "80"), "100.00", "优", []string{"10", "10", "80"}, nil},
		{"losses", scores("3", "4.5", "8", "0", "70"), "85.50", "良", []string{"7.5", "8", "70"},
			[]string{"A/A2 1.5", "A/A1 1", "B/B1 2", "C/C1 10"}},
		{"deduction item", scores("4", "6", "10", "-3", "80"), "97.00", "优", []string{"10", "7", "80"}, []string{"B/B2 3"}},
		// A1 not applicable: 96 of 96 applicable points, rescaled to 100.
		{"not applicable rescales", scores("NA", "6", "10", "0", "80"), "100.00", "优", []string{"6", "10", "80"}, nil},
		// 90 of 96 → 93.75.
		{"rescale with loss", scores("NA", "6", "4", "0", "80"), "93.75", "优", []string{"6", "4", "80"}, []string{"B/B1 6"}},
		// Deductions are added after the rescale, never below zero.
		{"floor at zero", scores("0", "0", "0", "-5", "2"), "0.00", "差", []string{"0", "-5", "2"},
			[]string{"A/A2 6", "A/A1 4", "B/B1 10", "B/B2 5", "C/C1 78"}},
	}
	s := DefaultSettings()
	for _, tt := range tests {
		tab := tree()
		tab.Departments = []Department{{Name: "d", Scores: tt.scores}}
		r := Evaluate([]*Table{tab}, s)[0]
		if got := s.FormatPoints(r.Total); got != tt.total {
			t.Errorf("%s: total %s, want %s", tt.name, got, tt.total)
		}
		if r.Grade != tt.grade {
			t.Errorf("%s: grade %s, want %s", tt.name, r.Grade, tt.grade)
		}
		for i, want := range tt.level1 {
			if !r.Level1[i].Score.Equal(dec(want)) {
				t.Errorf("%s: level-1 %d score %s, want %s", tt.name, i, r.Level1[i].Score, want)
			}
		}
		var got []string
		for _, d := range r.Deductions() {
			got = append(got, d.Level1+"/"+d.Name+" "+d.Loss.String())
		}
		if len(got) != len(tt.deductions) {
			t.Errorf("%s: deductions %v, want %v", tt.name, got, tt.deductions)
			continue
		}
		for i := range got {
			if got[i] != tt.deductions[i] {
				t.Errorf("%s: deductions %v, want %v", tt.name, got, tt.deductions)
				break
			}
		}
	}
}

func TestAllNotApplicableParent(t *testing.T) {
	tab := tree()
	tab.Departments = []Department{{Name: "d", Scores: scores("NA", "NA", "10", "0", "80")}}
	r := Evaluate([]*Table{tab}, DefaultSettings())[0]
	if !r.Level1[0].NA || r.Level1[0].HasRate() {
		t.Fatalf("A should be 不适用: %+v", r.Level1[0])
	}
	if !r.Total.Equal(dec("100")) {
		t.Fatalf("total %s, want 100", r.Total)
	}
}

func TestPathAndWeights(t *testing.T) {
	tab := &Table{}
	leaf, _ := tab.Add([]string{"管理效率", "预算绩效管理"}, "绩效目标设定", dec("2"), 5)
	if got := leaf.Path(); got != "管理效率/预算绩效管理/绩效目标设定" {
		t.Fatalf("path %q", got)
	}
	if _, added := tab.Add([]string{"管理效率", "预算绩效管理"}, "绩效目标设定", dec("3"), 6); added {
		t.Fatal("duplicate leaf added")
	}
	tab.Add([]string{"管理效率", "预算绩效管理"}, "扣分", dec("-2"), 7)
	w, d := tab.Roots[0].Weights()
	if !w.Equal(dec("2")) || !d.Equal(dec("-2")) {
		t.Fatalf("weights %s %s", w, d)
	}
	if tab.Depth() != 3 {
		t.Fatalf("depth %d", tab.Depth())
	}
}

// Two unrelated tables are ranked apart; a table with the same level-1
// indicators and weights as another, whatever lies below, ranks with it.
func TestRankGroupsByLevel1(t *testing.T) {
	a := tree()
	a.Departments = []Department{{Name: "a1", Scores: scores("4", "6", "10", "0", "80")}, {Name: "a2", Scores: scores("2", "6", "10", "0", "70")}}
	same := &Table{Sheet: "same"} // the same level-1 names and weights, other leaves
	same.Add([]string{"A"}, "A9", dec("10"), 2)
	same.Add([]string{"B"}, "B9", dec("10"), 3)
	same.Add([]string{"B"}, "B8", dec("-5"), 4)
	same.Add([]string{"C"}, "C9", dec("80"), 5)
	same.Departments = []Department{{Name: "s1", Scores: scores("10", "10", "0", "75")}}
	other := &Table{Sheet: "other"}
	other.Add([]string{"X"}, "X1", dec("100"), 2)
	other.Departments = []Department{{Name: "o1", Scores: scores("50")}, {Name: "o2", Scores: scores("60")}}
	if GroupKey(a) != GroupKey(same) || GroupKey(a) == GroupKey(other) {
		t.Fatalf("group keys: a %q, same %q, other %q", GroupKey(a), GroupKey(same), GroupKey(other))
	}
	if TreeKey(a) == TreeKey(same) {
		t.Fatal("tree keys of different trees are equal")
	}
	rs := Evaluate([]*Table{a, same, other}, DefaultSettings())
	want := map[string]int{"a1": 1, "a2": 3, "s1": 2, "o1": 2, "o2": 1}
	for _, r := range rs {
		if r.Rank != want[r.Department] {
			t.Errorf("%s (%s): rank %d, want %d", r.Department, r.Shown, r.Rank, want[r.Department])
		}
	}
}
