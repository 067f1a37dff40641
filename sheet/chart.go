package sheet

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Charts (issue 12) are drawn by excelize's AddChart from cells of the
// sheet they stand on, in the grade colours of the cells: a grade's pale
// fill inside, its dark text colour around.

// gradeColors are the fill and text colours of grades, best first: green,
// blue, yellow, red (see gradeTone).
var gradeColors = [4]struct{ Fill, Ink string }{
	{"C6EFCE", "006100"}, {"DDEBF7", "1F4E78"}, {"FFEB9C", "9C5700"}, {"FFC7CE", "9C0006"},
}

// Colours of what is not a grade in charts: a weight, a mean.
const (
	weightFill, weightInk = "D9D9D9", "7F7F7F"
	meanInk               = "7F7F7F"
)

// gradeTone is the colour of grade index among bands grades: the best
// green (0), the lowest red (3), between blue (1) then yellow (2).
func gradeTone(index, bands int) int {
	switch {
	case index == 0:
		return 0
	case index >= bands-1:
		return 3
	case index == 1:
		return 1
	default:
		return 2
	}
}

// solid is a solid fill of one colour.
func solid(color string) excelize.Fill {
	return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
}

// sheetRef is a sheet's name as a formula prefix: 'name'!.
func sheetRef(sheet string) string {
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'!"
}

// rowRange is $B$7:$F$7 on sheet: columns from..to of one row.
func rowRange(sheet string, row, from, to int) string {
	return fmt.Sprintf("%s$%s$%d:$%s$%d", sheetRef(sheet), columnName(from), row, columnName(to), row)
}

// colRangeRef is $B$3:$B$26 on sheet: rows from..to of one column.
func colRangeRef(sheet string, col, from, to int) string {
	c := columnName(col)
	return fmt.Sprintf("%s$%s$%d:$%s$%d", sheetRef(sheet), c, from, c, to)
}

// cellRef is $A$7 on sheet.
func cellRef(sheet string, col, row int) string {
	return fmt.Sprintf("%s$%s$%d", sheetRef(sheet), columnName(col), row)
}

// chartFont is the font of a chart's text: the workbook's family.
func chartFont(family string, size float64, bold bool) excelize.Font {
	return excelize.Font{Family: family, Size: size, Bold: bold, Color: "404040"}
}

// chartTitle is a chart's title in the workbook's font.
func chartTitle(family, text string) excelize.ChartTitle {
	font := chartFont(family, 12, true)
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: text, Font: &font}}}
}

// addChart adds chart c with its top-left corner at cell of sheet. edit,
// when given, edits the chart part excelize made, for what excelize does
// not draw: points coloured one by one (colourPoints), the lines of a
// radar (lineSeries).
func addChart(f *excelize.File, sheet, cell string, c *excelize.Chart, edit func([]byte) []byte) error {
	before := chartParts(f)
	if err := f.AddChart(sheet, cell, c); err != nil {
		return err
	}
	if edit == nil {
		return nil
	}
	for name := range chartParts(f) {
		if before[name] {
			continue
		}
		v, ok := f.Pkg.Load(name)
		if !ok {
			continue
		}
		part, ok := v.([]byte)
		if !ok {
			return fmt.Errorf("chart part %s is not held as bytes", name)
		}
		f.Pkg.Store(name, edit(part))
	}
	return nil
}

// chartParts are the chart parts f holds, by name.
func chartParts(f *excelize.File) map[string]bool {
	out := map[string]bool{}
	f.Pkg.Range(func(k, _ any) bool {
		if s, ok := k.(string); ok && strings.HasPrefix(s, "xl/charts/chart") {
			out[s] = true
		}
		return true
	})
	return out
}

// colourPoints puts a <dPt> per point of the chart's first series, each in
// its tone's grade colours, where the schema wants them: after the series'
// invertIfNegative.
func colourPoints(tones []int) func([]byte) []byte {
	return func(part []byte) []byte { return colourPointsIn(part, tones) }
}

func colourPointsIn(part []byte, tones []int) []byte {
	anchor := []byte(`<invertIfNegative val="0"></invertIfNegative>`)
	at := bytes.Index(part, anchor)
	if at < 0 {
		return part
	}
	at += len(anchor)
	var b bytes.Buffer
	for i, t := range tones {
		c := gradeColors[t]
		b.WriteString(`<dPt><idx val="` + strconv.Itoa(i) + `"/><invertIfNegative val="0"/><bubble3D val="0"/><spPr><a:solidFill><a:srgbClr val="` + c.Fill +
			`"/></a:solidFill><a:ln w="9525"><a:solidFill><a:srgbClr val="` + c.Ink + `"/></a:solidFill></a:ln></spPr></dPt>`)
	}
	out := make([]byte, 0, len(part)+b.Len())
	out = append(out, part[:at]...)
	out = append(out, b.Bytes()...)
	return append(out, part[at:]...)
}

// seriesLine is how lineSeries draws a series: its line colour and width
// (EMU), dashed or not, and its marker's fill ("": no marker).
type seriesLine struct {
	ink    string
	width  int
	dashed bool
	marker string
}

// lineSeries gives each series of a chart part its line and marker, after
// its name (<tx>), where the schema puts them: excelize draws neither for
// radar charts.
func lineSeries(lines []seriesLine) func([]byte) []byte {
	return func(part []byte) []byte {
		var out []byte
		rest := part
		for _, l := range lines {
			at := bytes.Index(rest, []byte("<ser>"))
			if at < 0 {
				break
			}
			end := bytes.Index(rest[at:], []byte("</tx>"))
			if end < 0 {
				break
			}
			end += at + len("</tx>")
			out = append(out, rest[:end]...)
			dash := ""
			if l.dashed {
				dash = `<a:prstDash val="dash"/>`
			}
			out = append(out, `<spPr><a:ln w="`+strconv.Itoa(l.width)+`" cap="rnd"><a:solidFill><a:srgbClr val="`+l.ink+`"/></a:solidFill>`+dash+`</a:ln></spPr>`...)
			if l.marker == "" {
				out = append(out, `<marker><symbol val="none"/></marker>`...)
			} else {
				out = append(out, `<marker><symbol val="circle"/><size val="6"/><spPr><a:solidFill><a:srgbClr val="`+l.marker+`"/></a:solidFill><a:ln w="9525"><a:solidFill><a:srgbClr val="`+l.ink+`"/></a:solidFill></a:ln></spPr></marker>`...)
			}
			rest = rest[end:]
		}
		return append(out, rest...)
	}
}
