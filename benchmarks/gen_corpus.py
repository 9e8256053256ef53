#!/usr/bin/env python3
"""Deterministic synthetic glossary corpus for benchmarking static-site generators.

    python benchmarks/gen_corpus.py --entries N --seed S --format glossary|hugo --out DIR

N = number of entries (terms + definitions).  About N/20 areas, N/3 terms
(~1200-word articles) and 2N/3 definitions (~150 words).  Each entry belongs to
1-3 areas drawn with a Zipf-like skew, links to 3-8 related entries, has a
summary, published/modified dates and an image dict.

--format glossary : the content format of glossary-site
                    (content/site.yaml, content/area|term|definition/*.md)
--format hugo     : a complete Hugo site of the same content (hugo.toml,
                    content/, layouts/), areas as the `areas` taxonomy
Stdlib only; same seed + N gives byte-identical output. The tests (`generate_corpus` in
tests/conftest.py) and the benchmarks (run.py, corpus.py) use this copy.
"""

# the word lists are split strings and the Hugo layouts long template lines, kept verbatim
# ruff: noqa: E501, SIM905
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
from datetime import UTC, datetime, timedelta

SITE_NAME = "Greeks.live"
BASE_URL = "https://term.greeks.live/"
AUTHOR_URL = "https://term.greeks.live/author/greeks-live/"
PER_PAGE = 30
SEP = " ⎊ "

# ---------------------------------------------------------------- vocabulary
MODIFIERS = """
Leverage Margin Liquidity Volatility Collateral Funding Basis Gamma Delta Vega
Theta Rho Options Futures Perpetual Swap Spot Forward Implied Realized Synthetic
Decentralized Cross-Chain On-Chain Off-Chain Algorithmic Automated Stablecoin
Yield Staking Lending Borrowing Flash Oracle Settlement Clearing Custody Order
Book Market Maker Taker Arbitrage Hedging Portfolio Risk Capital Credit Default
Counterparty Systemic Protocol Governance Token Liquidation Insolvency Solvency
Convexity Skew Smile Term Structure Carry Rollover Expiry Strike Premium Notional
Exposure Drawdown Tail Correlation Dispersion Variance Momentum Mean-Reversion
Slippage Spread Depth Latency Execution Routing MEV Sequencer Rollup Bridge
Validator Consensus Slashing Restaking Vault Tranche Insurance Reserve Treasury
Inflation Deflation Monetary Fiscal Sovereign Regulatory Compliance Disclosure
Audit Transparency Privacy Zero-Knowledge Layer-Two Gas Fee Rebate Incentive
Emission Airdrop Vesting Unlock Buyback Burn Dilution Valuation Discounted
Intrinsic Extrinsic Moneyness Pin Assignment Exercise American European Asian
Barrier Binary Exotic Vanilla Structured Principal-Protected Covered Naked
""".split()

HEADS = """
Ratio Analysis Risk Model Mechanism Dynamics Strategy Framework Protocol Pool
Engine Curve Surface Premium Spread Loop Cascade Spiral Shock Buffer Threshold
Limit Requirement Call Rate Index Oracle Feed Auction Settlement Netting Hedge
Exposure Allocation Rebalancing Sensitivity Decay Drift Regime Cycle Premium
Discount Basis Arbitrage Efficiency Fragmentation Aggregation Composability
Contagion Resilience Stress Test Attribution Budget Parity Skew Term Structure
Smile Carry Trade Funding Mechanics Design Architecture Governance Incentives
Tokenomics Accounting Valuation Pricing Calibration Estimation Forecasting
Measurement Monitoring Reporting Controls Safeguards Backstop Reserve Coverage
""".split()

SUFFIXES = [
    "",
    "",
    "",
    "",
    "",
    "",
    "Analysis",
    "Theory",
    "Modeling",
    "in Derivatives",
    "in DeFi",
    "Management",
    "Optimization",
    "Mechanics",
    "Evolution",
    "Design",
    "Dynamics",
    "Assessment",
]

NOUNS = """
market trader protocol position collateral margin liquidity volatility option
future contract premium strike expiry oracle validator vault pool order book
spread basis funding rate counterparty exchange ledger token stablecoin asset
portfolio hedge exposure leverage risk yield return price index settlement
auction participant incentive fee reserve treasury model strategy mechanism
regime shock cascade buffer threshold capital flow signal surface curve
""".split()
ADJS = """
decentralized systemic implied realized synthetic automated volatile illiquid
liquid leveraged hedged collateralized undercollateralized cross-margined
permissionless adversarial efficient fragmented composable transparent opaque
nonlinear convex asymmetric persistent transient rational strategic structural
""".split()
VERBS = """
amplifies dampens transmits absorbs prices hedges reflects distorts stabilizes
exposes governs constrains accelerates rebalances liquidates settles funds
arbitrages anchors signals measures compresses widens propagates offsets
""".split()
PREPS = "across within under between against through beyond during".split()
CONNECT = [
    "In practice,",
    "As a result,",
    "Consequently,",
    "Historically,",
    "By contrast,",
    "More precisely,",
    "In decentralized venues,",
    "For market makers,",
    "Under stress,",
    "Over longer horizons,",
]
FACETS = [
    "Origin",
    "Theory",
    "Approach",
    "Evolution",
    "Mechanism",
    "Risk",
    "Context",
    "Application",
    "Structure",
    "Horizon",
    "Governance",
    "Implication",
]
KIND_LABEL = {"term": "Term", "definition": "Definition", "area": "Area"}


class Text:
    """Cheap pseudo-prose generator driven by a seeded random.Random."""

    def __init__(self, rng: random.Random):
        self.r = rng

    def sentence(self) -> str:
        r = self.r
        c = r.choice
        pat = r.randrange(5)
        if pat == 0:
            s = (
                f"The {c(ADJS)} {c(NOUNS)} {c(VERBS)} the {c(NOUNS)} of "
                f"{c(ADJS)} {c(NOUNS)} {c(PREPS)} {c(NOUNS)} markets"
            )
        elif pat == 1:
            s = (
                f"{c(CONNECT)} each {c(NOUNS)} {c(VERBS)} {c(ADJS)} {c(NOUNS)} "
                f"while the {c(NOUNS)} {c(VERBS)} {c(PREPS)} the {c(NOUNS)}"
            )
        elif pat == 2:
            s = (
                f"A {c(ADJS)} {c(NOUNS)} {c(NOUNS)} {c(VERBS)} {c(NOUNS)} "
                f"{c(NOUNS)} and {c(VERBS)} the {c(ADJS)} {c(NOUNS)}"
            )
        elif pat == 3:
            s = (
                f"When {c(NOUNS)} {c(NOUNS)} rises, the {c(ADJS)} {c(NOUNS)} "
                f"{c(VERBS)} {c(NOUNS)} {c(PREPS)} {c(ADJS)} {c(NOUNS)} conditions"
            )
        else:
            s = (
                f"{c(CONNECT)} the {c(NOUNS)} {c(VERBS)} {c(ADJS)} {c(NOUNS)} "
                f"{c(NOUNS)}, which {c(VERBS)} {c(NOUNS)} {c(PREPS)} {c(NOUNS)}"
            )
        return s[0].upper() + s[1:] + "."

    def words(self, target: int) -> str:
        """Sentences until about `target` words."""
        out, n = [], 0
        while n < target:
            s = self.sentence()
            out.append(s)
            n += s.count(" ") + 1
        return " ".join(out)


# ------------------------------------------------------------------- helpers
def slugify(title: str) -> str:
    return "-".join(title.lower().replace("-", " ").split())


def q(s: str) -> str:
    """YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def make_titles(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    titles, seen = [], set(taken)
    while len(titles) < n:
        t = f"{rng.choice(MODIFIERS)} {rng.choice(HEADS)}"
        if rng.random() < 0.35:
            t = f"{rng.choice(MODIFIERS)} {t}"
        suf = rng.choice(SUFFIXES)
        if suf:
            t = f"{t} {suf}"
        s = slugify(t)
        if s in seen:
            continue
        seen.add(s)
        titles.append(t)
    return titles


# -------------------------------------------------------------------- corpus
def build_corpus(n_entries: int, seed: int) -> dict:
    rng = random.Random(seed)
    n_areas = max(1, round(n_entries / 20))
    n_terms = round(n_entries / 3)
    n_defs = n_entries - n_terms

    area_titles = make_titles(rng, n_areas, set())
    term_titles = make_titles(rng, n_terms, set())
    def_titles = make_titles(rng, n_defs, set(slugify(t) for t in term_titles))
    # a few slugs that exist both as term and definition (~0.5% of definitions)
    n_dup = max(1, n_defs // 200) if n_terms else 0
    for _ in range(min(n_dup, n_terms)):
        j = rng.randrange(n_defs)
        def_titles[j] = term_titles[rng.randrange(n_terms)]
    # ensure def slugs stay unique after the substitution
    seen, uniq = set(), []
    for t in def_titles:
        s = slugify(t)
        while s in seen:
            t = t + " Notes"
            s = slugify(t)
        seen.add(s)
        uniq.append(t)
    def_titles = uniq

    term_slugs = {slugify(t) for t in term_titles}
    def_slugs = {slugify(t) for t in def_titles}
    ambiguous = term_slugs & def_slugs

    # Zipf-like area popularity (exponent 0.9), area order shuffled vs rank
    weights = [1.0 / (k**0.9) for k in range(1, n_areas + 1)]
    area_slugs = [slugify(t) for t in area_titles]
    ranked = area_slugs[:]
    rng.shuffle(ranked)

    t0 = datetime(2023, 1, 1, tzinfo=UTC)
    span = int((datetime(2026, 1, 1, tzinfo=UTC) - t0).total_seconds())

    def dates():
        pub = t0 + timedelta(seconds=rng.randrange(span))
        mod = None
        if rng.random() < 0.7:
            mod = pub + timedelta(seconds=rng.randrange(1, 90 * 86400))
        return pub, mod

    entries = []  # (kind, slug, title)
    entries += [("term", slugify(t), t) for t in term_titles]
    entries += [("definition", slugify(t), t) for t in def_titles]
    all_refs = [(k, s) for k, s, _ in entries]
    title_of = {(k, s): t for k, s, t in entries}

    def ref_str(k, s):
        if s in ambiguous or rng.random() < 0.5:
            return f"{k}/{s}"
        return s

    text = Text(rng)
    areas = []
    for slug, title in zip(area_slugs, area_titles, strict=True):
        pub, _ = dates()
        facets = rng.sample(FACETS, 3)
        areas.append(
            {
                "slug": slug,
                "title": title,
                "published": pub,
                "image": {
                    "src": f"https://cdn.example.org/images/area-{slug}.jpg",
                    "width": 3850,
                    "height": 2166,
                    "caption": text.sentence(),
                },
                "facets": [(f, text.words(90)) for f in facets],
            }
        )

    items = []
    for kind, slug, title in entries:
        pub, mod = dates()
        k_areas = rng.choice((1, 1, 2, 2, 2, 3))
        chosen = []
        while len(chosen) < min(k_areas, n_areas):
            a = rng.choices(ranked, weights=weights)[0]
            if a not in chosen:
                chosen.append(a)
        rel = []
        for _ in range(rng.randint(3, 8)):
            rk, rs = rng.choice(all_refs)
            if (rk, rs) != (kind, slug):
                r = ref_str(rk, rs)
                if r not in rel:
                    rel.append(r)
        summary = (
            f"{title} is the {rng.choice(ADJS)} {rng.choice(NOUNS)} "
            f"that {rng.choice(VERBS)} {rng.choice(NOUNS)} "
            f"{rng.choice(PREPS)} {rng.choice(ADJS)} {rng.choice(NOUNS)} markets."
        )
        if kind == "term":
            body = term_body(rng, text, all_refs, title_of)
        else:
            body = definition_body(rng, text, all_refs, title_of)
        items.append(
            {
                "kind": kind,
                "slug": slug,
                "title": title,
                "summary": summary,
                "published": pub,
                "modified": mod,
                "areas": chosen,
                "related": rel,
                "image": {
                    "src": f"https://cdn.example.org/images/{kind}-{slug}.jpg",
                    "width": 3850,
                    "height": 2166,
                    "caption": text.sentence(),
                },
                "body": body,
            }
        )
    return {"areas": areas, "items": items, "n_entries": n_entries}


def link(rng, all_refs, title_of):
    k, s = rng.choice(all_refs)
    return f"[{title_of[(k, s)]}](/{k}/{s}/)"


def inline(rng, text, all_refs, title_of, nwords, nlinks):
    """A paragraph with emphasis and inline links."""
    words = text.words(nwords).split(" ")
    for _ in range(nlinks):
        i = rng.randrange(len(words))
        words[i] = link(rng, all_refs, title_of) + ("" if not words[i].endswith(".") else ".")
    i = rng.randrange(len(words))
    if words[i].isalpha():
        words[i] = f"*{words[i]}*"
    i = rng.randrange(len(words))
    if words[i].isalpha():
        words[i] = f"**{words[i]}**"
    return " ".join(words)


def term_body(rng, text, all_refs, title_of) -> str:
    parts = []
    parts.append(inline(rng, text, all_refs, title_of, 90, 1))
    n_sec = rng.randint(4, 6)
    per_sec = (1100 - 90) // n_sec
    for si in range(n_sec):
        parts.append(
            f"## {rng.choice(FACETS)} of {rng.choice(ADJS).title()} {rng.choice(NOUNS).title()}"
        )
        left = per_sec
        if si in (1, n_sec - 1):
            items = []
            for _ in range(rng.randint(4, 6)):
                s = text.sentence()
                items.append(f"- **{rng.choice(NOUNS).title()}** {s}")
                left -= s.count(" ") + 2
            parts.append("\n".join(items))
        while left > 0:
            n = min(left, rng.randint(60, 110))
            parts.append(inline(rng, text, all_refs, title_of, n, rng.randint(0, 2)))
            left -= n
        if si == 2:
            parts.append("> " + text.sentence())
    return "\n\n".join(parts) + "\n"


def definition_body(rng, text, all_refs, title_of) -> str:
    return (
        "\n\n".join(
            [
                inline(rng, text, all_refs, title_of, 45, 1),
                inline(rng, text, all_refs, title_of, 45, 0),
                inline(rng, text, all_refs, title_of, 45, 1),
            ]
        )
        + "\n"
    )


# ------------------------------------------------------------------- writers
def w(path: str, data: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(data)


def image_yaml(img: dict) -> str:
    return (
        f"{{src: {img['src']}, width: {img['width']}, height: {img['height']}, "
        f"caption: {q(img['caption'])}}}"
    )


def entry_md(it: dict) -> str:
    fm = [
        "---",
        f"title: {q(it['title'])}",
        f"summary: {q(it['summary'])}",
        f"published: {iso(it['published'])}",
    ]
    if it["modified"]:
        fm.append(f"modified: {iso(it['modified'])}")
    fm.append(f"areas: [{', '.join(it['areas'])}]")
    fm.append(f"related: [{', '.join(it['related'])}]")
    fm.append(f"image: {image_yaml(it['image'])}")
    fm.append("---")
    return "\n".join(fm) + "\n\n" + it["body"]


def area_md(a: dict) -> str:
    fm = [
        "---",
        f"title: {q(a['title'])}",
        f"published: {iso(a['published'])}",
        f"image: {image_yaml(a['image'])}",
        "---",
        "",
    ]
    body = "\n\n".join(f"## {f}\n\n{t}" for f, t in a["facets"])
    return "\n".join(fm) + "\n" + body + "\n"


def write_glossary(c: dict, out: str) -> None:
    w(
        os.path.join(out, "content/site.yaml"),
        "\n".join(
            [
                f"name: {SITE_NAME}",
                f"base_url: {BASE_URL}",
                f"title_separator: {q(SEP)}",
                f"author: {{name: {SITE_NAME}, url: {AUTHOR_URL}}}",
                f"per_page: {PER_PAGE}",
                'faq_question: "What is the {facet} of {title}?"',
            ]
        )
        + "\n",
    )
    for a in c["areas"]:
        w(os.path.join(out, "content/area", a["slug"] + ".md"), area_md(a))
    for it in c["items"]:
        w(os.path.join(out, "content", it["kind"], it["slug"] + ".md"), entry_md(it))


# ---------------------------------------------------------------- hugo site
HUGO_TOML = f'''baseURL = "{BASE_URL}"
title = "{SITE_NAME}"
enableRobotsTXT = false

# feeds capped at the newest 30 items, like glossary-site's Atom feed
[services.rss]
  limit = 30

[pagination]
  pagerSize = {PER_PAGE}
  path = "resource"

[taxonomies]
  area = "areas"

[permalinks]
  [permalinks.taxonomy]
    areas = "/area/"
  [permalinks.term]
    areas = "/area/:contentbasename/"

# the content files use the glossary's own front-matter names
[frontmatter]
  date = ["published", ":default"]
  publishDate = ["published", ":default"]
  lastmod = ["modified", "published", ":default"]

[params]
  titleSeparator = "{SEP}"
  faqQuestion = "What is the {{facet}} of {{title}}?"
  [params.author]
    name = "{SITE_NAME}"
    url = "{AUTHOR_URL}"
'''

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ block "description" . }}{{ site.Title }} glossary{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="/css/site.css">
{{ block "jsonld" . }}{{ end }}
</head>
<body>
<header class="site"><a class="brand" href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><a href="/term/">Terms</a> <a href="/definition/">Definitions</a> <a href="/area/">Areas</a></nav></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>&copy; {{ site.Title }}</footer>
</body>
</html>
""",
    # breadcrumb trail as a list of {name,url}; used for the nav and the JSON-LD
    "_partials/crumbs.html": """{{ $c := slice (dict "name" "Home" "url" site.Home.Permalink) }}
{{ if .IsPage }}
  {{ $areas := .GetTerms "areas" }}
  {{ if $areas }}{{ $a := index $areas 0 }}{{ $c = $c | append (dict "name" $a.Title "url" $a.Permalink) }}
  {{ else }}{{ $c = $c | append (dict "name" .CurrentSection.Title "url" .CurrentSection.Permalink) }}{{ end }}
  {{ $c = $c | append (dict "name" .Title "url" .Permalink) }}
{{ else if eq .Kind "term" }}
  {{ $c = $c | append (dict "name" "Areas" "url" .Parent.Permalink) }}
  {{ $c = $c | append (dict "name" .Title "url" .Permalink) }}
{{ else if not .IsHome }}
  {{ $c = $c | append (dict "name" .Title "url" .Permalink) }}
{{ end }}
{{ return $c }}
""",
    "_partials/breadcrumb.html": """<nav class="breadcrumb" aria-label="Breadcrumb"><ol>
{{- range $i, $c := . }}<li>{{ if $i }}<span class="sep">›</span> {{ end }}<a href="{{ $c.url }}">{{ $c.name }}</a></li>{{ end -}}
</ol></nav>
""",
    "_partials/ld-breadcrumb.html": """{{ $items := slice }}
{{ range $i, $c := . }}{{ $items = $items | append (dict "@type" "ListItem" "position" (add $i 1) "name" $c.name "item" $c.url) }}{{ end }}
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "BreadcrumbList" "itemListElement" $items | jsonify | safeJS }}</script>
""",
    # resolve a related ref: "kind/slug" or a bare slug (term first, then definition)
    "_partials/resolve.html": """{{ $p := false }}
{{ if strings.Contains . "/" }}{{ with site.GetPage (printf "/%s" .) }}{{ $p = . }}{{ end }}
{{ else }}{{ with site.GetPage (printf "/term/%s" .) }}{{ $p = . }}{{ else }}{{ with site.GetPage (printf "/definition/%s" .) }}{{ $p = . }}{{ end }}{{ end }}{{ end }}
{{ return $p }}
""",
    "_partials/ld-article.html": """{{ $p := . }}
{{ $names := slice }}{{ range .GetTerms "areas" }}{{ $names = $names | append .Title }}{{ end }}
{{ $author := dict "@type" "Organization" "name" site.Params.author.name "url" site.Params.author.url }}
{{ $pub := dict "@type" "Organization" "name" site.Title "url" site.Home.Permalink }}
{{ $ld := dict "@context" "https://schema.org" "@type" "Article" "headline" .Title "description" .Params.summary
   "datePublished" (.Date.Format "2006-01-02T15:04:05-07:00") "dateModified" (.Lastmod.Format "2006-01-02T15:04:05-07:00")
   "author" $author "publisher" $pub "mainEntityOfPage" (dict "@type" "WebPage" "@id" .Permalink) "url" .Permalink
   "inLanguage" "en" "articleSection" $names }}
{{ with .Params.image }}{{ $ld = merge $ld (dict "image" (dict "@type" "ImageObject" "url" (absURL .src) "width" .width "height" .height "caption" .caption)) }}{{ end }}
<script type="application/ld+json">{{ $ld | jsonify | safeJS }}</script>
""",
    "single.html": """{{ define "title" }}{{ .Title }}{{ site.Params.titleSeparator }}{{ if eq .Section "term" }}Term{{ else }}Definition{{ end }}{{ site.Params.titleSeparator }}{{ site.Title }}{{ end }}
{{ define "description" }}{{ .Params.summary }}{{ end }}
{{ define "jsonld" }}{{ $crumbs := partial "crumbs.html" . }}{{ partial "ld-breadcrumb.html" $crumbs }}{{ partial "ld-article.html" . }}{{ end }}
{{ define "main" }}
{{ partial "breadcrumb.html" (partial "crumbs.html" .) }}
<article class="entry {{ .Section }}">
<h1>{{ .Title }}</h1>
<p class="meaning"><strong>Meaning</strong> {{ .Params.summary }}</p>
{{ with .Params.image }}<figure><img src="{{ .src }}" width="{{ .width }}" height="{{ .height }}" alt="{{ .caption }}" loading="lazy"><figcaption>{{ .caption }}</figcaption></figure>{{ end }}
<div class="body">
{{ .Content }}
</div>
<p class="dates">Published <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "January 2, 2006" }}</time>{{ if ne .Lastmod .Date }} · Updated <time datetime="{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" }}">{{ .Lastmod.Format "January 2, 2006" }}</time>{{ end }}</p>
</article>
{{ with .Params.related }}<aside class="related"><h2>Related</h2><ul>
{{- range . }}{{ with partial "resolve.html" . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="kind">{{ if eq .Section "term" }}Term{{ else }}Definition{{ end }}</span> <span class="summary">{{ .Params.summary }}</span></li>{{ end }}{{ end -}}
</ul></aside>{{ end }}
{{ with .GetTerms "areas" }}<aside class="areas"><h2>Areas</h2><ul>
{{- range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end -}}
</ul></aside>{{ end }}
{{ end }}
""",
    # an area: a taxonomy term page, paginated, with FAQ + CollectionPage JSON-LD
    "term.html": """{{ define "title" }}{{ .Title }}{{ site.Params.titleSeparator }}Area{{ site.Params.titleSeparator }}{{ site.Title }}{{ with .Paginator }}{{ if gt .PageNumber 1 }}{{ site.Params.titleSeparator }}Page {{ .PageNumber }}{{ end }}{{ end }}{{ end }}
{{ define "jsonld" }}
{{- $crumbs := partial "crumbs.html" . }}{{ partial "ld-breadcrumb.html" $crumbs }}
{{- $pag := .Paginator }}
{{- if eq $pag.PageNumber 1 }}
  {{- $q := slice }}{{- $title := .Title }}
  {{- range after 1 (split .Content "<h2") }}
    {{- $parts := split . "</h2>" }}
    {{- $facet := replaceRE `^[^>]*>` "" (index $parts 0) | plainify | htmlUnescape }}
    {{- $answer := index $parts 1 | plainify | htmlUnescape | strings.TrimSpace }}
    {{- $name := replace (replace site.Params.faqQuestion "{facet}" $facet) "{title}" $title }}
    {{- $q = $q | append (dict "@type" "Question" "name" $name "acceptedAnswer" (dict "@type" "Answer" "text" $answer)) }}
  {{- end }}
  <script type="application/ld+json">{{- dict "@context" "https://schema.org" "@type" "FAQPage" "mainEntity" $q | jsonify | safeJS }}</script>
{{- end }}
{{- $parts := slice }}
{{- range $pag.Pages }}{{- $parts = $parts | append (dict "@type" "Article" "headline" .Title "url" .Permalink "description" .Params.summary "datePublished" (.Date.Format "2006-01-02T15:04:05-07:00") "dateModified" (.Lastmod.Format "2006-01-02T15:04:05-07:00")) }}{{ end }}
<script type="application/ld+json">{{- dict "@context" "https://schema.org" "@type" "CollectionPage" "name" .Title "url" (absURL $pag.URL) "isPartOf" (dict "@type" "WebSite" "name" site.Title "url" site.Home.Permalink) "hasPart" $parts | jsonify | safeJS }}</script>
{{- end }}
{{ define "main" }}
{{ partial "breadcrumb.html" (partial "crumbs.html" .) }}
{{ $pag := .Paginator }}
<section class="area">
<h1>{{ .Title }}</h1>
{{ if eq $pag.PageNumber 1 }}
{{ with .Params.image }}<figure><img src="{{ .src }}" width="{{ .width }}" height="{{ .height }}" alt="{{ .caption }}" loading="lazy"><figcaption>{{ .caption }}</figcaption></figure>{{ end }}
<div class="facets">{{ .Content }}</div>
{{ end }}
<h2>Entries ({{ len .Pages }})</h2>
<ul class="entries">
{{- range $pag.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="kind">{{ if eq .Section "term" }}Term{{ else }}Definition{{ end }}</span> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "Jan 2, 2006" }}</time><p>{{ .Params.summary }}</p></li>{{ end -}}
</ul>
{{ if gt $pag.TotalPages 1 }}<nav class="pagination">
{{- if $pag.HasPrev }}<a rel="prev" href="{{ $pag.Prev.URL }}">Previous</a>{{ end }}
{{- range $pag.Pagers }}{{ if eq .PageNumber $pag.PageNumber }}<span class="current">{{ .PageNumber }}</span>{{ else }}<a href="{{ .URL }}">{{ .PageNumber }}</a>{{ end }}{{ end }}
{{- if $pag.HasNext }}<a rel="next" href="{{ $pag.Next.URL }}">Next</a>{{ end -}}
</nav>{{ end }}
</section>
{{ end }}
""",
    "taxonomy.html": """{{ define "title" }}Areas{{ site.Params.titleSeparator }}{{ site.Title }}{{ end }}
{{ define "jsonld" }}{{ partial "ld-breadcrumb.html" (partial "crumbs.html" .) }}{{ end }}
{{ define "main" }}
{{ partial "breadcrumb.html" (partial "crumbs.html" .) }}
<h1>Areas</h1>
<ul class="areas">
{{- range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end -}}
</ul>
{{ end }}
""",
    "section.html": """{{ define "title" }}{{ .Title }}{{ site.Params.titleSeparator }}{{ site.Title }}{{ end }}
{{ define "jsonld" }}{{ partial "ld-breadcrumb.html" (partial "crumbs.html" .) }}{{ end }}
{{ define "main" }}
{{ partial "breadcrumb.html" (partial "crumbs.html" .) }}
<h1>{{ .Title }} A&ndash;Z</h1>
<ul class="az">
{{- range .Pages.ByTitle }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end -}}
</ul>
{{ end }}
""",
    "home.html": """{{ define "jsonld" }}<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "WebSite" "name" site.Title "url" site.Home.Permalink | jsonify | safeJS }}</script>{{ end }}
{{ define "main" }}
<h1>{{ site.Title }} Glossary</h1>
<h2>Areas</h2>
<ul class="areas">
{{- range first 50 site.Taxonomies.areas.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end -}}
</ul>
<h2>Latest</h2>
<ul class="entries">
{{- range first 30 site.RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <p>{{ .Params.summary }}</p></li>{{ end -}}
</ul>
{{ end }}
""",
}


def write_hugo(c: dict, out: str) -> None:
    w(os.path.join(out, "hugo.toml"), HUGO_TOML)
    for name, body in HUGO_LAYOUTS.items():
        w(os.path.join(out, "layouts", name), body)
    w(
        os.path.join(out, "static/css/site.css"),
        "body{font-family:sans-serif;max-width:52rem;margin:auto}\n",
    )
    w(os.path.join(out, "content/term/_index.md"), '---\ntitle: "Terms"\n---\n')
    w(os.path.join(out, "content/definition/_index.md"), '---\ntitle: "Definitions"\n---\n')
    w(os.path.join(out, "content/areas/_index.md"), '---\ntitle: "Areas"\n---\n')
    for a in c["areas"]:
        w(os.path.join(out, "content/areas", a["slug"], "_index.md"), area_md(a))
    for it in c["items"]:
        w(os.path.join(out, "content", it["kind"], it["slug"] + ".md"), entry_md(it))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=["glossary", "hugo"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--force", action="store_true", help="replace OUT if it exists")
    a = ap.parse_args()
    if os.path.exists(a.out):
        if not a.force and os.listdir(a.out):
            ap.error(f"{a.out} exists and is not empty (use --force)")
        shutil.rmtree(a.out)
    c = build_corpus(a.entries, a.seed)
    if a.format == "glossary":
        write_glossary(c, a.out)
    else:
        write_hugo(c, a.out)
    n_t = sum(1 for i in c["items"] if i["kind"] == "term")
    print(
        f"{a.format}: {len(c['areas'])} areas, {n_t} terms, "
        f"{len(c['items']) - n_t} definitions -> {a.out}"
    )


if __name__ == "__main__":
    main()
