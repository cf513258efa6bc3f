package exemplars

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// lockedFS is a MapFS whose folders in locked cannot be listed, as a
// root-only lost+found on a mounted disk.
type lockedFS struct {
	fstest.MapFS
	locked map[string]bool
}

func (f lockedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if f.locked[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.MapFS.ReadDir(name)
}

// TestListImagesSkipsUnreadableFolders: one unreadable subfolder failed
// the whole scan ("open /proc/1/fdinfo: permission denied" when scanning
// /; a root-only lost+found on a data disk). It is skipped and reported;
// an unreadable top folder is still an error.
func TestListImagesSkipsUnreadableFolders(t *testing.T) {
	fsys := lockedFS{MapFS: fstest.MapFS{
		"a/1.png":          {},
		"a/notes.txt":      {},
		"lost+found/x.png": {},
		"b/c/2.JPG":        {},
		".hidden/3.png":    {},
		"4.webp":           {},
	}, locked: map[string]bool{"lost+found": true}}
	dir := filepath.FromSlash("/data")
	files, skipped, err := listImages(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "4.webp"), filepath.Join(dir, "a", "1.png"), filepath.Join(dir, "b", "c", "2.JPG")}
	if !reflect.DeepEqual(files, want) {
		t.Errorf("files %v, expected %v", files, want)
	}
	if len(skipped) != 1 || skipped[0] != filepath.Join(dir, "lost+found")+": "+fs.ErrPermission.Error() {
		t.Errorf("skipped %q, expected lost+found: permission denied", skipped)
	}
	fsys.locked["."] = true
	if _, _, err := listImages(fsys, dir); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("an unreadable top folder: %v", err)
	}
}

// TestListImagesPaths: a single image is a list of one (as before the
// walk moved to an fs.FS), anything else that is not a folder is one error.
func TestListImagesPaths(t *testing.T) {
	dir := writeImages(t, 2) // and broken.png
	files, err := ListImages(dir)
	if err != nil || len(files) != 3 {
		t.Fatalf("%v, %v", files, err)
	}
	if got, err := ListImages(files[1]); err != nil || !reflect.DeepEqual(got, files[1:2]) {
		t.Errorf("one image: %v, %v", got, err)
	}
	text := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(text, []byte("x"), 0o644)
	for _, p := range []string{text, filepath.Join(dir, "missing")} {
		if _, err := ListImages(p); err == nil || strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("%s: %v", path.Base(p), err)
		}
	}
}

// TestScanFilesNothingReadable: a folder where no image decodes gave
// "32 channels × top 9 over 0 images", exit 0 and 32 empty contact
// sheets; it is an error now. A batch larger than the files is cut to
// them (--batch 100000000 allocated a tensor of 10⁸ images).
func TestScanFilesNothingReadable(t *testing.T) {
	m := defaultModel(t)
	dir := t.TempDir()
	var bad []string
	for _, name := range []string{"empty.png", "text.png"} {
		p := filepath.Join(dir, name)
		data := []byte("not an image")
		if name == "empty.png" {
			data = nil
		}
		os.WriteFile(p, data, 0o644)
		bad = append(bad, p)
	}
	c, err := NewCollector(m.Net, []string{"conv2d_1"}, DefaultTop)
	if err != nil {
		t.Fatal(err)
	}
	skipped, err := ScanFiles(context.Background(), m, bad, c, 1<<40, nil)
	if err == nil || !strings.Contains(err.Error(), "none of the 2 image files could be read") || len(skipped) != 2 {
		t.Errorf("skipped %v, error %v", skipped, err)
	}
	good, err := ListImages(writeImages(t, 3)) // and broken.png
	if err != nil {
		t.Fatal(err)
	}
	if skipped, err := ScanFiles(context.Background(), m, append(good, bad...), c, 1<<40, nil); err != nil || len(skipped) != 3 {
		t.Errorf("3 good and 3 bad files: skipped %v, error %v", skipped, err)
	}
}
