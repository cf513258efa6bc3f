package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/theme"
)

// Help has the shortcuts, the documentation and the version; View has a
// theme choice that sticks (issue #17 defect 10).
func TestHelpAndThemeMenus(t *testing.T) {
	u := newTestUI(t)
	labels := func(menu string) []string {
		for _, m := range u.mainMenu().Items {
			if m.Label == menu {
				var l []string
				for _, it := range m.Items {
					l = append(l, it.Label)
				}
				return l
			}
		}
		return nil
	}
	help := strings.Join(labels("Help"), "|")
	for _, want := range []string{"Keyboard Shortcuts", "Documentation (README)", "About Convscope"} {
		if !strings.Contains(help, want) {
			t.Errorf("Help menu %q lacks %q", help, want)
		}
	}
	if view := strings.Join(labels("View"), "|"); !strings.Contains(view, "Theme") {
		t.Errorf("View menu %q lacks Theme", view)
	}
	if v := u.version(); v == "" {
		t.Error("no version")
	}
	for _, keys := range []string{"Ctrl+O", "Ctrl+Shift+O", "Ctrl+S", "Ctrl+E", "Ctrl+T", "Ctrl+N", "Ctrl+Q", "Ctrl+0"} {
		if !strings.Contains(shortcutHelp(), keys) {
			t.Errorf("shortcut help lacks %s", keys)
		}
	}

	light := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight)
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	for _, c := range []struct {
		pref string
		want any
	}{{"light", light}, {"dark", dark}} {
		u.setTheme(c.pref)
		// Whatever variant the system asks for, the chosen one is drawn.
		got := u.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark)
		got2 := u.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight)
		if got != c.want || got2 != c.want {
			t.Errorf("theme %s: background %v / %v, want %v", c.pref, got, got2, c.want)
		}
		if p := u.app.Preferences().String(prefTheme); p != c.pref {
			t.Errorf("theme preference %q, want %q", p, c.pref)
		}
	}
	u.setTheme("system")
	if got := u.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight); got != light {
		t.Errorf("system theme in the light variant: %v", got)
	}
}
