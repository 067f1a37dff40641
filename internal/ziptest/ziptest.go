// Package ziptest makes damaged workbook packages for tests, and reads
// packages back for them.
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

// Parts is every part of the package data, unpacked, by name.
func Parts(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		parts[f.Name] = b
	}
	return parts, nil
}
