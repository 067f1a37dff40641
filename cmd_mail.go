package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"perfeval/mail"
	"perfeval/sheet"
)

// passwordEnv is the only place the SMTP password is read from.
const passwordEnv = "PERFEVAL_SMTP_PASSWORD"

// Names inside the results folder.
const (
	outboxDir   = "outbox"
	sendLogName = "mail-log.jsonl"
	mailLock    = ".perfeval-mail.lock"
)

// mailOptions are perfeval mail's flags.
type mailOptions struct {
	Lang       string
	Contacts   string
	Subject    string
	BodyFile   string
	HTMLFile   string
	Evaluation string
	Send       bool
	Resend     bool
	SMTP       string
	From       string
	User       string
	Password   string // from PERFEVAL_SMTP_PASSWORD only
	TLS        string
	Rate       float64 // messages a minute
	Retries    int
	Backoff    time.Duration // the first wait before a retry; doubled each time
	Timeout    time.Duration

	Stdout, Stderr io.Writer
	tlsConfig      *tls.Config // tests: trust the test server's certificate
}

func mailCommand(w *helpWords) *cli.Command {
	return &cli.Command{
		Name:        "mail",
		Usage:       w.Mail.Usage,
		UsageText:   w.Mail.UsageText,
		ArgsUsage:   "RESULTS",
		Description: w.Mail.Description,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "contacts", Usage: w.Flags.Contacts},
			&cli.BoolFlag{Name: "dry-run", Usage: w.Flags.DryRun},
			&cli.BoolFlag{Name: "send", Usage: w.Flags.Send},
			&cli.BoolFlag{Name: "resend", Usage: w.Flags.Resend},
			&cli.StringFlag{Name: "subject", Usage: w.Flags.Subject},
			&cli.StringFlag{Name: "body", Usage: w.Flags.Body},
			&cli.StringFlag{Name: "html", Usage: w.Flags.HTML},
			&cli.StringFlag{Name: "evaluation", Usage: w.Flags.Evaluation},
			&cli.StringFlag{Name: "smtp", Usage: w.Flags.SMTP},
			&cli.StringFlag{Name: "from", Usage: w.Flags.From},
			&cli.StringFlag{Name: "user", Usage: w.Flags.User},
			&cli.StringFlag{Name: "tls", Value: mail.TLSStartTLS, Usage: w.Flags.TLS},
			&cli.StringFlag{Name: "rate", Value: "20/min", Usage: w.Flags.Rate},
			&cli.IntFlag{Name: "retries", Value: 3, Usage: w.Flags.MailRetries},
		}, commonFlags(w)...),
		Action: func(c *cli.Context) error {
			lang := c.String("lang")
			if err := checkLang(lang); err != nil {
				return err
			}
			rate, err := parseRate(c.String("rate"))
			if err != nil {
				return usageErrorL(lang, "--rate %q：请写成每分钟封数，如 20/min", "--rate %q: give messages a minute, e.g. 20/min", c.String("rate"))
			}
			if c.Bool("send") && c.Bool("dry-run") {
				return usageErrorL(lang, "--send 与 --dry-run 只能选一个", "give either --send or --dry-run, not both")
			}
			opts := mailOptions{
				Lang: lang, Contacts: c.String("contacts"), Subject: c.String("subject"), BodyFile: c.String("body"), HTMLFile: c.String("html"),
				Evaluation: c.String("evaluation"), Send: c.Bool("send"), Resend: c.Bool("resend"),
				SMTP: c.String("smtp"), From: c.String("from"), User: c.String("user"), Password: os.Getenv(passwordEnv), TLS: c.String("tls"),
				Rate: rate, Retries: c.Int("retries"), Backoff: 5 * time.Second, Timeout: 30 * time.Second,
				Stdout: c.App.Writer, Stderr: c.App.ErrWriter,
			}
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runMail(ctx, opts, c.Args().Slice())
		},
	}
}

// parseRate reads "20/min", "20/m", "20" (a minute) or "1/s".
func parseRate(s string) (float64, error) {
	num, unit, _ := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad rate")
	}
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "", "min", "m", "minute", "分钟", "分":
		return n, nil
	case "s", "sec", "second", "秒":
		return n * 60, nil
	case "h", "hour", "小时":
		return n / 60, nil
	}
	return 0, fmt.Errorf("bad rate")
}

// mailItem is one department with results, and what happens to it.
type mailItem struct {
	result   *mail.Result
	contact  *mail.Contact
	msg      *mail.Message
	decision mail.Decision
	blocked  bool   // no usable contact, or its results have a problem
	status   string // for the list
	eml      string
}

// runMail writes the outbox (dry run) or sends (--send). It returns
// errLeft when some department with results was left without a message,
// a failure when a message failed or the run was interrupted.
func runMail(ctx context.Context, opts mailOptions, args []string) error {
	lang := opts.Lang
	t := func(zh, en string) string { return tr(lang, zh, en) }
	if err := checkLang(lang); err != nil {
		return err
	}
	if len(args) != 1 {
		return usageErrorL(lang, "请给出一个结果文件夹（perfeval run --split 的 --out）", "give one results folder (the --out of perfeval run --split)")
	}
	dir := args[0]
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return usageErrorL(lang, "%s 不是文件夹：请给出 perfeval run --split 的输出文件夹", "%s is not a folder: give the output folder of perfeval run --split", dir)
	}
	if opts.Contacts == "" {
		return usageErrorL(lang, "没有给出联系人表（--contacts FILE）", "no contacts list given (--contacts FILE)")
	}
	var from *netmail.Address
	if opts.From != "" {
		a, err := netmail.ParseAddress(opts.From)
		if err != nil {
			return usageErrorL(lang, "--from %q 不是有效的邮箱地址", "--from %q is not a valid e-mail address", opts.From)
		}
		from = a
	}
	var smtpCfg mail.SMTP
	if opts.Send {
		if opts.SMTP == "" || from == nil {
			return usageErrorL(lang, "发送需要 --smtp 主机:端口 和 --from 发件人", "sending needs --smtp host:port and --from ADDRESS")
		}
		if opts.TLS != mail.TLSStartTLS && opts.TLS != mail.TLSImplicit && opts.TLS != mail.TLSNone {
			return usageErrorL(lang, "--tls %q：请用 starttls、tls 或 none", "--tls %q: use starttls, tls or none", opts.TLS)
		}
		host, port, err := mail.ParseHostPort(opts.SMTP, opts.TLS)
		if err != nil {
			return usageErrorL(lang, "--smtp %q：请写成 主机:端口，如 smtp.example.cn:587", "--smtp %q: write host:port, e.g. smtp.example.com:587", opts.SMTP)
		}
		if opts.TLS == mail.TLSNone && !mail.IsLoopback(host) {
			return usageErrorL(lang, "--tls none 会明文发送，只允许发往本机（127.0.0.1），不能发往 %s", "--tls none sends in the clear and is only allowed to this machine (127.0.0.1), not %s", host)
		}
		if opts.User != "" && opts.Password == "" {
			return withHint(usageErrorL(lang, "给了 --user，但环境变量 %s 是空的", "--user is given but the environment variable %s is empty", passwordEnv),
				t("先设置密码：export "+passwordEnv+"='…'（Windows：set "+passwordEnv+"=…），密码不能写在命令行参数里", "set it first: export "+passwordEnv+"='…' (Windows: set "+passwordEnv+"=…); the password is never a flag"))
		}
		if opts.Retries < 0 {
			return usageErrorL(lang, "--retries 不能是负数", "--retries must not be negative")
		}
		smtpCfg = mail.SMTP{Host: host, Port: port, TLS: opts.TLS, From: from, User: opts.User, Password: opts.Password, Timeout: opts.Timeout, TLSConfig: opts.tlsConfig}
	}
	templates, err := mail.ParseTemplates(lang, opts.Subject, opts.BodyFile, opts.HTMLFile)
	if err != nil {
		return usageErrorL(lang, "模板有误：%v", "template error: %v", err)
	}
	evaluation := opts.Evaluation
	if evaluation == "" {
		evaluation = mail.DefaultEvaluation(lang)
	}

	unlock, err := lockResults(dir, lang)
	if err != nil {
		return err
	}
	defer unlock()

	outbox := filepath.Join(dir, outboxDir)
	results, problems, err := mail.FindResults(dir, outbox)
	if err != nil {
		return failf(lang, "无法读取结果文件夹 %s：%v", "cannot read the results folder %s: %v", dir, err)
	}
	if len(results) == 0 && len(problems) == 0 {
		return withHint(failf(lang, "%s 中没有分部门工作簿", "no per-department workbooks in %s", dir),
			t("先运行 perfeval run 输入文件夹 --out "+dir+" --split", "run perfeval run INPUTS --out "+dir+" --split first"))
	}
	sheets, err := mail.ReadContactSheets(opts.Contacts)
	var contacts *mail.Contacts
	if err != nil {
		problems = append(problems, &mail.Problem{File: opts.Contacts, Err: mail.ErrContactsFile, Found: err.Error()})
		contacts = &mail.Contacts{File: opts.Contacts, ByKey: map[string]*mail.Contact{}, Bad: map[string]bool{}}
	} else {
		var cp []*mail.Problem
		contacts, cp = mail.ParseContacts(filepath.Base(opts.Contacts), sheets)
		problems = append(problems, cp...)
	}
	var names []string
	for _, r := range results {
		names = append(names, r.Department)
	}
	problems = append(problems, contacts.CheckAgainst(names)...)
	printMailProblems(opts.Stderr, lang, opts.Contacts, problems)

	logPath := filepath.Join(dir, sendLogName)
	var sendLog *mail.SendLog
	if opts.Send {
		sendLog, err = mail.OpenSendLog(logPath)
	} else {
		sendLog, err = mail.ReadSendLog(logPath)
	}
	if err != nil {
		return withHint(failf(lang, "无法读写发送记录 %s：%s", "cannot use the send log %s: %s", logPath, writeCause(lang, err)), writeHint(lang, err))
	}
	defer sendLog.Close()

	// One item per department with results, in folder order.
	var items []*mailItem
	for _, r := range results {
		it := &mailItem{result: r, contact: contacts.ByKey[mail.Key(r.Department)]}
		if it.contact == nil {
			it.blocked, it.status = true, t("无地址或联系人有误，不发送", "no usable address: not sent")
			items = append(items, it)
			continue
		}
		it.msg, err = mail.Compose(r, it.contact, templates, lang, evaluation, from)
		if err != nil {
			return failf(lang, "无法生成 %s 的邮件：%v", "cannot compose %s's message: %v", r.Department, err)
		}
		it.decision, _ = sendLog.Decide(it.msg, opts.Resend)
		it.status = decisionText(lang, it.decision, opts.Send)
		items = append(items, it)
	}

	var tally mailTally
	tally.problems = len(problems)
	for _, p := range problems {
		if errors.Is(p, mail.ErrNoFacts) || errors.Is(p, mail.ErrTwoResults) {
			tally.blocked++ // departments whose results cannot go
		}
	}
	for _, it := range items {
		switch {
		case it.blocked:
			tally.noAddress++
		case it.decision == mail.AlreadySent:
			tally.skipped++
		case it.decision == mail.Changed:
			tally.changed++
		default:
			tally.pending++
		}
	}

	var failure error
	if !opts.Send {
		failure = writeOutbox(dir, outbox, lang, items, from)
		if failure == nil {
			for _, it := range items {
				if it.msg != nil {
					fmt.Fprintf(opts.Stdout, tr(lang, "%s → %s：%s\n", "%s → %s: %s\n"), it.result.Department, addrText(it.msg), it.status)
				}
			}
		}
	} else {
		failure = sendAll(ctx, opts, smtpCfg, from, sendLog, items, &tally)
	}
	printMailTally(opts, tally, outbox, logPath)
	if failure != nil {
		return failure
	}
	if tally.noAddress > 0 || tally.changed > 0 || tally.problems > 0 || tally.blocked > 0 {
		return errLeft
	}
	return nil
}

func addrText(m *mail.Message) string {
	s := strings.Join(mail.Addresses(m.To), ", ")
	if len(m.Cc) > 0 {
		s += " (cc " + strings.Join(mail.Addresses(m.Cc), ", ") + ")"
	}
	return s
}

func decisionText(lang string, d mail.Decision, send bool) string {
	switch d {
	case mail.AlreadySent:
		return tr(lang, "此前已发送，跳过", "sent before: skipped")
	case mail.Changed:
		return tr(lang, "此前已发送，但结果或收件人已变化：加 --resend 才会重发", "sent before, but the result or the addresses changed: sent again only with --resend")
	case mail.Retry:
		return tr(lang, "上次发送失败，将重试", "failed before: to be tried again")
	case mail.Resume:
		return tr(lang, "上次发送时被中断，将重新发送（邮件编号相同）", "interrupted while being sent: to be sent again (same Message-ID)")
	}
	if send {
		return tr(lang, "待发送", "to send")
	}
	return tr(lang, "待发送（加 --send 发送）", "to send (with --send)")
}

// mailTally counts what a run did.
type mailTally struct {
	pending, sent, skipped, changed, failed, noAddress, blocked, problems, notTried int
	interrupted                                                                     bool
}

// sendAll sends every pending item, paced, with retries, recording each
// step in the send log before going on.
func sendAll(ctx context.Context, opts mailOptions, cfg mail.SMTP, from *netmail.Address, sendLog *mail.SendLog, items []*mailItem, tally *mailTally) error {
	lang := opts.Lang
	t := func(zh, en string) string { return tr(lang, zh, en) }
	var todo []*mailItem
	for _, it := range items {
		if !it.blocked && it.decision != mail.AlreadySent && it.decision != mail.Changed {
			todo = append(todo, it)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	sender, err := mail.NewSender(cfg)
	if err != nil {
		return usageError("%v", err)
	}
	defer sender.Close()
	pacer := mail.NewPacer(opts.Rate)
	bar := newMailBar(opts.Stderr, len(todo), lang)
	stdout, stderr := opts.Stdout, opts.Stderr
	if bar != nil {
		stderr = bar.p
		if isTerminal(stdout) {
			stdout = bar.p
		}
	}
	scrub := func(s string) string {
		if len(opts.Password) >= 3 {
			s = strings.ReplaceAll(s, opts.Password, "***")
		}
		return s
	}
	var failure error
	for i, it := range todo {
		if ctx.Err() != nil || pacer.Wait(ctx) != nil {
			tally.interrupted, tally.notTried = true, len(todo)-i
			break
		}
		m := it.msg
		entry := mail.Entry{Department: m.Department, To: mail.Addresses(m.To), Cc: mail.Addresses(m.Cc), File: it.result.Rel, SHA256: m.SHA256, MessageID: "<" + m.MessageID + ">"}
		var out mail.Outcome
		stop := false
		for attempt := 1; ; attempt++ {
			msg, err := m.Build(from, time.Now())
			if err != nil {
				out = mail.Outcome{Reply: err.Error()}
				break
			}
			e := entry
			e.Outcome, e.Attempt, e.Time = mail.OutcomeSending, attempt, ""
			if err := sendLog.Append(e); err != nil { // never send what cannot be recorded
				bar.abort()
				return withHint(failf(lang, "无法写入发送记录 %s：%s；没有再发送邮件", "cannot write the send log %s: %s; nothing more was sent", sendLog.Path, writeCause(lang, err)), writeHint(lang, err))
			}
			out = sender.Send(ctx, msg)
			out.Reply = scrub(out.Reply)
			e.Time = ""
			if out.Delivered {
				e.Outcome, e.Reply = mail.OutcomeSent, out.Reply
			} else {
				e.Outcome, e.Reply, e.Permanent = mail.OutcomeFailed, out.Reply, !out.Temporary
			}
			if err := sendLog.Append(e); err != nil {
				bar.abort()
				return withHint(failf(lang, "无法写入发送记录 %s：%s；没有再发送邮件", "cannot write the send log %s: %s; nothing more was sent", sendLog.Path, writeCause(lang, err)), writeHint(lang, err))
			}
			if out.Delivered || out.Fatal || !out.Temporary || attempt > opts.Retries {
				break
			}
			wait := min(opts.Backoff<<(attempt-1), 5*time.Minute)
			fmt.Fprintf(stderr, t("perfeval: %s → %s：临时失败（%s），%s 后第 %d 次重试\n", "perfeval: %s → %s: temporary failure (%s); retry %[5]d in %[4]s\n"),
				m.Department, addrText(m), out.Reply, wait.Round(time.Millisecond), attempt)
			if mail.Sleep(ctx, wait) != nil {
				stop = true
				break
			}
		}
		bar.increment()
		switch {
		case out.Delivered:
			tally.sent++
			fmt.Fprintf(stdout, t("已发送  %s → %s\n", "sent     %s → %s\n"), m.Department, addrText(m))
		case out.Fatal:
			tally.failed++
			tally.notTried = len(todo) - i - 1
			fmt.Fprintf(stderr, t("perfeval: %s → %s：未发送：%s\n", "perfeval: %s → %s: not sent: %s\n"), m.Department, addrText(m), out.Reply)
			failure = withHint(failf(lang, "邮件服务器 %s 拒绝了连接或登录：%s；其余邮件没有发送", "the mail server %s refused the connection or the login: %s; nothing more was sent", opts.SMTP, out.Reply),
				t("检查 --smtp、--tls、--user 和环境变量 "+passwordEnv+"，再次运行即可继续（已发送的不会重发）", "check --smtp, --tls, --user and the environment variable "+passwordEnv+"; run again to go on (nothing is sent twice)"))
		default:
			tally.failed++
			why := t("临时失败，重试后仍未成功；再次运行会重试", "temporary failure, still failing after the retries; a rerun tries again")
			if !out.Temporary {
				why = t("服务器拒收（永久错误，不再重试）；请检查地址后再次运行", "refused by the server (permanent): not retried; check the address, then run again")
			}
			fmt.Fprintf(stderr, t("perfeval: %s → %s：未发送：%s（%s）\n", "perfeval: %s → %s: not sent: %s (%s)\n"), m.Department, addrText(m), out.Reply, why)
		}
		if failure != nil {
			break
		}
		if stop {
			tally.interrupted, tally.notTried = true, len(todo)-i-1
			break
		}
	}
	bar.wait()
	switch {
	case failure != nil:
		return failure
	case tally.interrupted:
		return failf(lang, "发送被中断，还有 %d 封没有发送；已发送的都已记录，再次运行即可继续，不会重复发送", "sending was interrupted with %d messages left; what was sent is recorded, run again to go on: nothing is sent twice", tally.notTried)
	case tally.failed > 0:
		return failf(lang, "%d 封邮件没有发出，原因见上方；再次运行会重试失败的邮件", "%d messages were not sent; the causes are above; a rerun tries them again", tally.failed)
	}
	return nil
}

// writeOutbox writes one .eml per department that has a message, and
// the list, into a fresh folder swapped in for outbox.
func writeOutbox(dir, outbox, lang string, items []*mailItem, from *netmail.Address) error {
	t := func(zh, en string) string { return tr(lang, zh, en) }
	if entries, err := os.ReadDir(outbox); err == nil {
		for _, e := range entries {
			n := e.Name()
			ext := strings.ToLower(filepath.Ext(n))
			if !e.Type().IsRegular() || (ext != ".eml" && n != "清单.xlsx" && n != "list.xlsx") {
				return withHint(failf(lang, "发件箱 %s 中有不是 perfeval 写的文件 %s，没有覆盖", "the outbox %s holds %s, which perfeval did not write: not replaced", outbox, n),
					t("把这个文件移走后再次运行", "move that file away and run again"))
			}
		}
	}
	tmp, err := os.MkdirTemp(dir, sheet.TempPattern())
	if err != nil {
		return withHint(failf(lang, "无法写入 %s：%s", "cannot write %s: %s", outbox, writeCause(lang, err)), writeHint(lang, err))
	}
	defer os.RemoveAll(tmp)
	used := map[string]bool{}
	now := time.Now()
	var rows [][]string
	for _, it := range items {
		row := []string{it.result.Department, "", "", "", it.result.Rel, it.result.SHA256, "", it.status}
		if it.msg != nil {
			name := emlPath(tmp, it.result.Department, used)
			err := sheet.WriteAtomic(name, func(w io.Writer) error { return it.msg.WriteEML(w, from, now) })
			if err != nil {
				return withHint(failf(lang, "无法写入 %s：%s", "cannot write %s: %s", name, writeCause(lang, err)), writeHint(lang, err))
			}
			it.eml = filepath.Join(outbox, filepath.Base(name))
			row[1], row[2], row[3] = strings.Join(mail.Addresses(it.msg.To), "; "), strings.Join(mail.Addresses(it.msg.Cc), "; "), it.msg.Subject
			row[6] = filepath.Base(name)
		}
		rows = append(rows, row)
	}
	listName := t("清单.xlsx", "list.xlsx")
	header := []string{t("部门", "Department"), t("收件人", "To"), t("抄送", "Cc"), t("主题", "Subject"), t("附件", "Attachment"), "SHA-256", t("邮件文件", "Message file"), t("状态", "Status")}
	if err := sheet.WriteList(filepath.Join(tmp, listName), t("清单", "List"), header, rows, sheet.KindMailList); err != nil {
		return withHint(failf(lang, "无法写入 %s：%s", "cannot write %s: %s", listName, writeCause(lang, err)), writeHint(lang, err))
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return failf(lang, "无法写入 %s：%s", "cannot write %s: %s", outbox, writeCause(lang, err))
	}
	if err := replaceDir(tmp, outbox); err != nil {
		return withHint(failf(lang, "无法写入 %s：%s", "cannot write %s: %s", outbox, writeCause(lang, err)), writeHint(lang, err))
	}
	return nil
}

// emlPath is <department>.eml in dir, numbered when two departments'
// names clash once made safe for the file system.
func emlPath(dir, department string, used map[string]bool) string {
	stem := strings.Trim(unsafeEML(department), " .")
	if stem == "" {
		stem = "_"
	}
	name := sheet.FitName(stem, ".eml")
	for i := 2; used[strings.ToLower(name)]; i++ {
		name = sheet.FitName(stem, fmt.Sprintf(" (%d).eml", i))
	}
	used[strings.ToLower(name)] = true
	return filepath.Join(dir, name)
}

func unsafeEML(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`\/:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
}

// printMailProblems lists the problems of the contacts and the results on
// stderr, each at its place, with a hint line the first time each comes
// up.
func printMailProblems(w io.Writer, lang, contactsPath string, problems []*mail.Problem) {
	hints := map[string]bool{}
	for _, p := range problems {
		file := p.File
		if file == filepath.Base(contactsPath) {
			file = contactsPath
		}
		prefix := file + ": "
		if p.Sheet != "" && p.Sheet == filepath.Base(file) { // a CSV: its one sheet is the file
			prefix = filepath.Dir(file) + string(filepath.Separator)
			if filepath.Dir(file) == "." {
				prefix = ""
			}
		}
		fmt.Fprintf(w, "perfeval: %s%s%s\n", prefix, p.Place(), p.Message(lang))
		if h := p.Hint(lang); h != "" && !hints[h] {
			hints[h] = true
			fmt.Fprintf(w, "hint: %s\n", h)
		}
	}
}

// printMailTally prints the closing table on stdout.
func printMailTally(opts mailOptions, tl mailTally, outbox, logPath string) {
	lang, w := opts.Lang, opts.Stdout
	if !opts.Send {
		fmt.Fprintf(w, tr(lang, "邮件    待发送 %d，此前已发送 %d，结果已变更待 --resend %d，无地址 %d；联系人或结果问题 %d 个\n",
			"messages     %d to send, %d sent before, %d changed (awaiting --resend), %d without an address; %d contacts or results problems\n"),
			tl.pending, tl.skipped, tl.changed, tl.noAddress+tl.blocked, tl.problems)
		fmt.Fprintf(w, tr(lang, "发件箱  %s（清单 %s），什么都没有发送；检查后加 --send 发送\n", "outbox       %s (list %s); nothing was sent: review it, then add --send\n"),
			outbox, filepath.Join(outbox, tr(lang, "清单.xlsx", "list.xlsx")))
		return
	}
	extra := ""
	if tl.notTried > 0 {
		extra = fmt.Sprintf(tr(lang, "，未尝试 %d", ", %d not tried"), tl.notTried)
	}
	fmt.Fprintf(w, tr(lang, "邮件    已发送 %d，跳过（此前已发送）%d，失败 %d，无地址 %d，结果已变更待 --resend %d%s\n",
		"messages     %d sent, %d skipped (sent before), %d failed, %d without an address, %d changed (awaiting --resend)%s\n"),
		tl.sent, tl.skipped, tl.failed, tl.noAddress+tl.blocked, tl.changed, extra)
	fmt.Fprintf(w, tr(lang, "发送记录 %s\n", "send log     %s\n"), logPath)
}

// lockResults keeps a second perfeval mail off the same results folder
// while this one runs: a lock file holding the process id, taken over
// when its process is gone.
func lockResults(dir, lang string) (func(), error) {
	path := filepath.Join(dir, mailLock)
	for range 3 {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, withHint(failf(lang, "无法写入 %s：%s", "cannot write %s: %s", path, writeCause(lang, err)), writeHint(lang, err))
		}
		data, _ := os.ReadFile(path)
		pid, perr := strconv.Atoi(strings.TrimSpace(string(data)))
		if perr == nil && pid != os.Getpid() && processAlive(pid) {
			return nil, withHint(failf(lang, "另一个 perfeval mail（进程 %d）正在处理 %s", "another perfeval mail (process %d) is working on %s", pid, dir),
				tr(lang, "等它结束后再运行", "wait for it to finish, then run again"))
		}
		os.Remove(path) // its process is gone
	}
	return nil, failf(lang, "无法锁定 %s", "cannot lock %s", path)
}

// mailBar is a progress bar of messages on a terminal; nil does nothing.
type mailBar struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

func newMailBar(stderr io.Writer, total int, lang string) *mailBar {
	if !isTerminal(stderr) || total < 2 {
		return nil
	}
	p := mpb.New(mpb.WithOutput(stderr), mpb.WithWidth(40))
	bar := p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Name(tr(lang, "邮件 ", "messages ")), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Percentage()))
	return &mailBar{p: p, bar: bar}
}

func (b *mailBar) increment() {
	if b != nil {
		b.bar.Increment()
	}
}

func (b *mailBar) abort() {
	if b != nil {
		b.bar.Abort(false)
		b.p.Wait()
	}
}

func (b *mailBar) wait() {
	if b == nil {
		return
	}
	if !b.bar.Completed() {
		b.bar.Abort(false)
	}
	b.p.Wait()
}
