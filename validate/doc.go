// Package validate turns what package sheet read into calc's tables and
// settings, and checks them: weight sums, score bounds, missing and
// malformed values, declared totals, structure and settings (spec §2).
//
// Every problem is a *CellError that carries its place (sheet, cell,
// department, indicator path) and wraps one of the exported sentinels, so
// callers use errors.Is / errors.As. All problems of a workbook are found
// in one pass and returned as a List. validate does not open files or
// write anything.
package validate
