package app

import "fyne.io/fyne/v2"

// markChoices puts the check mark on the View menu's current colormap,
// scale and theme (Colormap, Scale and Theme submenus) and takes it off
// the others. It reports whether any mark moved.
func (u *UI) markChoices(mm *fyne.MainMenu) bool {
	if mm == nil || u.ses == nil {
		return false
	}
	v := u.ses.View()
	current := map[string]string{"Colormap": v.Colormap, "Theme": u.themeLabel()}
	if int(v.Scale) >= 0 && int(v.Scale) < len(scaleLabels) {
		current["Scale"] = scaleLabels[v.Scale]
	}
	moved := false
	for _, m := range mm.Items {
		if m.Label != "View" {
			continue
		}
		for _, it := range m.Items {
			cur, ok := current[it.Label]
			if !ok || it.ChildMenu == nil {
				continue
			}
			for _, c := range it.ChildMenu.Items {
				if on := c.Label == cur; c.Checked != on {
					c.Checked, moved = on, true
				}
			}
		}
	}
	return moved
}

// syncMenuChecks keeps the window's View menu marks on the current
// choices, whether they were made from the menu or the toolbar; Fyne
// redraws a menu only when asked (MainMenu.Refresh), so it is asked only
// when a mark moved.
func (u *UI) syncMenuChecks() {
	if u.win == nil {
		return
	}
	if mm := u.win.MainMenu(); u.markChoices(mm) {
		mm.Refresh()
	}
}

// themeLabel is the View ▸ Theme label of the remembered theme choice.
func (u *UI) themeLabel() string {
	pref := u.app.Preferences().String(prefTheme)
	for _, c := range themeChoices {
		if c.pref == pref {
			return c.label
		}
	}
	return themeChoices[0].label // "System", the default
}
