"""Stage 4, write: staging and atomic commit of the output folder, the build cache, the
worker pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary_site._exports import lazy_exports

if TYPE_CHECKING:
    from glossary_site.write.cache import BuildCache, code_salt
    from glossary_site.write.parallel import collector_paused
    from glossary_site.write.staging import (
        BACKUP,
        JOURNAL,
        MARKER,
        MARKER_TEXT,
        OLD_TAG,
        TMP_TAG,
        Record,
        Staging,
        begin,
        marker_bytes,
        output_lock,
        recover,
        safe_parts,
        still_there,
    )

_EXPORTS = {
    "BACKUP": "staging",
    "BuildCache": "cache",
    "JOURNAL": "staging",
    "MARKER": "staging",
    "MARKER_TEXT": "staging",
    "OLD_TAG": "staging",
    "Record": "staging",
    "Staging": "staging",
    "TMP_TAG": "staging",
    "begin": "staging",
    "marker_bytes": "staging",
    "output_lock": "staging",
    "code_salt": "cache",
    "collector_paused": "parallel",
    "recover": "staging",
    "safe_parts": "staging",
    "still_there": "staging",
}
__all__ = [
    "BACKUP",
    "JOURNAL",
    "MARKER",
    "MARKER_TEXT",
    "OLD_TAG",
    "TMP_TAG",
    "BuildCache",
    "Record",
    "Staging",
    "begin",
    "code_salt",
    "collector_paused",
    "marker_bytes",
    "output_lock",
    "recover",
    "safe_parts",
    "still_there",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
