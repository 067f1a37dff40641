package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// sheetPkg is a package holding one worksheet part, with a few shared
// strings and styles (style 1 a date, 2 a percentage).
func sheetPkg(t testing.TB, part []byte) *pkg {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write(part)
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return &pkg{ctx: context.Background(), files: map[string]*zip.File{"xl/worksheets/sheet1.xml": zr.File[0]},
		limit: 64 << 20, partMax: 64 << 20, strings: []string{"一级指标", "分值", "a&b"},
		styles: []xfStyle{{}, {date: true}, {percent: true}}}
}

// readBoth reads a part with the scanner and with encoding/xml.
func readBoth(t testing.TB, part []byte, ctl readControl) (got, want *sheetData, gotErr, wantErr error) {
	sp := sheetPart{name: "S", path: "xl/worksheets/sheet1.xml"}
	got, gotErr = sheetPkg(t, part).readSheet(sp, ctl)
	want, wantErr = sheetPkg(t, part).readSheetXML(sp, ctl)
	if got != nil && want != nil {
		want.padded = got.padded // counted by the scanner only (the cells excelize would pad a row to)
		want.values = got.values // the scanner's cache of repeated values
	}
	return
}

// genSheet writes a worksheet from a seed: rows in and out of order, cells
// of every type, shared and array formulas, inline rich text with
// phonetic runs, entities, CDATA, comments, prefixes, self-closing tags,
// merges and hidden rows and columns.
func genSheet(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var b strings.Builder
	pre := pick("", "x:")
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n")
	fmt.Fprintf(&b, `<%sworksheet xmlns%s="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, pre, strings.TrimSuffix(":"+strings.TrimSuffix(pre, ":"), ":"))
	fmt.Fprintf(&b, `<%scols><%scol min="%d" max="%d" hidden="%s" width="3"/></%scols>`, pre, pre, 1+rng.IntN(5), 5+rng.IntN(20000), pick("1", "0", "true"), pre)
	fmt.Fprintf(&b, "<%ssheetData>", pre)
	row := 0
	texts := []string{"12.5", "部门A", " 3 ", "a &amp; b", "&lt;x&gt;", "&#20108;&#x4E09;", "x\r\ny", "<![CDATA[c<d]]>", "", "  ", "-1.5E3", "TRUE", "#DIV/0!", "&quot;q&apos;", "&unknown;", "a<!-- c -->b"}
	for range 1 + rng.IntN(n) {
		switch rng.IntN(8) {
		case 0:
			row += 1 + rng.IntN(3)
		case 1:
			row = max(1, row-1) // out of order
		default:
			row++
		}
		attrs := ""
		if rng.IntN(4) > 0 {
			attrs += fmt.Sprintf(` r="%d"`, row)
		}
		if rng.IntN(6) == 0 {
			attrs += ` hidden="1"`
		}
		if rng.IntN(10) == 0 {
			fmt.Fprintf(&b, "<%srow%s/>", pre, attrs)
			continue
		}
		fmt.Fprintf(&b, "<%srow%s spans=\"1:9\">", pre, attrs)
		col := 0
		for range rng.IntN(8) {
			col += 1 + rng.IntN(3)
			if rng.IntN(8) == 0 {
				col = max(1, col-2)
			}
			ref := ""
			if rng.IntN(5) > 0 {
				ref = fmt.Sprintf(` r="%s%d"`, columnName(col), max(row, 1))
			}
			typ := pick("", "", ` t="s"`, ` t="n"`, ` t="str"`, ` t="inlineStr"`, ` t="b"`, ` t="e"`, ` t="d"`)
			style := pick("", "", ` s="1"`, ` s="2"`, ` s="9"`)
			if rng.IntN(12) == 0 {
				fmt.Fprintf(&b, "<%sc%s%s%s/>", pre, ref, typ, style)
				continue
			}
			fmt.Fprintf(&b, "<%sc%s%s%s>", pre, ref, style, typ)
			switch rng.IntN(5) {
			case 0:
				fmt.Fprintf(&b, `<%sf t="shared" si="%d" ref="A1:B9">%s</%sf>`, pre, rng.IntN(3), pick("A1+1", "", "SUM(A1:A3)"), pre)
			case 1:
				fmt.Fprintf(&b, `<%sf t="shared" si="%d"/>`, pre, rng.IntN(3))
			case 2:
				fmt.Fprintf(&b, `<%sf>%s</%sf>`, pre, pick("1+1", "&quot;a&quot;&amp;B2", "G2+F2"), pre)
			}
			if strings.Contains(typ, "inlineStr") && rng.IntN(2) == 0 {
				fmt.Fprintf(&b, "<%sis><%sr><%st>%s</%st></%sr><%srPh><%st>ヨミ</%st></%srPh><%sr><%st xml:space=\"preserve\">%s</%st></%sr></%sis>",
					pre, pre, pre, texts[rng.IntN(len(texts))], pre, pre, pre, pre, pre, pre, pre, pre, texts[rng.IntN(len(texts))], pre, pre, pre)
			} else if typ == ` t="s"` {
				fmt.Fprintf(&b, "<%sv>%d</%sv>", pre, rng.IntN(5)-1, pre)
			} else if rng.IntN(6) > 0 {
				fmt.Fprintf(&b, "<%sv>%s</%sv>", pre, texts[rng.IntN(len(texts))], pre)
			}
			fmt.Fprintf(&b, "</%sc>\n", pre)
		}
		fmt.Fprintf(&b, "</%srow>", pre)
	}
	fmt.Fprintf(&b, "</%ssheetData>", pre)
	fmt.Fprintf(&b, `<%smergeCells count="2"><%smergeCell ref="A%d:B%d"/><%smergeCell ref='C1:C3'/></%smergeCells>`, pre, pre, 1+rng.IntN(5), 2+rng.IntN(9), pre, pre)
	fmt.Fprintf(&b, "</%sworksheet>", pre)
	return []byte(b.String())
}

// FuzzScanner: on generated worksheets (raw empty) the hand-written
// scanner reads exactly what encoding/xml reads; on any bytes (raw) it
// never panics or hangs.
func FuzzScanner(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(seed, []byte(nil))
	}
	f.Add(uint64(0), []byte(`<worksheet><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>a&amp;b</t></is></c></row></sheetData></worksheet>`))
	f.Add(uint64(0), []byte(`<sheetData><row><c><v><![CDATA[1]]></v></c></row>`))
	f.Fuzz(func(t *testing.T, seed uint64, raw []byte) {
		part := raw
		if len(raw) == 0 {
			part = genSheet(seed, 40)
		}
		for _, ctl := range []readControl{{}, {maxCol: 3, maxCells: 50}} {
			got, want, gotErr, wantErr := readBoth(t, part, ctl)
			if len(raw) > 0 {
				continue // any bytes: damaged XML may be read more or less far; no panic is the test
			}
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("scanner error %v, encoding/xml error %v\n%s", gotErr, wantErr, part)
			}
			if gotErr == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("scanner read\n%+v\nencoding/xml read\n%+v\nfrom\n%s", got, want, part)
			}
		}
	})
}

func TestScannerSamples(t *testing.T) {
	for seed := range uint64(300) {
		part := genSheet(seed, 60)
		got, want, gotErr, wantErr := readBoth(t, part, readControl{})
		if (gotErr != nil) != (wantErr != nil) || gotErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: scanner %+v %v\nencoding/xml %+v %v\n%s", seed, got, gotErr, want, wantErr, part)
		}
	}
}
