package dataset

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Extensions lists the file extensions a class folder's images may have
// (compared case-insensitively). Keras' list (png, jpg, jpeg, bmp, ppm,
// tif, tiff) without ppm, plus gif and webp. Other files are ignored and
// counted in the report, as Keras ignores them.
var Extensions = []string{".bmp", ".gif", ".jpeg", ".jpg", ".png", ".tif", ".tiff", ".webp"}

// Folder is a dataset in a root folder of class subfolders, as Keras'
// flow_from_directory reads it: classes are the sorted names of the visible
// subfolders (or Options.Classes), a class's index is its position, and a
// class's images are every file with an image extension anywhere under its
// subfolder, in sorted order. Hidden files and folders (names starting with
// ".") and macOS' "__MACOSX" folders are skipped.
//
// Scan checks every image's header, so the counts are right from the start;
// files that are empty, not images, or too large are left out and reported
// (Bad). Corrupt or truncated image data further on is only found when a
// file is decoded: the Iterator then skips and reports it.
type Folder struct {
	// Classes are the class names; Files[i].Class indexes them.
	Classes []string
	// Files are the usable images, class by class, each class sorted by
	// path as Keras sorts them.
	Files []File
	// Bad are the files Scan left out, with the reason.
	Bad []BadFile
	// Ignored counts files without an image extension, by lower-case
	// extension ("" for none).
	Ignored map[string]int

	fsys fs.FS
	root string // slash-separated root within fsys
	dir  string // OS folder fsys was made from, for messages ("" if none)
	opts Options
}

// File is one image of a Folder.
type File struct {
	Path  string // slash-separated path within the Folder's fs.FS
	Class int
}

// BadFile is a file that was skipped, and why.
type BadFile struct {
	Path string // as shown to the user: an OS path for ScanDir
	Err  error
}

func (b BadFile) String() string { return b.Path + ": " + b.Err.Error() }

// ScanDir is Scan over a folder on disk. Paths in errors and reports are
// OS paths under dir.
func ScanDir(dir string, opts Options) (*Folder, error) {
	f, err := scan(osFS(dir), ".", dir, opts)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Scan lists the class subfolders of root in fsys and checks the header of
// every image in them (in parallel). It returns an error, naming the folder
// and what was expected, if root cannot be read, has fewer than two class
// subfolders, a class has no usable images, or opts are invalid (including
// binary class mode without exactly two classes).
func Scan(fsys fs.FS, root string, opts Options) (*Folder, error) {
	return scan(fsys, root, "", opts)
}

func scan(fsys fs.FS, root, dir string, opts Options) (*Folder, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	f := &Folder{fsys: fsys, root: path.Clean(root), dir: dir, opts: o, Ignored: map[string]int{}}
	if err := f.findClasses(); err != nil {
		return nil, err
	}
	var candidates []File
	for c, name := range f.Classes {
		files, err := f.listClass(c, name)
		if err != nil {
			return nil, err
		}
		candidates = append(candidates, files...)
	}
	f.Files, f.Bad = checkHeaders(fsys, candidates, o.MaxPixels, o.Workers, f.display)
	if err := f.checkCounts(); err != nil {
		return nil, err
	}
	return f, nil
}

// findClasses sets f.Classes from opts or the visible subfolders of root.
func (f *Folder) findClasses() error {
	entries, err := fs.ReadDir(f.fsys, f.root)
	if err != nil {
		return fmt.Errorf("dataset: cannot read folder %s: %w", f.display(f.root), unwrapPath(err))
	}
	var dirs, images []string
	for _, e := range entries {
		name := e.Name()
		if skipped(name) {
			continue
		}
		if f.isDir(e) {
			dirs = append(dirs, name)
		} else if imageExt(name) {
			images = append(images, name)
		}
	}
	sort.Strings(dirs)
	if len(f.opts.Classes) > 0 {
		for _, c := range f.opts.Classes {
			if i := sort.SearchStrings(dirs, c); i == len(dirs) || dirs[i] != c {
				return fmt.Errorf("dataset: folder %s has no class subfolder %q (found: %s)", f.display(f.root), c, listOrNone(dirs))
			}
		}
		dirs = append([]string(nil), f.opts.Classes...)
	}
	root := f.display(f.root)
	switch {
	case len(dirs) == 0 && len(images) > 0:
		return fmt.Errorf("dataset: folder %s holds %d images but no class subfolders: expected one subfolder per class, e.g. %s and %s, each holding that class's images",
			root, len(images), f.display(path.Join(f.root, "cats")), f.display(path.Join(f.root, "dogs")))
	case len(dirs) == 0:
		return fmt.Errorf("dataset: folder %s has no subfolders: expected one subfolder per class, e.g. %s and %s, each holding that class's images",
			root, f.display(path.Join(f.root, "cats")), f.display(path.Join(f.root, "dogs")))
	case len(dirs) == 1:
		return fmt.Errorf("dataset: folder %s has only one class subfolder (%s): expected at least two, one per class", root, dirs[0])
	case f.opts.ClassMode == Binary && len(dirs) != 2:
		return fmt.Errorf("dataset: class mode %q needs exactly 2 class subfolders, but folder %s has %d (%s); use %q or %q for more classes",
			Binary, root, len(dirs), strings.Join(dirs, ", "), Categorical, Sparse)
	}
	f.Classes = dirs
	return nil
}

// listClass walks one class subfolder and returns its image files, sorted
// as Keras sorts them: by folder path, then by file name.
func (f *Folder) listClass(class int, name string) ([]File, error) {
	type entry struct{ dir, name string }
	var list []entry
	top := path.Join(f.root, name)
	err := fs.WalkDir(f.fsys, top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("dataset: cannot read %s: %w", f.display(p), unwrapPath(err))
		}
		if p != top && skipped(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !imageExt(d.Name()) {
			f.Ignored[strings.ToLower(path.Ext(d.Name()))]++
			return nil
		}
		list = append(list, entry{path.Dir(p), d.Name()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].dir != list[j].dir {
			return list[i].dir < list[j].dir
		}
		return list[i].name < list[j].name
	})
	files := make([]File, len(list))
	for i, e := range list {
		files[i] = File{Path: path.Join(e.dir, e.name), Class: class}
	}
	return files, nil
}

// checkCounts returns an error if any class has no usable image.
func (f *Folder) checkCounts() error {
	counts := f.ClassCounts()
	total := 0
	var empty []string
	for c, n := range counts {
		total += n
		if n == 0 {
			empty = append(empty, f.display(path.Join(f.root, f.Classes[c])))
		}
	}
	var why string
	if len(f.Bad) > 0 {
		why = fmt.Sprintf("; %d unreadable files were skipped, the first: %s", len(f.Bad), f.Bad[0])
	}
	if total == 0 {
		return fmt.Errorf("dataset: folder %s has no usable images: expected image files (%s) in its class subfolders %s%s",
			f.display(f.root), strings.Join(Extensions, " "), strings.Join(f.Classes, ", "), why)
	}
	if len(empty) > 0 {
		return fmt.Errorf("dataset: class folder %s has no usable images: expected at least one image (%s) in every class subfolder%s",
			strings.Join(empty, ", "), strings.Join(Extensions, " "), why)
	}
	return nil
}

// ClassCounts returns the number of images in each class.
func (f *Folder) ClassCounts() []int {
	counts := make([]int, len(f.Classes))
	for _, file := range f.Files {
		counts[file.Class]++
	}
	return counts
}

// Options returns the options f was scanned with, defaults filled in.
func (f *Folder) Options() Options { return f.opts }

// String is Keras' summary line, e.g. "Found 2000 images belonging to 2
// classes."
func (f *Folder) String() string {
	return fmt.Sprintf("Found %d images belonging to %d classes.", len(f.Files), len(f.Classes))
}

// display turns a path within fsys into the path to show the user.
func (f *Folder) display(p string) string {
	if f.dir == "" {
		return p
	}
	return filepath.Join(f.dir, filepath.FromSlash(p))
}

// isDir reports whether e is a folder, following a symbolic link.
func (f *Folder) isDir(e fs.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	info, err := fs.Stat(f.fsys, path.Join(f.root, e.Name()))
	return err == nil && info.IsDir()
}

// skipped reports whether a file or folder is left out without a word:
// hidden (name starting with "."), or macOS' "__MACOSX" zip residue.
func skipped(name string) bool { return strings.HasPrefix(name, ".") || name == "__MACOSX" }

// imageExt reports whether name has one of Extensions.
func imageExt(name string) bool {
	return slices.Contains(Extensions, strings.ToLower(path.Ext(name)))
}

// listOrNone joins names, or says "none".
func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// unwrapPath drops the *fs.PathError wrapper, whose path is the fs-relative
// one: messages name the folder themselves.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
