package calc

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// nameKeyRune is NameKey as it was written first, rune by rune: the
// reference NameKey must agree with.
func nameKeyRune(s string) string {
	var b strings.Builder
	for _, r := range s {
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

// TestNameKey: white space and invisible characters go, full-width
// letters and digits become half-width, bytes that are not UTF-8 become
// U+FFFD, and a name with none of these comes back as it is; on these and
// on random names NameKey agrees with the rune-by-rune reference.
func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"决策":                  "决策",
		"决　策":                 "决策",
		" 产出 指标\t":            "产出指标",
		"过程\u200b":            "过程",
		"\ufeff效益":            "效益",
		"ＡＢＣ１２３":              "ABC123",
		"Ａ 1":                 "A1",
		"部门\xff":              "部门\ufffd",
		"\xe5\x86":            "\ufffd\ufffd",
		"部门\ufffd":            "部门\ufffd",
		"plain ASCII":         "plainASCII",
		"财政局（一）":              "财政局(一)",
		"no-change_at-all.ok": "no-change_at-all.ok",
	} {
		if got := NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
		if got, ref := NameKey(in), nameKeyRune(in); got != ref {
			t.Errorf("NameKey(%q) = %q, the reference %q", in, got, ref)
		}
	}
	pieces := []string{"决", "策", "　", " ", "\t", "\u200b", "\ufeff", "Ａ", "ｚ", "～", "１", "a", "\xff", "\xe5\x86", "（", "）", "\ufffd", "\u00a0", "\u2028", "指标", "\v", "\x1f", "\r", "\u3000", "\u4e00", "\u9fff", "\ua000", "\u0085"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, ref := NameKey(s), nameKeyRune(s); got != ref {
			t.Fatalf("NameKey(%q) = %q, the reference %q", s, got, ref)
		}
	}
}

// BenchmarkNameKey: a name with nothing to change, one with a space,
// one with full-width brackets.
func BenchmarkNameKey(b *testing.B) {
	for _, s := range []string{"部门整体支出产出指标", "产出 指标", "财政局（一）"} {
		b.Run(s, func(b *testing.B) {
			for range b.N {
				NameKey(s)
			}
		})
	}
}
