package session

import (
	"fmt"
	"log"
	"runtime/debug"
)

// catch, deferred at the top of a goroutine's unit of work (the worker's
// requests, background jobs, a training run), turns a panic into an error
// for report, with the stack in the log: a bug in one job must not close the
// window (issue #17). Use it as `defer catch("what", report)`.
func catch(what string, report func(error)) {
	r := recover()
	if r == nil {
		return
	}
	log.Printf("convscope: panic in %s: %v\n%s", what, r, debug.Stack())
	report(fmt.Errorf("internal error in %s: %v (details in the log)", what, r))
}
