"""An open live-reload stream lasts as long as its tab: it must not keep the snapshot it
was opened under (its files) alive once another is served."""

from __future__ import annotations

import gc
import http.client
import threading
import weakref

from glossary_site.commands.serve.hub import Hub
from glossary_site.commands.serve.live import EVENTS
from glossary_site.commands.serve.packed import PackedFiles, pack
from glossary_site.commands.serve.server import PreviewServer
from glossary_site.commands.serve.session import Snapshot


def snapshot(generation: int, text: bytes) -> Snapshot:
    files = PackedFiles({"index.html": pack(text)})
    return Snapshot(generation, "/", files, {"index.html": f"k{generation}"}, {})


def test_an_open_stream_keeps_no_replaced_snapshot():
    hub = Hub(snapshot=snapshot(1, b"<p>one</p>"))
    first = weakref.ref(hub.snapshot)
    server = PreviewServer(("127.0.0.1", 0), hub, [])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", f"{EVENTS}?path=/&key=k1")
        response = connection.getresponse()
        stream = response.fp
        assert stream.readline() == b"retry: 500\n"
        hub.publish(snapshot(2, b"<p>two</p>"), [])
        while stream.readline().strip() != b"event: reload":
            pass
        gc.collect()
        assert first() is None  # the stream is still open, the old files are gone
    finally:
        connection.close()
        hub.stop()
        server.shutdown()
        server.server_close()
