package sheet

import (
	"os"
	"sync"
)

// SpillFile is a temporary file to which a run moves what it no longer
// needs in memory until its end: appended to by several jobs at once
// (Append), read back where Append put it (ReadAt) once every append is
// done. Close removes it; appends and reads after Close fail with
// os.ErrClosed.
type SpillFile struct {
	mu   sync.Mutex
	f    *os.File
	size int64
}

// NewSpillFile makes the file in dir (the system's temporary folder
// when dir is "").
func NewSpillFile(dir string) (*SpillFile, error) {
	f, err := os.CreateTemp(dir, TempPattern())
	if err != nil {
		return nil, err
	}
	return &SpillFile{f: f}, nil
}

// Append writes b at the end of the file and returns where.
func (s *SpillFile) Append(b []byte) (at int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return 0, os.ErrClosed
	}
	if _, err := s.f.WriteAt(b, s.size); err != nil {
		return 0, err
	}
	at = s.size
	s.size += int64(len(b))
	return at, nil
}

// ReadAt reads len(b) bytes at off.
func (s *SpillFile) ReadAt(b []byte, off int64) (int, error) {
	if s.f == nil {
		return 0, os.ErrClosed
	}
	return s.f.ReadAt(b, off)
}

// Name is the file's path, Size how much was appended.
func (s *SpillFile) Name() string { return s.f.Name() }
func (s *SpillFile) Size() int64  { return s.size }

// Close removes the file.
func (s *SpillFile) Close() error {
	if s == nil || s.f == nil {
		return nil
	}
	err := CloseRemove(s.f)
	s.f = nil
	return err
}
