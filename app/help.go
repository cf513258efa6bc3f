package app

import (
	"fmt"
	"image/color"
	"net/url"
	"runtime/debug"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// docsURL is the README, which documents the app and the command line.
const docsURL = "https://github.com/convscope/convscope#readme"

// prefTheme stores the chosen theme: "system", "light" or "dark".
const prefTheme = "view.theme"

// themeChoices name the View ▸ Theme entries, in menu order.
var themeChoices = []struct{ label, pref string }{{"System", "system"}, {"Light", "light"}, {"Dark", "dark"}}

// variantTheme is Fyne's default theme in one variant, whatever the
// system's setting.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// setTheme applies and remembers a theme choice ("system", "light", "dark").
func (u *UI) setTheme(pref string) {
	switch pref {
	case "light":
		u.app.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantLight})
	case "dark":
		u.app.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantDark})
	default:
		pref = "system"
		u.app.Settings().SetTheme(theme.DefaultTheme())
	}
	u.app.Preferences().SetString(prefTheme, pref)
}

// themeMenu is View ▸ Theme.
func (u *UI) themeMenu() *fyne.MenuItem {
	it := fyne.NewMenuItem("Theme", nil)
	for _, c := range themeChoices {
		it.ChildMenu = appendItem(it.ChildMenu, c.label, u.guard("Theme", func() { u.setTheme(c.pref) }))
	}
	return it
}

// version returns the app's version: FyneApp.toml's, which `fyne package`
// builds in, or the module's build information for a plain `go build`.
func (u *UI) version() string {
	if v := u.app.Metadata().Version; v != "" {
		if b := u.app.Metadata().Build; b > 0 {
			return fmt.Sprintf("%s (build %d)", v, b)
		}
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "development build " + s.Value[:12]
			}
		}
	}
	return "development build"
}

// shortcutHelp lists the keyboard shortcuts, for Help ▸ Keyboard Shortcuts.
func shortcutHelp() string {
	rows := []struct{ keys, what string }{
		{"Ctrl+O", "Open an image (or drop one on the window)"},
		{"Ctrl+N", "Next sample image"},
		{"Ctrl+Shift+O", "Open a model"},
		{"Ctrl+S", "Save the model"},
		{"Ctrl+E", "Export the grid as PNG"},
		{"Ctrl+= / Ctrl+-", "Zoom the maps in / out"},
		{"Ctrl+0", "Maps at actual size"},
		{"Ctrl+T", "Training tab"},
		{"Ctrl+Q", "Quit"},
		{"Ctrl+L", "In Open and folder dialogs: type a path (or just start typing)"},
		{"Escape", "Close the channel inspector or a message"},
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-16s %s\n", r.keys, r.what)
	}
	b.WriteString("\nOn macOS, Cmd instead of Ctrl.")
	return b.String()
}

func (u *UI) showShortcuts() {
	l := widget.NewLabel(shortcutHelp())
	l.TextStyle.Monospace = true
	d := dialog.NewCustom("Keyboard Shortcuts", "Close", container.NewPadded(l), u.win)
	u.closeWithKeys(d, fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter)
	d.Show()
}

func (u *UI) openDocs() {
	if link, err := url.Parse(docsURL); err == nil {
		if err := u.app.OpenURL(link); err != nil {
			u.setStatus("Cannot open " + docsURL + ": " + err.Error())
		}
	}
}
