package sheet

import (
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// DocInfo is what a workbook's document properties say (docProps/core.xml
// and app.xml): perfeval made it, from an input of a given time, about an
// evaluation.
type DocInfo struct {
	Title   string    // 年度 + 评价单位 + 评价名称: see DocTitle
	Subject string    // e.g. the department of a per-department workbook
	Time    time.Time // created and modified: the input's modification time, so that reruns give the same bytes (zero: left as they are)
}

// NewDocInfo is the document properties of an output of an evaluation
// with settings s, made from an input modified at t.
func NewDocInfo(s calc.Settings, lang string, t time.Time) DocInfo {
	return DocInfo{Title: DocTitle(s, lang), Time: t}
}

// DocTitle is the evaluation as a document title: 年度, 评价单位 and
// 评价名称 (2021年度南阳市财政局部门整体支出绩效评价; in English
// "Finance Bureau 2024 department expenditure performance evaluation").
func DocTitle(s calc.Settings, lang string) string {
	name := EvaluationName(s, lang)
	if lang == "en" {
		parts := []string{}
		for _, p := range []string{s.Evaluator, s.Year, name} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		t := strings.Join(parts, " ")
		if c := t[0]; c >= 'a' && c <= 'z' {
			t = string(c-'a'+'A') + t[1:]
		}
		return t
	}
	return yearText(s.Year) + s.Evaluator + name
}

// setDocInfo writes the document properties: creator, last modified by
// and application perfeval, the title and subject, the times. Other
// properties (an input's company, keywords) are kept.
func setDocInfo(f *excelize.File, d DocInfo) error {
	props, err := f.GetDocProps()
	if err != nil {
		return err
	}
	props.Creator, props.LastModifiedBy = "perfeval", "perfeval"
	props.Title = d.Title
	if d.Subject != "" {
		props.Subject = d.Subject
	}
	if !d.Time.IsZero() {
		stamp := d.Time.UTC().Truncate(time.Second).Format(time.RFC3339)
		props.Created, props.Modified = stamp, stamp
	}
	if err := f.SetDocProps(props); err != nil {
		return err
	}
	app, err := f.GetAppProps()
	if err != nil {
		return err
	}
	app.Application = "perfeval"
	return f.SetAppProps(app)
}

// setFont makes family the workbook's default font (the Normal style, and
// cells without a style): for workbooks perfeval builds new, never for a
// copy of an input, whose own sheets keep their look.
func setFont(f *excelize.File, family string) error {
	return f.SetDefaultFont(family)
}

// settings are the settings that name the evaluation (年度, 评价单位,
// 评价名称), read from the settings sheet as it stands, for the title of an
// annotated copy, whose settings may not have been checked.
func (b *Book) settings() calc.Settings {
	s := calc.DefaultSettings()
	for _, row := range b.Settings {
		SetNaming(&s, Normalize(strings.TrimSpace(row.Key.Value)), strings.TrimSpace(row.Value.Value))
	}
	return s
}

// SetNaming sets in s the setting that names the evaluation (年度,
// 评价单位, 评价名称) that key (Normalize'd) stands for, to val; false
// when key is another setting's.
func SetNaming(s *calc.Settings, key, val string) bool {
	switch key {
	case "年度", "year":
		s.Year = val
	case "评价单位", "evaluator":
		s.Evaluator = val
	case "评价名称", "evaluation", "evaluationname":
		s.Evaluation = val
	default:
		return false
	}
	return true
}
