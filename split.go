package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/shopspring/decimal"

	"perfeval/calc"
	"perfeval/sheet"
)

// writeSplit writes one workbook per department into a fresh temporary
// folder next to dir and swaps it in for dir, so that the files of
// departments renamed or removed since the last run disappear with it.
// Each is named <年度><评价名称>结果_<部门>.xlsx (sheet.DepartmentResultName);
// names that clash after making them safe for the file system ("部门/A"
// and "部门_A") are numbered in the departments' column order. run gives
// each department's rank in the run and the run's mean rates, shown
// beside its own; a department it says false for (a copy counted from
// another file) gets no workbook. modTime is the input's modification
// time. The files are named first, in order, then written jobs at a time;
// the first error in that order is returned.
func writeSplit(dir, lang string, s calc.Settings, results []calc.Result, source sheet.Mark, modTime time.Time, jobs int, run func(r calc.Result) (sheet.Department, bool)) ([]string, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), sheet.TempPattern())
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // gone already once swapped in
	used := map[string]bool{}
	var names []string
	type file struct {
		path string
		d    sheet.Department
	}
	var todo []file
	for _, r := range results {
		d, ok := run(r)
		if !ok {
			continue
		}
		path := outputPath(tmp, sheet.DepartmentResultName(r.Department, s, lang), used)
		d.Lang, d.Settings, d.Result, d.Source, d.Time, d.TmpDir = lang, s, r, source, modTime, tmp
		todo = append(todo, file{path, d})
		names = append(names, filepath.Base(path))
	}
	errs := make([]error, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(max(jobs, 1), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				if errs[i] = sheet.WriteDepartment(todo[i].path, todo[i].d); errs[i] != nil {
					next.Store(int64(len(todo))) // no new file once one failed
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if err := replaceDir(tmp, dir); err != nil {
		return nil, err
	}
	files := make([]string, len(names))
	for i, n := range names {
		files[i] = filepath.Join(dir, n)
	}
	return files, nil
}

// replaceDir puts the folder fresh at dir: an old dir is moved aside
// into a temporary folder, fresh is renamed in, the old one removed. A
// crash in between leaves the old folder in a temporary folder that the
// next run removes.
func replaceDir(fresh, dir string) error {
	var aside string
	if _, err := os.Lstat(dir); err == nil {
		holder, err := os.MkdirTemp(filepath.Dir(dir), sheet.TempPattern())
		if err != nil {
			return err
		}
		defer os.RemoveAll(holder)
		aside = filepath.Join(holder, "old")
		if err := os.Rename(dir, aside); err != nil {
			return err
		}
	}
	if err := os.Rename(fresh, dir); err != nil {
		if aside != "" {
			os.Rename(aside, dir) // put the old one back
		}
		return err
	}
	return nil
}

// removeSplitDir removes a workbook's per-department folder (it turned
// invalid, or its new one could not be written), when it holds only
// per-department workbooks perfeval wrote, and reports whether it did.
func removeSplitDir(dir string, opts runOptions) bool {
	if dir == "" {
		return false
	}
	if _, err := os.Lstat(dir); err != nil || foreignEntry(dir) != "" {
		return false
	}
	if err := os.RemoveAll(dir); err != nil {
		return false
	}
	opts.Log.Info().Str("folder", dir).Msg("removed an earlier run's per-department folder")
	return true
}

// cleanStale removes what killed runs left in the output folder: their
// temporary files and folders (".pe-<pid>-….tmp" of processes no longer
// running, which hold excelize's temporary copies and swapped-out
// per-department folders too) and the ".<name>.<random>.tmp" files of
// older versions. A running perfeval's temporary files are left alone.
func cleanStale(out string, log zerolog.Logger) {
	entries, err := os.ReadDir(out)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(out, name)
		if pid, ok := sheet.TempOwner(name); ok {
			if pid != os.Getpid() && processAlive(pid) {
				continue
			}
		} else if !(strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp") && e.Type().IsRegular()) {
			continue
		}
		if err := os.RemoveAll(path); err == nil {
			log.Info().Str("file", path).Msg("removed a killed run's temporary file")
		} else if !errors.Is(err, os.ErrNotExist) {
			log.Warn().Err(err).Str("file", path).Msg("cannot remove a killed run's temporary file")
		}
	}
}

// cleanStaleTemp removes from the system's temporary folder the files a
// killed run left there (the report's departments and its spool, named
// by sheet.TempPattern with the run's process id): only those, only
// files, and only when that process is gone. This process's own id is
// left alone: runs in one process (tests) share the folder.
func cleanStaleTemp(log zerolog.Logger) {
	dir := os.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := sheet.TempOwner(e.Name())
		if !ok || !e.Type().IsRegular() || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.Remove(path); err == nil {
			log.Info().Str("file", path).Msg("removed a killed run's temporary file")
		} else if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, fs.ErrPermission) { // another user's
			log.Warn().Err(err).Str("file", path).Msg("cannot remove a killed run's temporary file")
		}
	}
}

// writeSplits writes, once the run's ranks are known, the per-department
// folders of every workbook with results (--split), opts.Jobs at a time,
// and drops the results. A folder that cannot be written fails its
// workbook (status failed, its old folder removed); each workbook is then
// logged in the audit log, whose first error is returned.
func writeSplits(ctx context.Context, opts runOptions, outcomes []outcome, b *sheet.Batch) (skipped int, auditErr error) {
	var mu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	var pending []int
	for i := range outcomes {
		if outcomes[i].splitDir != "" {
			pending = append(pending, i)
		}
	}
	// Workbooks side by side, or one workbook's departments side by
	// side: never both, so that at most opts.Jobs workbooks are built at
	// once.
	inner := opts.Jobs
	if len(pending) > 1 {
		inner = 1
	}
	for range max(min(opts.Jobs, len(pending)), 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				o := &outcomes[i]
				switch {
				case o.results != nil && ctx.Err() == nil:
					writeSplitOf(opts, o, b, i, inner)
				case o.results != nil: // interrupted: no department keeps an earlier run's scores
					removeSplitDir(o.splitDir, opts)
					o.splitDir = ""
					mu.Lock()
					skipped++
					mu.Unlock()
				}
				o.results = nil
				mu.Lock()
				if o.splitFailed {
					printFile(opts.Stdout, opts.Stderr, opts.Lang, o.report)
				}
				if err := opts.audit.Log(*o); err != nil && auditErr == nil {
					auditErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, i := range pending {
		work <- i
	}
	close(work)
	wg.Wait()
	return skipped, auditErr
}

// writeSplitOf writes the per-department folder of outcome o, the i-th
// file of the run.
func writeSplitOf(opts runOptions, o *outcome, b *sheet.Batch, i, jobs int) {
	lang := opts.Lang
	source := sheet.Mark{Source: filepath.Base(o.report.Path), SourceSHA256: o.sha256}
	depts := b.Files[i].Departments
	stats := map[string][]sheet.BatchStat{} // by group: per level-1 indicator in order, then the total
	for _, g := range b.Groups {
		if len(g.Rows) > 0 {
			stats[b.Department(g.Rows[0]).Group] = g.Stats
		}
	}
	// The run's means, by the department's own level-1 names (its table's
	// names may be written another way: 决　策 for 决策).
	meanOf := func(r calc.Result, group string) sheet.MeanRates {
		m := sheet.MeanRates{Level1: map[string]decimal.Decimal{}}
		st := stats[group]
		for k, nr := range r.Level1 {
			if k < len(st) && !st[k].Total && st[k].Count > 0 {
				m.Level1[nr.Indicator.Name] = st[k].Mean
			}
		}
		if n := len(st); n > 0 && st[n-1].Total && st[n-1].Count > 0 {
			m.Total, m.Count = st[n-1].Mean, st[n-1].Count
		}
		return m
	}
	type key struct{ sheet, name string }
	first := make(map[key]int, len(depts)) // a name twice on a sheet: the first one, as before
	for j := len(depts) - 1; j >= 0; j-- {
		first[key{depts[j].Sheet, depts[j].Name}] = j
	}
	run := func(r calc.Result) (sheet.Department, bool) {
		if j, ok := first[key{r.Sheet, r.Department}]; ok {
			d := depts[j]
			return sheet.Department{Rank: d.BatchRank, Of: d.BatchOf, Mean: meanOf(r, d.Group)}, d.Counted()
		}
		return sheet.Department{Of: len(o.results)}, true
	}
	counted := false
	for _, d := range depts {
		counted = counted || d.Counted()
	}
	if !counted { // every department is counted from another file: no folder
		removeSplitDir(o.splitDir, opts)
		o.splitDir = ""
		return
	}
	var files []string
	err := writeWith(o.splitDir, func() (err error) {
		files, err = writeSplit(o.splitDir, lang, o.settings, o.results, source, o.modified, jobs, run)
		return err
	})
	if err != nil {
		removeSplitDir(o.splitDir, opts) // no department keeps old scores
		*o = o.fail(lang, o.splitDir, err)
		o.splitFailed = true // the caller prints the file again, failed
		return
	}
	o.report.Split = files
}
