package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
)

// PreferencesPath is where Fyne 2.7 keeps the preferences of the app with
// ID id on a desktop (fyne.io/fyne/v2/internal/app.RootConfigDir, then
// <id>/preferences.json).
func PreferencesPath(id string) string {
	var root string
	switch runtime.GOOS {
	case "darwin":
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, "Library", "Preferences")
	case "windows":
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, "AppData", "Roaming")
	default:
		root, _ = os.UserConfigDir()
	}
	return filepath.Join(root, "fyne", id, "preferences.json")
}

// FixPreferences makes an empty or damaged preferences file at path read
// as no preferences, before Fyne loads it: Fyne logged "Preferences load
// error: EOF" for an empty file (issue #17 defect 10). An empty file (or
// only blanks) is removed quietly; one that is not a JSON object (a
// truncated write) is kept beside it as preferences.json.damaged and
// FixPreferences returns one line saying so, for the status bar. A file
// that reads fine, or none, is left alone ("").
func FixPreferences(path string) (note string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "" // none, or unreadable: Fyne says why
	}
	if len(bytes.TrimSpace(b)) == 0 {
		os.Remove(path)
		return ""
	}
	var values map[string]any
	if json.Unmarshal(b, &values) == nil {
		return ""
	}
	damaged := path + ".damaged"
	if err := os.Rename(path, damaged); err != nil {
		return ""
	}
	note = fmt.Sprintf("The preferences file was damaged; Convscope starts with default settings (the old file is %s).", damaged)
	log.Print("convscope: ", note)
	return note
}
