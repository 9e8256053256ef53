/* Search for glossary-site: answers the home page's ?s= query (the WebSite SearchAction)
   with MiniSearch over search-index.json, both fetched only when a search happens. */
(function () {
  "use strict";
  var script = document.currentScript;
  var results = document.getElementById("search-results");
  var input = document.getElementById("home-search");
  if (!script || !results || !input) { return; }
  var indexUrl = script.getAttribute("data-index");
  var engineUrl = script.getAttribute("data-engine");
  var engine = null;
  var loading = null;

  function loadEngine() {
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = engineUrl;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load the search engine")); };
      document.head.appendChild(tag);
    }).then(function () {
      return fetch(indexUrl);
    }).then(function (response) {
      if (!response.ok) { throw new Error("could not load the search index"); }
      return response.json();
    }).then(function (records) {
      engine = new window.MiniSearch({
        fields: ["t", "a", "s"],
        storeFields: ["t", "u", "k", "s"],
        extractField: function (doc, field) {
          return field === "a" ? (doc.a || []).join(" ") : doc[field];
        },
        searchOptions: { boost: { t: 3, a: 2 }, prefix: true, fuzzy: 0.2, combineWith: "AND" }
      });
      engine.addAll(records);
      return engine;
    });
    return loading;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show(query) {
    var hits = engine.search(query).slice(0, 50);
    results.replaceChildren();
    results.hidden = false;
    var heading = element("h2", "", hits.length ? "Results for \u201c" + query + "\u201d" : "No matches for \u201c" + query + "\u201d");
    results.appendChild(heading);
    if (!hits.length) {
      results.appendChild(element("p", "", "Try fewer or different words, or browse the A\u2013Z indexes."));
      return;
    }
    var list = element("ol", "");
    hits.forEach(function (hit) {
      var item = element("li", "");
      var link = element("a", "", hit.t);
      link.href = hit.u;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "kind", hit.k));
      item.appendChild(element("span", "summary", hit.s));
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  function fail(error) {
    results.hidden = false;
    results.replaceChildren(element("p", "", "Search is unavailable: " + error.message));
  }

  function search(query, remember) {
    query = query.trim();
    if (!query) { results.hidden = true; return; }
    loadEngine().then(function () {
      show(query);
      if (remember) {
        var url = new URL(window.location.href);
        url.searchParams.set("s", query);
        window.history.replaceState(null, "", url);
      }
    }, fail);
  }

  var initial = new URLSearchParams(window.location.search).get("s");
  if (initial) {
    input.value = initial;
    search(initial, false);
  }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value, true); }, 150);
  });
}());
