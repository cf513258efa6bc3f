#!/usr/bin/python3
"""A tiny GTK window whose button can be dragged, carrying one file's URI.

scripts/drop-check.sh uses it to drop a file onto Convscope's window the way a
file manager does (XDND, text/uri-list), driven by xdotool under Xvfb.
    drag-source.py FILE X Y      (window placed at X, Y on the screen)
Needs Debian's python3-gi and gir1.2-gtk-3.0.
"""
import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

uri = Path(sys.argv[1]).resolve().as_uri()
x, y = int(sys.argv[2]), int(sys.argv[3])


def on_drag_data_get(_widget, _context, data, _info, _time):
    data.set_uris([uri])


win = Gtk.Window(title="convscope-drag-source")
button = Gtk.Button(label="drag me")
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
button.drag_source_add_uri_targets()
button.connect("drag-data-get", on_drag_data_get)
win.add(button)
win.set_default_size(120, 80)
win.move(x, y)
win.connect("destroy", Gtk.main_quit)
win.show_all()
Gtk.main()
