// Package sheet reads and writes evaluation workbooks. It is the only
// package of perfeval that imports excelize.
//
// Reading (Open, Book) finds each score table by its header row, maps its
// columns (indicator levels, weights, descriptive columns, departments),
// and returns every row's cells as raw values: merges resolved, parent
// names inherited, formulas' cached values taken (or computed), with each
// cell's kind (number, text, date, …) and reference. It tells files that
// are not usable workbooks apart (ErrLegacyXLS, ErrEncrypted, …). It does
// not judge values: package validate turns what sheet read into calc's
// types and reports problems.
//
// Writing never touches an input and is always atomic (WriteAtomic): a
// result workbook (Book.WriteResult: the input's sheets plus 汇总, 得分率
// and 校验), an annotated copy to send back (Book.WriteAnnotated), a
// workbook per department built from its result alone (WriteDepartment),
// and a batch summary (WriteBatchSummary). The same workbook always gives
// the same bytes.
//
// Build, SheetFromText and Dump describe workbooks as data and print them
// as text, for the samples, the tests and bug reports.
package sheet
