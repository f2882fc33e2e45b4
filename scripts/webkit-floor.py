#!/usr/bin/python3
"""The memory floor of a WebKitGTK window: what any app built on it pays before its own content.

Opens one bare WebKitGTK 4.1 web view (the library Tauri uses on Linux) with the settings GATI
Desktop applies (src-tauri/src/webview.rs: no GPU compositing, no WebGL, the document viewer
cache model), shows one line of text, waits for it to settle and prints the proportional set
size (PSS) of the process and the web processes WebKit started, and the files that take the most
of it, for docs/performance.md. It needs Debian's python3-gi and gir1.2-webkit2-4.1 and a display:

    xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/python3 scripts/webkit-floor.py

The host process here is a Python interpreter, which is a little larger than a Rust binary.
"""
import os

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

SETTLE_MS = 8000


def family(root):
    """The pid `root` and all its descendants."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    parents[int(name)] = int(f.read().rsplit(") ", 1)[1].split()[1])
            except (OSError, IndexError):
                pass
    out = [root]
    for pid in out:
        out.extend(p for p, parent in parents.items() if parent == pid)
    return out


def pss(pid):
    """PSS, anonymous and file shares in KiB, from smaps_rollup."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("Pss", "Pss_Anon", "Pss_File"):
                fields[key] = int(value.split()[0])
    return fields


def files(pid, into):
    """Adds the PSS in KiB of each file `pid` maps, from smaps, to `into`."""
    current = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and not parts[0].endswith(":"):
                current = parts[5] if len(parts) > 5 and parts[5].startswith("/") else None
            elif parts[0] == "Pss:" and current:
                into[current] = into.get(current, 0) + int(parts[1])


def report():
    total = {"Pss": 0, "Pss_Anon": 0, "Pss_File": 0}
    by_file = {}
    for pid in family(os.getpid()):
        files(pid, by_file)
        with open(f"/proc/{pid}/comm") as f:
            name = f.read().strip()
        fields = pss(pid)
        for key in total:
            total[key] += fields.get(key, 0)
        print(f"{name}: {fields['Pss'] // 1024} MB")
    print(
        f"total: {total['Pss'] // 1024} MB ({total['Pss_Anon'] // 1024} MB anonymous, "
        f"{total['Pss_File'] // 1024} MB files and libraries)"
    )
    print("largest files, PSS summed over the processes:")
    for path, kib in sorted(by_file.items(), key=lambda item: -item[1])[:5]:
        print(f"  {kib // 1024} MB {path}")
    Gtk.main_quit()


window = Gtk.Window()
window.set_default_size(1200, 800)
view = WebKit2.WebView()
settings = view.get_settings()
settings.set_hardware_acceleration_policy(WebKit2.HardwareAccelerationPolicy.NEVER)
settings.set_enable_webgl(False)
view.get_context().set_cache_model(WebKit2.CacheModel.DOCUMENT_VIEWER)
window.add(view)
window.show_all()
view.load_html("<!doctype html><title>Floor</title><p>Hello</p>", "http://localhost/")
GLib.timeout_add(SETTLE_MS, report)
Gtk.main()
