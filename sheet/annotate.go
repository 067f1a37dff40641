package sheet

import (
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// AnnotatedName is the annotated copy's file name for an input:
// a.xlsx → a_错误.xlsx (a_errors.xlsx in English).
func AnnotatedName(input, lang string) string {
	return suffixed(input, LabelsFor(lang).ErrorSuffix)
}

// Fill colours of annotated cells.
const (
	errorFill   = "FFC7CE"
	warningFill = "FFEB9C"
)

// WriteAnnotated saves, atomically at path, a copy of the workbook to send
// back for correction: each problem's cell filled (red for an error,
// yellow for a warning) and carrying a comment that explains it, and a
// 校验 sheet, first and active, that lists every problem with a link to its
// cell. Problems without a cell are listed too. The input file is not
// touched. Call it once per Book, instead of WriteResult. source says
// which input it comes from (its mark's Source and SourceSHA256).
func (b *Book) WriteAnnotated(path, lang string, problems []Problem, source Mark) (err error) {
	defer recoverWrite(&err)
	f, err := b.openForWrite()
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := newWriter(f, lang, calc.DefaultSettings())
	if err != nil {
		return err
	}
	type place struct{ sheet, cell string }
	var order []place
	notes := map[place][]Problem{}
	unmarked := map[string]int{} // sheets whose cells are not marked: how many problems
	for _, p := range problems {
		if p.Cell == "" || p.Sheet == "" {
			continue
		}
		if idx, _ := f.GetSheetIndex(p.Sheet); idx < 0 {
			continue
		}
		if b.large[p.Sheet] || len(order) >= maxMarkedCells {
			unmarked[p.Sheet]++
			continue
		}
		k := place{p.Sheet, p.Cell}
		if _, seen := notes[k]; !seen {
			order = append(order, k)
		}
		notes[k] = append(notes[k], p)
	}
	fills := map[[2]int]int{}
	existing := map[string]map[string]string{} // sheet → cell → the comment it already has
	for _, k := range order {
		if _, ok := existing[k.sheet]; !ok {
			if existing[k.sheet], err = oldComments(f, k.sheet); err != nil {
				return fmt.Errorf("%s: %w", k.sheet, err)
			}
		}
		list := notes[k]
		color := warningFill
		for _, p := range list {
			if p.Error {
				color = errorFill
			}
		}
		if err := fillCell(f, k.sheet, k.cell, color, fills); err != nil {
			return fmt.Errorf("%s!%s: %w", k.sheet, k.cell, err)
		}
		if err := comment(f, k.sheet, k.cell, w.L, list, existing[k.sheet]); err != nil {
			return fmt.Errorf("%s!%s: %w", k.sheet, k.cell, err)
		}
	}
	for _, name := range sortedKeys(unmarked) {
		problems = append([]Problem{{Sheet: name, Message: fmt.Sprintf(w.L.Unmarked, unmarked[name])}}, problems...)
	}
	checks := uniqueSheetName(f, w.L.Checks)
	if err := w.checks(checks, problems); err != nil {
		return fmt.Errorf("writing %s: %w", checks, err)
	}
	if err := setDocInfo(f, NewDocInfo(b.settings(), lang, b.ModTime)); err != nil {
		return err
	}
	source.Kind = KindAnnotated
	return saveCarrying(f, nil, path, checks, source, nil, b.opt.TmpDir, nil)
}

// fillCell gives a cell a solid fill, keeping the rest of its style.
// fills caches the new style per (old style, colour).
func fillCell(f *excelize.File, sheet, cell, color string, fills map[[2]int]int) error {
	old, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		return err
	}
	key := [2]int{old, map[string]int{errorFill: 0, warningFill: 1}[color]}
	id, ok := fills[key]
	if !ok {
		st, err := f.GetStyle(old)
		if err != nil || st == nil {
			st = &excelize.Style{}
		}
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
		if id, err = f.NewStyle(st); err != nil {
			return err
		}
		fills[key] = id
	}
	return f.SetCellStyle(sheet, cell, cell, id)
}

// comment sets the cell's comment to the problems found there, after any
// comment the cell already had.
func comment(f *excelize.File, sheet, cell string, L Labels, list []Problem, existing map[string]string) error {
	var lines []string
	if old, ok := existing[cell]; ok {
		if old != "" {
			lines = append(lines, old, "")
		}
		if err := f.DeleteComment(sheet, cell); err != nil {
			return err
		}
	}
	for _, p := range list {
		sev := L.Warning
		if p.Error {
			sev = L.Error
		}
		line := sev + L.DeductionItems + p.Message
		if who := strings.Trim(strings.Join([]string{p.Department, p.Indicator}, " "), " "); who != "" {
			line += " (" + who + ")"
		}
		if p.Hint != "" {
			line += "\n" + L.Hint + L.DeductionItems + p.Hint
		}
		lines = append(lines, line)
	}
	text := strings.Join(lines, "\n")
	return f.AddComment(sheet, excelize.Comment{
		Author: "perfeval", Cell: cell, Width: 300, Height: uint(60 + 18*strings.Count(text, "\n")),
		Paragraph: []excelize.RichTextRun{
			{Text: "perfeval:\n", Font: &excelize.Font{Bold: true}},
			{Text: text},
		},
	})
}

// maxMarkedCells bounds the cells marked in an annotated copy; the 校验
// sheet lists every problem.
const maxMarkedCells = 2_000

// oldComments are a sheet's comments by cell, read once.
func oldComments(f *excelize.File, sheet string) (map[string]string, error) {
	comments, err := f.GetComments(sheet)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range comments {
		text := c.Text
		for _, run := range c.Paragraph {
			text += run.Text
		}
		out[c.Cell] = text
	}
	return out, nil
}

func sortedKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
