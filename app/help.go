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
	u.syncMenuChecks()
}

// themeMenu is View ▸ Theme.
func (u *UI) themeMenu() *fyne.MenuItem {
	it := fyne.NewMenuItem("Theme", nil)
	for _, c := range themeChoices {
		it.ChildMenu = appendItem(it.ChildMenu, c.label, u.guard("Theme", func() { u.setTheme(c.pref) }))
	}
	return it
}

// version returns the app's version (versionText) for Help ▸ About.
func (u *UI) version() string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = s.Value[:12]
			}
		}
	}
	return versionText(u.app.Metadata(), u.progVersion, rev)
}

// versionText is FyneApp.toml's version and build when the app has them
// (`fyne package` builds them in; a plain `go build` run beside the
// project's FyneApp.toml reads it), otherwise the program's own version
// (Options.Version, the command line's) as a development build of
// revision rev. Fyne's placeholder metadata for a binary without either
// — an empty ID, version 0.0.1, build 1 — made About say "Convscope 0.0.1
// (build 1)" for the 0.1.0 that scripts/run.sh builds.
func versionText(md fyne.AppMetadata, progVersion, rev string) string {
	if md.ID != "" && md.Version != "" {
		if md.Build > 0 {
			return fmt.Sprintf("%s (build %d)", md.Version, md.Build)
		}
		return md.Version
	}
	dev := "development build"
	if rev != "" {
		dev += " " + rev
	}
	if progVersion != "" {
		return progVersion + " (" + dev + ")"
	}
	return dev
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
