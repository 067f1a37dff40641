package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	htemplate "html/template"
	"io"
	"mime"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	ttemplate "text/template"
	"time"

	gomail "github.com/wneessen/go-mail"

	"perfeval/sheet"
)

// Fields are what subject and body templates can use: {{.Department}},
// {{.Total}}, {{range .Deductions}}{{.Name}} {{.Loss}}{{end}}, … Numbers
// are text exactly as the department's workbook shows them.
type Fields struct {
	Year           string // 年度 as the settings give it ("2021"), or ""
	YearText       string // "2021年度" (zh), "2021" (en), or ""
	Evaluation     string // 评价名称: 部门整体支出绩效评价
	Evaluator      string // 评价单位, or ""
	Department     string
	Contact        string // 联系人, or ""
	Total          string // "87.96"
	Points         string // 满分: "100.00"
	Rate           string // "87.96%"
	Grade          string // 良
	Rank, Of       int    // 3, 24
	RankOf         string // "3 / 24"
	Deductions     []sheet.FactDeduction
	DeductionsText string // "决策/目标设定 扣 0.30；…", or 无 / none
	File           string // the attachment's name
	To, Cc         string // the addresses, separated by "; "
}

// Templates are the subject, plain-text body and optional HTML body.
type Templates struct {
	Subject *ttemplate.Template
	Text    *ttemplate.Template
	HTML    *htemplate.Template // nil: plain text only
}

// Default templates.
const (
	DefaultSubjectZH = `{{.YearText}}{{.Evaluation}}结果：{{.Department}}（{{.Total}} 分，{{.Grade}}）`
	DefaultSubjectEN = `{{if .Year}}{{.Year}} {{end}}{{.Evaluation}} result: {{.Department}} ({{.Total}}, {{.Grade}})`
	DefaultBodyZH    = `{{if .Contact}}{{.Contact}}{{else}}{{.Department}}{{end}}：

您好！附件是{{.Department}}{{.YearText}}{{.Evaluation}}的结果，请查收。

总分：{{.Total}}（满分 {{.Points}}）
得分率：{{.Rate}}
等级：{{.Grade}}
排名：{{.RankOf}}
主要扣分项：
{{range .Deductions}}  · {{.Level1}}／{{.Name}}：扣 {{.Loss}} 分
{{else}}  无
{{end}}
附件：{{.File}}（只含本部门的结果）

如对结果有疑问，请直接回复本邮件。
{{if .Evaluator}}
{{.Evaluator}}
{{end}}`
	DefaultBodyEN = `Dear {{if .Contact}}{{.Contact}}{{else}}{{.Department}}{{end}},

Attached is {{.Department}}'s {{if .Year}}{{.Year}} {{end}}{{.Evaluation}} result.

Total: {{.Total}} (of {{.Points}})
Rate: {{.Rate}}
Grade: {{.Grade}}
Rank: {{.RankOf}}
Main deductions:
{{range .Deductions}}  - {{.Level1}} / {{.Name}}: {{.Loss}} lost
{{else}}  none
{{end}}
Attachment: {{.File}} (your department's result only)

Please reply to this message with any question about the result.
{{if .Evaluator}}
{{.Evaluator}}
{{end}}`
)

// DefaultEvaluation is the evaluation's name when none is given.
func DefaultEvaluation(lang string) string {
	return pick(lang, "部门整体支出绩效评价", "department expenditure performance evaluation")
}

// ParseTemplates reads the templates: subject text ("" for the default),
// the plain-text body from bodyFile ("" for the default) and the HTML
// body from htmlFile ("" for none). Each is checked against sample
// fields, so that a misspelt field is found before anything is written.
func ParseTemplates(lang, subject, bodyFile, htmlFile string) (Templates, error) {
	var t Templates
	var err error
	if subject == "" {
		subject = pick(lang, DefaultSubjectZH, DefaultSubjectEN)
	}
	if t.Subject, err = ttemplate.New("--subject").Option("missingkey=error").Parse(subject); err != nil {
		return t, err
	}
	body := pick(lang, DefaultBodyZH, DefaultBodyEN)
	if bodyFile != "" {
		data, err := os.ReadFile(bodyFile)
		if err != nil {
			return t, err
		}
		body = string(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	}
	if t.Text, err = ttemplate.New(bodyName(bodyFile)).Option("missingkey=error").Parse(body); err != nil {
		return t, err
	}
	if htmlFile != "" {
		data, err := os.ReadFile(htmlFile)
		if err != nil {
			return t, err
		}
		if t.HTML, err = htemplate.New(filepath.Base(htmlFile)).Option("missingkey=error").Parse(string(data)); err != nil {
			return t, err
		}
	}
	sample := Fields{Year: "2021", YearText: "2021年度", Evaluation: "x", Department: "x", Total: "1", Points: "100", Rate: "1%", Grade: "x", Rank: 1, Of: 1, RankOf: "1 / 1",
		Deductions: []sheet.FactDeduction{{Level1: "x", Name: "x", Loss: "1"}}, DeductionsText: "x", File: "x.xlsx", To: "a@example.com"}
	_, _, _, err = t.render(sample)
	return t, err
}

func bodyName(file string) string {
	if file == "" {
		return "--body"
	}
	return filepath.Base(file)
}

func (t Templates) render(f Fields) (subject, text, html string, err error) {
	var b bytes.Buffer
	if err := t.Subject.Execute(&b, f); err != nil {
		return "", "", "", err
	}
	subject = strings.Join(strings.Fields(b.String()), " ") // one line
	b.Reset()
	if err := t.Text.Execute(&b, f); err != nil {
		return "", "", "", err
	}
	text = b.String()
	if t.HTML != nil {
		b.Reset()
		if err := t.HTML.Execute(&b, f); err != nil {
			return "", "", "", err
		}
		html = b.String()
	}
	return subject, text, html, nil
}

// Message is one department's e-mail, ready to build.
type Message struct {
	Department string
	To, Cc     []*netmail.Address
	Subject    string
	Text, HTML string
	File       string // the attachment's path
	FileName   string // its name in the message
	SHA256     string // of the attachment's bytes
	MessageID  string // without angle brackets
	data       []byte
}

// Compose renders r's message to c with the templates. It reads the
// attachment's bytes once: the hash is the hash of what is attached.
func Compose(r *Result, c *Contact, t Templates, lang, evaluation string, from *netmail.Address) (*Message, error) {
	data, err := os.ReadFile(r.Path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	m := &Message{Department: r.Department, To: c.To, Cc: c.Cc, File: r.Path, FileName: filepath.Base(r.Path), SHA256: hex.EncodeToString(sum[:]), data: data}
	fields := fieldsOf(r.Facts, lang, evaluation)
	fields.Contact, fields.File = c.Name, m.FileName
	fields.To, fields.Cc = joinAddresses(c.To), joinAddresses(c.Cc)
	if m.Subject, m.Text, m.HTML, err = t.render(fields); err != nil {
		return nil, err
	}
	m.MessageID = messageID(r.Department, m.SHA256, c, from)
	return m, nil
}

func fieldsOf(d sheet.DepartmentFacts, lang, evaluation string) Fields {
	f := Fields{Year: d.Year, Evaluation: evaluation, Evaluator: d.Evaluator, Department: d.Department, Total: d.Total, Points: d.Points,
		Rate: d.Rate, Grade: d.Grade, Rank: d.Rank, Of: d.Of, RankOf: fmt.Sprintf("%d / %d", d.Rank, d.Of), Deductions: d.Deductions}
	if f.Evaluation == "" {
		f.Evaluation = d.Evaluation // the workbook's 评价名称
	}
	if f.Evaluation == "" {
		f.Evaluation = DefaultEvaluation(lang)
	}
	f.YearText = d.Year
	if lang != "en" && d.Year != "" && !strings.Contains(d.Year, "年") {
		f.YearText += "年度"
	}
	var parts []string
	for _, x := range d.Deductions {
		parts = append(parts, fmt.Sprintf(pick(lang, "%s／%s 扣 %s 分", "%s / %s: %s lost"), x.Level1, x.Name, x.Loss))
	}
	f.DeductionsText = strings.Join(parts, pick(lang, "；", "; "))
	if len(parts) == 0 {
		f.DeductionsText = pick(lang, "无", "none")
	}
	return f
}

func joinAddresses(list []*netmail.Address) string {
	var s []string
	for _, a := range list {
		s = append(s, a.Address)
	}
	return strings.Join(s, "; ")
}

// messageID is the same for the same department, attachment and
// recipients, so that a message sent again after an interruption is
// recognisably the same message (mail clients and Gmail merge copies).
func messageID(department, sha string, c *Contact, from *netmail.Address) string {
	h := sha256.Sum256([]byte(Key(department) + "\n" + sha + "\n" + addrList(c.To) + "\n" + addrList(c.Cc)))
	domain := "perfeval.invalid"
	if from != nil {
		if _, d, ok := strings.Cut(from.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	return hex.EncodeToString(h[:16]) + ".perfeval@" + domain
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Build makes the MIME message: From, To, Cc, Subject (RFC 2047),
// Date, Message-ID, a UTF-8 plain-text body (and the HTML one as an
// alternative), and the workbook attached under its name, given both as
// RFC 2231 (filename*) and as RFC 2047 (for Outlook and Foxmail).
func (m *Message) Build(from *netmail.Address, date time.Time) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithEncoding(gomail.EncodingB64), gomail.WithCharset(gomail.CharsetUTF8), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	msg.ToMailAddress(m.To...)
	if len(m.Cc) > 0 {
		msg.CcMailAddress(m.Cc...)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(date)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetGenHeader(gomail.HeaderXMailer, "perfeval")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	name := m.FileName
	err := msg.AttachReader(name, bytes.NewReader(m.data), func(f *gomail.File) {
		f.Header.Set("Content-Type", xlsxType+";\r\n name=\""+encodeWord(name)+"\"")
		f.Header.Set("Content-Disposition", "attachment;\r\n filename=\""+encodeWord(name)+"\";\r\n"+extParam("filename", name))
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// WriteEML writes the message, as Build makes it, to w.
func (m *Message) WriteEML(w io.Writer, from *netmail.Address, date time.Time) error {
	msg, err := m.Build(from, date)
	if err != nil {
		return err
	}
	_, err = msg.WriteTo(w)
	return err
}

// encodeWord is name as RFC 2047 encoded words (base64, UTF-8), split so
// that no word is longer than 75 characters; plain ASCII stays as it is.
func encodeWord(name string) string {
	name = strings.NewReplacer(`"`, "_", `\`, "_", "\r", "", "\n", "").Replace(name)
	return mime.BEncoding.Encode("UTF-8", name)
}

// extParam is an RFC 2231 parameter, percent-encoded UTF-8, continued
// over folded lines of at most about 70 characters:
//
//	filename*0*=UTF-8''%E5%B8%82…;
//	filename*1*=%E5%B1%80.xlsx
func extParam(key, value string) string {
	var e strings.Builder
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			e.WriteByte(c)
		} else {
			fmt.Fprintf(&e, "%%%02X", c)
		}
	}
	enc := e.String()
	const size = 54
	var parts []string
	for len(enc) > 0 {
		n := min(size, len(enc))
		for n < len(enc) && n > 0 && (enc[n-1] == '%' || (n >= 2 && enc[n-2] == '%')) {
			n-- // never split a %XX
		}
		parts = append(parts, enc[:n])
		enc = enc[n:]
	}
	if len(parts) == 1 {
		return " " + key + "*=UTF-8''" + parts[0]
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(";\r\n")
		}
		prefix := ""
		if i == 0 {
			prefix = "UTF-8''"
		}
		fmt.Fprintf(&b, " %s*%d*=%s%s", key, i, prefix, p)
	}
	return b.String()
}
