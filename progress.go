package main

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progress is a progress bar on stderr, drawn only when stderr is a
// terminal; a nil *progress does nothing, so a redirected stream never
// gets bar drawings.
type progress struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// newProgress starts a bar of total workbooks when stderr is a terminal.
func newProgress(stderr io.Writer, total int, lang string) *progress {
	if !isTerminal(stderr) || total < 2 {
		return nil
	}
	p := mpb.New(mpb.WithOutput(stderr), mpb.WithWidth(40))
	name := tr(lang, "工作簿 ", "workbooks ")
	bar := p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Name(name), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Percentage()),
	)
	return &progress{p: p, bar: bar}
}

// writers routes the per-file messages above the bar while it is drawn:
// stderr always, stdout when it is the same terminal.
func (pr *progress) writers(stdout, stderr io.Writer) (io.Writer, io.Writer) {
	if pr == nil {
		return stdout, stderr
	}
	if isTerminal(stdout) {
		stdout = pr.p
	}
	return stdout, pr.p
}

func (pr *progress) increment() {
	if pr != nil {
		pr.bar.Increment()
	}
}

// wait finishes the bar.
func (pr *progress) wait() {
	if pr == nil {
		return
	}
	if !pr.bar.Completed() {
		pr.bar.Abort(false)
	}
	pr.p.Wait()
}
