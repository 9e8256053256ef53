"""Markdown parsers on the synthetic corpus: what a cold build's Markdown could cost.

    python benchmarks/markdown_engines.py [--entries 10000]

Times the project's configured markdown-it-py parser over every body of the
synthetic corpus (the CPU a cold build cannot avoid), then plain CommonMark-to-HTML with
each other engine that is importable (install them into a scratch venv to compare:
`pip install mistune cmarkgfm pyromark markdown-it-pyrs`). None of those is a dependency.
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections.abc import Callable

from corpus import corpus_bodies


def engines() -> dict[str, Callable[[str], object]]:
    """name -> text-to-HTML function, for the engines that are installed."""
    from glossary_site.markdown.body import _parser

    ours = _parser(False)
    found: dict[str, Callable[[str], object]] = {
        "markdown-it-py, as configured (parse only)": lambda text: ours.parse(text, {}),
        "markdown-it-py, as configured (parse + HTML)": lambda text: ours.render(text, {}),
    }
    candidates = {
        "mistune": lambda m: m.create_markdown(),
        "cmarkgfm": lambda m: m.markdown_to_html,
        "pyromark": lambda m: m.html,
        "markdown_it_pyrs": lambda m: m.MarkdownIt("commonmark").render,
    }
    for module, make in candidates.items():
        try:
            found[module] = make(importlib.import_module(module))
        except ImportError:
            print(f"({module} not installed: skipped)")
    return found


def cpu_seconds(fn: Callable[[str], object], bodies: list[str]) -> float:
    fn(bodies[0])
    started = time.process_time()
    for body in bodies:
        fn(body)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    bodies = corpus_bodies(args.entries)
    size = sum(len(b.encode()) for b in bodies) / 1e6
    available = engines()
    print(f"{len(bodies):,} bodies, {size:.1f} MB of Markdown, one core")
    print(f"{'engine':46}  {'CPU s':>7}  {'ms/body':>7}  {'MB/s':>6}")
    for name, fn in available.items():
        spent = cpu_seconds(fn, bodies)
        rate = size / spent if spent else float("inf")
        print(f"{name:46}  {spent:7.2f}  {spent / len(bodies) * 1000:7.3f}  {rate:6.0f}")


if __name__ == "__main__":
    main()
