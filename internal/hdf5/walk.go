package hdf5

// Walk calls fn for every object under g, depth first in storage order,
// and fails on a cycle (a group that contains one of its ancestors).
func (g *Group) Walk(fn func(o *Object) error) error {
	budget := g.f.size/8 + 64 // a hard link costs a file at least 8 bytes
	return g.walk(fn, map[uint64]bool{g.hdr.addr: true}, 0, &budget)
}

func (g *Group) walk(fn func(o *Object) error, ancestors map[uint64]bool, depth int, budget *int64) error {
	if depth > 256 {
		return errorf("groups nested more than 256 deep under %s", g.path)
	}
	ls, err := g.links()
	if err != nil {
		return err
	}
	for _, l := range ls {
		p := joinPath(g.path, l.name)
		if *budget--; *budget < 0 {
			return errorf("more objects under %s than the file can hold (shared subgroups?)", g.path)
		}
		if ancestors[l.addr] {
			return errorf("cycle: %s links back to one of its ancestor groups", p)
		}
		h, err := g.f.header(l.addr)
		if err != nil {
			return err
		}
		o := &Object{f: g.f, path: p, hdr: h}
		if err := fn(o); err != nil {
			return err
		}
		if o.IsGroup() {
			ancestors[l.addr] = true
			err := (&Group{*o}).walk(fn, ancestors, depth+1, budget)
			delete(ancestors, l.addr)
			if err != nil {
				return err
			}
		}
	}
	return nil
}
