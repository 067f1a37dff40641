package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Kinds of workbook perfeval writes, as its mark names them.
const (
	KindResult       = "result"
	KindAnnotated    = "annotated"
	KindDepartment   = "department"
	KindBatchSummary = "batch-summary"
	KindTemplate     = "template"
)

// Names of the custom document properties that mark perfeval's outputs.
const (
	markProp       = "perfeval"
	markDepartment = "perfeval-department"
	markSource     = "perfeval-source"
	markSourceHash = "perfeval-source-sha256"
)

// Mark is what perfeval records, as custom document properties, in every
// workbook it writes, so that it never reads its own outputs as inputs.
type Mark struct {
	Kind         string // result, annotated, department, batch-summary, template
	Department   string // the department of a per-department workbook
	Source       string // the input's file name (without its folder)
	SourceSHA256 string // the input's SHA-256, hex
}

// maxCustomXML bounds docProps/custom.xml as ReadMark reads it.
const maxCustomXML = 1 << 20

// ErrMarkTooLarge is returned by ReadMark when docProps/custom.xml is
// larger than any perfeval writes.
var ErrMarkTooLarge = errors.New("custom document properties too large")

// ReadMark reads perfeval's mark from the workbook at path, looking only
// at docProps/custom.xml through archive/zip (never a full open). ok is
// false for a workbook without a mark, and for anything that is not a zip
// (an encrypted workbook, a text file): those are for the reader to judge.
// The caller makes sure path is a regular file.
func ReadMark(path string) (m Mark, ok bool, err error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return Mark{}, false, nil
	}
	defer z.Close()
	for _, file := range z.File {
		if file.Name != "docProps/custom.xml" {
			continue
		}
		if file.UncompressedSize64 > maxCustomXML {
			return Mark{}, false, ErrMarkTooLarge
		}
		rc, err := file.Open()
		if err != nil {
			return Mark{}, false, nil
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxCustomXML+1))
		rc.Close()
		if err != nil {
			return Mark{}, false, nil // damaged: the reader will say so
		}
		if len(data) > maxCustomXML {
			return Mark{}, false, ErrMarkTooLarge
		}
		return parseMark(data)
	}
	return Mark{}, false, nil
}

// parseMark reads the mark's properties from a custom properties part.
func parseMark(data []byte) (Mark, bool, error) {
	var props struct {
		Property []struct {
			Name   string `xml:"name,attr"`
			LPWSTR string `xml:"lpwstr"`
		} `xml:"property"`
	}
	if err := xml.Unmarshal(data, &props); err != nil {
		return Mark{}, false, nil
	}
	var m Mark
	found := false
	for _, p := range props.Property {
		switch p.Name {
		case markProp:
			m.Kind, found = p.LPWSTR, true
		case markDepartment:
			m.Department = p.LPWSTR
		case markSource:
			m.Source = p.LPWSTR
		case markSourceHash:
			m.SourceSHA256 = p.LPWSTR
		}
	}
	if !found {
		return Mark{}, false, nil
	}
	return m, true, nil
}

// setMark writes m into f's custom document properties; every writer of
// this package calls it before saving.
func setMark(f *excelize.File, m Mark) error {
	if m.Kind == "" {
		return fmt.Errorf("mark without a kind")
	}
	for _, p := range []struct{ name, value string }{
		{markProp, m.Kind}, {markDepartment, m.Department}, {markSource, m.Source}, {markSourceHash, m.SourceSHA256},
	} {
		var v any
		if p.value != "" {
			v = p.value
		}
		if err := f.SetCustomProps(excelize.CustomProperty{Name: p.name, Value: v}); err != nil {
			return err
		}
	}
	return nil
}

// CustomProps reads every custom document property of the workbook at
// path through excelize (a full open): for tests and inspection, where
// ReadMark's narrow read is to be checked against excelize's.
func CustomProps(path string) (map[string]string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	props, err := f.GetCustomProps()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range props {
		out[p.Name] = fmt.Sprint(p.Value)
	}
	return out, nil
}
