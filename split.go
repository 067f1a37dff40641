package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"perfeval/calc"
	"perfeval/sheet"
)

// writeSplit writes one workbook per department into a fresh temporary
// folder next to dir and swaps it in for dir, so that the files of
// departments renamed or removed since the last run disappear with it.
// Each is named <年度><评价名称>结果_<部门>.xlsx (sheet.DepartmentResultName);
// names that clash after making them safe for the file system ("部门/A"
// and "部门_A") are numbered in the departments' column order. Each shows
// its department beside the mean rates of the departments of tables with
// its indicators and weights (of this workbook, for now: a run's means can
// be given instead once the run computes them). modTime is the input's modification time.
func writeSplit(dir, lang string, s calc.Settings, results []calc.Result, source sheet.Mark, modTime time.Time) ([]string, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), sheet.TempPattern())
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // gone already once swapped in
	used := map[string]bool{}
	var names []string
	means := sheet.MeanRatesByTree(results)
	for _, r := range results {
		path := outputPath(tmp, sheet.DepartmentResultName(r.Department, s, lang), used)
		d := sheet.Department{Lang: lang, Settings: s, Result: r, Of: len(results), Mean: means[r.Table], Source: source, Time: modTime}
		if err := sheet.WriteDepartment(path, d); err != nil {
			return nil, err
		}
		names = append(names, filepath.Base(path))
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
// per-department workbooks perfeval wrote.
func removeSplitDir(dir string, opts runOptions) {
	if dir == "" {
		return
	}
	if _, err := os.Lstat(dir); err != nil || foreignEntry(dir) != "" {
		return
	}
	if err := os.RemoveAll(dir); err == nil {
		opts.Log.Info().Str("folder", dir).Msg("removed an earlier run's per-department folder")
	}
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
