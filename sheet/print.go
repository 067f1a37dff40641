package sheet

import (
	"fmt"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// How perfeval's sheets print (issue 12): A4, portrait or landscape by the
// table's width, scaled to one page wide (a table too wide to read at that
// scale spans a few pages across, its first columns repeated), as many
// pages down as it takes, the header rows repeated on every page, page
// numbers in the footer, gridlines off (the tables have borders), and
// manual page breaks so that a group of rows (a level-1 indicator with its
// rows, a chart) is not cut when it fits on a page.
//
// Everything here works on the sheet excelize holds, so it applies as
// well to a streamed sheet (its rows are put in at saving) as to a loaded
// one, and it costs what the number of groups costs, never a look at the
// cells.

// PrintSetup is how one sheet prints.
type PrintSetup struct {
	// TitleRows are the rows repeated on every page, [first, last]
	// (zeros: none).
	TitleRows [2]int
	// TitleCols is the number of leading columns repeated on every page
	// when the sheet spans more than one page across (0: none).
	TitleCols int
	// Widths are the sheet's column widths (ranges, as written); they
	// decide the orientation and the scale.
	Widths []colRange
	// Groups are row ranges [first, last] to keep on one page when they
	// fit, in order; a page break goes before a group that would be cut.
	Groups [][2]int
	// Heights gives a row's height in points where it is not the default
	// (nil: every row the default).
	Heights map[int]float64
	// BreakBefore are rows that always start a page (a chart below a long
	// table).
	BreakBefore []int
}

// Page geometry, in CSS pixels (96 per inch) and points: A4 with the
// margins of setPrint.
const (
	a4Width, a4Height       = 210.0 / 25.4 * 96, 297.0 / 25.4 * 96 // pixels
	marginSide, marginTopPt = 0.5, 0.75                            // inches
	defaultRowPt            = 15.0
	// minScale is the smallest scale a sheet is printed at to fit it one
	// page wide; a wider sheet spans pages across instead.
	minScale = 0.55
)

// columnPixels is the width of the columns in pixels, as Excel draws a
// column of width w (characters of the default font): 7w + 5.
func columnPixels(widths []colRange, upTo int) float64 {
	px := 0.0
	last := 0
	for _, r := range widths {
		if upTo > 0 && r.lo > upTo {
			break
		}
		if r.lo > last+1 { // columns without a width between: the default
			px += float64(r.lo-last-1) * 69
		}
		hi := r.hi
		if upTo > 0 {
			hi = min(hi, upTo)
		}
		px += float64(hi-r.lo+1) * (7*min(r.width, excelize.MaxColumnWidth) + 5)
		last = hi
	}
	if upTo > last { // columns without a width: the default 9.14
		px += float64(upTo-last) * 69
	}
	return px
}

// pageFit is how a sheet of widthPx pixels prints: orientation, pages
// across, scale, and the printable height in points at that scale.
type pageFit struct {
	landscape bool
	across    int
	scale     float64
	heightPt  float64 // printable height, in the sheet's points (unscaled)
}

func fitPage(widthPx float64) pageFit {
	portraitW := a4Width - 2*marginSide*96
	landscapeW := a4Height - 2*marginSide*96
	p := pageFit{across: 1}
	pageW := portraitW
	if widthPx > portraitW {
		p.landscape, pageW = true, landscapeW
	}
	if widthPx*minScale > pageW {
		p.across = int(math.Ceil(widthPx * minScale / pageW))
	}
	p.scale = min(1, float64(p.across)*pageW/max(widthPx, 1))
	pageH := a4Height
	if p.landscape {
		pageH = a4Width
	}
	printable := (pageH/96 - 2*marginTopPt) * 72 // points
	p.heightPt = printable / p.scale
	return p
}

// firstPagePixels is how wide, in the sheet's pixels, the columns are that
// print on the first page across: the whole table when it fits one page
// wide, else the columns up to the first one a page break falls before.
// A drawing no wider than this is never cut by a page break across.
func firstPagePixels(widths []colRange, last int) float64 {
	table := columnPixels(widths, last)
	fit := fitPage(table)
	if fit.across <= 1 {
		return table
	}
	pageW := a4Width - 2*marginSide*96
	if fit.landscape {
		pageW = a4Height - 2*marginSide*96
	}
	pagePx := pageW / fit.scale
	k := 1
	for k < last && columnPixels(widths, k+1) <= pagePx {
		k++
	}
	return columnPixels(widths, k)
}

// setPrint sets a sheet's print layout: see PrintSetup. lang chooses the
// footer's words.
func setPrint(f *excelize.File, sheet, lang string, p PrintSetup) error {
	L := LabelsFor(lang)
	fit := fitPage(columnPixels(p.Widths, 0))
	orientation, a4, wide, tall, yes, no := "portrait", 9, fit.across, 0, true, false
	if fit.landscape {
		orientation = "landscape"
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orientation, Size: &a4, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &yes}); err != nil {
		return err
	}
	side, top, hf := marginSide, marginTopPt, 0.3
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &top, Bottom: &top, Header: &hf, Footer: &hf, Horizontally: &yes}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&C" + L.PageFooter}); err != nil {
		return err
	}
	if err := f.SetSheetView(sheet, 0, &excelize.ViewOptions{ShowGridLines: &no}); err != nil {
		return err
	}
	if err := printTitles(f, sheet, p, fit.across > 1); err != nil {
		return err
	}
	for _, r := range pageBreaks(p, fit) {
		if err := f.InsertPageBreak(sheet, cellName(1, r)); err != nil {
			return err
		}
	}
	return nil
}

// printTitles defines the sheet's print titles: its title rows, and its
// first columns when it spans pages across.
func printTitles(f *excelize.File, sheet string, p PrintSetup, across bool) error {
	quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!"
	var refs []string
	if across && p.TitleCols > 0 {
		refs = append(refs, quoted+"$A:$"+columnName(p.TitleCols))
	}
	if p.TitleRows[0] > 0 {
		refs = append(refs, fmt.Sprintf("%s$%d:$%d", quoted, p.TitleRows[0], max(p.TitleRows[1], p.TitleRows[0])))
	}
	if len(refs) == 0 {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: strings.Join(refs, ","), Scope: sheet})
}

// pageBreaks are the rows that start a page so that no group is cut that
// fits on one: pages are filled from the top, a group that would run past
// the page's end starts the next one. Heights are estimates (a reader's
// fonts decide them), so a page is taken as a little shorter than it is.
func pageBreaks(p PrintSetup, fit pageFit) []int {
	titles := 0.0
	if p.TitleRows[0] > 0 {
		for r := p.TitleRows[0]; r <= max(p.TitleRows[1], p.TitleRows[0]); r++ {
			titles += rowPoints(p.Heights, r)
		}
	}
	page := fit.heightPt*0.92 - titles
	if page <= 0 {
		return nil
	}
	var out []int
	forced := map[int]bool{}
	for _, r := range p.BreakBefore {
		forced[r] = true
	}
	used := 0.0 // points used on the current page
	row := 1    // the next row not yet placed
	start := 1  // the first row of the current page
	place := func(to int) {
		for ; row <= to; row++ {
			h := rowPoints(p.Heights, row)
			if forced[row] && row > start {
				out = append(out, row)
				start, used = row, 0
			}
			if used+h > page && row > start {
				start, used = row, 0 // an automatic break
			}
			used += h
		}
	}
	for _, g := range p.Groups {
		place(g[0] - 1)
		height := 0.0
		for r := g[0]; r <= g[1]; r++ {
			height += rowPoints(p.Heights, r)
		}
		if used+height > page && height <= page && g[0] > start && !forced[g[0]] {
			out = append(out, g[0])
			start, used = g[0], 0
		}
		place(g[1])
	}
	if len(p.BreakBefore) > 0 {
		last := 0
		for _, r := range p.BreakBefore {
			last = max(last, r)
		}
		place(last)
	}
	return uniqueSorted(out)
}

func rowPoints(heights map[int]float64, row int) float64 {
	if h, ok := heights[row]; ok && h > 0 {
		return h
	}
	return defaultRowPt
}

func uniqueSorted(rows []int) []int {
	var out []int
	for _, r := range rows {
		if len(out) == 0 || r > out[len(out)-1] {
			out = append(out, r)
		}
	}
	return out
}

// loadedWidths are the column widths of a sheet excelize holds, up to its
// last column with a cell: for small sheets (templates), where asking
// excelize column by column costs nothing.
func loadedWidths(f *excelize.File, sheet string) []colRange {
	cols, err := f.GetCols(sheet)
	if err != nil {
		return nil
	}
	var out []colRange
	for c := 1; c <= len(cols); c++ {
		width, err := f.GetColWidth(sheet, columnName(c))
		if err != nil {
			continue
		}
		if n := len(out); n > 0 && out[n-1].width == width {
			out[n-1].hi = c
			continue
		}
		out = append(out, colRange{c, c, width})
	}
	return out
}
