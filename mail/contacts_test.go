package mail

import (
	"errors"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"perfeval/sheet"
)

// TestContactProblems: every kind of problem of a contacts workbook is
// reported at its cell, and the good rows are kept.
func TestContactProblems(t *testing.T) {
	path := filepath.Join(t.TempDir(), "联系人.xlsx")
	rows := [][]string{
		{"市教育局", "jy@example.cn", "a@example.cn；b@example.cn", "张三"}, // row 2: good, two cc
		{"市公安局", "gongan@example", "", ""},                           // row 3: no dot in the domain
		{"市民政局", "", "", ""},                                         // row 4: no address
		{"市教育局", "other@example.cn", "", ""},                         // row 5: twice, other address
		{"市司法局", "sf@example.cn", "", ""},                            // row 6: good
		{"市司法局", "sf@example.cn", "", ""},                            // row 7: the same row again: harmless
		{"市不存在局", "x@example.cn", "", ""},                            // row 8: not in the results
		{"", "orphan@example.cn", "", ""},                            // row 9: no department
		{"市林业局", "ly＠example.cn", "", ""},                            // row 10: full-width ＠
		{"市水利局", "sl@example.cn", "bad cc", ""},                      // row 11: malformed cc
		{"市审计局", "sj@example.cn, sj2@example.cn", "", ""},            // row 12: two recipients
	}
	if err := sheet.WriteList(path, "联系人", []string{"部门", "邮箱", "抄送", "联系人"}, rows, "test"); err != nil {
		t.Fatal(err)
	}
	sheets, err := ReadContactSheets(path)
	if err != nil {
		t.Fatal(err)
	}
	c, problems := ParseContacts("联系人.xlsx", sheets)
	problems = append(problems, c.CheckAgainst([]string{"市教育局", "市公安局", "市民政局", "市司法局", "市林业局", "市水利局", "市审计局", "市统计局", "市不存在"})...)
	want := []struct {
		cell, dept string
		err        error
	}{
		{"B3", "市公安局", ErrBadAddress},
		{"B4", "市民政局", ErrNoAddress},
		{"A5", "市教育局", ErrDuplicate},
		{"A9", "", ErrNoDepartment},
		{"B10", "市林业局", ErrBadAddress},
		{"C11", "市水利局", ErrBadAddress},
		{"", "市统计局", ErrNotListed},
		{"", "市不存在", ErrNotListed},
		{"A8", "市不存在局", ErrUnknownDepartment},
	}
	if len(problems) != len(want) {
		for _, p := range problems {
			t.Log(p)
		}
		t.Fatalf("%d problems, want %d", len(problems), len(want))
	}
	for i, w := range want {
		p := problems[i]
		if p.Sheet != "联系人" || p.Cell != w.cell || p.Department != w.dept || !errors.Is(p, w.err) {
			t.Errorf("problem %d: %s, want 联系人!%s %s %v", i, p, w.cell, w.dept, w.err)
		}
		if p.Message("zh") == "" || p.Hint("zh") == "" || p.Message("en") == "" {
			t.Errorf("problem %d has no words", i)
		}
	}
	if problems[8].Other != "市不存在" {
		t.Errorf("no likely name for 市不存在局: %q", problems[8].Other)
	}
	if p := problems[2]; p.Other != "联系人!A2" {
		t.Errorf("duplicate names %q, want 联系人!A2", p.Other)
	}
	for dept, n := range map[string]int{"市司法局": 1, "市审计局": 2} {
		if ct := c.ByKey[Key(dept)]; ct == nil || len(ct.To) != n {
			t.Errorf("%s kept as %+v, want %d recipients", dept, ct, n)
		}
	}
	if ct := c.ByKey[Key("市教育局")]; ct != nil {
		t.Errorf("a department listed twice with other addresses is kept: %+v", ct)
	}
	for _, bad := range []string{"市公安局", "市民政局", "市林业局", "市水利局", "市教育局"} {
		if c.ByKey[Key(bad)] != nil {
			t.Errorf("%s is kept despite its problem", bad)
		}
	}
}

// TestContactsCSV reads a CSV saved by Excel on Chinese Windows (GBK)
// and one with a UTF-8 BOM alike, with cells named like a sheet's.
func TestContactsCSV(t *testing.T) {
	text := "单位名称,电子邮箱\r\n市教育局,jy@example.cn\r\n市民政局,\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"gbk.csv": gbk, "bom.csv": "\xEF\xBB\xBF" + text} {
		path := filepath.Join(t.TempDir(), name)
		os.WriteFile(path, []byte(data), 0o644)
		sheets, err := ReadContactSheets(path)
		if err != nil {
			t.Fatal(err)
		}
		c, problems := ParseContacts(name, sheets)
		if c.ByKey[Key("市教育局")] == nil || len(problems) != 1 || problems[0].Cell != "B3" || !errors.Is(problems[0], ErrNoAddress) || problems[0].Sheet != name {
			t.Errorf("%s: %+v %v", name, c.ByKey, problems)
		}
	}
}

// TestExtParam: long names are continued (RFC 2231) and read back whole.
func TestExtParam(t *testing.T) {
	name := "南阳市政务服务和大数据管理局（本级）附属单位评价结果 2021.xlsx"
	v := "attachment;\r\n filename=\"" + encodeWord(name) + "\";\r\n" + extParam("filename", name)
	for _, line := range splitLines(v)[2:] {
		if len(line) > 78 {
			t.Errorf("line of %d characters: %s", len(line), line)
		}
	}
	_, params, err := mime.ParseMediaType(strings.ReplaceAll(v, "\r\n", ""))
	if err != nil || params["filename"] != name {
		t.Errorf("read back %q (%v), want %q", params["filename"], err, name)
	}
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\r' && s[i+1] == '\n' {
			out = append(out, s[start:i])
			start = i + 2
		}
	}
	return append(out, s[start:])
}

// TestClosest: a typing slip or an abbreviation is offered; another
// department two characters away is not.
func TestClosest(t *testing.T) {
	for _, c := range []struct{ name, among, want string }{
		{"市财政局", "市教育局", ""},
		{"市教育厅", "市教育局", "市教育局"},
		{"市卫健委", "市卫生健康委员会", "市卫生健康委员会"},
		{"市交通局", "市交通运输局", "市交通运输局"},
	} {
		if got := Closest(c.name, []string{c.among}); got != c.want {
			t.Errorf("Closest(%q, %q) = %q, want %q", c.name, c.among, got, c.want)
		}
	}
}
