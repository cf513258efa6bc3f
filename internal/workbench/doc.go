// Package workbench is the Fyne-free heart of Convscope's desktop app: the
// current model and its metadata, the image on screen, activations and
// predictions computed off the UI goroutine (stale requests are dropped,
// bursts coalesced), per-layer sheets rendered into fresh buffers, a
// training runner with pause/resume/stop and throttled progress, the
// training history as plot series, and saving, loading and exporting.
//
// Nothing here imports Fyne. Callbacks run on workbench goroutines; the UI
// wraps them in fyne.Do.
package workbench
