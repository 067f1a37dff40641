package sheet

import (
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"
)

// saveAtomic writes f to path through a hidden temporary file in the same
// folder, renamed into place only when complete: a failure or crash never
// leaves a half-written workbook at path. The file gets mode 0644.
func saveAtomic(f *excelize.File, path string) (err error) {
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
	if _, err = f.WriteTo(tmp); err != nil {
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
