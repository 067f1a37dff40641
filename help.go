package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// helpWords are the help and usage texts of one language: the app's and
// every command's usage, descriptions and exit statuses, every flag's
// text, and the headings of the help pages. run chooses one (helpFor) and
// passes it to newApp; nothing else decides the language of help.
//
// Text in backquotes in a flag's text is its placeholder (--out DIR).
type helpWords struct {
	Headings helpHeadings

	App      commandWords
	Help     commandWords // perfeval help
	Run      commandWords
	Check    commandWords
	Watch    commandWords
	Template commandWords
	Mail     commandWords

	Flags flagWords
}

// helpHeadings are the headings of a help page and the form of a flag's
// default (a fmt format with one %s).
type helpHeadings struct {
	Name, Usage, Description, Version, Commands, Options, GlobalOptions string
	Default                                                             string
}

// commandWords are the texts of one command (or of the app).
type commandWords struct {
	Usage, UsageText, Description string
}

// flagWords are the texts of every flag, by flag (and command where two
// commands give one name different meanings).
type flagWords struct {
	Help, Version, HelpLang string

	Lang, LogFormat, LogLevel       string
	Password, MaxSize, Settings     string
	Report, Jobs, JobsDefault       string
	Recursive                       string
	Out, Split, LogFile, Roster     string
	Format, Explain                 string
	Settle, Rescan, WatchRetries    string
	TemplateOut, Departments        string
	PerDepartment, NoNA             string
	SheetPassword, SourcePassword   string
	Contacts, DryRun, Send, Resend  string
	Subject, Body, HTML, Evaluation string
	SMTP, From, User, TLS           string
	Rate, MailRetries               string
}

// helpFor chooses the language of help once, at start: --lang when args
// give it, else English when the locale (the first of LC_ALL, LC_MESSAGES
// and LANG that is set) starts with "en", else Chinese. Only help follows
// the locale; outputs and messages follow --lang alone (zh by default).
func helpFor(args []string, getenv func(string) string) *helpWords {
	if lang, ok := langFlag(args); ok {
		if lang == "en" {
			return &helpEn
		}
		return &helpZh
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "en") {
				return &helpEn
			}
			break
		}
	}
	return &helpZh
}

// appHelpTemplate is the help page of perfeval itself.
func (w *helpWords) appHelpTemplate() string {
	h := w.Headings
	return h.Name + `
   {{template "helpNameTemplate" .}}

` + h.Usage + `
   {{wrap .UsageText 3}}{{if .Version}}

` + h.Version + `
   {{.Version}}{{end}}{{if .VisibleCommands}}

` + h.Commands + `{{template "visibleCommandCategoryTemplate" .}}{{end}}{{if .VisibleFlags}}

` + h.GlobalOptions + `{{range .VisibleFlags}}
   {{wrap (flagText . "` + h.Default + `") 6}}{{end}}{{end}}

{{wrap .Description 0}}
`
}

// commandHelpTemplate is the help page of one command.
func (w *helpWords) commandHelpTemplate() string {
	h := w.Headings
	return h.Name + `
   {{template "helpNameTemplate" .}}

` + h.Usage + `
   {{wrap .UsageText 3}}{{if .Description}}

` + h.Description + `
   {{wrap .Description 3}}{{end}}{{if .VisibleFlags}}

` + h.Options + `{{range .VisibleFlags}}
   {{wrap (flagText . "` + h.Default + `") 6}}{{end}}{{end}}
`
}

// helpFlag is --help, -h in w's language.
func (w *helpWords) helpFlag() cli.Flag {
	return &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: w.Flags.Help}
}

// flagText is a flag's line on a help page: urfave's, with the default in
// the page's language (format, one %s) and none for a switch.
func flagText(f cli.Flag, format string) string {
	s := fmt.Sprint(f)
	df, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return s
	}
	def := df.GetDefaultText()
	if def == "" {
		return s
	}
	suffix := " (default: " + def + ")"
	if !strings.HasSuffix(s, suffix) {
		return s
	}
	s = strings.TrimSuffix(s, suffix)
	if _, isSwitch := f.(*cli.BoolFlag); isSwitch {
		return s
	}
	return s + fmt.Sprintf(format, strings.Trim(def, `"`))
}

func init() {
	// Help pages render flags with flagText; the words come with the
	// template, so this is the same for every language.
	cli.HelpPrinter = func(w io.Writer, templ string, data any) {
		cli.HelpPrinterCustom(w, templ, data, map[string]any{"flagText": flagText})
	}
}

var helpZh = helpWords{
	Headings: helpHeadings{
		Name: "名称：", Usage: "用法：", Description: "说明：", Version: "版本：",
		Commands: "命令：", Options: "选项：", GlobalOptions: "全局选项：",
		Default: "（默认：%s）",
	},
	App: commandWords{
		Usage: "为部门整体支出绩效评价工作簿计分",
		UsageText: `perfeval run [选项] PATH...
perfeval check [选项] PATH...
perfeval watch [选项] INBOX
perfeval template [选项] SOURCE -o FILE
perfeval mail [选项] RESULTS
perfeval help [COMMAND]`,
		Description: `PATH 是工作簿或文件夹。-h 写在任何位置都显示该命令的帮助，--version 显示版本。
帮助默认为中文；加 --lang en，或不给出 --lang 而 LC_ALL/LC_MESSAGES/LANG 为英文
（如 en_US.UTF-8）时为英文。

退出状态：
   0  所有工作簿都没有问题
   1  有工作簿有错误或无法读取（其余工作簿照常处理）
   2  命令行参数有误（未知参数、没有给出路径）
   3  无法写出结果、运行被中断（Ctrl+C），或其他故障使运行停止`,
	},
	Help: commandWords{
		Usage:     "列出所有命令，或显示一个命令的帮助",
		UsageText: "perfeval help [选项] [COMMAND]",
	},
	Run: commandWords{
		Usage:     "检查工作簿并计分，为每个工作簿写出结果工作簿",
		UsageText: "perfeval run [选项] PATH...",
		Description: `读取给出的每个 .xlsx/.xlsm 工作簿（或给出的文件夹中的工作簿），检查后
计算每个部门的得分、得分率、等级、排名和主要扣分项，在输出文件夹中写出
<名称>_结果.xlsx（--lang en 时为 <name>_result.xlsx）。有错误的工作簿写出一份
批注副本 <名称>_错误.xlsx（<name>_errors.xlsx），标出并说明每个有问题的单元格，
可退回修改；错误只在某些部门自己的得分单元格时，其余部门照常出结果，这些部门
列为“有错误”、不排名。输入文件从不改动。选项可写在路径之前或之后。

一次运行就是一次评价：一级指标及分值相同的评分表中的部门，不论在哪个工作簿，
一起排名；多个工作簿时写出批量汇总（按全部排名排序，附各一级指标得分率的平均数、
中位数、最低和最高）；同一部门（名称和指标表都相同）提交了两次时，只计修改时间
较晚的一份；--roster 给出名单时，列出未提交的和不在名单中的部门。

退出状态：
   0  所有工作簿都没有问题
   1  有工作簿有错误或无法读取（其余工作簿照常处理）
   2  命令行参数有误（未知参数、没有给出路径）
   3  无法写出结果、运行被中断（Ctrl+C），或其他故障使运行停止`,
	},
	Check: commandWords{
		Usage:     "只检查工作簿：列出每个问题，不写出任何文件",
		UsageText: "perfeval check [选项] PATH...",
		Description: `像 perfeval run 一样读取并检查给出的每个 .xlsx/.xlsm 工作簿（或给出的
文件夹中的工作簿），但不写出任何文件：每个问题都按文件分组列在标准输出上
（--format json 以数据给出同样的内容，结构与 run 的 --report 相同）。选项可写
在路径之前或之后。

退出状态：
   0  所有工作簿都没有问题
   1  有工作簿有错误或无法读取（其余工作簿照常检查）
   2  命令行参数有误（未知参数、没有给出路径）
   3  检查被中断（Ctrl+C），或其他故障使检查停止`,
	},
	Watch: commandWords{
		Usage:     "监视一个文件夹，处理放进来的工作簿",
		UsageText: "perfeval watch [选项] INBOX",
		Description: `监视收件文件夹 INBOX，像 perfeval run 一样处理放进来的每个工作簿：文件的
大小和修改时间在 --settle 时长内不再变化，才认为它已写完。处理后，输入移到
INBOX/processed（没有错误）或 INBOX/failed（有错误，或不是可用的工作簿）；
那里已有同名文件时加上时间戳。启动时先处理已在等待的工作簿，并每隔 --rescan
重新列一次收件文件夹，以防网络共享丢失变更通知。锁文件和临时文件不予理会。
Ctrl+C 或 SIGTERM 会处理完当前工作簿再停止；处理被打断的输入留在收件文件夹中，
下次启动时重新处理并替换其输出。

退出状态：
   0  因 Ctrl+C 或 SIGTERM 停止（单个工作簿的问题在处理时报告，不会结束监视）
   2  命令行参数有误（未知参数、没有给出收件文件夹）
   3  无法监视收件文件夹，或其他故障使监视停止`,
	},
	Template: commandWords{
		Usage:     "根据去年的工作簿或指标体系，写出一份待填写的空白工作簿",
		UsageText: "perfeval template [选项] SOURCE -o FILE",
		Description: `根据 SOURCE（去年的工作簿、结果工作簿，或没有部门的指标体系）为下一轮
写出空白工作簿：指标体系、分值、说明列、设置表和表头格式都不变，得分单元格
留空，输入时由 Excel 校验（0 到分值之间的数，扣分项为分值到 0 之间，或“不适用”），
选中时显示其评分标准。除得分单元格外全部锁定；“合计”行计算总分；空白和偏低的
得分突出显示；“填写说明”工作表说明如何填写。分值合计不对的指标体系不生成模板。
填好后像其他工作簿一样用 perfeval run 计分（空白模板会被跳过）。

  perfeval template 2024.xlsx -o 2025模板.xlsx
  perfeval template 2024.xlsx --departments 部门.txt -o 2025模板.xlsx
  perfeval template 2024.xlsx --per-department -o 2025模板/

使用 --per-department 时，-o 是文件夹，每个部门写一个工作簿 <部门>.xlsx，
表头上方写“单位名称：<部门>”，只有一列“得分”。--departments 接受工作簿（第一个
工作表的第一列）或 UTF-8 文本文件，每行一个部门。

退出状态：
   0  模板已写出
   1  源工作簿无法读取、没有评分表，或其指标体系有错误
   2  命令行参数有误
   3  无法写出模板`,
	},
	Mail: commandWords{
		Usage:     "把每个部门自己的结果工作簿发到它的邮箱（默认只生成发件箱供检查）",
		UsageText: "perfeval mail [选项] RESULTS",
		Description: `读取 perfeval run --split 在 RESULTS 中写出的分部门工作簿（按文件里的标记认部门，
不按文件名猜），按 --contacts 联系人表给每个部门写一封邮件，附件只有它自己的工作簿。

默认（不加 --send）只生成发件箱，不发送任何邮件：RESULTS/outbox/ 中每个部门一个 .eml
文件（可用 Outlook、Foxmail、Thunderbird 打开检查），以及 outbox/清单.xlsx（部门、收件人、
抄送、主题、附件及其 SHA-256、状态）。检查无误后加 --send 发送。

发送：--smtp 主机:端口 --from 发件人 [--user 用户名] [--tls starttls|tls|none]；
密码只从环境变量 PERFEVAL_SMTP_PASSWORD 读取（不接受命令行参数，不写入任何日志或文件）。
每封邮件的结果都追加记录在 RESULTS/mail-log.jsonl 中；再次运行只发送还没发出或失败的，
绝不重复发送。结果变化后（附件不同）需加 --resend 才会重发。

联系人表：工作簿或 CSV，表头含 部门、邮箱，可选 抄送、联系人；多个地址用 ; ； , ， 或换行分隔。

模板字段（--subject 与 --body 文件，Go text/template 语法）：
  {{.Year}} {{.YearText}} {{.Evaluation}} {{.Evaluator}} {{.Department}} {{.Contact}}
  {{.Total}} {{.Points}} {{.Rate}} {{.Grade}} {{.Rank}} {{.Of}} {{.RankOf}}
  {{.DeductionsText}} {{range .Deductions}}{{.Level1}} {{.Name}} {{.Loss}}{{end}}
  {{.File}} {{.To}} {{.Cc}}

退出状态：
   0  每个有结果的部门都已发送（或 --dry-run 时都已写入发件箱）
   1  有部门没有发出：联系人有问题、没有邮箱，或结果已变更需要 --resend
   2  命令行参数有误
   3  有邮件发送失败、被中断（Ctrl+C，再次运行即可继续），或无法连接、登录邮件服务器`,
	},
	Flags: flagWords{
		Help:     "显示帮助",
		Version:  "显示版本后退出",
		HelpLang: "帮助的语言 `zh|en`（不给出时随 LC_ALL/LC_MESSAGES/LANG，否则为中文）",

		Lang:      "工作表名、标签和消息的语言 `zh|en`（中文或英文）；帮助也随它，不给出时随 LANG",
		LogFormat: "诊断日志（写到标准错误）的格式 `console|json`",
		LogLevel:  "日志级别 `LEVEL`：debug、info、warn 或 error",
		Password:  "打开加密工作簿的密码 `PASSWORD`",
		MaxSize:   "能打开的工作簿解压后的最大大小，单位 `MiB`（防范损坏或恶意的文件）",
		Settings:  "把工作簿 `FILE` 的设置表（设置/Settings：表格格式、评价对象、评价名称、满分 …）用于每个工作簿；工作簿自己的设置逐项优先",

		Report:      "把整次运行的 JSON 报告写到 `FILE`（- 表示标准输出）",
		Jobs:        "同时处理 `N` 个工作簿",
		JobsDefault: "CPU 核数",
		Recursive:   "也读取所给文件夹的子文件夹",
		Out:         "结果工作簿写入文件夹 `DIR`",
		Split:       "另为每个部门写一个工作簿 <out>/<工作簿>/<年度><评价名称>结果_<部门>.xlsx，便于邮寄",
		LogFile:     "每处理一个工作簿，向 `FILE` 追加一条 JSON 审计记录",
		Roster:      "应参评部门的名单 `FILE`（工作簿或文本文件，每行一个部门）：批量汇总列出未提交的和不在名单中的部门",

		Format:  "输出格式 `text|json`",
		Explain: "说明每个评分表是怎样读取的：表头行、每列的作用及依据、各级指标、分值合计、部门、合计和小计行、隐藏的行和列",

		Settle:       "文件保持 `DURATION` 不变后才处理",
		Rescan:       "每隔 `DURATION` 重新列一次收件文件夹",
		WatchRetries: "刚改动、还打不开的文件最多尝试 `N` 次，间隔逐次加长",

		TemplateOut:    "要写出的模板 `FILE`（.xlsx）；使用 --per-department 时为文件夹",
		Departments:    "部门名单 `FILE`，每行一个部门（.xlsx 或 UTF-8 文本）",
		PerDepartment:  "每个部门一个工作簿，写入 -o 给出的文件夹",
		NoNA:           "得分单元格只接受数字，不接受“不适用”",
		SheetPassword:  "工作表保护密码 `PASSWORD`（默认：保护但不设密码）",
		SourcePassword: "打开加密的源工作簿的密码 `PASSWORD`",

		Contacts:    "联系人表 `FILE`（工作簿或 CSV）",
		DryRun:      "只写发件箱，不发送（默认）",
		Send:        "通过 SMTP 发送",
		Resend:      "结果或收件人变化后，重新发送已发过的部门",
		Subject:     "邮件主题模板 `TEXT`",
		Body:        "正文模板文件 `FILE`（纯文本）",
		HTML:        "HTML 正文模板文件 `FILE`（可选，与纯文本一起发送）",
		Evaluation:  "评价名称 `NAME`（默认：部门整体支出绩效评价）",
		SMTP:        "邮件服务器 `HOST:PORT`",
		From:        "发件人地址 `ADDRESS`",
		User:        "登录用户名 `NAME`（密码放在环境变量 PERFEVAL_SMTP_PASSWORD 中）",
		TLS:         "加密方式 `MODE`：starttls、tls（隐式 TLS，常用端口 465）或 none（仅限本机 127.0.0.1）",
		Rate:        "每分钟最多发送的封数 `RATE`，如 20/min",
		MailRetries: "临时失败（4xx、连接中断）后最多重试 `N` 次",
	},
}

var helpEn = helpWords{
	Headings: helpHeadings{
		Name: "NAME:", Usage: "USAGE:", Description: "DESCRIPTION:", Version: "VERSION:",
		Commands: "COMMANDS:", Options: "OPTIONS:", GlobalOptions: "GLOBAL OPTIONS:",
		Default: " (default: %s)",
	},
	App: commandWords{
		Usage: "score department expenditure performance evaluation workbooks (部门整体支出绩效评价)",
		UsageText: `perfeval run [flags] PATH...
perfeval check [flags] PATH...
perfeval watch [flags] INBOX
perfeval template [flags] SOURCE -o FILE
perfeval mail [flags] RESULTS
perfeval help [COMMAND]`,
		Description: `PATH is a workbook or a folder. -h anywhere shows that command's help, --version
the version. Help is in Chinese, in English with --lang en or, without --lang,
when LC_ALL/LC_MESSAGES/LANG names an English locale (en_US.UTF-8).

EXIT STATUS:
   0  every workbook is fine
   1  some workbook is invalid or unreadable (the others are still processed)
   2  usage error (unknown flag, no path given)
   3  outputs could not be written, the run was interrupted (Ctrl+C), or
      another failure stopped it`,
	},
	Help: commandWords{
		Usage:     "list the commands, or show one command's help",
		UsageText: "perfeval help [flags] [COMMAND]",
	},
	Run: commandWords{
		Usage:     "check and score workbooks, write a result workbook for each",
		UsageText: "perfeval run [flags] PATH...",
		Description: `Reads every .xlsx/.xlsm workbook given, or found in the folders given, checks
it, computes every department's scores, rates, grade, rank and main deductions,
and writes <name>_结果.xlsx (<name>_result.xlsx with --lang en) to the output
folder. A workbook with errors gets an annotated copy, <name>_错误.xlsx
(<name>_errors.xlsx), with each offending cell marked and explained, to send
back for correction; when the errors are only in some departments' own score
cells, the other departments still get their results and those are listed as
invalid, without rank. Inputs are never changed. Flags may come before or
after the paths.

A run is one evaluation: departments whose tables share level-1 indicators and
weights are ranked together, whatever workbook they are in. With several
workbooks a batch summary is written, sorted by that rank, with the mean,
median, minimum and maximum rate of each level-1 indicator; a department sent
twice (same name, same tree) counts once, from the file modified last; with
--roster it lists who has not sent a workbook and who is not on the roster.

EXIT STATUS:
   0  every workbook is fine
   1  some workbook is invalid or unreadable (the others are still processed)
   2  usage error (unknown flag, no path given)
   3  outputs could not be written, the run was interrupted (Ctrl+C), or
      another failure stopped it`,
	},
	Check: commandWords{
		Usage:     "check workbooks only: list every problem, write no files",
		UsageText: "perfeval check [flags] PATH...",
		Description: `Reads and checks every .xlsx/.xlsm workbook given, or found in the folders
given, as perfeval run does, but writes nothing: every problem is listed on
stdout, grouped by file (--format json gives the same as data, in the shape of
run's --report). Flags may come before or after the paths.

EXIT STATUS:
   0  every workbook is fine
   1  some workbook is invalid or unreadable (the others are still checked)
   2  usage error (unknown flag, no path given)
   3  the check was interrupted (Ctrl+C), or another failure stopped it`,
	},
	Watch: commandWords{
		Usage:     "process workbooks as they are dropped into a folder",
		UsageText: "perfeval watch [flags] INBOX",
		Description: `Watches INBOX and processes every workbook dropped into it, as perfeval run
does, once the file is complete: its size and modification time have not
changed for --settle. Each input is then moved to INBOX/processed (no errors)
or INBOX/failed (errors, or not a usable workbook); a name already there gets a
timestamp. Workbooks already waiting are processed at start, and the inbox is
listed again every --rescan, for shares where change events are lost. Lock
files and temporary files are left alone. Ctrl+C or SIGTERM finishes the
workbook being processed and stops; an input whose processing was cut short
stays in the inbox and is processed again at the next start, replacing its
outputs.

EXIT STATUS:
   0  stopped by Ctrl+C or SIGTERM (problems of single workbooks are
      reported as they are processed and do not end the watch)
   2  usage error (unknown flag, no inbox folder given)
   3  the inbox could not be watched, or another failure stopped the watch`,
	},
	Template: commandWords{
		Usage:     "write a blank workbook to hand out, from last year's workbook or a tree",
		UsageText: "perfeval template [flags] SOURCE -o FILE",
		Description: `Writes a blank workbook for the next round from SOURCE (last year's workbook,
a result workbook, or an indicator tree with no departments): the same tree,
weights, descriptive columns, settings sheet and header layout, with empty
score cells that Excel checks as they are typed (a number from 0 to the
weight, from the weight to 0 for a deduction item, or 不适用), each showing
its 评分标准 when selected. Everything but the score cells is locked; a 合计
row computes the total; blank and low scores are highlighted; a 填写说明
sheet explains how to fill it in. A template is never built from a tree
whose weights do not add up. Once filled in, it is scored by perfeval run
like any workbook (a blank template is skipped).

  perfeval template 2024.xlsx -o 2025模板.xlsx
  perfeval template 2024.xlsx --departments 部门.txt -o 2025模板.xlsx
  perfeval template 2024.xlsx --per-department -o 2025模板/

With --per-department, -o is a folder that gets one workbook per department,
<department>.xlsx, with 单位名称：<department> above the header and one 得分
column. --departments takes a workbook (first column of its first sheet) or
a UTF-8 text file, one department per row.

EXIT STATUS:
   0  the template was written
   1  the source is unreadable, has no score table, or its tree has errors
   2  usage error
   3  the template could not be written`,
	},
	Mail: commandWords{
		Usage:     "e-mail each department its own result workbook (by default only writes an outbox to review)",
		UsageText: "perfeval mail [flags] RESULTS",
		Description: `Reads the per-department workbooks perfeval run --split wrote into RESULTS (each
known by the mark inside it, never guessed from its name) and writes one message
per department to the address in --contacts, with that department's workbook
as its only attachment.

By default (without --send) nothing is sent: RESULTS/outbox/ gets one .eml per
department (open it in Outlook, Foxmail or Thunderbird) and outbox/list.xlsx
(department, address, cc, subject, attachment and its SHA-256, status). Review
them, then add --send.

Sending: --smtp host:port --from ADDRESS [--user NAME] [--tls starttls|tls|none];
the password only from the environment variable PERFEVAL_SMTP_PASSWORD (never a
flag, never logged or written anywhere). Every outcome is appended to
RESULTS/mail-log.jsonl; a rerun sends only what was not sent or failed, never
twice. A result that changed since it was sent is sent again only with --resend.

Contacts: a workbook or CSV with a header row holding Department and Email,
optionally Cc and Contact; several addresses separated by ; , or line breaks.

Template fields (--subject and the --body file, Go text/template):
  {{.Year}} {{.YearText}} {{.Evaluation}} {{.Evaluator}} {{.Department}} {{.Contact}}
  {{.Total}} {{.Points}} {{.Rate}} {{.Grade}} {{.Rank}} {{.Of}} {{.RankOf}}
  {{.DeductionsText}} {{range .Deductions}}{{.Level1}} {{.Name}} {{.Loss}}{{end}}
  {{.File}} {{.To}} {{.Cc}}

EXIT STATUS:
   0  every department with results was sent its message (or, dry run, has one in the outbox)
   1  some department was left: a contacts problem, no address, or a changed result awaiting --resend
   2  usage error
   3  some message failed, the run was interrupted (run again to go on), or the
      mail server could not be reached or refused the login`,
	},
	Flags: flagWords{
		Help:     "show help",
		Version:  "print the version and exit",
		HelpLang: "language `zh|en` of help (without it, LC_ALL/LC_MESSAGES/LANG decide, else Chinese)",

		Lang:      "language `zh|en` of sheet names, labels and messages; help follows it, or LANG when it is not given",
		LogFormat: "format `console|json` of the diagnostic log on stderr",
		LogLevel:  "log `LEVEL`: debug, info, warn or error",
		Password:  "`PASSWORD` of encrypted workbooks",
		MaxSize:   "largest unpacked workbook to open, in `MiB` (a guard against damaged or malicious files)",
		Settings:  "apply the settings sheet of workbook `FILE` (设置/Settings: layout, 评价对象, 评价名称, 满分 …) to every workbook; a workbook's own settings win key by key",

		Report:      "write a JSON report of the whole run to `FILE` (- for stdout)",
		Jobs:        "process `N` workbooks at once",
		JobsDefault: "the number of CPUs",
		Recursive:   "also read the subfolders of the folders given",
		Out:         "write result workbooks into the folder `DIR`",
		Split:       "also write one workbook per department, <out>/<workbook>/<year> <evaluation> result_<department>.xlsx, to e-mail",
		Roster:      "the departments expected, in `FILE` (a workbook or text file, one department per row): the batch summary lists who has not sent a workbook and who is not on it",
		LogFile:     "append one JSON audit event per workbook to `FILE`",

		Format:  "output format `text|json`",
		Explain: "say how each score table was read: header row, each column's role and why, indicators per level, weight sums, departments, total and subtotal rows, hidden rows and columns",

		Settle:       "take a file once it has stayed unchanged for `DURATION`",
		Rescan:       "list the inbox again every `DURATION`",
		WatchRetries: "try a recently changed file that does not open yet `N` times, with growing waits",

		TemplateOut:    "the template `FILE` to write (.xlsx), or with --per-department a folder",
		Departments:    "`FILE` naming the departments, one per row (.xlsx or UTF-8 text)",
		PerDepartment:  "write one workbook per department into the folder -o names",
		NoNA:           "score cells take numbers only, not 不适用",
		SheetPassword:  "`PASSWORD` of the sheet protection (default: protected without a password)",
		SourcePassword: "`PASSWORD` of an encrypted source workbook",

		Contacts:    "the contacts list `FILE` (workbook or CSV)",
		DryRun:      "only write the outbox, send nothing (the default)",
		Send:        "send over SMTP",
		Resend:      "send again to departments whose result or addresses changed since they were sent",
		Subject:     "subject template `TEXT`",
		Body:        "plain-text body template `FILE`",
		HTML:        "HTML body template `FILE` (optional, sent beside the plain text)",
		Evaluation:  "the evaluation's `NAME` (default: department expenditure performance evaluation)",
		SMTP:        "mail server `HOST:PORT`",
		From:        "sender `ADDRESS`",
		User:        "login `NAME` (the password goes in the environment variable PERFEVAL_SMTP_PASSWORD)",
		TLS:         "encryption `MODE`: starttls, tls (implicit, usually port 465) or none (127.0.0.1 only)",
		Rate:        "at most `RATE` messages a minute, e.g. 20/min",
		MailRetries: "retry `N` times after a temporary failure (4xx, lost connection)",
	},
}
