package validate

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"perfeval/sheet"
)

// FuzzParseText: any text either is a number or is not, without panic,
// and a number reads back the same from its own decimal form.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{"12.5", " 12.5 ", "１２．５", "12.5分", "-3", ".5", "12..5", "1e3", "", "不适用", "５分"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseText(s)
		if !ok {
			return
		}
		again, ok := ParseText(d.String())
		if !ok || !again.Equal(d) {
			t.Fatalf("%q read as %s, which reads back as %s (%v)", s, d, again, ok)
		}
	})
}

// FuzzOpenAndCheck opens arbitrary bytes as a workbook and checks it: an
// error or a result, never a panic, within a small size limit.
func FuzzOpenAndCheck(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	f.Add([]byte("一级指标,分值,甲\n管理,100,90\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// A stall is a finding: past 10 s the input fails, and the fuzzer
		// keeps it.
		done := make(chan string, 1)
		go func() {
			b, err := sheet.Open(context.Background(), path, sheet.Options{UnzipLimit: 4 << 20, UnzipXMLLimit: 1 << 20})
			if err != nil {
				done <- ""
				return
			}
			defer b.Close()
			w, problems := Check(b)
			if problems.Err() == nil && w.Results == nil {
				done <- "no errors and no results"
				return
			}
			done <- ""
		}()
		select {
		case msg := <-done:
			if msg != "" {
				t.Fatal(msg)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("stalled: no answer within 10 s")
		}
	})
}
