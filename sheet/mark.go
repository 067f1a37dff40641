package sheet

import (
	"archive/zip"
	"bytes"
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

	facts string // a per-department workbook's DepartmentFacts (JSON), written before the mark; never read back into a Mark
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
// a workbook calls it (through saveCarrying).
func setMark(f *excelize.File, m Mark) error {
	if m.Kind == "" {
		return fmt.Errorf("mark without a kind")
	}
	var props []excelize.CustomProperty
	if m.facts != "" {
		props = append(props, excelize.CustomProperty{Name: markFacts, Value: m.facts})
	}
	for _, p := range []struct{ name, value string }{
		{markProp, m.Kind}, {markDepartment, m.Department}, {markSource, m.Source}, {markSourceHash, m.SourceSHA256},
	} {
		var v any
		if p.value != "" {
			v = p.value
		}
		props = append(props, excelize.CustomProperty{Name: p.name, Value: v})
	}
	return setProps(f, props)
}

// customXML is the custom document properties part, customNS its
// namespace, and strictCustomNS that namespace in Strict Open XML.
const (
	customXML      = "docProps/custom.xml"
	customNS       = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
	strictCustomNS = "http://purl.oclc.org/ooxml/officeDocument/customProperties"
)

// setProps sets props (a nil Value removes one) in f's custom document
// properties, in order, as that many calls of excelize's SetCustomProps
// would. Each of those decodes and encodes the whole part (a tenth of a
// millisecond apiece, several per output: 7 % of --split's time), so on
// a workbook that has no such part yet, where nothing is to be removed,
// only the first is set by SetCustomProps (which adds the part's
// relationship and content type) and the others are written after it as
// excelize writes them.
func setProps(f *excelize.File, props []excelize.CustomProperty) error {
	var set []excelize.CustomProperty // those with a value
	text := true                      // every value is text, as the mark's are
	for _, p := range props {
		if p.Value != nil {
			set = append(set, p)
			_, ok := p.Value.(string)
			text = text && ok
		}
	}
	v, had := f.Pkg.Load(customXML)
	if part, ok := v.([]byte); ok && bytes.Contains(part, []byte(`"`+strictCustomNS+`"`)) {
		// Saved as Strict Open XML: excelize reads no custom properties
		// there (it translates the other Strict namespaces, not this
		// one), and the result could not be written. Only the namespace
		// declaration (quoted) is translated, not a property's text.
		f.Pkg.Store(customXML, bytes.ReplaceAll(part, []byte(`"`+strictCustomNS+`"`), []byte(`"`+customNS+`"`)))
	}
	if had || len(set) == 0 || !text {
		for _, p := range props {
			if err := f.SetCustomProps(p); err != nil {
				return err
			}
		}
		return nil
	}
	if err := f.SetCustomProps(set[0]); err != nil {
		return err
	}
	v, _ = f.Pkg.Load(customXML)
	part, _ := v.([]byte)
	const end = "</Properties>"
	if !bytes.HasSuffix(part, []byte(end)) {
		for _, p := range set[1:] {
			if err := f.SetCustomProps(p); err != nil {
				return err
			}
		}
		return nil
	}
	out := bytes.NewBuffer(append([]byte(nil), part[:len(part)-len(end)]...))
	for i, p := range set[1:] {
		value := p.Value.(string)
		fmt.Fprintf(out, `<property fmtid="%s" pid="%d" name="`, excelize.EXtURICustomPropertyFmtID, i+3)
		xml.EscapeText(out, []byte(p.Name))
		out.WriteString(`"><vt:lpwstr>`)
		xml.EscapeText(out, []byte(value))
		out.WriteString(`</vt:lpwstr></property>`)
	}
	out.WriteString(end)
	f.Pkg.Store(customXML, out.Bytes())
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
