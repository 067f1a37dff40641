package sheet

import (
	"io"
	"os"
	"path/filepath"
)

// WriteAtomic writes a file through a hidden temporary file in the same
// folder, renamed into place only when write succeeded: a failure or a
// crash never leaves a half-written file at path, and an earlier file at
// path stays whole until it is replaced. The file gets mode 0644.
func WriteAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
