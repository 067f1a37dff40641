package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"perfeval/samples"
	"perfeval/sheet"
)

// TestModelSamples runs perfeval on the scoring-model samples (spec §7)
// and reads each department's total and grade back from the report and
// from the 汇总 sheet of its result workbook; the expected totals are
// computed here from the samples' tables, by the rules of §7.
func TestModelSamples(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for name, spec := range samples.Models() {
		path := filepath.Join(in, filepath.Base(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := sheet.Build(path, spec); err != nil {
			t.Fatal(err)
		}
	}
	reportPath := filepath.Join(dir, "report.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"perfeval", "run", in, "--out", out, "--report", reportPath}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	data, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	round := func(d decimal.Decimal) string { return d.Round(2).StringFixed(2) }
	type want struct {
		file, dept, total, grade string
		veto                     []string
	}
	var wants []want
	for k, u := range samples.KPIWeightedUnits {
		total := round(samples.KPIWeightedTotal(k))
		wants = append(wants, want{"kpi-weighted.xlsx", u, total, samples.Grade(decimal.RequireFromString(total), false), nil})
	}
	for k, u := range samples.RubricCoefficientUnits {
		total := samples.RubricCoefficientTotal(k)
		rate := total.Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(150)) // bands scale with 150 points
		wants = append(wants, want{"rubric-coefficient.xlsx", u, round(total), samples.Grade(rate, false), nil})
	}
	wants = append(wants,
		want{"veto.xlsx", samples.VetoUnits[0], round(samples.VetoTotal(0)), samples.Grade(samples.VetoTotal(0), false), nil},
		want{"veto.xlsx", samples.VetoUnits[1], round(samples.VetoTotal(1)), "差（一票否决：" + samples.VetoItem + "）", []string{"否决事项/" + samples.VetoItem}},
	)
	for _, w := range wants {
		var fr *FileReport
		for i := range rep.Files {
			if filepath.Base(rep.Files[i].Path) == w.file {
				fr = &rep.Files[i]
			}
		}
		if fr == nil || fr.Status != statusOK {
			t.Fatalf("%s: %+v", w.file, fr)
		}
		found := false
		for _, d := range fr.Departments {
			if d.Name != w.dept {
				continue
			}
			found = true
			if string(d.Total) != w.total || d.Grade != w.grade || strings.Join(d.Veto, ",") != strings.Join(w.veto, ",") {
				t.Errorf("%s %s: report %s %s %v, want %s %s %v", w.file, w.dept, d.Total, d.Grade, d.Veto, w.total, w.grade, w.veto)
			}
		}
		if !found {
			t.Errorf("%s: no %s in the report", w.file, w.dept)
		}
		summary, err := sheet.DumpSheet(fr.Output, "汇总")
		if err != nil {
			t.Fatal(err)
		}
		row := ""
		for _, line := range strings.Split(summary, "\n") {
			if cells := strings.Split(line, "\t"); len(cells) > 1 && cells[1] == w.dept {
				row = line
			}
		}
		if !strings.Contains(row, "\t"+w.total+"\t") || !strings.Contains(row, "\t"+w.grade) {
			t.Errorf("%s %s: 汇总 row %q lacks total %s and grade %s", w.file, w.dept, row, w.total, w.grade)
		}
	}
	// 研发部's 客户投诉处理 is 不适用: its 客户指标 shows the applicable
	// weight beside the declared one, and the total its rescale.
	for _, f := range rep.Files {
		for _, d := range f.Departments {
			if d.Name == "研发部" {
				if d.Factor == "" || d.Applicable != "90.00" || d.Level1[1].Weight != "40.00" || d.Level1[1].Declared != "50.00" {
					t.Errorf("研发部: applicable %s factor %s, 客户指标 %+v", d.Applicable, d.Factor, d.Level1[1])
				}
			}
		}
	}
}

// TestModelFromSettingsFile: a coefficient rubric without settings is an
// error that names the model (never 9.05 of 150, 差); with 计分方式 = 系数
// from --settings FILE it scores.
func TestModelFromSettingsFile(t *testing.T) {
	dir := t.TempDir()
	spec := samples.RubricCoefficient()
	spec.Sheets = spec.Sheets[:1]
	rubric := filepath.Join(dir, "rubric.xlsx")
	settings := filepath.Join(dir, "settings.xlsx")
	if err := sheet.Build(rubric, spec); err != nil {
		t.Fatal(err)
	}
	if err := sheet.Build(settings, sheet.Spec{Sheets: []sheet.SheetSpec{{Name: "设置", Rows: [][]any{{"计分方式", "系数"}}}}}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"perfeval", "check", rubric}, &stdout, &stderr); code != 1 || !strings.Contains(stdout.String()+stderr.String(), "计分方式 = 系数") {
		t.Errorf("without settings: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"perfeval", "check", rubric, "--settings", settings}, &stdout, &stderr); code != 0 {
		t.Errorf("with --settings: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
}
