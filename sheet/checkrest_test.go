package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"perfeval/internal/ziptest"
)

// notesWorkbook builds a workbook of a long notes sheet (no table: read
// no further than its first rows) before a score table, and returns its
// bytes.
func notesWorkbook(t *testing.T) []byte {
	t.Helper()
	var rows [][]any
	for i := range 3000 {
		rows = append(rows, []any{fmt.Sprintf("第 %d 条说明：本表仅供参考，评分以指标表为准。", i+1), i * 7919 % 1000})
	}
	s, err := SheetFromText("指标", "一级指标\t分值\t部门A\t部门B\n管理\t40\t35.5\t40\n产出\t60\t59\t不适用\n")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "in.xlsx")
	if err := Build(path, Spec{Sheets: []SheetSpec{{Name: "说明", Rows: rows}, s}}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// damaged is data with the compressed bytes of part, from 80 % of the
// way in, changed: damage past what perfeval reads of it.
func damaged(t *testing.T, data []byte, part string) []byte {
	t.Helper()
	out, err := ziptest.EditRaw(data, part, func(b []byte) []byte {
		for i := len(b) * 8 / 10; i < len(b)*8/10+16 && i < len(b); i++ {
			b[i] ^= 0x5a
		}
		return b
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDamagePastWhatIsRead: a part damaged past what is read of it (the
// end of a notes sheet) or never read at all (the theme) makes the
// workbook unreadable, as damage where it is read does: its result would
// carry the part byte for byte, and Excel could not open it.
func TestDamagePastWhatIsRead(t *testing.T) {
	data := notesWorkbook(t)
	dir := t.TempDir()
	open := func(name string, data []byte) error {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := Open(context.Background(), path, Options{})
		if err == nil {
			b.Close()
		}
		return err
	}
	if err := open("whole.xlsx", data); err != nil {
		t.Fatalf("the workbook as built: %v", err)
	}
	for _, part := range []string{"xl/worksheets/sheet1.xml", "xl/theme/theme1.xml"} {
		if err := open("damaged.xlsx", damaged(t, data, part)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s damaged: %v, want ErrCorrupt", part, err)
		}
	}
	// A part in a compression Go cannot unpack could not be written in
	// a result (excelize unpacks it); a second entry of a part's name,
	// damaged, before the one read, is checked too.
	extra := func(name string, method uint16, raw []byte, crc uint32, size uint64) []byte {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: method, CRC32: crc, CompressedSize64: uint64(len(raw)), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw) // first: an entry of the same name after it is the one read
		for _, f := range zr.File {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	if err := open("bzip2.xlsx", extra("customXml/item9.bin", 12, []byte("BZh9"), 1, 9)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a part compressed with bzip2: %v, want ErrCorrupt", err)
	}
	if err := open("twice.xlsx", extra("xl/theme/theme1.xml", zip.Store, []byte("<a/>"), 12345, 4)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a second, damaged entry of the theme: %v, want ErrCorrupt", err)
	}
}

// TestUnpackedOnce: every part counts against the unpacking limit once,
// whole, however much of it was read ahead of the parser or read again
// to check it: the limit gives the same answer every time.
func TestUnpackedOnce(t *testing.T) {
	defer func(v uint64) { largePart = v }(largePart)
	data := notesWorkbook(t)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, f := range zr.File {
		total += int64(f.UncompressedSize64)
	}
	for _, threshold := range []uint64{0, math.MaxUint64} {
		largePart = threshold
		p, err := openPkg(context.Background(), data, 1<<40, 1<<40)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range p.sheets { // each read only up to its first rows
			if _, err := p.readSheet(sp, readControl{keep: func(*sheetData) bool { return false }, headerRows: 2}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.checkRest(); err != nil {
			t.Fatal(err)
		}
		if p.unpacked != total {
			t.Errorf("largePart %d: %d bytes counted, want the parts' %d", threshold, p.unpacked, total)
		}
	}
}
