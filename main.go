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
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run runs perfeval with args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.Run(reorderArgs(app, args))
	code := exitCode(err)
	if code == exitUsage || code == exitFailure {
		lang := langOf(args)
		msg := err.Error()
		for _, prefix := range []string{errUsage.Error() + ": ", errClash.Error() + ": "} {
			msg = strings.TrimPrefix(msg, prefix)
		}
		fmt.Fprintf(stderr, "perfeval: %s\n", msg)
		switch {
		case code == exitUsage:
			command := "run"
			if len(args) > 1 && (args[1] == "check" || args[1] == "watch" || args[1] == "template" || args[1] == "mail") {
				command = args[1]
			}
			fmt.Fprintf(stderr, tr(lang, "hint: 运行 'perfeval help %s' 查看参数和用法\n", "hint: run 'perfeval help %s' for the flags and arguments\n"), command)
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

// langOf is the --lang given in args (zh when none), for the messages run
// prints itself.
func langOf(args []string) string {
	for i, a := range args {
		switch {
		case (a == "--lang" || a == "-lang") && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "--lang="), strings.HasPrefix(a, "-lang="):
			return a[strings.Index(a, "=")+1:]
		}
	}
	return "zh"
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

const exitCodesHelp = `EXIT STATUS:
   0  every workbook is fine
   1  some workbook is invalid or unreadable (the others are still processed)
   2  usage error (unknown flag, no path given)
   3  outputs could not be written, the run was interrupted (Ctrl+C), or
      another failure stopped it`

const watchExitCodesHelp = `EXIT STATUS:
   0  stopped by Ctrl+C or SIGTERM (problems of single workbooks are
      reported as they are processed and do not end the watch)
   2  usage error (unknown flag, no inbox folder given)
   3  the inbox could not be watched, or another failure stopped the watch`

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "perfeval",
		Usage:     "score department expenditure performance evaluation workbooks (部门整体支出绩效评价)",
		UsageText: "perfeval run [flags] PATH...\n   perfeval check [flags] PATH...\n   perfeval watch [flags] INBOX\n   perfeval template [flags] SOURCE -o FILE",
		Version:   versionText(),
		Writer:    stdout,
		ErrWriter: stderr,
		Commands: []*cli.Command{
			runCommand(),
			checkCommand(),
			watchCommand(),
			templateCommand(),
			mailCommand(),
		},
		CustomAppHelpTemplate: cli.AppHelpTemplate + "\n" + exitCodesHelp + "\n",
		OnUsageError:          onUsageError,
		ExitErrHandler:        func(*cli.Context, error) {}, // errors go back to run, never os.Exit here
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usageErrorL(langOf(os.Args), "未知命令 %q", "unknown command %q", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
	return app
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

func init() {
	// --version only: -v stays free for the commands.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version and exit"}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintf(c.App.Writer, "perfeval %s\n", c.App.Version) }
}

// commonFlags are the flags every command takes.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "lang", Value: "zh", Usage: "language of sheet names, labels and messages: zh or en"},
		&cli.StringFlag{Name: "log-format", Value: "console", Usage: "format of the diagnostic log on stderr: console or json"},
		&cli.StringFlag{Name: "log-level", Value: "warn", Usage: "log level: debug, info, warn or error"},
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
// inbox" (urfave/cli stops at the first argument). "--" ends the flags.
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	var cmd *cli.Command
	for _, c := range app.Commands {
		if c.HasName(args[1]) {
			cmd = c
		}
	}
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = !isBool
		}
	}
	var flags, positional []string
	rest := args[2:]
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
		name := strings.TrimLeft(a, "-")
		if name == "h" || name == "help" { // -h anywhere: the command's help, whatever else is given
			return []string{args[0], "help", args[1]}
		}
		flags = append(flags, a)
		if strings.Contains(name, "=") {
			continue
		}
		if takesValue[name] && i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}
