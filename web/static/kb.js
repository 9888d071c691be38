/* Knowledge-base suggestions beside the new-request form, and keeping the typed text
   while an article is read. No inline script: the page marks what this file works on. */
(function () {
  "use strict";

  var DRAFT_KEY = "kb-draft";
  var DELAY = 250;

  // The "glad it is solved" page: the request written before is not needed any more.
  if (document.getElementById("kb-solved-page")) {
    try { window.sessionStorage.removeItem(DRAFT_KEY); } catch (e) { /* storage off */ }
    return;
  }

  var box = document.getElementById("kb-suggest");
  if (!box) { return; }
  var title = document.getElementById("title");
  var description = document.getElementById("description");
  var list = box.querySelector(".kb-suggest-list");
  var url = box.getAttribute("data-url");
  var category = box.getAttribute("data-category") || "";
  var timer = null;
  var asked = "";
  var pending = null;

  function typed() {
    return ((title ? title.value : "") + " " + (description ? description.value : "")).trim();
  }

  function saveDraft() {
    try {
      window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify({
        category: category, title: title ? title.value : "",
        description: description ? description.value : ""
      }));
    } catch (e) { /* storage off: nothing to keep */ }
  }

  function restoreDraft() {
    var saved = null;
    try { saved = JSON.parse(window.sessionStorage.getItem(DRAFT_KEY) || "null"); } catch (e) { saved = null; }
    if (!saved || saved.category !== category) { return; }
    if (title && !title.value) { title.value = saved.title || ""; }
    if (description && !description.value) { description.value = saved.description || ""; }
  }

  function show(articles) {
    list.textContent = "";
    articles.forEach(function (a) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = a.url;
      link.className = "kb-suggest-title";
      link.innerHTML = a.title_html;  // escaped by the server, only <mark> added
      link.addEventListener("click", saveDraft);
      var snippet = document.createElement("p");
      snippet.className = "kb-snippet";
      snippet.innerHTML = a.snippet_html;
      item.appendChild(link);
      item.appendChild(snippet);
      list.appendChild(item);
    });
    box.hidden = articles.length === 0;
    box.classList.toggle("has-results", articles.length > 0);
  }

  function ask() {
    var text = typed();
    if (text === asked) { return; }
    asked = text;
    if (text.length < 2) { show([]); return; }
    if (pending && pending.abort) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    var query = url + "?q=" + encodeURIComponent(text) + "&category=" + encodeURIComponent(category);
    fetch(query, {
      credentials: "same-origin", headers: {"Accept": "application/json"},
      signal: pending ? pending.signal : undefined
    }).then(function (response) {
      return response.ok ? response.json() : {articles: []};
    }).then(function (data) {
      if (text === asked) { show(data.articles || []); }
    }).catch(function () { /* aborted or offline: the form works without suggestions */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, DELAY);
  }

  restoreDraft();
  [title, description].forEach(function (field) {
    if (field) { field.addEventListener("input", later); }
  });
  var form = title ? title.form : null;
  if (form) {
    form.addEventListener("submit", function () {
      try { window.sessionStorage.removeItem(DRAFT_KEY); } catch (e) { /* storage off */ }
    });
  }
  if (typed()) { ask(); }
})();
