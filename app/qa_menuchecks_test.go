package app

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/convscope/convscope/internal/session"
)

// viewSubmenu returns the items of View ▸ label in the window's menu.
func viewSubmenu(t *testing.T, u *UI, label string) []*fyne.MenuItem {
	t.Helper()
	mm := u.win.MainMenu()
	if mm == nil {
		t.Fatal("the window has no main menu")
	}
	for _, m := range mm.Items {
		if m.Label != "View" {
			continue
		}
		for _, it := range m.Items {
			if it.Label == label && it.ChildMenu != nil {
				return it.ChildMenu.Items
			}
		}
	}
	t.Fatalf("no View ▸ %s submenu", label)
	return nil
}

// checkedOnly fails unless want is the one checked item of View ▸ label.
func checkedOnly(t *testing.T, u *UI, label, want, after string) {
	t.Helper()
	var checked []string
	found := false
	for _, it := range viewSubmenu(t, u, label) {
		found = found || it.Label == want
		if it.Checked {
			checked = append(checked, it.Label)
		}
	}
	if !found {
		t.Fatalf("View ▸ %s has no item %q", label, want)
	}
	if len(checked) != 1 || checked[0] != want {
		t.Errorf("after %s, View ▸ %s has %q checked, expected only %q", after, label, checked, want)
	}
}

// menuAction returns the action of View ▸ label ▸ item.
func menuAction(t *testing.T, u *UI, label, item string) func() {
	t.Helper()
	for _, it := range viewSubmenu(t, u, label) {
		if it.Label == item && it.Action != nil {
			return it.Action
		}
	}
	t.Fatalf("no View ▸ %s ▸ %s", label, item)
	return nil
}

// TestMenuMarksCurrentChoice: View ▸ Colormap, Scale and Theme had no
// check mark, so the menu did not say which colormap, scale or theme was
// in use. Exactly the current item is checked, from the start and after
// a choice made on the toolbar or in the menu.
func TestMenuMarksCurrentChoice(t *testing.T) {
	u := newTestUI(t)
	v := u.ses.View()
	checkedOnly(t, u, "Colormap", v.Colormap, "the start")
	checkedOnly(t, u, "Scale", scaleLabels[v.Scale], "the start")
	checkedOnly(t, u, "Theme", "System", "the start")

	// The toolbar's drop-downs.
	menu := u.win.MainMenu()
	for _, name := range session.Colormaps() {
		if name == v.Colormap {
			continue
		}
		u.grid.cmap.SetSelected(name)
		settle(u)
		if got := u.ses.View().Colormap; got != name {
			t.Fatalf("toolbar colormap %s: the view has %s", name, got)
		}
		checkedOnly(t, u, "Colormap", name, "choosing "+name+" on the toolbar")
	}
	for _, l := range scaleLabels {
		u.grid.scale.SetSelected(l)
		settle(u)
		checkedOnly(t, u, "Scale", l, "choosing "+l+" on the toolbar")
	}
	if u.win.MainMenu() != menu {
		t.Error("the toolbar replaced the main menu instead of refreshing it")
	}

	// The menu itself: its marks and the toolbar follow.
	menuAction(t, u, "Colormap", v.Colormap)()
	settle(u)
	checkedOnly(t, u, "Colormap", v.Colormap, "View ▸ Colormap ▸ "+v.Colormap)
	if got := u.grid.cmap.Selected; got != v.Colormap {
		t.Errorf("View ▸ Colormap ▸ %s: the toolbar shows %s", v.Colormap, got)
	}
	menuAction(t, u, "Scale", scaleLabels[0])()
	settle(u)
	checkedOnly(t, u, "Scale", scaleLabels[0], "View ▸ Scale ▸ "+scaleLabels[0])
	for _, c := range themeChoices {
		menuAction(t, u, "Theme", c.label)()
		checkedOnly(t, u, "Theme", c.label, "View ▸ Theme ▸ "+c.label)
	}
	u.setTheme("system")
	checkedOnly(t, u, "Theme", "System", "setTheme(system)")
	// Zooming changes the view but no choice: the marks stay.
	u.zoom(1.25)
	settle(u)
	checkedOnly(t, u, "Colormap", v.Colormap, "zooming")
	checkedOnly(t, u, "Scale", scaleLabels[0], "zooming")
}
