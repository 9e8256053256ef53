"""Live reload and the error overlay: the script injected into served HTML pages.

The script is added to each HTML response as it is sent, never to the built bytes. It
opens a server-sent-event stream naming its page and the page's key (its ETag); the server
answers `reload` when that page changed (at once, if it changed between the page load and
the connection) and `problems` with the failed build's `path:line: message` lines (an
empty list clears the overlay). A reload keeps the scroll position through sessionStorage.
"""

from __future__ import annotations

import html
import json

EVENTS = "/__glossary-serve/events"

SCRIPT = """<script data-glossary-serve>(function () {
  var here = location.pathname, store = "glossary-serve-scroll:" + here;
  var saved = sessionStorage.getItem(store);
  if (saved !== null) {
    sessionStorage.removeItem(store);
    var xy = JSON.parse(saved), restore = function () { window.scrollTo(xy[0], xy[1]); };
    restore();
    addEventListener("load", restore);
  }
  function overlay(lines) {
    var box = document.getElementById("glossary-serve-overlay");
    if (!lines.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "glossary-serve-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;" +
        "padding:2em;white-space:pre-wrap";
      (document.body || document.documentElement).appendChild(box);
    }
    box.textContent = "";
    var head = document.createElement("strong");
    head.textContent = "The site could not be rebuilt; still serving the last good build.\\n\\n";
    box.appendChild(head);
    var list = document.createElement("div");
    list.textContent = lines.join("\\n");
    box.appendChild(list);
  }
  var events = new EventSource(%(events)s + "?path=" + encodeURIComponent(here) +
    "&key=" + encodeURIComponent(%(key)s));
  events.addEventListener("reload", function () {
    sessionStorage.setItem(store, JSON.stringify([window.scrollX, window.scrollY]));
    events.close();
    location.reload();
  });
  events.addEventListener("problems", function (e) { overlay(JSON.parse(e.data)); });
})();</script>"""


def script(key: str) -> bytes:
    """The live-reload script of a page served with this key."""
    values = {"events": json.dumps(EVENTS), "key": json.dumps(key)}
    return (SCRIPT % values).encode("utf-8")


def inject(page: bytes, key: str) -> bytes:
    """The page with the live-reload script before its closing </body> (or at its end)."""
    tag = script(key)
    at = page.rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def problems_page(lines: list[str]) -> bytes:
    """What is served before any build succeeded: the problems, and the live script."""
    items = "\n".join(html.escape(line) for line in lines)
    body = (
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Build failed</title>"
        f"<body><h1>The site could not be built</h1><pre>{items}</pre></body></html>"
    )
    return inject(body.encode("utf-8"), "")
