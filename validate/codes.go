package validate

import "errors"

// sentinels are every sentinel with its code, the stable name scripts see
// in the JSON report; errors first, then warnings. Codes are distinct and
// never change once released: "missing" is a missing score and nothing
// else, "formula" a formula that could not be computed (its value is
// neither saved nor computable), wherever the cell is.
var sentinels = []struct {
	err  error
	code string
}{
	{ErrNoScoreTable, "no-score-table"},
	{ErrNoWeightColumn, "no-weight-column"},
	{ErrNoDepartment, "no-department"},
	{ErrNoIndicators, "no-indicators"},
	{ErrDuplicateDepartment, "duplicate-department"},
	{ErrEmptyDepartment, "empty-department"},
	{ErrDuplicateIndicator, "duplicate-indicator"},
	{ErrWeightConflict, "weight-conflict"},
	{ErrWeightSum, "weight-sum"},
	{ErrTotalPoints, "total-points"},
	{ErrTotalConflict, "total-conflict"},
	{ErrMissingWeight, "missing-weight"},
	{ErrWeightNotNumber, "weight-not-number"},
	{ErrZeroWeight, "zero-weight"},
	{ErrMissing, "missing"},
	{ErrNotNumber, "not-number"},
	{ErrAboveWeight, "above-weight"},
	{ErrBelowZero, "below-zero"},
	{ErrDeductionRange, "deduction-range"},
	{ErrFormula, "formula"},
	{ErrDeclaredTotal, "declared-total"},
	{ErrAllNotApplicable, "all-not-applicable"},
	{ErrSetting, "setting"},
	{ErrGradeBands, "grade-bands"},
	{ErrNoScores, "no-scores"},
	{ErrSubtotal, "subtotal"},
	{ErrNegativeTotal, "negative-total"},
	{ErrAboveScale, "above-scale"},
	{ErrAboveCap, "above-cap"},
	{ErrScoringModel, "scoring-model"},
	{ErrVetoScore, "veto-score"},
	{ErrVetoWeight, "veto-weight"},
	{WarnTextNumber, "text-number"},
	{WarnUnknownSetting, "unknown-setting"},
	{WarnWordColumn, "word-column"},
	{WarnStrayNumber, "stray-number"},
	{WarnPercentScore, "percent-score"},
	{WarnScoringModel, "scoring-model-hint"},
	{WarnAboveTotal, "above-total"},
	{WarnInvisibleChar, "invisible-character"},
	{WarnEmptyColumn, "empty-column"},
	{WarnHidden, "hidden"},
}

// Code is the stable name of the sentinel err wraps ("above-weight"), or
// "" for none.
func Code(err error) string {
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.code
		}
	}
	return ""
}

// Sentinels returns every exported sentinel, errors first, then warnings.
func Sentinels() []error {
	out := make([]error, len(sentinels))
	for i, s := range sentinels {
		out[i] = s.err
	}
	return out
}
