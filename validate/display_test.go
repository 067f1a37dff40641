package validate

import (
	"strings"
	"testing"

	"perfeval/sheet"
)

// TestShown: a cell is quoted in messages as the spreadsheet shows it.
func TestShown(t *testing.T) {
	tests := []struct {
		cell sheet.Cell
		want string
	}{
		{sheet.Cell{Value: "1", Kind: sheet.Bool}, "TRUE"},
		{sheet.Cell{Value: "0", Kind: sheet.Bool}, "FALSE"},
		{sheet.Cell{Value: "TRUE", Kind: sheet.Bool}, "TRUE"},
		{sheet.Cell{Value: "45292", Kind: sheet.Date}, "2024-01-01"},
		{sheet.Cell{Value: "45292.5", Kind: sheet.Date}, "2024-01-01 12:00"},
		{sheet.Cell{Value: "45292.75", Kind: sheet.Date}, "2024-01-01 18:00"},
		{sheet.Cell{Value: "45292.000011574", Kind: sheet.Date}, "2024-01-01 00:00:01"},
		{sheet.Cell{Value: "45292.999999999", Kind: sheet.Date}, "2024-01-02"}, // rounds to midnight
		{sheet.Cell{Value: "1", Kind: sheet.Date}, "1900-01-01"},
		{sheet.Cell{Value: "59", Kind: sheet.Date}, "1900-02-28"},
		{sheet.Cell{Value: "60", Kind: sheet.Date}, "1900-02-29"}, // Excel's day that never was
		{sheet.Cell{Value: "61", Kind: sheet.Date}, "1900-03-01"},
		{sheet.Cell{Value: "0.5", Kind: sheet.Date}, "12:00"},
		{sheet.Cell{Value: "2958465", Kind: sheet.Date}, "9999-12-31"},
		{sheet.Cell{Value: "2958466", Kind: sheet.Date}, "2958466"}, // past Excel's last day: the number
		{sheet.Cell{Value: "-1", Kind: sheet.Date}, "-1"},
		{sheet.Cell{Value: "2024-01-31T00:00:00Z", Kind: sheet.Date}, "2024-01-31"},
		{sheet.Cell{Value: "2024-01-31T08:30:00Z", Kind: sheet.Date}, "2024-01-31 08:30"},
		{sheet.Cell{Value: "0.9", Kind: sheet.Number, Percent: true}, "90%"},
		{sheet.Cell{Value: "0.125", Kind: sheet.Number, Percent: true}, "12.5%"},
		{sheet.Cell{Value: "0.9", Kind: sheet.Number}, "0.9"},
		{sheet.Cell{Value: "", Kind: sheet.FormulaFailed, Formula: "SUM(A1)"}, "=SUM(A1)"},
		{sheet.Cell{Value: " 好 ", Kind: sheet.Text}, "好"},
	}
	for _, tt := range tests {
		if got := shown(tt.cell); got != tt.want {
			t.Errorf("shown(%+v) = %q, want %q", tt.cell, got, tt.want)
		}
	}
}

// TestCut: text past 100 characters is cut at a character, never inside
// one, and marked with an ellipsis.
func TestCut(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{strings.Repeat("很", 100), strings.Repeat("很", 100)},
		{strings.Repeat("很", 101), strings.Repeat("很", 100) + "…"},
		{strings.Repeat("a", 99) + "𝟘𝟘", strings.Repeat("a", 99) + "𝟘…"},
		{strings.Repeat("a", 150), strings.Repeat("a", 100) + "…"},
	}
	for _, tt := range tests {
		if got := cut(tt.in); got != tt.want {
			t.Errorf("cut(%d runes) = %q, want %q", len([]rune(tt.in)), got, tt.want)
		}
	}
}

// TestParseTextInvisible: a number that shows as a number is read, whatever
// invisible characters it holds.
func TestParseTextInvisible(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when it is not a number
	}{
		{"15\u200b", "15"},
		{"\ufeff12.5", "12.5"},
		{"1\u200c2\u200d", "12"},
		{"12\u00a0", "12"},
		{"\u3000１２．５\u3000分", "12.5"},
		{"1\u00a05", ""},
		{"\u200b", ""},
	}
	for _, tt := range tests {
		d, ok := ParseText(tt.in)
		switch {
		case tt.want == "" && ok:
			t.Errorf("ParseText(%q) = %s, want not a number", tt.in, d)
		case tt.want != "" && (!ok || d.String() != tt.want):
			t.Errorf("ParseText(%q) = %s, %v, want %s", tt.in, d, ok, tt.want)
		}
	}
}

func TestFoldName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"市财政局\u200b", "市财政局"},
		{"\ufeff市财政局", "市财政局"},
		{"Water\u00a0Bureau", "Water Bureau"},
		{"市\u3000财政局", "市\u3000财政局"}, // a visible wide space stays
	}
	for _, tt := range tests {
		if got := foldName(tt.in); got != tt.want {
			t.Errorf("foldName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
