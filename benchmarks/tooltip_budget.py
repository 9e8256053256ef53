"""What the hover definitions add to a page, gzipped (the budget is 5 KB).

    python benchmarks/tooltip_budget.py

Prints the gzipped size of templates/assets/tooltips.js, of the tooltip rules in
site.css, and of the data block (`<script id="gs-tips">`) on the example site's pages
built into a temporary folder: the median and the largest page.
"""

from __future__ import annotations

import gzip
import re
import statistics
import tempfile
from pathlib import Path

from glossary_site.commands.build import BuildOptions, build

REPO = Path(__file__).resolve().parents[1]
DATA = re.compile(rb'<script type="application/json" id="gs-tips">.*?</script>', re.DOTALL)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def main() -> None:
    script = (REPO / "templates/assets/tooltips.js").read_bytes()
    css = (REPO / "templates/assets/site.css").read_text(encoding="utf-8")
    rules = css[css.index("/* Hover definitions") :].encode()
    print(f"tooltips.js        {len(script):>6} bytes, {gz(script):>5} gzipped")
    print(f"tooltip CSS rules  {len(rules):>6} bytes, {gz(rules):>5} gzipped")
    print(f"script + styles    {gz(script) + gz(rules):>20} gzipped (budget 5120)")
    with tempfile.TemporaryDirectory() as tmp:
        build(REPO, BuildOptions(out=Path(tmp) / "out", use_cache=False, jobs=1))
        sizes = [
            gz(found.group())
            for page in (Path(tmp) / "out").rglob("index.html")
            for found in [DATA.search(page.read_bytes())]
            if found
        ]
    print(
        f"data block on {len(sizes)} example pages: median {statistics.median(sizes):.0f}, "
        f"largest {max(sizes)} bytes gzipped (alone; less inside the gzipped page)"
    )


if __name__ == "__main__":
    main()
