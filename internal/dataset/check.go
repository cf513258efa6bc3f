package dataset

import (
	"bufio"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// osFS is the fs.FS of a folder on disk.
func osFS(dir string) fs.FS { return os.DirFS(dir) }

// checkHeaders reads the header of every file (workers at a time) and
// splits them into usable files and bad ones, both in the input order.
func checkHeaders(fsys fs.FS, files []File, maxPixels, workers int, display func(string) string) (good []File, bad []BadFile) {
	errs := make([]error, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			br := bufio.NewReaderSize(nil, 4096)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				errs[i] = checkFile(fsys, files[i].Path, maxPixels, br)
			}
		}()
	}
	wg.Wait()
	for i, file := range files {
		if errs[i] != nil {
			bad = append(bad, BadFile{Path: display(file.Path), Err: errs[i]})
			continue
		}
		good = append(good, file)
	}
	return good, bad
}

// checkFile opens one file and checks that it is non-empty and starts with
// a supported image header within the pixel limit.
func checkFile(fsys fs.FS, name string, maxPixels int, br *bufio.Reader) error {
	f, err := fsys.Open(name)
	if err != nil {
		return unwrapPath(err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() == 0 {
		return ErrEmpty
	}
	br.Reset(f)
	if _, err := br.Peek(1); err == io.EOF {
		return ErrEmpty
	} else if err != nil {
		return err
	}
	_, err = checkHeader(br, maxPixels)
	return err
}
