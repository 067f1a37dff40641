package sheet

import "testing"

// FuzzHeader: header matching never panics, Normalize is idempotent, and
// a header classifies as its normalized form does.
func FuzzHeader(f *testing.F) {
	for _, s := range []string{"一级指标", "三级指标（问题）", "Level 2 (name)", "一级分值", "Ｗｅｉｇｈｔ", "得分", "合　计", "(备注)", "a(b)(c)", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q", s, n, n, again)
		}
		k1, l1 := Classify(s)
		k2, l2 := Classify(n)
		if k1 != k2 || l1 != l2 {
			t.Fatalf("Classify(%q) = %v %d, Classify(%q) = %v %d", s, k1, l1, n, k2, l2)
		}
		IsTotalLabel(s)
		IsSettingsSheet(s)
	})
}
