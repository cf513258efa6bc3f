package app

import (
	"fmt"
	"log"
	"runtime/debug"
)

// guard returns fn wrapped so that a panic in it (a bug) is logged with its
// stack and reported in the status bar instead of closing the window (issue
// #17: no user action may crash the app). Every menu item, shortcut and
// toolbar or training button runs through it; background work is guarded
// in internal/session.
func (u *UI) guard(what string, fn func()) func() {
	if fn == nil {
		return nil
	}
	return func() {
		defer func() {
			if r := recover(); r != nil {
				log.Printf("convscope: panic in %s: %v\n%s", what, r, debug.Stack())
				if u.status != nil {
					u.setStatus(fmt.Sprintf("Internal error in %s: %v (details in the log). The window stays open.", what, r))
				}
			}
		}()
		fn()
	}
}

// safely runs fn, logging a panic instead of propagating it (for Fyne's
// own handlers, which have no status bar to report to).
func safely(what string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("convscope: panic in %s: %v\n%s", what, r, debug.Stack())
		}
	}()
	fn()
}
