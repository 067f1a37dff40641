package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"perfeval/mail"
	"perfeval/sheet"
)

// mailResults runs perfeval run --split on the samples into a fresh
// folder and returns it with its per-department workbooks.
func mailResults(t *testing.T) (string, []*mail.Result) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "results")
	var out, errb bytes.Buffer
	if code := run([]string{"perfeval", "run", "samples", "--out", dir, "--split"}, &out, &errb); code != 0 {
		t.Fatalf("run --split: exit %d\n%s%s", code, out.String(), errb.String())
	}
	results, problems, err := mail.FindResults(dir, filepath.Join(dir, outboxDir))
	if err != nil || len(problems) > 0 {
		t.Fatalf("FindResults: %v %v", err, problems)
	}
	if len(results) < 20 {
		t.Fatalf("only %d departments", len(results))
	}
	return dir, results
}

// addressOf is the test address of the i-th department.
func addressOf(i int) string { return fmt.Sprintf("dept%02d@example.cn", i) }

// writeContactsCSV lists every department with its test address; the
// first also gets two cc addresses.
func writeContactsCSV(t *testing.T, results []*mail.Result) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("部门,邮箱,抄送,联系人\n")
	for i, r := range results {
		cc := ""
		if i == 0 {
			cc = `"cc1@example.cn；cc2@example.cn"`
		}
		fmt.Fprintf(&b, "%s,%s,%s,联系人%d\n", r.Department, addressOf(i), cc, i)
	}
	path := filepath.Join(t.TempDir(), "contacts.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const testPassword = "Pw-s3cret-7781"

func sendOptions(srv *testSMTP, contacts string, stdout, stderr io.Writer) mailOptions {
	return mailOptions{
		Lang: "zh", Contacts: contacts, Send: true, SMTP: srv.Addr, From: "绩效评价组 <perf@example.cn>",
		User: "finance", Password: testPassword, TLS: "starttls", Rate: 60000, Retries: 3,
		Backoff: 10 * time.Millisecond, Timeout: 5 * time.Second, Stdout: stdout, Stderr: stderr, tlsConfig: srv.ClientTLS,
	}
}

// byRecipient counts the messages each To address received.
func byRecipient(msgs []receivedMsg) map[string]int {
	n := map[string]int{}
	for _, m := range msgs {
		for _, to := range lower(m.To) {
			if !strings.HasPrefix(to, "cc") {
				n[to]++
			}
		}
	}
	return n
}

// parsed is a received message taken apart.
type parsed struct {
	header     netmail.Header
	subject    string
	text       string
	attachName string
	attachment []byte
}

func parseMessage(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var p parsed
	p.header = m.Header
	dec := new(mime.WordDecoder)
	if p.subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q: %v", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(part)
		if part.Header.Get("Content-Transfer-Encoding") == "base64" {
			body = decodeB64(t, body)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		disp, dparams, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		switch {
		case disp == "attachment":
			p.attachName, p.attachment = dparams["filename"], body
			// The RFC 2047 form (for Outlook and Foxmail) names the same file.
			_, cparams, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			if name, err := dec.DecodeHeader(cparams["name"]); err != nil || name != p.attachName {
				t.Errorf("Content-Type name %q (%v) differs from filename* %q", name, err, p.attachName)
			}
		case ct == "text/plain":
			p.text = string(body)
		}
	}
	return p
}

func decodeB64(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := base64.StdEncoding.DecodeString(string(b)) // line breaks are ignored
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// xmlText is every part of a workbook unzipped and joined.
func xmlText(t *testing.T, data []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&b, rc)
		rc.Close()
	}
	return b.String()
}

// checkMessages asserts that each department got exactly one message,
// to its address, naming it and its figures, with its own workbook
// byte for byte and no other department's name inside.
func checkMessages(t *testing.T, msgs []receivedMsg, results []*mail.Result, skip map[int]bool) {
	t.Helper()
	counts := byRecipient(msgs)
	for i, r := range results {
		want := 1
		if skip[i] {
			want = 0
		}
		if counts[addressOf(i)] != want {
			t.Errorf("%s (%s) got %d messages, want %d", r.Department, addressOf(i), counts[addressOf(i)], want)
		}
	}
	for _, m := range msgs {
		p := parseMessage(t, m.Data)
		to, _ := p.header.AddressList("To")
		var r *mail.Result
		for i, x := range results {
			if len(to) == 1 && strings.EqualFold(to[0].Address, addressOf(i)) {
				r = x
			}
		}
		if r == nil {
			t.Fatalf("message to %v: no such department", to)
		}
		if p.header.Get("Message-Id") == "" || p.header.Get("Date") == "" {
			t.Errorf("%s: no Message-ID or Date", r.Department)
		}
		if !strings.Contains(p.subject, r.Department) || !strings.Contains(p.subject, r.Facts.Total) {
			t.Errorf("%s: subject %q", r.Department, p.subject)
		}
		for _, want := range []string{r.Department, "总分：" + r.Facts.Total, "得分率：" + r.Facts.Rate, "等级：" + r.Facts.Grade, fmt.Sprintf("排名：%d / %d", r.Facts.Rank, r.Facts.Of)} {
			if !strings.Contains(p.text, want) {
				t.Errorf("%s: body lacks %q:\n%s", r.Department, want, p.text)
			}
		}
		for _, d := range r.Facts.Deductions {
			if !strings.Contains(p.text, d.Name) {
				t.Errorf("%s: body lacks deduction %q", r.Department, d.Name)
			}
		}
		file, err := os.ReadFile(r.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(file, p.attachment) {
			t.Errorf("%s: attachment (%d bytes) differs from %s (%d bytes)", r.Department, len(p.attachment), r.Path, len(file))
		}
		if p.attachName != filepath.Base(r.Path) {
			t.Errorf("%s: attachment named %q, want %q", r.Department, p.attachName, filepath.Base(r.Path))
		}
		inside := xmlText(t, p.attachment)
		for _, other := range results {
			if other != r && strings.Contains(inside, other.Department) {
				t.Errorf("%s's attachment names %s", r.Department, other.Department)
			}
		}
	}
}

func readLog(t *testing.T, dir string) []mail.Entry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, sendLogName))
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var e mail.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// noPassword asserts the password is nowhere under dir nor in outputs.
func noPassword(t *testing.T, dir string, outputs ...string) {
	t.Helper()
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			data, _ := os.ReadFile(path)
			if bytes.Contains(data, []byte(testPassword)) {
				t.Errorf("%s holds the password", path)
			}
		}
		return nil
	})
	for _, o := range outputs {
		if strings.Contains(o, testPassword) {
			t.Errorf("output holds the password: %s", o)
		}
	}
}

// TestMailSend sends over STARTTLS with AUTH PLAIN to a server that
// fails the first message temporarily (451), drops the connection on the
// third and refuses one address for good (550): every other department
// gets exactly one message, the refused one is not retried within the
// run, a rerun sends nothing twice, and once the address is accepted the
// last one goes out.
func TestMailSend(t *testing.T) {
	dir, results := mailResults(t)
	contacts := writeContactsCSV(t, results)
	srv := newTestSMTP(t, "finance", testPassword, true)
	refused := 5
	srv.rejectRcpt = map[string]bool{addressOf(refused): true}
	srv.decide = func(n int, _ []string) string {
		switch n {
		case 1:
			return "451"
		case 3:
			return "drop"
		}
		return ""
	}
	var out, errb bytes.Buffer
	err := runMail(context.Background(), sendOptions(srv, contacts, &out, &errb), []string{dir})
	if code := exitCode(err); code != exitFailure {
		t.Fatalf("exit %d (%v), want 3 (one refused)\n%s%s", code, err, out.String(), errb.String())
	}
	checkMessages(t, srv.messages(), results, map[int]bool{refused: true})
	if !strings.Contains(errb.String(), "550") || !strings.Contains(errb.String(), results[refused].Department) {
		t.Errorf("stderr does not name the refusal:\n%s", errb.String())
	}
	if !strings.Contains(out.String(), fmt.Sprintf("已发送 %d，", len(results)-1)) {
		t.Errorf("tally:\n%s", out.String())
	}
	// The first message's Cc got it too.
	first := srv.messages()
	found := false
	for _, m := range first {
		if strings.Join(lower(m.To), ",") == addressOf(0)+",cc1@example.cn,cc2@example.cn" {
			found = true
		}
	}
	if !found {
		t.Errorf("the first department's message did not go to its cc addresses")
	}
	log := readLog(t, dir)
	sent, refusedLines := 0, 0
	for _, e := range log {
		if e.Outcome == mail.OutcomeSent {
			sent++
		}
		if e.Department == results[refused].Department && e.Outcome == mail.OutcomeFailed {
			refusedLines++
			if !e.Permanent {
				t.Errorf("the 550 is logged as temporary: %+v", e)
			}
		}
		if e.SHA256 == "" || e.MessageID == "" || e.Time == "" || len(e.To) == 0 || e.File == "" {
			t.Errorf("log line lacks a field: %+v", e)
		}
	}
	if sent != len(results)-1 || refusedLines != 1 {
		t.Errorf("log: %d sent, %d failures of the refused address; want %d and 1", sent, refusedLines, len(results)-1)
	}

	// Rerun: nothing is sent twice; the refused one is tried once more.
	before := len(srv.messages())
	out.Reset()
	errb.Reset()
	err = runMail(context.Background(), sendOptions(srv, contacts, &out, &errb), []string{dir})
	if exitCode(err) != exitFailure || len(srv.messages()) != before {
		t.Fatalf("rerun: exit %d, %d new messages\n%s%s", exitCode(err), len(srv.messages())-before, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), fmt.Sprintf("跳过（此前已发送）%d", len(results)-1)) {
		t.Errorf("rerun tally:\n%s", out.String())
	}

	// The address is fixed: the last department goes out, once.
	srv.mu.Lock()
	srv.rejectRcpt = nil
	srv.mu.Unlock()
	out.Reset()
	errb.Reset()
	if err := runMail(context.Background(), sendOptions(srv, contacts, &out, &errb), []string{dir}); err != nil {
		t.Fatalf("third run: %v\n%s%s", err, out.String(), errb.String())
	}
	checkMessages(t, srv.messages(), results, nil)

	// A result sent before under another hash is listed, and sent again
	// only with --resend.
	l, err := mail.OpenSendLog(filepath.Join(dir, sendLogName))
	if err != nil {
		t.Fatal(err)
	}
	old := readLog(t, dir)
	var last mail.Entry
	for _, e := range old {
		if e.Department == results[2].Department && e.Outcome == mail.OutcomeSent {
			last = e
		}
	}
	last.SHA256, last.Time = strings.Repeat("0", 64), ""
	if err := l.Append(last); err != nil {
		t.Fatal(err)
	}
	l.Close()
	out.Reset()
	errb.Reset()
	before = len(srv.messages())
	err = runMail(context.Background(), sendOptions(srv, contacts, &out, &errb), []string{dir})
	if exitCode(err) != exitInvalid || len(srv.messages()) != before || !strings.Contains(out.String(), "结果已变更待 --resend 1") {
		t.Fatalf("changed result: exit %d, %d sent\n%s%s", exitCode(err), len(srv.messages())-before, out.String(), errb.String())
	}
	opts := sendOptions(srv, contacts, &out, &errb)
	opts.Resend = true
	if err := runMail(context.Background(), opts, []string{dir}); err != nil || len(srv.messages()) != before+1 {
		t.Fatalf("--resend: %v, %d sent", err, len(srv.messages())-before)
	}
	noPassword(t, filepath.Dir(dir), out.String(), errb.String())
}

// TestMailInterrupted cancels a send after 5 messages were accepted (as
// Ctrl+C does) and runs again: each department gets exactly one message.
func TestMailInterrupted(t *testing.T) {
	dir, results := mailResults(t)
	contacts := writeContactsCSV(t, results)
	srv := newTestSMTP(t, "finance", testPassword, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv.onAccept = func(n int) {
		if n == 5 {
			cancel()
		}
	}
	var out, errb bytes.Buffer
	err := runMail(ctx, sendOptions(srv, contacts, &out, &errb), []string{dir})
	if exitCode(err) != exitFailure || !strings.Contains(err.Error(), "中断") {
		t.Fatalf("interrupted run: %v", err)
	}
	if n := len(srv.messages()); n != 5 {
		t.Fatalf("%d messages before the interruption took effect, want 5 (the one in flight is finished, no new one started)", n)
	}
	srv.onAccept = nil
	if err := runMail(context.Background(), sendOptions(srv, contacts, &out, &errb), []string{dir}); err != nil {
		t.Fatalf("rerun: %v\n%s", err, errb.String())
	}
	checkMessages(t, srv.messages(), results, nil)
}

// TestMailKilled kills a perfeval mail process (SIGKILL) after some
// messages are recorded as sent and runs it again: each department gets
// exactly one message.
func TestMailKilled(t *testing.T) {
	dir, results := mailResults(t)
	contacts := writeContactsCSV(t, results)
	srv := newTestSMTP(t, "", "", false)
	bin := filepath.Join(t.TempDir(), "perfeval")
	if err := os.Symlink(os.Args[0], bin); err != nil {
		t.Skip("no symlinks here:", err)
	}
	args := []string{"mail", dir, "--contacts", contacts, "--send", "--smtp", srv.Addr, "--from", "perf@example.cn", "--tls", "none", "--rate", "300/min"}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	kill := func() { once.Do(func() { cmd.Process.Signal(syscall.SIGKILL) }) }
	defer kill()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(filepath.Join(dir, sendLogName))
		if bytes.Count(data, []byte(`"outcome":"sent"`)) >= 4 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	kill()
	cmd.Wait()
	got := len(srv.messages())
	if got < 4 || got >= len(results) {
		t.Fatalf("%d messages before the kill, want at least 4 and not all", got)
	}
	var out, errb bytes.Buffer
	if code := run(append([]string{"perfeval"}, args...), &out, &errb); code != 0 {
		t.Fatalf("rerun: exit %d\n%s%s", code, out.String(), errb.String())
	}
	checkMessages(t, srv.messages(), results, nil)
}

// TestMailDryRun writes the outbox and the list and sends nothing.
func TestMailDryRun(t *testing.T) {
	dir, results := mailResults(t)
	contacts := writeContactsCSV(t, results)
	var out, errb bytes.Buffer
	code := run([]string{"perfeval", "mail", dir, "--contacts", contacts, "--from", "perf@example.cn"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	entries, err := os.ReadDir(filepath.Join(dir, outboxDir))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []receivedMsg
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") {
			data, _ := os.ReadFile(filepath.Join(dir, outboxDir, e.Name()))
			m, _ := netmail.ReadMessage(bytes.NewReader(data))
			to, _ := m.Header.AddressList("To")
			var list []string
			for _, a := range to {
				list = append(list, a.Address)
			}
			msgs = append(msgs, receivedMsg{To: list, Data: data})
		}
	}
	checkMessages(t, msgs, results, nil)
	rows, err := sheet.ReadPlain(filepath.Join(dir, outboxDir, "清单.xlsx"))
	if err != nil || len(rows) != 1 || len(rows[0].Rows) != len(results)+1 {
		t.Fatalf("清单.xlsx: %v %v", err, rows)
	}
	if got := strings.Join(rows[0].Rows[0], ","); got != "部门,收件人,抄送,主题,附件,SHA-256,邮件文件,状态" {
		t.Errorf("清单 header %s", got)
	}
	for i, row := range rows[0].Rows[1:] {
		if row[0] != results[i].Department || row[1] != addressOf(i) || row[5] != results[i].SHA256 {
			t.Errorf("清单 row %d: %v", i+2, row)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, sendLogName)); err == nil {
		t.Errorf("a dry run wrote the send log")
	}
}

// TestMailUsage: the password is never a flag, none is for loopback only.
func TestMailUsage(t *testing.T) {
	dir, results := mailResults(t)
	contacts := writeContactsCSV(t, results)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--send", "--smtp", "smtp.example.cn:25", "--from", "a@example.cn", "--tls", "none"}, "127.0.0.1"},
		{[]string{"--password", "x"}, "password"},
		{[]string{"--send", "--smtp", "127.0.0.1:25", "--from", "a@example.cn", "--user", "u"}, passwordEnv},
		{[]string{"--rate", "fast"}, "--rate"},
	} {
		t.Setenv(passwordEnv, "")
		var out, errb bytes.Buffer
		code := run(append([]string{"perfeval", "mail", dir, "--contacts", contacts}, tc.args...), &out, &errb)
		if code != exitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", tc.args, code, errb.String(), tc.want)
		}
	}
}
