// Command perfeval scores department-wide expenditure performance
// evaluation workbooks (部门整体支出绩效评价): it reads a folder of standard
// evaluation workbooks, checks weights and scores, computes rolled-up
// scores, rates, grades, ranks and main deductions, and writes a result
// workbook per input.
//
// Exit status: 0 every workbook is fine; 1 some workbook is invalid or
// unreadable (the others are still processed); 2 usage error; 3 outputs
// could not be written or another failure stopped the run.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/rs/zerolog"
	"github.com/urfave/cli/v2"
)

// Errors that decide the exit status.
var (
	errInvalid = errors.New("some workbooks are invalid or unreadable")
	errUsage   = errors.New("usage error")
	errLeft    = errors.New("some departments were not sent their results") // perfeval mail
)

// Exit statuses.
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
	exitFailure = 3
)

func main() {
	roomyGC()
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run runs perfeval with args and returns the exit status. The language
// of help is chosen here, once (helpFor), and so is the language of
// messages (--lang, zh when none: outputs never depend on the locale).
func run(args []string, stdout, stderr io.Writer) int {
	lang := langOf(args)
	app := newApp(stdout, stderr, helpFor(args, os.Getenv), lang)
	err := app.Run(reorderArgs(app, args))
	code := exitCode(err)
	if code == exitUsage || code == exitFailure {
		msg := err.Error()
		for _, prefix := range []string{errUsage.Error() + ": ", errClash.Error() + ": "} {
			msg = strings.TrimPrefix(msg, prefix)
		}
		if errors.As(err, new(flagProblem)) {
			msg = tr(lang, "命令行参数有误：", "") + flagMessage(lang, msg)
		}
		fmt.Fprintf(stderr, "perfeval: %s\n", msg)
		switch {
		case code == exitUsage:
			topic := "perfeval help"
			if i := commandAt(app, args); i > 0 && args[i] != "help" && args[i] != "h" {
				topic += " " + args[i]
			}
			fmt.Fprintf(stderr, tr(lang, "hint: 运行 '%s' 查看参数和用法\n", "hint: run '%s' for the flags and arguments\n"), topic)
		case errors.As(err, new(hinted)):
			var h hinted
			errors.As(err, &h)
			fmt.Fprintf(stderr, "hint: %s\n", h.hint)
		case errors.Is(err, errClash):
			fmt.Fprintln(stderr, tr(lang, "hint: 换一个输出文件夹（--out）或报告、日志路径，让输出不会覆盖任何输入",
				"hint: choose another output folder (--out) or report or log path, so that no output replaces an input"))
		}
	}
	return code
}

// flagMessages are the Go flag package's messages, and what they say in
// Chinese; flags are named with two dashes, as the help shows them.
var flagMessages = []struct {
	re     *regexp.Regexp
	zh, en string
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(\S+)$`), "没有参数 --$1", "no such flag: --$1"},
	{regexp.MustCompile(`^flag needs an argument: -+(\S+)$`), "参数 --$1 后面缺少值", "flag --$1 needs a value"},
	{regexp.MustCompile(`^invalid value "(.*)" for flag -+(\S+): .*$`), "参数 --$2 的值“$1”无效", "invalid value \"$1\" for flag --$2"},
	{regexp.MustCompile(`^invalid boolean value "(.*)" for -+(\S+): .*$`), "参数 --$2 的值“$1”无效（应为 true 或 false）", "invalid value \"$1\" for flag --$2 (true or false)"},
}

// flagMessage says a flag parsing error in lang.
func flagMessage(lang, msg string) string {
	for _, m := range flagMessages {
		if m.re.MatchString(msg) {
			return m.re.ReplaceAllString(msg, tr(lang, m.zh, m.en))
		}
	}
	return msg
}

// langOf is the --lang given in args (zh when none), for the messages run
// prints itself.
func langOf(args []string) string {
	if lang, ok := langFlag(args); ok {
		return lang
	}
	return "zh"
}

// langFlag is the --lang given in args, if any (the last one wins, as
// when the flags are parsed; none after "--").
func langFlag(args []string) (lang string, ok bool) {
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return lang, ok
		case (a == "--lang" || a == "-lang") && i+1 < len(args):
			lang, ok = args[i+1], true
			i++
		case strings.HasPrefix(a, "--lang="), strings.HasPrefix(a, "-lang="):
			lang, ok = a[strings.Index(a, "=")+1:], true
		}
	}
	return lang, ok
}

// failf is a failure (exit status 3) in the chosen language. The
// arguments are formatted with %v / %s (errors are shown, not wrapped).
func failf(lang, zh, en string, args ...any) error {
	return fmt.Errorf(tr(lang, zh, en), args...)
}

// hinted is a failure with what to do about it, printed on a hint line.
type hinted struct {
	err  error
	hint string
}

func (h hinted) Error() string { return h.err.Error() }
func (h hinted) Unwrap() error { return h.err }

// withHint adds what to do to err.
func withHint(err error, hint string) error { return hinted{err, hint} }

// usageErrorL is a command-line mistake (exit status 2) in the chosen
// language.
func usageErrorL(lang, zh, en string, args ...any) error {
	return usageError("%s", fmt.Sprintf(tr(lang, zh, en), args...))
}

// exitCode maps a command's error to the exit status; the one place that
// decides it.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInvalid), errors.Is(err, errLeft):
		return exitInvalid
	case errors.Is(err, errUsage):
		return exitUsage
	default:
		return exitFailure
	}
}

// newApp builds perfeval's commands with the help texts of w; lang is
// the language of the messages it gives itself (an unknown command).
func newApp(stdout, stderr io.Writer, w *helpWords, lang string) *cli.App {
	app := &cli.App{
		Name:        "perfeval",
		Usage:       w.App.Usage,
		UsageText:   w.App.UsageText,
		Description: w.App.Description,
		Version:     versionText(),
		Writer:      stdout,
		ErrWriter:   stderr,
		// perfeval's own --help and --version, in the language of w
		// (urfave's are English).
		HideHelp:    true,
		HideVersion: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "lang", Usage: w.Flags.HelpLang}, // before a command, it goes to the command (reorderArgs)
			w.helpFlag(),
			&cli.BoolFlag{Name: "version", Usage: w.Flags.Version},
		},
		Commands: []*cli.Command{
			runCommand(w),
			checkCommand(w),
			watchCommand(w),
			templateCommand(w),
			mailCommand(w),
			helpCommand(w, lang),
		},
		CustomAppHelpTemplate: w.appHelpTemplate(),
		OnUsageError:          onUsageError,
		ExitErrHandler:        func(*cli.Context, error) {}, // errors go back to run, never os.Exit here
		Action: func(c *cli.Context) error {
			if c.IsSet("lang") {
				if err := checkLang(c.String("lang")); err != nil {
					return err
				}
			}
			switch {
			case c.Bool("version"):
				fmt.Fprintf(c.App.Writer, "perfeval %s\n", c.App.Version)
				return nil
			case c.Args().Present():
				return usageErrorL(lang, "未知命令 %q", "unknown command %q", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
	for _, cmd := range app.Commands {
		cmd.HideHelp = true
		cmd.Flags = append(cmd.Flags, w.helpFlag())
		cmd.CustomHelpTemplate = w.commandHelpTemplate()
		cmd.OnUsageError = onUsageError
	}
	return app
}

// helpCommand is perfeval help [COMMAND]. Its --lang has been read by
// helpFor already; here it is only checked.
func helpCommand(w *helpWords, lang string) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     w.Help.Usage,
		UsageText: w.Help.UsageText,
		Flags:     []cli.Flag{&cli.StringFlag{Name: "lang", Usage: w.Flags.HelpLang}},
		Action: func(c *cli.Context) error {
			if c.IsSet("lang") {
				if err := checkLang(c.String("lang")); err != nil {
					return err
				}
			}
			topic := c.Args().First()
			if topic == "" {
				return cli.ShowAppHelp(c)
			}
			if c.App.Command(topic) == nil {
				return usageErrorL(lang, "没有 %q 这个命令", "no command %q", topic)
			}
			return cli.ShowCommandHelp(c, topic)
		},
	}
}

// versionText says which perfeval this is, from the module's build
// information: its version, the VCS revision and time when built from a
// checkout, and the Go version.
func versionText() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var revision, at, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if revision != "" {
		v += " " + revision + modified
	}
	if at != "" {
		v += " " + at
	}
	return v + " " + info.GoVersion
}

// commonFlags are the flags every command takes.
func commonFlags(w *helpWords) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "lang", Value: "zh", Usage: w.Flags.Lang},
		&cli.StringFlag{Name: "log-format", Value: "console", Usage: w.Flags.LogFormat},
		&cli.StringFlag{Name: "log-level", Value: "warn", Usage: w.Flags.LogLevel},
	}
}

// usageError wraps a command-line mistake so that it exits with status 2.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// newLogger builds the diagnostic logger: readable lines on the terminal,
// or JSON for machines.
func newLogger(c *cli.Context) (zerolog.Logger, error) {
	lang := c.String("lang")
	level, err := zerolog.ParseLevel(c.String("log-level"))
	if err != nil || c.String("log-level") == "" {
		return zerolog.Nop(), usageErrorL(lang, "--log-level %q：请用 debug、info、warn 或 error", "--log-level %q: use debug, info, warn or error", c.String("log-level"))
	}
	w := c.App.ErrWriter
	switch c.String("log-format") {
	case "json":
		return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
	case "console":
		cw := zerolog.ConsoleWriter{Out: w, NoColor: true, TimeFormat: "15:04:05"}
		return zerolog.New(cw).Level(level).With().Timestamp().Logger(), nil
	default:
		return zerolog.Nop(), usageErrorL(lang, "--log-format %q：请用 console 或 json", "--log-format %q: use console or json", c.String("log-format"))
	}
}

// reorderArgs lets flags follow the paths, as people type them:
// "perfeval run inbox --out results" becomes "perfeval run --out results
// -- inbox" (urfave/cli stops at the first argument). "--" ends the flags.
// Flags before the command go to it ("perfeval --lang en check x" is
// "perfeval check --lang en -- x"); -h or --help anywhere asks for the
// command's help, whatever else is given, and --version before the command
// for the version.
func reorderArgs(app *cli.App, args []string) []string {
	at := commandAt(app, args)
	if at < 0 {
		return args
	}
	name := args[at]
	cmd := app.Command(name)
	takesValue := valueFlags(cmd.Flags)
	var flags, positional []string
	rest := append(append([]string{}, args[1:at]...), args[at+1:]...)
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flag := strings.TrimLeft(a, "-")
		switch {
		case flag == "h" || flag == "help":
			if cmd.HasName("help") {
				continue // perfeval help run -h: the help of run
			}
			return []string{args[0], "help", name}
		case flag == "version" && i < at-1:
			return []string{args[0], "--version"}
		}
		flags = append(flags, a)
		if strings.Contains(flag, "=") {
			continue
		}
		if takesValue[flag] {
			if i+1 == len(rest) { // a flag without its value, last: the flag parser says so
				return append(append([]string{args[0], name}, flags[:len(flags)-1]...), a)
			}
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out := append([]string{args[0], name}, flags...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}

// commandAt is where the command's name is in args, after any flags
// (-1 when there is none): "perfeval --lang en check x" has it at 3.
func commandAt(app *cli.App, args []string) int {
	var all []cli.Flag
	for _, c := range app.Commands {
		all = append(all, c.Flags...)
	}
	takesValue := valueFlags(all)
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return -1
		case len(a) > 1 && a[0] == '-':
			if flag := strings.TrimLeft(a, "-"); !strings.Contains(flag, "=") && takesValue[flag] {
				i++
			}
		case app.Command(a) != nil:
			return i
		default:
			return -1
		}
	}
	return -1
}

// valueFlags are the names of the flags that take a value.
func valueFlags(flags []cli.Flag) map[string]bool {
	takesValue := map[string]bool{}
	for _, f := range flags {
		_, isSwitch := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = takesValue[name] || !isSwitch
		}
	}
	return takesValue
}
