package hostile

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"time"
)

// epoch is the modification time of every zip entry, so the same case
// always gives the same bytes.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// sheet is one worksheet, written as it streams: nothing big is held in
// memory.
type sheet struct {
	name      string
	dimension string                // the <dimension ref> claimed, or none
	rows      func(w *bufio.Writer) // writes the <row> elements of <sheetData>
	merges    func(w *bufio.Writer) // writes the <mergeCell> elements, or nil
	nMerges   int                   // their count
	sharedStr []string              // shared strings of the workbook (only the first sheet's are used)
	extra     func(w *bufio.Writer) // written after </mergeCells>, or nil
}

// writeBook writes an .xlsx of sheets to path: a zip of hand-written XML,
// deflated, with fixed times.
func writeBook(path string, sheets []sheet) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	z := zip.NewWriter(f)
	z.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.DefaultCompression)
	})
	var shared []string
	for _, s := range sheets {
		shared = append(shared, s.sharedStr...)
	}
	part := func(name string, write func(w *bufio.Writer)) {
		if err != nil {
			return
		}
		var pw io.Writer
		pw, err = z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: epoch})
		if err != nil {
			return
		}
		bw := bufio.NewWriterSize(pw, 1<<16)
		bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
		write(bw)
		err = bw.Flush()
	}
	part("[Content_Types].xml", func(w *bufio.Writer) {
		w.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`)
		w.WriteString(`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`)
		w.WriteString(`<Default Extension="xml" ContentType="application/xml"/>`)
		w.WriteString(`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
		for i := range sheets {
			fmt.Fprintf(w, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		}
		w.WriteString(`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
		if len(shared) > 0 {
			w.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
		}
		w.WriteString(`</Types>`)
	})
	part("_rels/.rels", func(w *bufio.Writer) {
		w.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
		w.WriteString(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>`)
		w.WriteString(`</Relationships>`)
	})
	part("xl/workbook.xml", func(w *bufio.Writer) {
		w.WriteString(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
		for i, s := range sheets {
			fmt.Fprintf(w, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, html.EscapeString(s.name), i+1, i+1)
		}
		w.WriteString(`</sheets></workbook>`)
	})
	part("xl/_rels/workbook.xml.rels", func(w *bufio.Writer) {
		w.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
		for i := range sheets {
			fmt.Fprintf(w, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		}
		n := len(sheets)
		fmt.Fprintf(w, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, n+1)
		if len(shared) > 0 {
			fmt.Fprintf(w, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, n+2)
		}
		w.WriteString(`</Relationships>`)
	})
	part("xl/styles.xml", func(w *bufio.Writer) {
		w.WriteString(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		w.WriteString(`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>`)
		w.WriteString(`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>`)
		w.WriteString(`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>`)
		w.WriteString(`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
		w.WriteString(`<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>`)
		w.WriteString(`</styleSheet>`)
	})
	if len(shared) > 0 {
		part("xl/sharedStrings.xml", func(w *bufio.Writer) {
			fmt.Fprintf(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(shared), len(shared))
			for _, s := range shared {
				fmt.Fprintf(w, `<si><t xml:space="preserve">%s</t></si>`, html.EscapeString(s))
			}
			w.WriteString(`</sst>`)
		})
	}
	for i, s := range sheets {
		part(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), func(w *bufio.Writer) {
			w.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			if s.dimension != "" {
				fmt.Fprintf(w, `<dimension ref="%s"/>`, s.dimension)
			}
			w.WriteString(`<sheetData>`)
			if s.rows != nil {
				s.rows(w)
			}
			w.WriteString(`</sheetData>`)
			if s.merges != nil {
				fmt.Fprintf(w, `<mergeCells count="%d">`, s.nMerges)
				s.merges(w)
				w.WriteString(`</mergeCells>`)
			}
			if s.extra != nil {
				s.extra(w)
			}
			w.WriteString(`</worksheet>`)
		})
	}
	if err != nil {
		z.Close()
		f.Close()
		return err
	}
	if err := z.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Col is the column name of the 1-based column index: 1 → A, 16384 → XFD.
func Col(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

// cell is the XML of one cell at ref holding v: a number when v parses as
// one, a formula (no cached value) when it starts with "=", otherwise an
// inline string. "" gives no cell.
func cell(ref, v string) string {
	switch {
	case v == "":
		return ""
	case strings.HasPrefix(v, "="):
		return fmt.Sprintf(`<c r="%s"><f>%s</f></c>`, ref, html.EscapeString(v[1:]))
	case isNumber(v):
		return fmt.Sprintf(`<c r="%s"><v>%s</v></c>`, ref, v)
	default:
		return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, html.EscapeString(v))
	}
}

func isNumber(s string) bool {
	dot := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot && i > 0:
			dot = true
		case r == '-' && i == 0 && len(s) > 1:
		default:
			return false
		}
	}
	return s != ""
}
