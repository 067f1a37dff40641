// Package calc is perfeval's domain: the indicator tree of an evaluation
// table, department scores, settings (total points, decimals, rounding,
// grade bands), and the exact-decimal arithmetic that turns scores into
// rolled-up scores, rates, totals, grades, ranks and main deductions.
//
// calc is pure: it does no I/O and knows nothing of workbooks, files or the
// command line. Values are github.com/shopspring/decimal decimals, so
// 14.23 + 12 + 54.43 + 4.6 + 2.7 is exactly 87.96; nothing is rounded until
// a value is shown (Settings.Points, Settings.Percent).
package calc
