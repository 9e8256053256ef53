"""The Glossary box: own areas first, then at most three mentioned ones, ten in all."""

from __future__ import annotations

from conftest import area, block, build_in, find_all, page, parse_html, text_of, write_site

# member counts: Alpha Zone 3, Beta Zone 2, Gamma Zone 1, Delta Zone 0, Epsilon Zone 2
MEMBERS = {"alpha-zone": 3, "beta-zone": 2, "gamma-zone": 1, "epsilon-zone": 2}
ZONES = ["Alpha Zone", "Beta Zone", "Gamma Zone", "Delta Zone", "Epsilon Zone", "Own Zone"]


def _site(tmp_path, reader_fields):
    files = {f"content/area/{z.lower().replace(' ', '-')}.md": area(z) for z in ZONES}
    for slug, count in MEMBERS.items():
        for n in range(count):
            files[f"content/definition/{slug}-{n}.md"] = page(f"{slug} member {n}", areas=[slug])
    for n in range(12):
        files[f"content/area/extra-{n:02d}.md"] = area(f"Extra {n:02d}")
    files["content/term/reader.md"] = page("Reader", **reader_fields)
    root = write_site(tmp_path, files)
    build_in(root)
    doc = parse_html(root / "build/term/reader/index.html")
    box = [text_of(h) for h in find_all(doc, "section", "glossary-area") for h in h.iter("h3")]
    mentions = [m["name"] for m in block(doc, "WebPage")["mentions"]]
    return box, mentions


def test_own_areas_then_the_three_most_specific_mentioned(tmp_path):
    body = (
        "Alpha Zone, Beta Zone, Epsilon Zone and Gamma Zone meet the Delta Zone; "
        "the Own Zone too.\n"
    )
    box, mentions = _site(tmp_path, {"areas": ["Own Zone"], "body": body})
    # Delta (0 members), Gamma (1), then Beta (2, mentioned before Epsilon)
    assert box == ["Own Zone", "Delta Zone", "Gamma Zone", "Beta Zone"]
    assert mentions == box


def test_at_most_ten_areas(tmp_path):
    own = [f"Extra {n:02d}" for n in range(12)]
    box, mentions = _site(tmp_path, {"areas": own, "body": "Gamma Zone.\n"})
    assert box == own[:10]
    assert mentions == box
