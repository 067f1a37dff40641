package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestUsedRange: the used range of a sheet part read in chunks is the
// one of the whole part, whatever chunk boundary a reference straddles.
func TestUsedRange(t *testing.T) {
	for _, pad := range []int{0, 1, 3, 5, 17, 65530, 65533, 65535, 65536} {
		var b strings.Builder
		b.WriteString(`<worksheet><dimension ref="A1"/><sheetData>`)
		b.WriteString(strings.Repeat(" ", pad))
		for r := 3; r <= 2000; r++ {
			fmt.Fprintf(&b, `<row r="%d"><c r="C%d"><v>1</v></c><c r="%s%d"><v>2</v></c></row>`, r, r, columnName(3+r%40), r)
		}
		b.WriteString(`</sheetData></worksheet>`)
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		w.Write([]byte(b.String()))
		zw.Close()
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := usedRange(zr.File[0])
		if err != nil || got != "C3:AP2000" {
			t.Errorf("pad %d: %q, %v; want C3:AP2000", pad, got, err)
		}
	}
}
