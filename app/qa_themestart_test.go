package app

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TestRememberedThemeComesFirst: with Light remembered, the restarted
// app drew the side panel's headings ("Prediction", "Samples", "Colour
// scale"), "network input" and the grid's filter in white on white. The
// theme was set after the window's widgets were built, and the desktop
// driver restyles widgets on a theme change only once the app runs, so
// the widgets built before it kept the default theme's colours (the test
// driver restyles at once, so this test checks the order: the theme is
// set before the window has its content).
func TestRememberedThemeComesFirst(t *testing.T) {
	a := newTempApp(t)
	a.Preferences().SetString(prefTheme, "light")
	var at []fyne.CanvasObject // the window's content when the theme was set
	set := 0
	a.Settings().AddListener(func(fyne.Settings) {
		set++
		for _, w := range a.Driver().AllWindows() {
			at = append(at, w.Content())
		}
	})
	q := &uiQueue{}
	u := New(a, Options{Model: tinyModel(t), Samples: testSamples(), NoSample: true, post: q.post,
		fashionDir: filepath.Join(t.TempDir(), "no-fashion-mnist"), skipDiscardQuestion: true})
	t.Cleanup(u.ses.Close)
	if set == 0 {
		t.Fatal("the remembered light theme was not set")
	}
	for _, c := range at {
		if c != nil && c == u.win.Content() {
			t.Error("the remembered theme was set after the window had its content")
		}
	}
	light := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight)
	if got := u.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark); got != light {
		t.Errorf("background %v, expected the light theme's %v", got, light)
	}
	checkedOnly(t, u, "Theme", "Light", "starting with Light remembered")
}
