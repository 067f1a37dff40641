package sheet

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readSheetXML is readSheet as it was, on encoding/xml's RawToken: the
// reference the scanner is fuzzed against.
func (p *pkg) readSheetXML(sp sheetPart, ctl readControl) (*sheetData, error) {
	s := &sheetData{name: sp.name, shared: map[int]sharedFormula{}}
	d, c, err := p.decoder(sp.path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	defer c.Close()
	var (
		row      *xrow
		rowNum   int
		cur      xcell
		inCell   bool
		field    string // "v", "f", "t" (inline text) or ""
		text     strings.Builder
		typ      string
		colNext  int
		fAttrs   xml.StartElement
		asked    bool
		stopped  bool
		isText   int // depth inside <is>
		phonetic int
	)
	flushRow := func() {
		if row != nil && len(row.cells) > 0 {
			s.rows = append(s.rows, *row)
		}
		row = nil
	}
	for {
		t, err := p.token(d)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				flushRow()
				n := rowNum + 1
				if v, ok := attr(t, "r"); ok {
					if x, err := strconv.Atoi(v); err == nil && x > 0 {
						n = x
					}
				}
				if n <= rowNum { // rows out of order: keep the order by number
					n = rowNum + 1
				}
				if n > maxRows { // past Excel's last row: nothing Excel would show
					flushRow()
					s.complete = true
					return s, nil
				}
				rowNum = n
				if !asked && ctl.keep != nil && rowNum > ctl.headerRows {
					asked = true
					if !ctl.keep(s) {
						stopped = true
					}
				}
				if stopped {
					return s, nil
				}
				if h, _ := attr(t, "hidden"); h == "1" || h == "true" {
					s.hiddenRows = append(s.hiddenRows, rowNum)
				}
				row = &xrow{num: rowNum}
				colNext = 1
			case "c":
				if row == nil { // a cell outside a row: damaged, but read it in a row of its own
					flushRow()
					rowNum++
					row = &xrow{num: rowNum}
					colNext = 1
				}
				cur = xcell{col: int32(colNext)}
				if r, ok := attr(t, "r"); ok {
					if col, rr, err := cellCoordinates(r); err == nil {
						cur.col = int32(col)
						_ = rr
					}
				}
				colNext = int(cur.col) + 1
				typ, _ = attr(t, "t")
				st, _ := attr(t, "s")
				style := p.style(st)
				cur.percent = style.percent
				if style.date {
					cur.kind = Date
				}
				inCell = true
				text.Reset()
			case "v":
				if inCell {
					field = "v"
					text.Reset()
				}
			case "f":
				if inCell {
					field = "f"
					fAttrs = t.Copy()
					text.Reset()
					cur.hasF = true
				}
			case "is":
				if inCell {
					isText++
					text.Reset()
				}
			case "rPh":
				phonetic++
			case "t":
				if inCell && isText > 0 && phonetic == 0 {
					field = "t"
				}
			case "mergeCell":
				if r, ok := attr(t, "ref"); ok {
					if m, ok := parseArea(r); ok {
						s.merges = append(s.merges, m)
					}
				}
			case "col":
				if h, _ := attr(t, "hidden"); h == "1" || h == "true" {
					lo, _ := attr(t, "min")
					hi, _ := attr(t, "max")
					a, err1 := strconv.Atoi(lo)
					b, err2 := strconv.Atoi(hi)
					if err1 == nil && err2 == nil && a >= 1 && b >= a {
						s.hiddenCols = append(s.hiddenCols, [2]int{a, min(b, maxColumns)})
					}
				}
			}
		case xml.CharData:
			if field != "" && text.Len() < maxCellText {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				if field == "v" {
					cur.value = text.String()
					field = ""
				}
			case "f":
				if field == "f" {
					formula := text.String()
					if formula != "" {
						s.formulas = append(s.formulas, formula)
						cur.formula = int32(len(s.formulas))
					}
					field = ""
					if ft, _ := attr(fAttrs, "t"); ft == "shared" {
						si, _ := attr(fAttrs, "si")
						idx, err := strconv.Atoi(si)
						if err == nil && idx >= 0 && idx < 1<<30 {
							if formula != "" {
								if _, seen := s.shared[idx]; !seen {
									s.shared[idx] = sharedFormula{col: int(cur.col), row: rowNum, formula: formula}
								}
							} else {
								cur.shared = int32(idx) + 1
							}
						}
					}
				}
			case "t":
				if field == "t" {
					field = ""
				}
			case "rPh":
				phonetic--
			case "is":
				if isText > 0 {
					isText--
					if isText == 0 {
						cur.value = text.String()
						typ = "inlineStr"
					}
				}
			case "c":
				if !inCell {
					continue
				}
				inCell, field = false, ""
				p.finishCell(&cur, typ)
				if !cur.hasF && (cur.kind == Blank || cur.kind == Text && strings.Trim(cur.value, " \t\r\n") == "") {
					continue // nothing, or spaces only: read as blank, and costs nothing
				}
				if ctl.maxCol > 0 && int(cur.col) > ctl.maxCol {
					continue
				}
				s.cells++
				if ctl.maxCells > 0 && s.cells > ctl.maxCells {
					return nil, fmt.Errorf("%w: sheet %s holds more than %d cells", ErrTooLarge, sp.name, ctl.maxCells)
				}
				if n := len(row.cells); n > 0 && row.cells[n-1].col >= cur.col {
					insertCell(row, cur)
				} else {
					row.cells = append(row.cells, cur)
				}
			case "row":
				flushRow()
			case "sheetData":
				flushRow()
				if ctl.keep != nil && !asked {
					asked = true
					if !ctl.keep(s) {
						return s, nil
					}
				}
			}
		}
	}
	flushRow()
	s.complete = true
	return s, nil
}
