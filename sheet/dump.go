package sheet

import (
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Dump returns every sheet of the workbook at path as text, for tests and
// reviews: a "## name" line, then one line per row with cells as shown
// (number formats applied) separated by tabs, then "#merge A1:H1" and
// "#comment D2 text" lines;
// tabs and line breaks inside cells are written \t and \n. Sheet order is
// the workbook's.
func Dump(path string) (string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		if err := dumpSheet(&b, f, name); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// DumpSheet is Dump for one sheet, without the "## name" line.
func DumpSheet(path, name string) (string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex(name); idx < 0 {
		return "", fmt.Errorf("%s has no sheet %q (it has %s)", path, name, strings.Join(f.GetSheetList(), ", "))
	}
	var b strings.Builder
	err = dumpRows(&b, f, name)
	return b.String(), err
}

func dumpSheet(b *strings.Builder, f *excelize.File, name string) error {
	fmt.Fprintf(b, "## %s\n", name)
	if err := dumpRows(b, f, name); err != nil {
		return err
	}
	merges, err := f.GetMergeCells(name, true)
	if err != nil {
		return err
	}
	var refs []string
	for _, m := range merges {
		refs = append(refs, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	sort.Strings(refs)
	for _, r := range refs {
		fmt.Fprintf(b, "#merge %s\n", r)
	}
	comments, err := f.GetComments(name)
	if err != nil {
		return err
	}
	esc := strings.NewReplacer("\t", `\t`, "\n", `\n`, "\r", "")
	for _, c := range comments {
		text := c.Text
		for _, run := range c.Paragraph {
			text += run.Text
		}
		fmt.Fprintf(b, "#comment %s %s\n", c.Cell, esc.Replace(text))
	}
	return nil
}

func dumpRows(b *strings.Builder, f *excelize.File, name string) error {
	rows, err := f.GetRows(name)
	if err != nil {
		return err
	}
	esc := strings.NewReplacer("\t", `\t`, "\n", `\n`, "\r", "")
	for _, row := range rows {
		for i := range row {
			row[i] = esc.Replace(row[i])
		}
		b.WriteString(strings.TrimRight(strings.Join(row, "\t"), "\t"))
		b.WriteByte('\n')
	}
	return nil
}
