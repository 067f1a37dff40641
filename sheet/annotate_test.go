package sheet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestWriteAnnotated(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.xlsx")
	s, err := SheetFromText("指标", "一级指标\t分值\t部门A\t部门B\n管理\t40\t41\t'30\n产出\t60\t59\t\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := Build(in, Spec{Sheets: []SheetSpec{s}}); err != nil {
		t.Fatal(err)
	}
	// The department's own note on C2 must survive.
	f, _ := excelize.OpenFile(in)
	if err := f.AddComment("指标", excelize.Comment{Cell: "C2", Author: "部门A", Text: "已与财务核对"}); err != nil {
		t.Fatal(err)
	}
	f.Save()
	f.Close()
	before, _ := os.ReadFile(in)

	b, err := Open(context.Background(), in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	out := filepath.Join(dir, AnnotatedName("a.xlsx", "zh"))
	problems := []Problem{
		{Error: true, Sheet: "指标", Cell: "C2", Department: "部门A", Indicator: "管理", Message: "得分 41 超过分值 40", Hint: "得分不能超过该指标的分值"},
		{Error: true, Sheet: "指标", Cell: "D3", Department: "部门B", Indicator: "产出", Message: "缺少得分"},
		{Sheet: "指标", Cell: "D2", Department: "部门B", Indicator: "管理", Message: "“30”是文本格式的数字"},
		{Error: true, Message: "一个没有单元格的问题"},
	}
	if err := b.WriteAnnotated(out, "zh", problems, Mark{}); err != nil {
		t.Fatal(err)
	}
	if filepath.Base(out) != "a_错误.xlsx" {
		t.Errorf("name %s", out)
	}
	if after, _ := os.ReadFile(in); string(after) != string(before) {
		t.Fatal("input changed")
	}
	g, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got := strings.Join(g.GetSheetList(), ","); got != "校验,指标" || g.GetActiveSheetIndex() != 0 {
		t.Errorf("sheets %s, active %d", got, g.GetActiveSheetIndex())
	}
	comments, _ := g.GetComments("指标")
	text := map[string]string{}
	for _, c := range comments {
		for _, r := range c.Paragraph {
			text[c.Cell] += r.Text
		}
		text[c.Cell] += c.Text
	}
	for cell, want := range map[string][]string{
		"C2": {"已与财务核对", "错误：得分 41 超过分值 40 (部门A 管理)", "处理建议：得分不能超过该指标的分值"},
		"D3": {"错误：缺少得分"},
		"D2": {"警告：“30”是文本格式的数字"},
	} {
		for _, w := range want {
			if !strings.Contains(text[cell], w) {
				t.Errorf("comment on %s = %q, want it to contain %q", cell, text[cell], w)
			}
		}
	}
	if len(comments) != 3 {
		t.Errorf("%d comments, want 3", len(comments))
	}
	for cell, want := range map[string]string{"C2": errorFill, "D3": errorFill, "D2": warningFill, "B2": ""} {
		idx, _ := g.GetCellStyle("指标", cell)
		st, _ := g.GetStyle(idx)
		got := ""
		if st != nil && len(st.Fill.Color) > 0 {
			got = strings.TrimPrefix(strings.ToUpper(st.Fill.Color[0]), "FF")
			if len(st.Fill.Color[0]) == 6 {
				got = strings.ToUpper(st.Fill.Color[0])
			}
		}
		if got != want {
			t.Errorf("%s fill %q, want %q", cell, got, want)
		}
	}
	rows, _ := g.GetRows("校验")
	if len(rows) != 5 {
		t.Fatalf("校验 has %d rows, want a header and 4 problems: %v", len(rows), rows)
	}
	if rows[4][5] != "一个没有单元格的问题" {
		t.Errorf("problem without a cell: %v", rows[4])
	}
	if ok, target, _ := g.GetCellHyperLink("校验", "C2"); !ok || target != "'指标'!C2" {
		t.Errorf("link %v %s", ok, target)
	}
}
