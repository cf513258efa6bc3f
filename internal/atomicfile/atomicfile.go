// Package atomicfile writes files so that a reader never sees a half-written
// one and a failed write never destroys the previous version: the content
// goes to a hidden temporary file in the same directory, is flushed to disk
// (fsync), and is then renamed over the destination (rename is atomic within
// a directory on POSIX systems and on NTFS), and the directory is flushed so
// that the new name survives a power failure.
//
// A process killed mid-write leaves its hidden temporary file
// (".NAME.tmpNNNN") behind; the destination is never damaged
// (TestCrashSafeSaving kills a writer a few hundred times to check). The
// next successful Write of the same destination removes such leftovers
// once they are StaleAfter old, an age no save in progress reaches.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// StaleAfter is the age from which a temporary file of a destination is a
// leftover of a killed writer.
const StaleAfter = time.Hour

// Write creates or replaces path with what fn writes (through a buffered
// writer). The file gets mode 0644. If fn or any step fails, the temporary
// file is removed, path is left as it was and the error is returned.
func Write(path string, fn func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return folderError(filepath.Dir(path), err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = fn(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	RemoveStale(filepath.Dir(path), "."+filepath.Base(path)+".tmp", "", time.Now().Add(-StaleAfter))
	return nil
}

// RemoveStale removes the regular files in dir whose names start with
// prefix and end with suffix, last modified before cutoff: the temporary
// files of writers killed mid-write. It is best effort and reports
// nothing.
func RemoveStale(dir, prefix, suffix string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) || len(name) <= len(prefix)+len(suffix) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// syncDir flushes a directory's entries to disk, making a rename in it
// durable across a power failure (fsync(2) of the file alone does not
// persist its new name). It is best effort: Windows cannot open a directory
// for syncing, and the file is complete either way.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// folderError is a temporary file that could not be created, told in
// terms of the destination's folder: the temporary's own name
// (".x.png.tmp1669669167") means nothing to the person who asked to save
// x.png. It unwraps to the cause (errors.Is(err, fs.ErrNotExist) holds).
func folderError(dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &dirError{dir: dir, err: err}
}

type dirError struct {
	dir string
	err error
}

func (e *dirError) Error() string {
	if errors.Is(e.err, fs.ErrNotExist) {
		return "the folder " + e.dir + " does not exist"
	}
	return "cannot write in the folder " + e.dir + ": " + e.err.Error()
}

func (e *dirError) Unwrap() error { return e.err }
