"""Auto-linking cost against the number of titles: one automaton pass per text.

    python benchmarks/autolink.py [--bodies 300]

Renders the same Markdown bodies (from the synthetic corpus of benchmarks/gen_corpus.py)
with auto-linking off, and with an automaton of 1,000, 10,000 and 50,000 titles, and prints
the time per body. With one Aho-Corasick pass per text the cost barely depends on the
number of titles; a search per title would grow with it.
"""

from __future__ import annotations

import argparse
import random
import time

import ahocorasick
from corpus import corpus_bodies

from glossary_site.markdown import LinkTable, NameTarget, Options, name_key, render
from glossary_site.resolve import RefIndex

WORDS = [
    "leverage",
    "margin",
    "liquidity",
    "volatility",
    "collateral",
    "funding",
    "basis",
    "gamma",
    "delta",
    "vega",
    "option",
    "future",
    "perpetual",
    "swap",
    "oracle",
    "vault",
    "pool",
    "spread",
    "skew",
    "hedge",
    "risk",
]


def automaton(count: int) -> tuple[object, dict[str, str]]:
    rng = random.Random(count)
    names, hrefs = ahocorasick.Automaton(), {}
    for n in range(count):
        title = " ".join(rng.sample(WORDS, rng.randint(2, 3))) + f" {n}"
        target = f"term/t{n}"
        key = name_key(title)
        names.add_word(key, NameTarget(len(key), target, ()))
        hrefs[target] = f"/term/t{n}/"
    for word in WORDS:  # short names too, so that texts really do contain mentions
        names.add_word(word, NameTarget(len(word), f"term/{word}", ()))
        hrefs[f"term/{word}"] = f"/term/{word}/"
    names.make_automaton()
    return names, hrefs


def per_body(bodies: list[str], names: object, hrefs: dict[str, str]) -> float:
    table = LinkTable(RefIndex((), ()), hrefs, {}, {}, names, "/")
    options = Options("term/self", auto_link=names is not None)
    started = time.perf_counter()
    for body in bodies:
        render(body, table, options)
    return (time.perf_counter() - started) / len(bodies) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=300)
    args = parser.parse_args()
    bodies = corpus_bodies(1000, ("term", "definition"))[: args.bodies]
    print(f"{len(bodies)} bodies, {sum(map(len, bodies)) / 1e6:.1f} MB of Markdown")
    print(f"{'titles':>8}  {'ms per body':>11}  {'automaton build s':>17}")
    base = per_body(bodies, None, {})
    print(f"{'off':>8}  {base:11.2f}  {'-':>17}")
    for count in (1_000, 10_000, 50_000):
        started = time.perf_counter()
        names, hrefs = automaton(count)
        built = time.perf_counter() - started
        print(f"{count:>8,}  {per_body(bodies, names, hrefs):11.2f}  {built:17.2f}")


if __name__ == "__main__":
    main()
