package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// TempPrefix starts the name of every temporary file or folder perfeval
// makes: ".pe-<process id>-<random>.tmp". The names are short, so that an
// output name may use the whole 255 bytes a file system allows, and carry
// the process id, so that a later run can tell a killed run's leftovers
// from a running one's (see TempOwner).
const TempPrefix = ".pe-"

// TempPattern is the os.CreateTemp / os.MkdirTemp pattern of this
// process's temporary names.
func TempPattern() string {
	return fmt.Sprintf("%s%d-*.tmp", TempPrefix, os.Getpid())
}

// TempOwner is the process id in a temporary name made from TempPattern,
// or false when name is not one.
func TempOwner(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, TempPrefix)
	if !ok || !strings.HasSuffix(name, ".tmp") {
		return 0, false
	}
	pid, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(pid)
	return n, err == nil && n > 0
}

// WriteAtomic writes a file through a hidden temporary file in the same
// folder, renamed into place only when write succeeded: a failure or a
// crash never leaves a half-written file at path, and an earlier file at
// path stays whole until it is replaced. The file gets mode 0644.
func WriteAtomic(path string, write func(io.Writer) error) error {
	return writeAtomic(path, write, nil)
}

// Settle is the last step of an atomic write (the file synced to disk,
// closed and renamed into place) left to run on a goroutine of its own,
// for a caller that has other work to do meanwhile: syncing waits on the
// disk, not on a core. A batch of small workbooks spends a tenth of its
// time there (0.7 ms a file), and goes on with its next workbook instead.
// Wait says how it went; until it returns nil the file is not at its
// path (its temporary file is, hidden).
type Settle struct {
	// BeforeRename, when set, runs just before the rename; an error it
	// returns stands for the rename's (tests use it for a disk that fails
	// late).
	BeforeRename func() error

	done chan struct{} // closed once the file is in place or removed
	err  error
}

// Wait waits for the last step and returns its error: the file is in
// place when it is nil, and gone (temporary file and all) otherwise. A
// Settle whose write failed before its last step started returns nil.
func (s *Settle) Wait() error {
	if s == nil || s.done == nil {
		return nil
	}
	<-s.done
	return s.err
}

// writeAtomic is WriteAtomic, whose last step runs on a goroutine of its
// own when settle is not nil.
func writeAtomic(path string, write func(io.Writer) error, settle *Settle) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), TempPattern())
	if err != nil {
		return err
	}
	handed := false // to putInPlace, which removes tmp when it fails
	defer func() {
		recoverWrite(&err)
		if err != nil && !handed {
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
	handed = true
	if settle == nil {
		return putInPlace(tmp, path, nil)
	}
	settle.done = make(chan struct{})
	go func() {
		defer close(settle.done)
		settle.err = putInPlace(tmp, path, settle.BeforeRename)
	}()
	return nil
}

// putInPlace syncs the temporary file tmp, closes it and renames it to
// path; when any of it fails, tmp is removed.
func putInPlace(tmp *os.File, path string, beforeRename func() error) (err error) {
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if beforeRename != nil {
		if err = beforeRename(); err != nil {
			return err
		}
	}
	return os.Rename(tmp.Name(), path)
}

// CloseRemove closes the temporary file f and removes it: the first
// error of the two.
func CloseRemove(f *os.File) error {
	err := f.Close()
	if rmErr := os.Remove(f.Name()); err == nil {
		err = rmErr
	}
	return err
}

// ErrWriter is the reason an output could not be made when the workbook
// writer itself failed on an unusual workbook (excelize panicked): that
// file's output fails, the run goes on.
var ErrWriter = errors.New("the workbook writer failed")

// recoverWrite turns a panic of the writer into ErrWriter, for a deferred
// call in every function that writes a workbook.
func recoverWrite(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%w: %v", ErrWriter, p)
	}
}

// saveMarked marks f with m and writes it atomically at path, never
// encrypted, even when f was opened with a password: encryption is salted
// at random, so a rerun would not give the same bytes, and the person who
// has the password protects or stores the result as needed.
func saveMarked(f *excelize.File, path string, m Mark) error {
	return saveMarkedCols(f, path, m, nil, "")
}

// saveMarkedCols is saveMarked that also puts the column widths of
// streamed sheets in (see firstActive), their large parts spooled in
// tmpDir ("": the system's temporary folder).
func saveMarkedCols(f *excelize.File, path string, m Mark, cols map[string]*streamedSheet, tmpDir string) error {
	return saveCarrying(f, nil, path, "", m, cols, tmpDir, nil) // no Password: written in the clear
}

// saveWorkbook writes f atomically at path. The bytes are the same for the
// same workbook: excelize lists the default content types of a workbook
// with a chart in map order, so they are sorted here.
func saveWorkbook(f *excelize.File, path string, opts ...excelize.Options) error {
	return WriteAtomic(path, func(w io.Writer) error {
		buf, err := writeBuffer(f, opts...)
		if err != nil {
			return err
		}
		return stableZip(buf.Bytes(), w)
	})
}

func writeBuffer(f *excelize.File, opts ...excelize.Options) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return newZipWriter(w) })
	if _, err := f.WriteTo(&buf, opts...); err != nil {
		return nil, err
	}
	return &buf, nil
}

var defaultContentType = regexp.MustCompile(`<Default [^>]*>(</Default>)?`)

// stableZip copies a workbook package to w with its parts in a stable
// order and its [Content_Types].xml defaults sorted; anything that is not a zip (an encrypted workbook) is
// copied as it is.
func stableZip(data []byte, w io.Writer) error {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		_, err = w.Write(data)
		return err
	}
	zw := newZipWriter(w)
	for _, file := range stableOrder(r.File) {
		if file.Name != contentTypes {
			if err := copyRaw(zw, file); err != nil {
				return err
			}
			continue
		}
		if err := writeContentTypes(zw, file); err != nil {
			return err
		}
	}
	return zw.Close()
}

const contentTypes = "[Content_Types].xml"

// stableOrder is the order a package's parts are written in: excelize
// writes the parts of streamed sheets in map order, so they go out
// [Content_Types].xml first, then by name.
func stableOrder(parts []*zip.File) []*zip.File {
	files := append([]*zip.File(nil), parts...)
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i].Name, files[j].Name
		if (a == contentTypes) != (b == contentTypes) {
			return a == contentTypes
		}
		return a < b
	})
	return files
}

// writeContentTypes writes the [Content_Types].xml part with its
// defaults sorted.
func writeContentTypes(zw *zip.Writer, file *zip.File) error {
	rc, err := file.Open()
	if err != nil {
		return err
	}
	xml, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	header := file.FileHeader
	out, err := zw.CreateHeader(&zip.FileHeader{Name: header.Name, Method: header.Method, Modified: header.Modified})
	if err != nil {
		return err
	}
	_, err = out.Write(sortDefaults(xml))
	return err
}

// sortDefaults sorts the run of <Default> elements of a content types
// part, when they stand together.
func sortDefaults(xml []byte) []byte {
	locs := defaultContentType.FindAllIndex(xml, -1)
	if len(locs) < 2 {
		return xml
	}
	for i := 1; i < len(locs); i++ {
		if locs[i][0] != locs[i-1][1] {
			return xml // not one run: leave it
		}
	}
	var parts []string
	for _, l := range locs {
		parts = append(parts, string(xml[l[0]:l[1]]))
	}
	sort.Strings(parts)
	start, end := locs[0][0], locs[len(locs)-1][1]
	out := append([]byte(nil), xml[:start]...)
	out = append(out, strings.Join(parts, "")...)
	return append(out, xml[end:]...)
}
