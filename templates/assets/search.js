/* Search for glossary-site: the search box of any page becomes a WAI-ARIA combobox whose
   listbox shows results as you type; ?s= in any page's URL searches on load (the WebSite
   SearchAction target). The index is loaded in parts (render/search.py): a small
   manifest, the smallest title shard of the query's words (exact, prefix, then typo:
   MiniSearch, or where exact and prefix matches fill the list, its formula without its
   index), the word shards for summary and body matches, and the document files of
   the results shown. A title shard carries each title's kind and URL, so title matches
   show as soon as the shards are in (one round of requests) and their meaning lines
   fill in when their documents are; a summary or body match shows when its document is
   in (the first FIRST results' documents are asked for first, the others' (up to MAX)
   after them, and appended in rank order). The manifest is asked for at low
   priority while the page loads (a fetch never delays its load event), the engine once
   it has loaded (at once when the form is hovered, pressed or focused, or a query is
   given), so that a query typed right after the page loaded waits only for its own
   shards. */
(function () {
  "use strict";
  var script = document.currentScript;
  var input = document.querySelector("form.search-form input[name=s]");
  if (!script || !input) { return; }
  var form = input.form;
  var manifestUrl = script.getAttribute("data-index");
  var engineUrl = script.getAttribute("data-engine");
  var root = manifestUrl.replace(/manifest\.json$/, "");
  var MAX = 20;  // results listed
  var FIRST = 6;  // results shown before the others' documents load: one request each,
                  // and a browser opens 6 connections to a host at once over HTTP/1.1
  var WORD = /[\p{L}\p{N}]+/gu;
  var ASCII = /^[\x00-\x7f]*$/;
  var files = {};
  var shards = {};  // title shards, prepared once per page (titleShard)
  var engine = null;
  var sequence = 0;
  var active = -1;

  // ---------------------------------------------------------------- the index

  // lower case without accents; ASCII text (most titles) only needs lower-casing, and
  // skipping NFKD there halved the cost of indexing a large title shard
  function fold(text) {
    if (ASCII.test(text)) { return text.toLowerCase(); }
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  }

  // a text's folded words, repeats kept (MiniSearch counts them); the same split for the
  // titles indexed, the query and the tiers
  function tokens(text) {
    return fold(text).match(WORD) || [];
  }

  function words(text) {
    return Array.from(new Set(tokens(text)));
  }

  function shardName(word, length) {
    var key = Array.from(word).slice(0, length).join("");
    if (/^[a-z0-9]+$/.test(key)) { return key; }
    return "_" + Array.from(new TextEncoder().encode(key), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  // each file is fetched once; the first caller sets the priority (a warm-up's is low)
  function json(url, priority) {
    if (!files[url]) {
      files[url] = fetch(url, { priority: priority || "auto" }).then(function (response) {
        if (!response.ok) { throw new Error("could not load " + url); }
        return response.json();
      });
      files[url].catch(function () { delete files[url]; });
    }
    return files[url];
  }

  function loadEngine(priority) {
    if (!engine) {
      engine = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.fetchPriority = priority || "auto";
        tag.src = engineUrl;
        tag.onload = resolve;
        tag.onerror = function () { engine = null; reject(new Error("could not load the search engine")); };
        document.head.appendChild(tag);
      });
    }
    return engine;
  }

  // the manifest and the engine, so that a query only waits for its shards
  function prepare(priority) {
    return Promise.all([json(manifestUrl, priority), loadEngine(priority)]).then(function (loaded) {
      return loaded[0];
    });
  }

  // a word's title shard: its first two letters, or, where that group is split
  // (render/search.py's TITLE_SPLIT), its first three, or "<ab>_" for a two-letter word
  function titleKey(keys, term, length) {
    var two = shardName(term, length);
    if (keys.has(two)) { return two; }
    if (Array.from(term).length <= length) { return keys.has(two + "_") ? two + "_" : null; }
    var three = shardName(term, length + 1);
    return keys.has(three) ? three : null;
  }

  // a title shard's records ([id, title, kind code, slug, aliases?]) with their words
  // split once (and each word's number of records per field), kept for the page's life;
  // MiniSearch indexes it only when a query needs typos (withEngine), then keeps that
  // index too. Each keeps the row it shows: title, URL and kind, its meaning to come.
  function titleShard(manifest, key) {
    if (!shards[key]) {
      shards[key] = json(root + "t/" + key + ".json").then(function (records) {
        var total = [0, 0];
        var df = [new Map(), new Map()];
        var docs = records.map(function (r) {
          var title = tokens(r[1]);
          var kind = manifest.kinds[r[2]];
          var aliases = (r[4] || []).map(function (alias) { return tokens(alias).join(" "); });
          var doc = { id: r[0], t: title, a: r[4] ? tokens(r[4].join(" ")) : [], names: [title.join(" ")].concat(aliases) };
          doc.row = { t: r[1], u: manifest.base + kind[0] + "/" + r[3] + "/", k: kind[1] };
          doc.sizes = [doc.t, doc.a].map(function (own, f) {
            var seen = distinct(own);
            seen.forEach(function (w) { df[f].set(w, (df[f].get(w) || 0) + 1); });
            total[f] += seen.length;
            return seen.length;
          });
          return doc;
        });
        return { docs: docs, df: df, average: [total[0] / docs.length || 1, total[1] / docs.length || 1], mini: null };
      });
      shards[key].catch(function () { delete shards[key]; });
    }
    return shards[key];
  }

  function distinct(list) {
    return list.filter(function (w, i) { return list.indexOf(w) === i; });
  }

  function withEngine(shard) {
    return loadEngine().then(function () {
      if (!shard.mini) {
        shard.mini = new window.MiniSearch({
          fields: ["t", "a"],
          // the fields are word lists already; a query is split like the titles were
          stringifyField: function (list) { return list; },
          tokenize: function (list) { return list; },
          processTerm: function (term) { return term; },
          searchOptions: { tokenize: tokens }
        });
        shard.mini.addAll(shard.docs);
        shard.byId = new Map(shard.docs.map(function (doc) { return [doc.id, doc]; }));
      }
      return shard;
    });
  }

  // a hit's tier from the title words MiniSearch matched (hit.terms): 0 if every query
  // word is one of them, 1 if every word starts one, else 2 (a typo); the same as folding
  // the hit's title again, since every title word equal to or starting with a query word
  // is a match MiniSearch reports
  function tier(terms, matched) {
    var worst = 0;
    terms.forEach(function (term) {
      var kind = matched.indexOf(term) >= 0 ? 0
        : matched.some(function (w) { return w.startsWith(term); }) ? 1 : 2;
      worst = Math.max(worst, kind);
    });
    return worst;
  }

  var SEARCH = {
    boost: { t: 2 },
    prefix: true,
    fuzzy: function (term) { return term.length > 3 ? 0.2 : false; },
    combineWith: "AND"
  };

  // titles must hold every word (prefix or typo), so the smallest of the words' shards
  // holds every title that can match: only that one is loaded. When the exact and prefix
  // matches alone fill the list, typos cannot show and they are the answer (plainMatches,
  // ranked as MiniSearch ranks them); otherwise MiniSearch searches the shard, typos too.
  function titleMatches(manifest, terms) {
    var keys = new Set(manifest.titles);
    var sizes = new Map(manifest.titles.map(function (k, n) { return [k, manifest.title_sizes[n]]; }));
    var wanted = terms.map(function (t) { return titleKey(keys, t, manifest.title_key); })
      .filter(function (k) { return k !== null; })
      .sort(function (a, b) { return sizes.get(a) - sizes.get(b); });
    if (!wanted.length) { return Promise.resolve([]); }
    var phrase = terms.join(" ");
    return titleShard(manifest, wanted[0]).then(function (shard) {
      var plain = plainMatches(shard, terms);
      if (plain.count >= MAX) { return plain.best; }
      // these lead the list whatever typos add: their documents load while MiniSearch works
      if (plain.count >= FIRST) { askDocs(manifest, plain.best.slice(0, FIRST).map(function (h) { return h.id; })); }
      return withEngine(shard).then(function () {
        return shard.mini.search(phrase, SEARCH).map(function (hit) {
          var doc = shard.byId.get(hit.id);
          return { id: hit.id, tier: tier(terms, hit.terms), whole: whole(doc, phrase), score: hit.score, marks: hit.terms, row: doc.row };
        }).sort(function (a, b) { return before(a, b) ? -1 : 1; });
      });
    });
  }

  // The titles holding every query word exactly or as a prefix (tiers 0 and 1), how many,
  // and the best MAX of them ranked as titleMatches ranks MiniSearch's hits, with
  // MiniSearch 7's own score (its executeQuerySpec and termResults): per field (title
  // boost 2, aliases 1) and matched word, BM25+ (k 1.2, b 0.7, d 0.5) over distinct words,
  // weighted 1 for the query word itself, 0.375 * len / (len + 0.3 * extra letters) for a
  // word it starts, 0.45 * len / (len + edits) for a typo (words of 4+ letters, round(20%)
  // edits). The same order as MiniSearch's for a fraction of the time: on the largest
  // 10,000-entry shard (1,123 titles, "in") this pass takes a few ms where indexing and
  // searching took 30-70 (see the README). Plain loops: this runs before any code is warm.
  function plainMatches(shard, terms) {
    var docs = shard.docs;
    var count = docs.length;
    if (terms.length > 30) { return { count: 0, best: [] }; }  // one bit a word below: MiniSearch then
    var all = (1 << terms.length) - 1;
    var edits = terms.map(function (t) { return t.length > 3 ? Math.min(6, Math.round(t.length * 0.2)) : 0; });
    var best = [];  // the MAX best so far, best first (no sort of every match)
    var found = 0;
    for (var n = 0; n < count; n++) {
      var doc = docs[n];
      var some = 0;
      var exact = 0;
      for (var f = 0; f < 2; f++) {
        var own = f ? doc.a : doc.t;
        for (var i = 0; i < own.length; i++) {
          for (var q = 0; q < terms.length; q++) {
            if (own[i].startsWith(terms[q])) {
              some |= 1 << q;
              if (own[i] === terms[q]) { exact |= 1 << q; }
            }
          }
        }
      }
      if (some !== all) { continue; }
      found++;
      var score = 0;
      var marks = [];
      for (f = 0; f < 2; f++) {
        own = f ? doc.a : doc.t;
        for (i = 0; i < own.length; i++) {
          var word = own[i];
          if (own.indexOf(word) !== i) { continue; }  // once per distinct word, tf below
          for (q = 0; q < terms.length; q++) {
            var term = terms[q];
            var weight = 0;
            if (word === term) { weight = 1; }
            else if (word.startsWith(term)) { weight = 0.375 * word.length / (word.length + 0.3 * (word.length - term.length)); }
            else if (edits[q]) {
              var d = distance(term, word, edits[q]);
              if (d > 0 && d <= edits[q]) { weight = 0.45 * word.length / (word.length + d); }
            }
            if (!weight) { continue; }
            var tf = 0;
            for (var j = i; j < own.length; j++) { if (own[j] === word) { tf++; } }
            var freq = shard.df[f].get(word);
            var idf = Math.log(1 + (count - freq + 0.5) / (freq + 0.5));
            var norm = 0.5 + tf * 2.2 / (tf + 1.2 * (0.3 + 0.7 * doc.sizes[f] / shard.average[f]));
            score += weight * (f ? 1 : 2) * idf * norm;
            if (marks.indexOf(word) < 0) { marks.push(word); }
          }
        }
      }
      var hit = { id: doc.id, tier: exact === all ? 0 : 1, whole: whole(doc, terms.join(" ")), score: score * terms.length, marks: marks, row: doc.row };
      var at = best.length;
      while (at > 0 && before(hit, best[at - 1])) { at--; }
      if (at < MAX) { best.splice(at, 0, hit); best.length = Math.min(best.length, MAX); }
    }
    return { count: found, best: best };
  }

  // Levenshtein distance of a and b, or more than most once it must exceed it
  function distance(a, b, most) {
    if (Math.abs(a.length - b.length) > most) { return most + 1; }
    var row = [];
    for (var j = 0; j <= b.length; j++) { row.push(j); }
    for (var i = 1; i <= a.length; i++) {
      var previous = row[0];
      row[0] = i;
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var here = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = here;
        least = Math.min(least, row[j]);
      }
      if (least > most) { return most + 1; }
    }
    return row[b.length];
  }

  // 0 for a title (or alias) that is the query itself, word for word, else 1: it comes
  // first among the exact matches ("margin" finds "Margin" before "Margin Marginalia",
  // which MiniSearch scores higher for its extra prefix match)
  function whole(doc, phrase) {
    return doc.names.indexOf(phrase) >= 0 ? 0 : 1;
  }

  // whether hit a ranks above hit b: tier, the whole title, score, then id
  function before(a, b) {
    return (a.tier - b.tier || a.whole - b.whole || b.score - a.score || a.id - b.id) < 0;
  }

  function wordMatches(manifest, terms) {
    var keys = new Set(manifest.words);
    var wanted = Array.from(new Set(terms.map(function (t) { return shardName(t, manifest.word_key); })));
    return Promise.all(wanted.map(function (k) {
      return keys.has(k) ? json(root + "w/" + k + ".json") : Promise.resolve({});
    })).then(function (shards) {
      var byKey = {};
      wanted.forEach(function (k, n) { byKey[k] = shards[n]; });
      var found = null;
      terms.forEach(function (term, n) {
        var shard = byKey[shardName(term, manifest.word_key)];
        var last = n === terms.length - 1 && Array.from(term).length >= manifest.word_key;
        var here = new Map();
        Object.keys(shard).forEach(function (word) {
          if (word !== term && !(last && word.startsWith(term))) { return; }
          var list = shard[word];
          for (var i = 0; i < list.length; i += 2) {
            var before = here.get(list[i]);
            here.set(list[i], {
              where: (before ? before.where : 0) | list[i + 1],
              rank: before ? Math.min(before.rank, i) : i
            });
          }
        });
        var next = new Map();
        here.forEach(function (value, id) {
          var strong = (value.where & 3) !== 0;  // in the title, an alias or the summary
          if (found === null) {
            next.set(id, { strong: strong, rank: value.rank });
          } else if (found.has(id)) {
            var before = found.get(id);
            next.set(id, { strong: before.strong && strong, rank: before.rank + value.rank });
          }
        });
        found = next;
      });
      var hits = [];
      (found || new Map()).forEach(function (value, id) {
        hits.push({ id: id, tier: value.strong ? 3 : 4, score: 0, rank: value.rank, marks: [] });
      });
      return hits.sort(function (a, b) { return a.tier - b.tier || a.rank - b.rank || a.id - b.id; });
    });
  }

  // ask for the document files of these ids (a prefetch: withDocs takes them from there)
  function askDocs(manifest, ids) {
    new Set(ids.map(function (id) { return id >> manifest.bucket_bits; })).forEach(function (b) {
      json(root + "d/" + b + ".json").catch(function () {});
    });
  }

  // the documents (title, URL, kind, meaning) of the given hits, from their slot files
  function withDocs(manifest, hits) {
    var buckets = Array.from(new Set(hits.map(function (h) { return h.id >> manifest.bucket_bits; })));
    return Promise.all(buckets.map(function (b) { return json(root + "d/" + b + ".json"); }))
      .then(function (files) {
        var docs = {};
        buckets.forEach(function (b, n) { docs[b] = files[n]; });
        hits.forEach(function (hit) { hit.doc = docs[hit.id >> manifest.bucket_bits][String(hit.id)]; });
        return hits;
      });
  }

  function search(query) {
    var terms = words(query);
    if (!terms.length) { return Promise.resolve({ terms: terms, hits: [], rest: Promise.resolve([]) }); }
    return json(manifestUrl).then(function (manifest) {
      var titles = titleMatches(manifest, terms);
      // title matches lead the list, so their documents are asked for as soon as they are
      // ranked, while the word shards (which only add results below them) still load
      titles.then(function (hits) {
        askDocs(manifest, hits.slice(0, FIRST).map(function (h) { return h.id; }));
      }).catch(function () {});
      return Promise.all([titles, wordMatches(manifest, terms)]).then(function (found) {
        var seen = new Set();
        var hits = found[0].concat(found[1]).filter(function (hit) {
          if (seen.has(hit.id)) { return false; }
          seen.add(hit.id);
          return true;
        }).slice(0, MAX);
        var result = { terms: terms, hits: hits, ready: 0, manifest: manifest, separator: manifest.separator };
        // title matches lead the list and carry their rows: they show now, with the shards
        result.ready = hits.filter(function (hit) { return hit.row; }).length;
        if (result.ready) { return result; }
        // else the first results show as soon as their documents are in (one file each)
        return withDocs(manifest, hits.slice(0, FIRST)).then(function () {
          result.ready = Math.min(FIRST, hits.length);
          return result;
        });
      });
    });
  }

  // ------------------------------------------------------------- the combobox

  var listbox = document.createElement("ul");
  listbox.id = input.id + "-results";
  listbox.className = "search-results";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Search results");
  listbox.hidden = true;
  var status = document.createElement("p");
  status.className = "search-status";
  status.setAttribute("role", "status");
  form.insertAdjacentElement("afterend", status);
  status.insertAdjacentElement("afterend", listbox);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-expanded", "false");

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function marked(text, terms, marks) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(WORD, function (word, offset) {
      var folded = fold(word);
      var hit = marks.indexOf(folded) >= 0 || terms.some(function (t) { return folded === t || folded.startsWith(t); });
      if (!hit) { return word; }
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(element("mark", "", word));
      last = offset + word.length;
      return word;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function setActive(n) {
    var options = listbox.querySelectorAll("[role=option]");
    if (!options.length) { n = -1; }
    if (n >= options.length) { n = 0; }
    if (n < -1) { n = options.length - 1; }
    active = n;
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === n ? "true" : "false"); });
    if (n >= 0) {
      input.setAttribute("aria-activedescendant", options[n].id);
      options[n].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open(yes) {
    listbox.hidden = !yes;
    input.setAttribute("aria-expanded", yes ? "true" : "false");
    if (!yes) { setActive(-1); }
  }

  // a result's row: title (a link), kind and meaning line; a title match's row comes
  // from its title shard (hit.row) and its meaning from its document (hit.doc), which
  // may not be in yet: the line then holds its label alone (fillMeaning completes it),
  // so the row keeps its height
  function option(hit, n, found) {
    var doc = hit.row || hit.doc;
    var node = element("li", "search-option");
    node.id = listbox.id + "-" + n;
    node.setAttribute("role", "option");
    node.setAttribute("aria-selected", "false");
    node.setAttribute("data-tier", String(hit.tier));
    var link = element("a", "search-title");
    link.href = doc.u;
    link.tabIndex = -1;
    link.appendChild(marked(doc.t, found.terms, hit.marks));
    node.appendChild(link);
    node.appendChild(document.createTextNode(" "));
    node.appendChild(element("span", "kind", doc.k));
    node.appendChild(element("p", "meaning"));
    fillMeaning(node, hit, found);
    node.addEventListener("mousedown", function (event) { event.preventDefault(); });
    node.addEventListener("click", function () { window.location.assign(doc.u); });
    return node;
  }

  function fillMeaning(node, hit, found) {
    var meaning = node.querySelector(".meaning");
    meaning.replaceChildren(element("span", "meaning-label", "Meaning"));
    if (hit.doc) { meaning.appendChild(marked(found.separator + hit.doc.s, found.terms, hit.marks)); }
    meaning.setAttribute("aria-busy", hit.doc ? "false" : "true");
  }

  function show(query, found) {
    listbox.replaceChildren();
    active = -1;
    input.removeAttribute("aria-activedescendant");
    var total = found.hits.length;
    listbox.setAttribute("aria-busy", "false");
    if (!total) {
      status.textContent = "No matches for \u201c" + query + "\u201d. Try other words, or browse the A\u2013Z indexes.";
      open(false);
      return;
    }
    status.textContent = total + (total === 1 ? " result" : " results") + " for \u201c" + query + "\u201d";
    found.hits.slice(0, found.ready).forEach(function (hit, n) { listbox.appendChild(option(hit, n, found)); });
    var waiting = found.hits.some(function (hit) { return !hit.doc; });
    listbox.setAttribute("aria-busy", waiting ? "true" : "false");
    open(true);
    listbox.dispatchEvent(new CustomEvent("search-results", { bubbles: true, detail: { query: query } }));
  }

  // results from..to once their documents are in: the meaning lines of those shown,
  // the others appended (the active option and the ones above it stay where they are)
  function complete(found, from, to) {
    var options = listbox.children;
    found.hits.slice(from, to).forEach(function (hit, k) {
      var n = from + k;
      if (n >= options.length) { listbox.appendChild(option(hit, n, found)); }
      else if (options[n].querySelector(".meaning[aria-busy=true]")) { fillMeaning(options[n], hit, found); }
    });
  }

  // the documents of the first FIRST results, then of the others, each batch shown as
  // it comes in (the files are asked for once: those of results shown are in already)
  function completeAll(found, current) {
    var hits = found.hits;
    return withDocs(found.manifest, hits.slice(0, FIRST)).then(function () {
      if (!current()) { return; }
      complete(found, 0, FIRST);
      return withDocs(found.manifest, hits.slice(FIRST)).then(function () {
        if (!current()) { return; }
        complete(found, FIRST, hits.length);
        listbox.setAttribute("aria-busy", "false");
      });
    });
  }

  function run(query, remember) {
    var mine = ++sequence;
    query = query.trim();
    if (remember) {
      var url = new URL(window.location.href);
      if (query) { url.searchParams.set("s", query); } else { url.searchParams.delete("s"); }
      window.history.replaceState(null, "", url);
    }
    if (!query) { status.textContent = ""; listbox.replaceChildren(); listbox.setAttribute("aria-busy", "false"); open(false); return; }
    var current = function () { return mine === sequence; };
    search(query).then(function (found) {
      if (!current()) { return; }
      show(query, found);
      return completeAll(found, current);
    }).catch(function (error) {
      if (!current()) { return; }
      listbox.setAttribute("aria-busy", "false");
      if (listbox.children.length) { return; }  // the rows shown stay, meaning lines blank
      status.textContent = "Search is unavailable: " + error.message;
      open(false);
    });
  }

  // Warm-up: a reader who never searches still gets the manifest and the engine (a few
  // KB gzipped, then cached), at low priority and not with Save-Data on: the manifest
  // while the page loads (a fetch does not delay the load event; asked for after it, it
  // had often arrived but not been parsed when a query typed right after the load event
  // needed it, the page's main thread busy), the engine once the page has loaded (a
  // script would delay the load event, and running it then competes with the page); a
  // hover, press or key on the form starts both at once (a person reaches for the box
  // before typing in it). Waiting for an idle moment instead (requestIdleCallback) was
  // measured: right after the load event the page is seldom idle, and a query typed then
  // often found the manifest not asked for yet (benchmarks/search.py, cold).
  function warmUp(priority) {
    prepare(priority).catch(function () {});
  }
  function afterLoad() {
    setTimeout(function () { warmUp("low"); }, 0);  // after the page's other load handlers
  }
  var connection = navigator.connection;
  if (!(connection && connection.saveData)) {
    json(manifestUrl, "low").catch(function () {});
    if (document.readyState === "complete") { afterLoad(); }
    else { window.addEventListener("load", afterLoad, { once: true }); }
  }
  ["pointerover", "pointerdown", "keydown"].forEach(function (type) {
    form.addEventListener(type, function () { warmUp(); }, { once: true, passive: true });
  });

  input.addEventListener("focus", function () {
    warmUp();
    if (listbox.children.length) { open(true); }
  }, { once: false });
  input.addEventListener("input", function () { run(input.value, true); });
  input.addEventListener("blur", function () { open(false); });
  input.addEventListener("keydown", function (event) {
    var options = listbox.querySelectorAll("[role=option]");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (listbox.hidden && options.length) { open(true); }
      setActive(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (active >= 0 && !listbox.hidden) {
        window.location.assign(options[active].querySelector("a").href);
      } else {
        run(input.value, true);
      }
    } else if (event.key === "Escape") {
      if (!listbox.hidden) { event.preventDefault(); open(false); }
      else if (input.value) { event.preventDefault(); input.value = ""; run("", true); }
    }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); run(input.value, true); });

  var initial = new URLSearchParams(window.location.search).get("s");
  if (initial) {
    input.value = initial;
    run(initial, false);
  }
}());
