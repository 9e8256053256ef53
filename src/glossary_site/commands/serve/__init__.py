"""`glossary serve`: a live preview that rebuilds in memory on every change.

`session.py` keeps the site and its caches in memory and rebuilds; `watch.py` reports
debounced batches of file changes (watchfiles); `server.py` answers HTTP (the standard
library's ThreadingHTTPServer); `hub.py` is what the two share; `live.py` is the reload
script and error overlay; `app.py` ties them together.
"""
