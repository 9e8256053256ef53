/* Hover definitions: a small card for links to entries, from the page's own data
   (<script id="gs-tips">), never a request per hover. Mouse: hover; keyboard: focus;
   touch: the first tap shows the card with a link to open the entry. Esc closes. */
(function () {
  "use strict";
  var data = document.getElementById("gs-tips");
  if (!data) return;
  var tips = JSON.parse(data.textContent), card = document.createElement("div");
  card.id = "gs-tip";
  card.className = "gs-tip";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.appendChild(card);
  var current = null, touched = false, timer = 0;

  function tipOf(link) {
    if (!link || !link.closest || link.closest(".gs-tip")) return null;
    var a = link.closest("a[href]");
    return a && a.origin === location.origin && tips.entries[a.pathname] ? a : null;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    e.className = cls;
    e.textContent = text;
    return e;
  }
  function show(a, withLink) {
    clearTimeout(timer);
    if (current && current !== a) hide();
    var t = tips.entries[a.pathname];
    card.replaceChildren(el("strong", "gs-tip-title", t[0]), el("span", "gs-tip-kind", t[1]),
      el("p", "gs-tip-meaning", "Meaning" + tips.sep + t[2]));
    if (withLink) {
      var open = el("a", "gs-tip-open", "Open " + t[0] + " \u2192");
      open.href = a.href;
      card.appendChild(open);
    }
    card.hidden = false;
    current = a;
    a.setAttribute("aria-describedby", "gs-tip");
    place(a);
  }
  function hide() {
    clearTimeout(timer);
    card.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(hide, 200);
  }
  function place(a) {
    // below the link, above it when there is no room; always inside the viewport
    var r = a.getClientRects()[0] || a.getBoundingClientRect(), gap = 8;
    var vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
    card.style.maxWidth = Math.min(352, vw - 2 * gap) + "px";
    var w = card.offsetWidth, h = card.offsetHeight;
    var top = r.bottom + gap;
    if (top + h > vh - gap && r.top - gap - h >= gap) top = r.top - gap - h;
    top = Math.max(gap, Math.min(top, vh - gap - h));
    var left = Math.max(gap, Math.min(r.left, vw - gap - w));
    card.style.top = top + "px";
    card.style.left = left + "px";
  }

  document.addEventListener("pointerover", function (e) {
    var a = tipOf(e.target);
    if (e.pointerType === "mouse" && a) show(a, false);
    else if (e.pointerType === "mouse" && current && !card.contains(e.target)) later();
    if (card.contains(e.target)) clearTimeout(timer);
  });
  document.addEventListener("pointerout", function (e) {
    if (e.pointerType === "mouse" && current && !touched) later();
  });
  document.addEventListener("pointerdown", function (e) {
    touched = e.pointerType !== "mouse";
  });
  document.addEventListener("click", function (e) {
    var a = tipOf(e.target);
    if (!touched) return;
    if (a && current !== a) {
      e.preventDefault();  // first tap: the card; a second tap follows the link
      show(a, true);
    } else if (!a && !card.contains(e.target)) hide();
  });
  document.addEventListener("focusin", function (e) {
    var a = tipOf(e.target);
    if (a && !touched) show(a, false);  // a tap focuses too: the click decides then
    else if (!a && !card.contains(e.target)) hide();
  });
  document.addEventListener("focusout", function (e) {
    if (current && e.target === current && !touched) later();
  });
  document.addEventListener("keydown", function (e) {
    touched = false;
    if (e.key === "Escape" && current) hide();
  });
  addEventListener("scroll", function () { if (current) place(current); }, { passive: true });
  addEventListener("resize", function () { if (current) place(current); });
})();
