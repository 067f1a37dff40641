// Package formula computes spreadsheet formulas that were saved without a
// cached value, so that perfeval can read such cells without Excel.
//
// It covers the formulas of score tables: arithmetic and comparison with
// exact decimals (0.1+0.2 is 0.3; results are shown to 15 significant
// digits as Excel shows them), text joining, references to cells, ranges,
// whole columns and rows of any sheet, and a set of common functions
// (see Functions). A formula cell referred to is computed in turn, once,
// and a circular reference is an error (ErrCircular), never a value.
//
// Every evaluation is bounded (Limits): cells visited, text length, nesting
// of formula cells and steps, and the nesting of the formula itself, so a
// hostile workbook gives ErrTooLarge in well under a second and a few
// megabytes, never a crash or a hang. Ranges are visited through
// Source.Range, cell by existing cell, never by area.
//
// It does not do: defined names, array formulas and array arithmetic
// (A1:A3*B1:B3), array constants, implicit intersection, dates, TEXT and
// number formats, volatile or lookup-by-binary-search behaviour of Excel,
// external or 3-D references; those give ErrUnsupported. It reads no files
// and knows nothing of excelize: the workbook comes in as a Source.
package formula
