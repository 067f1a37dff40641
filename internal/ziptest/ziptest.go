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

// Each calls fn with every entry of the package data, in order, and its
// part unpacked (archive/zip checks its CRC-32); the first error stops
// it.
func Each(data []byte, fn func(f *zip.File, part []byte) error) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		if err := fn(f, b); err != nil {
			return err
		}
	}
	return nil
}

// Parts is every part of the package data, unpacked, by name.
func Parts(data []byte) (map[string][]byte, error) {
	parts := map[string][]byte{}
	err := Each(data, func(f *zip.File, part []byte) error {
		parts[f.Name] = part
		return nil
	})
	return parts, err
}

// Edit is the package data written anew, each part unpacked and given to
// edit, in order, with what edit returns as its content.
func Edit(data []byte, edit func(name string, part []byte) []byte) ([]byte, error) {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	err := Each(data, func(f *zip.File, part []byte) error {
		w, err := zw.Create(f.Name)
		if err != nil {
			return err
		}
		_, err = w.Write(edit(f.Name, part))
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
