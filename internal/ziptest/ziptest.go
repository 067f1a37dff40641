// Package ziptest makes damaged workbook packages for tests.
package ziptest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
)

// EditRaw is the package data with the compressed bytes of the part
// named part replaced by edit's result, every other part copied as it
// is (headers included, so that the part's CRC-32 no longer matches).
func EditRaw(data []byte, part string, edit func(compressed []byte) []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		raw, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(raw)
		if err != nil {
			return nil, err
		}
		if f.Name == part {
			found = true
			b = edit(b)
		}
		w, err := zw.CreateRaw(&f.FileHeader)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("no part %s", part)
	}
	return out.Bytes(), nil
}
