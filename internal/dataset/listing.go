package dataset

// CheckListing makes the checks of ScanDir that need only the folder
// listing: dir can be read, it has at least two class subfolders (every
// one of opts.Classes, when given; exactly two in binary class mode), and
// every class subfolder holds at least one file with an image extension.
// No image is opened, so it is quick enough to run before asking the user
// anything (the app checks the data before asking whether to replace the
// trained weights). ScanDir, which reads every header, still decides which
// files are usable. The errors are ScanDir's; without one it returns the
// class names (a validation folder is then checked with them as
// opts.Classes).
func CheckListing(dir string, opts Options) ([]string, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	f := &Folder{fsys: osFS(dir), root: ".", dir: dir, opts: o, Ignored: map[string]int{}}
	if err := f.findClasses(); err != nil {
		return nil, err
	}
	for c, name := range f.Classes {
		files, err := f.listClass(c, name)
		if err != nil {
			return nil, err
		}
		f.Files = append(f.Files, files...)
	}
	if err := f.checkCounts(); err != nil {
		return nil, err
	}
	return f.Classes, nil
}
