// Package sheet reads and writes evaluation workbooks. It is the only
// package of perfeval that imports excelize.
//
// Reading (Open, Book) finds each score table by its header row, maps its
// columns (indicator levels, weights, descriptive columns, departments),
// and returns every row's cells as raw values: merges resolved, parent
// names inherited, formulas' cached values taken (or computed), with each
// cell's kind (number, text, date, …) and reference. It does not judge
// values: package validate turns what sheet read into calc's types and
// reports problems.
//
// Writing (WriteResult) adds the 汇总 / 得分率 / 校验 sheets to the input's
// own sheets and saves atomically to a new file; the input is never
// written.
package sheet
