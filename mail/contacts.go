package mail

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	utf16 "golang.org/x/text/encoding/unicode"

	"perfeval/calc"
	"perfeval/sheet"
)

// Problems of a contacts list. Each Problem's Err is one of these.
var (
	ErrContactsFile      = errors.New("contacts file cannot be read")
	ErrNoHeader          = errors.New("no header row with department and e-mail columns")
	ErrNoAddress         = errors.New("department without an e-mail address")
	ErrNotListed         = errors.New("department with results missing from the contacts")
	ErrBadAddress        = errors.New("malformed e-mail address")
	ErrNoDepartment      = errors.New("address without a department")
	ErrDuplicate         = errors.New("department listed twice")
	ErrUnknownDepartment = errors.New("department not in the results")
)

// Problem is one problem of the contacts list (or of a department's
// results), with its place. Err is one of the sentinels above.
type Problem struct {
	File       string // the contacts file (or the results file)
	Sheet      string
	Cell       string // "C7"; empty for a problem of the whole sheet or file
	Department string
	Err        error
	Found      string // what the cell holds
	Other      string // the other cell of a duplicate, or a likely name
	Blocking   bool   // the department gets no message because of it
}

func (p *Problem) Unwrap() error { return p.Err }

// Place is "Sheet!Cell: department: ", the parts known.
func (p *Problem) Place() string {
	var b strings.Builder
	switch {
	case p.Sheet != "" && p.Cell != "":
		b.WriteString(p.Sheet + "!" + p.Cell + ": ")
	case p.Sheet != "":
		b.WriteString(p.Sheet + ": ")
	}
	if p.Department != "" {
		b.WriteString(p.Department + ": ")
	}
	return b.String()
}

// Error reads like 联系人!C7: 市教育局: malformed e-mail address "a@@b".
func (p *Problem) Error() string {
	return p.Place() + p.Message("en")
}

// Message says what is wrong, in lang, without the place.
func (p *Problem) Message(lang string) string {
	m := problemWords[p.Err]
	msg := fill(pick(lang, m.zh, m.en), p)
	if p.Err == ErrUnknownDepartment && p.Other != "" {
		msg += fmt.Sprintf(pick(lang, "（是否指“%s”？）", " (did you mean %q?)"), p.Other)
	}
	return msg
}

// Hint says what to do, in lang.
func (p *Problem) Hint(lang string) string {
	m := problemWords[p.Err]
	return fill(pick(lang, m.hintZH, m.hintEN), p)
}

func fill(s string, p *Problem) string {
	return strings.NewReplacer("{found}", cut(p.Found), "{other}", p.Other, "{file}", p.File).Replace(s)
}

func cut(s string) string {
	if utf8.RuneCountInString(s) > 80 {
		return string([]rune(s)[:80]) + "…"
	}
	return s
}

func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

var problemWords = map[error]struct{ zh, en, hintZH, hintEN string }{
	ErrContactsFile: {"无法读取联系人文件：{found}", "cannot read the contacts file: {found}",
		"联系人请用 .xlsx 工作簿或 .csv 文件（UTF-8 或 GBK 编码）", "give the contacts as an .xlsx workbook or a .csv file (UTF-8 or GBK)"},
	ErrNoHeader: {"没有找到同时含“部门”和“邮箱”两列的表头行（前 20 行中）", "no header row with a Department and an Email column (in the first 20 rows)",
		"在第一行写上表头：部门、邮箱，可选 抄送、联系人", "put a header row first: Department, Email, and optionally Cc, Contact"},
	ErrNoAddress: {"没有填写邮箱，这个部门的结果不会发送", "no e-mail address: this department's result is not sent",
		"在这一格填上部门的邮箱", "fill in the department's e-mail address in this cell"},
	ErrNotListed: {"有评价结果，但联系人中没有这个部门，结果不会发送", "has results but is not in the contacts: its result is not sent",
		"在联系人中加一行：部门名称与结果中的名称完全一致，并填上邮箱", "add a row to the contacts with this exact department name and its e-mail address"},
	ErrBadAddress: {"邮箱地址格式不对：{found}，这个部门的结果不会发送", "malformed e-mail address {found}: this department's result is not sent",
		"改成 name@example.cn 的形式（半角 @ 和点，不含空格）；多个地址用分号分隔", "write it as name@example.com (ASCII @ and dots, no spaces); separate several addresses with ;"},
	ErrNoDepartment: {"填了邮箱 {found}，但没有填部门", "e-mail {found} without a department",
		"在同一行填上部门名称，或删除这一行", "fill in the department's name on this row, or delete the row"},
	ErrDuplicate: {"部门重复出现（另见 {other}），且邮箱不同，这个部门的结果不会发送", "listed twice (also at {other}) with other addresses: this department's result is not sent",
		"只保留一行；需要多个收件人时，在同一格中用分号分隔", "keep one row; for several recipients, separate the addresses with ; in one cell"},
	ErrUnknownDepartment: {"评价结果中没有这个部门，不会给它发送邮件", "no department of this name in the results: nothing is sent to it",
		"部门名称须与评价结果中的名称完全一致", "the name must be exactly the department's name in the results"},
}

// Contact is one department's row of the contacts list.
type Contact struct {
	Department string
	To, Cc     []*netmail.Address
	Name       string // 联系人
	Sheet      string
	Row        int
	DeptCell   string
	EmailCell  string
}

// Contacts are the good rows of a contacts list, by department key.
type Contacts struct {
	File   string
	Sheet  string // the sheet the list was read from
	ByKey  map[string]*Contact
	Bad    map[string]bool // departments listed with a problem that keeps their message back
	Header bool            // a header row was found
}

// header words, folded by key().
var (
	deptHeaders    = []string{"部门", "部门名称", "单位", "单位名称", "预算单位", "被评价单位", "评价对象", "department", "unit", "dept"}
	emailHeaders   = []string{"邮箱", "电子邮箱", "邮件", "电子邮件", "邮箱地址", "电子邮件地址", "收件人", "收件邮箱", "email", "e-mail", "mail", "emailaddress", "to"}
	ccHeaders      = []string{"抄送", "抄送邮箱", "抄送人", "cc"}
	contactHeaders = []string{"联系人", "姓名", "负责人", "contact", "name", "contactperson"}
)

// Key folds a department name for matching: white space and invisible
// characters removed, full-width letters and digits made half-width,
// lower case. Nothing else is changed: 市教育局（本级） stays apart from
// 市教育局.
func Key(s string) string {
	return strings.ToLower(calc.NameKey(s))
}

func headerIs(cell string, words []string) bool {
	k := Key(cell)
	for _, w := range words {
		if k == w {
			return true
		}
	}
	return false
}

// ReadContactSheets reads a contacts file: a workbook (.xlsx, .xlsm) or
// a CSV/TSV text file, UTF-8 (with or without BOM) or GBK/GB18030 as
// Excel saves it on Chinese Windows. A CSV is one sheet named after the
// file.
func ReadContactSheets(path string) ([]sheet.PlainSheet, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt", ".tsv":
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		rows, err := parseCSV(data)
		if err != nil {
			return nil, err
		}
		return []sheet.PlainSheet{{Name: filepath.Base(path), Rows: rows}}, nil
	default:
		return sheet.ReadPlain(path)
	}
}

// ErrTextEncoding is a text list in an encoding perfeval does not read.
var ErrTextEncoding = errors.New("the text is neither UTF-8, UTF-16 with a byte-order mark, nor GBK")

func parseCSV(data []byte) ([][]string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")): // Notepad's "Unicode"
		dec, err := utf16.UTF16(utf16.LittleEndian, utf16.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrTextEncoding, err)
		}
		data = dec
	case bytes.IndexByte(data, 0) >= 0: // UTF-16 without its mark, or not text at all
		return nil, ErrTextEncoding
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, err
		}
		data = dec
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, rec)
		if len(rows) > 100000 {
			return nil, sheet.ErrTooManyRows
		}
	}
}

// ParseContacts reads the contacts from the sheets of file: the first
// sheet with a header row naming a department and an e-mail column. Every
// problem of a row is reported at its cell; rows without problems are
// kept. Departments listed twice with the same addresses are kept once.
func ParseContacts(file string, sheets []sheet.PlainSheet) (*Contacts, []*Problem) {
	c := &Contacts{File: file, ByKey: map[string]*Contact{}, Bad: map[string]bool{}}
	var problems []*Problem
	for _, s := range sheets {
		hdr, cols, ok := findHeader(s)
		if !ok {
			continue
		}
		c.Header, c.Sheet = true, s.Name
		first := map[string]*Contact{}
		for i := hdr + 1; i < len(s.Rows); i++ {
			row := s.Rows[i]
			get := func(col int) string {
				if col < 0 || col >= len(row) {
					return ""
				}
				return strings.TrimSpace(row[col])
			}
			dept, email, cc, name := get(cols.dept), get(cols.email), get(cols.cc), get(cols.contact)
			if dept == "" && email == "" && cc == "" {
				continue
			}
			n := i + 1
			ct := &Contact{Department: dept, Name: name, Sheet: s.Name, Row: n,
				DeptCell: sheet.CellRef(cols.dept+1, n), EmailCell: sheet.CellRef(cols.email+1, n)}
			if dept == "" {
				problems = append(problems, &Problem{File: file, Sheet: s.Name, Cell: ct.DeptCell, Err: ErrNoDepartment, Found: email})
				continue
			}
			bad := false
			if email == "" {
				problems = append(problems, &Problem{File: file, Sheet: s.Name, Cell: ct.EmailCell, Department: dept, Err: ErrNoAddress, Blocking: true})
				bad = true
			} else if to, found := parseAddresses(email); found != "" {
				problems = append(problems, &Problem{File: file, Sheet: s.Name, Cell: ct.EmailCell, Department: dept, Err: ErrBadAddress, Found: found, Blocking: true})
				bad = true
			} else {
				ct.To = to
			}
			if cols.cc >= 0 && cc != "" {
				list, found := parseAddresses(cc)
				if found != "" {
					problems = append(problems, &Problem{File: file, Sheet: s.Name, Cell: sheet.CellRef(cols.cc+1, n), Department: dept, Err: ErrBadAddress, Found: found, Blocking: true})
					bad = true
				}
				ct.Cc = list
			}
			k := Key(dept)
			if prev, ok := first[k]; ok {
				if !bad && !c.Bad[k] && c.ByKey[k] != nil && sameAddresses(prev, ct) {
					continue // the same row twice: harmless
				}
				problems = append(problems, &Problem{File: file, Sheet: s.Name, Cell: ct.DeptCell, Department: dept, Err: ErrDuplicate, Other: prev.Sheet + "!" + prev.DeptCell, Blocking: true})
				c.Bad[k] = true
				delete(c.ByKey, k)
				continue
			}
			first[k] = ct
			if bad {
				c.Bad[k] = true
				continue
			}
			c.ByKey[k] = ct
		}
		return c, problems
	}
	name := ""
	if len(sheets) > 0 {
		name = sheets[0].Name
	}
	return c, append(problems, &Problem{File: file, Sheet: name, Err: ErrNoHeader})
}

type contactCols struct{ dept, email, cc, contact int }

func findHeader(s sheet.PlainSheet) (int, contactCols, bool) {
	for i := 0; i < len(s.Rows) && i < 20; i++ {
		cols := contactCols{-1, -1, -1, -1}
		for j, cell := range s.Rows[i] {
			switch {
			case cols.dept < 0 && headerIs(cell, deptHeaders):
				cols.dept = j
			case cols.email < 0 && headerIs(cell, emailHeaders):
				cols.email = j
			case cols.cc < 0 && headerIs(cell, ccHeaders):
				cols.cc = j
			case cols.contact < 0 && headerIs(cell, contactHeaders):
				cols.contact = j
			}
		}
		if cols.dept >= 0 && cols.email >= 0 {
			return i, cols, true
		}
	}
	return 0, contactCols{}, false
}

// splitAddresses splits a cell on ; ； , ， 、 and line breaks.
func splitAddresses(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == '；' || r == ',' || r == '，' || r == '、' || r == '\n' || r == '\r'
	})
	var out []string
	for _, p := range f {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseAddresses reads every address of a cell. found is the first part
// that is not a usable address ("" when all are).
func parseAddresses(s string) (list []*netmail.Address, found string) {
	for _, part := range splitAddresses(s) {
		a, err := netmail.ParseAddress(part)
		if err != nil || !usable(a.Address) {
			return nil, part
		}
		list = append(list, a)
	}
	if len(list) == 0 {
		return nil, s
	}
	return list, ""
}

// usable rejects what net/mail accepts but no mail server delivers to: a
// domain without a dot or with an empty label, a local part that is not
// ASCII, full-width forms (＠ ．) or an ideographic full stop (。).
func usable(addr string) bool {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	for _, r := range local {
		if r > unicode.MaxASCII {
			return false
		}
	}
	for _, r := range domain {
		if (r >= 0xFF01 && r <= 0xFF5E) || r == '。' || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func sameAddresses(a, b *Contact) bool {
	return addrList(a.To) == addrList(b.To) && addrList(a.Cc) == addrList(b.Cc)
}

func addrList(list []*netmail.Address) string {
	var s []string
	for _, a := range list {
		s = append(s, strings.ToLower(a.Address))
	}
	return strings.Join(s, ";")
}

// CheckAgainst reports, against the departments that have results: a
// department with results but no row in the contacts (at the contacts
// sheet), and a row whose department has no results (at its cell, with
// the closest name when there is one). departments are the results'
// names.
func (c *Contacts) CheckAgainst(departments []string) []*Problem {
	var problems []*Problem
	have := map[string]bool{}
	for _, d := range departments {
		k := Key(d)
		have[k] = true
		if c.ByKey[k] == nil && !c.Bad[k] && c.Header {
			problems = append(problems, &Problem{File: c.File, Sheet: c.Sheet, Department: d, Err: ErrNotListed, Blocking: true})
		}
	}
	var rows []*Contact
	for k, ct := range c.ByKey {
		if !have[k] {
			rows = append(rows, ct)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Row < rows[j].Row })
	for _, ct := range rows {
		p := &Problem{File: c.File, Sheet: ct.Sheet, Cell: ct.DeptCell, Department: ct.Department, Err: ErrUnknownDepartment}
		if near := Closest(ct.Department, departments); near != "" {
			p.Other = near
		}
		problems = append(problems, p)
	}
	return problems
}

// Closest is a results name that contains name or is contained in it,
// abbreviates it, or differs from it by one character (two in a name of
// eight or more).
func Closest(name string, departments []string) string {
	k := Key(name)
	best, bestD := "", 3
	for _, d := range departments {
		dk := Key(d)
		if dk == "" || k == "" {
			continue
		}
		dist := editDistance([]rune(k), []rune(dk))
		if strings.Contains(dk, k) || strings.Contains(k, dk) || abbreviates([]rune(k), []rune(dk)) || abbreviates([]rune(dk), []rune(k)) {
			dist = min(dist, 1)
		}
		// Two changed characters in a short name make another
		// department (市财政局, 市教育局), not a typing slip.
		if dist > max(1, min(len([]rune(k)), len([]rune(dk)))/4) {
			continue
		}
		if dist < bestD {
			best, bestD = d, dist
		}
	}
	return best
}

// abbreviates reports whether short is an abbreviation of long as
// departments are shortened: the same first character, every
// character of short in long in order, and at least three of them
// (市卫健委 for 市卫生健康委员会, 市发改委 for 市发展和改革委员会).
func abbreviates(short, long []rune) bool {
	if len(short) < 3 || len(short) >= len(long) || short[0] != long[0] {
		return false
	}
	i := 0
	for _, r := range long {
		if i < len(short) && r == short[i] {
			i++
		}
	}
	return i == len(short)
}

func editDistance(a, b []rune) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
