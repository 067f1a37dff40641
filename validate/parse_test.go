package validate

import (
	"errors"
	"reflect"
	"testing"

	"perfeval/sheet"
)

// TestScoreValues: a table's kept answers are readValue's, cell by cell,
// whatever was read before: the same text typed and from a formula, as
// a number and as a percentage, with invisible characters, and cells
// that are never kept.
func TestScoreValues(t *testing.T) {
	cells := []sheet.Cell{
		{Kind: sheet.Text, Value: "8"},
		{Kind: sheet.Text, Value: "8", Formula: "=A1"},
		{Kind: sheet.Number, Value: "0.9"},
		{Kind: sheet.Number, Value: "0.9", Percent: true},
		{Kind: sheet.Text, Value: "7.5\u200b"},
		{Kind: sheet.Text, Value: "不适用"},
		{Kind: sheet.Text, Value: "好"},
		{Kind: sheet.Text, Value: " "},
		{Kind: sheet.Blank},
		{Kind: sheet.FormulaFailed, Formula: "=1/0", Err: errors.New("#DIV/0!")},
	}
	values := scoreValues{}
	for round := range 2 {
		for _, c := range cells {
			got, want := values.read(c), readValue(c, true)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round %d, %+v: %+v, want %+v", round, c, got, want)
			}
		}
	}
	if len(values) != 8 {
		t.Errorf("%d values kept, want 8 (the text and number cells)", len(values))
	}
}
