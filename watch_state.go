package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"perfeval/sheet"
)

// stateName is watch's state file in the output folder: every workbook
// it has processed, as the batch summary lists it, so that the summary
// stays whole across restarts.
const stateName = ".perfeval-watch.json"

// stateVersion is the state file's format; a file of another version is
// set aside, not read.
const stateVersion = 1

// watchState is what watch has processed, in order.
type watchState struct {
	Version int               `json:"version"`
	Files   []watchStateEntry `json:"files"`
}

// watchStateEntry is one processed workbook: its name and content's
// SHA-256 (the same file dropped again replaces it; a department sent
// again in another file counts once, from the file modified last) and
// what the batch summary lists of it.
type watchStateEntry struct {
	Name   string          `json:"name"` // the file's name in the inbox
	SHA256 string          `json:"sha256"`
	File   sheet.BatchFile `json:"file"`
}

// loadWatchState reads the state file of the output folder out: an empty
// state when there is none. A state file that cannot be read is moved
// aside (its name says so) and the watch starts afresh, saying why.
func loadWatchState(out string) (*watchState, error) {
	path := filepath.Join(out, stateName)
	s := &watchState{Version: stateVersion}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, 256<<20))
	if err := dec.Decode(s); err != nil || s.Version != stateVersion {
		if err == nil {
			err = fmt.Errorf("version %d, want %d", s.Version, stateVersion)
		}
		aside := path + ".unreadable"
		os.Rename(path, aside)
		return &watchState{Version: stateVersion}, fmt.Errorf("%s: %v (moved to %s)", path, err, aside)
	}
	return s, nil
}

// save writes the state atomically.
func (s *watchState) save(out string) error {
	return sheet.WriteAtomic(filepath.Join(out, stateName), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(s)
	})
}

// put records a processed workbook by its name in the inbox and its
// content's SHA-256, replacing the same file dropped again, and returns
// its index. The same content under another name is another entry: its
// departments are copies, which the run resolves as it does any copy.
func (s *watchState) put(name, sha string, f sheet.BatchFile) int {
	s.Version = stateVersion
	for i := range s.Files {
		if sha != "" && s.Files[i].SHA256 == sha && s.Files[i].Name == name {
			s.Files = append(s.Files[:i], s.Files[i+1:]...)
			break
		}
	}
	s.Files = append(s.Files, watchStateEntry{Name: name, SHA256: sha, File: f})
	return len(s.Files) - 1
}

// batchFiles are the state's workbooks, fresh for a batch.
func (s *watchState) batchFiles() []sheet.BatchFile {
	out := make([]sheet.BatchFile, len(s.Files))
	for i, e := range s.Files {
		out[i] = e.File
		out[i].Departments = append([]sheet.BatchDepartment(nil), e.File.Departments...)
		for k := range out[i].Departments { // the run's own, made again by each batch
			d := &out[i].Departments[k]
			d.BatchRank, d.BatchOf, d.CountedIn = 0, 0, ""
		}
	}
	return out
}
