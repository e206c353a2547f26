/* rl4lrm site: copy buttons, the search box (a substring scan over data/search.js) and the explorer. No external
   requests, no libraries. */
(function () {
  "use strict";

  function siteRoot() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = url;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(tag);
    });
  }

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = el("textarea", {}, text);
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    return Promise.resolve();
  }

  function download(name, type, text) {
    var a = el("a", { download: name, href: URL.createObjectURL(new Blob([text], { type: type })) });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function setupCopyButtons() {
    document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy-target"));
        copyText(target ? target.textContent : "").then(function () { button.textContent = "Copied"; });
      });
    });
  }

  /* Search box. The engine comes from the box's data-engine attribute (config.extra.search, set by
     `rl4lrm site build --search`). "scan", the default: substring match over data/search.js (names, titles,
     authors, summaries, taxonomy nodes), so "GRPO" finds "DanceGRPO"; it works from disk too. "pagefind":
     Pagefind's chunked index, built only for comparison (benchmarks/site_search.py). With "lunr" the theme's own
     search box replaces this one. */
  var HITS = 8;

  function scanEngine(root) {
    var ready = null;
    function load() {
      if (!ready) {
        ready = loadScript(new URL("data/search.js", root).href).then(function () {
          var data = window.RL4LRM_SEARCH;
          var items = data.works.map(function (w) {
            return { url: "papers/" + w[0] + ".html", title: w[1] && w[2].indexOf(w[1]) !== 0 ? w[1] + " — " + w[2] : w[2],
                     info: [w[5], w[3]].filter(Boolean).join(" · "), name: w[1].toLowerCase(),
                     title_lc: w[2].toLowerCase(), text: (w[1] + " " + w[2] + " " + w[3] + " " + w[4]).toLowerCase(),
                     year: +w[5] };
          });
          data.nodes.forEach(function (n) {
            items.push({ url: "taxonomy/" + n[0] + ".html", title: n[1] + " (§" + n[2] + ")", info: "taxonomy · " + n[3],
                         name: n[1].toLowerCase(), title_lc: n[1].toLowerCase(),
                         text: (n[0] + " " + n[1] + " " + n[3]).toLowerCase(), year: 9999 });
          });
          return items;
        });
      }
      return ready;
    }
    function score(item, query, words) {
      for (var i = 0; i < words.length; i++) if (item.text.indexOf(words[i]) < 0) return 0;
      if (item.name === query) return 4;
      if (item.name && item.name.indexOf(query) >= 0) return 3;
      if (item.title_lc.indexOf(query) >= 0) return 2;
      return 1;
    }
    return {
      load: load,
      search: function (query) {
        return load().then(function (items) {
          var q = query.toLowerCase();
          var words = q.split(/\s+/).filter(Boolean);
          var hits = [];
          for (var i = 0; i < items.length; i++) {
            var s = score(items[i], q, words);
            if (s) hits.push([s, items[i]]);
          }
          hits.sort(function (a, b) { return b[0] - a[0] || b[1].year - a[1].year; });
          return { total: hits.length, items: hits.slice(0, HITS).map(function (h) {
            var item = h[1];
            return { url: new URL(item.url, root).href, title: item.title, info: item.info };
          }) };
        });
      }
    };
  }

  function pagefindEngine(root) {
    var pagefind = null;
    function load() {
      if (!pagefind) {
        pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
          return pf.options({ baseUrl: root.pathname, excerptLength: 24 }).then(function () { pf.init(); return pf; });
        }).catch(function (error) { pagefind = null; throw error; });
      }
      return pagefind;
    }
    return {
      load: load,
      search: function (query) {
        return load().then(function (pf) { return pf.search(query); }).then(function (search) {
          return Promise.all(search.results.slice(0, HITS).map(function (r) { return r.data(); })).then(function (data) {
            return { total: search.results.length, items: data.map(function (d) {
              return { url: d.url, title: d.meta.title || d.url, info: d.meta.info || d.excerpt.replace(/<[^>]*>/g, "") };
            }) };
          });
        });
      }
    };
  }

  function setupSearch(root) {
    var input = document.getElementById("rl4lrm-search-input");
    var box = document.getElementById("rl4lrm-search-results");
    if (!input || !box) return;
    var engine = input.getAttribute("data-engine") === "pagefind" ? pagefindEngine(root) : scanEngine(root);
    var latest = 0;
    function render(query, found) {
      box.textContent = "";
      var total = found.total;
      box.appendChild(el("div", { class: "rl4lrm-search__meta" }, total ? total + " result" + (total === 1 ? "" : "s") : "No results"));
      found.items.forEach(function (item) {
        var hit = el("a", { class: "rl4lrm-search__hit", href: item.url });
        hit.appendChild(el("strong", {}, item.title));
        hit.appendChild(el("span", {}, item.info));
        box.appendChild(hit);
      });
      box.hidden = false;
      box.setAttribute("data-query", query);
    }
    input.addEventListener("focus", function () { engine.load().catch(function () {}); });
    input.addEventListener("input", function () {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) { box.hidden = true; box.textContent = ""; box.removeAttribute("data-query"); return; }
      engine.search(query).then(function (found) {
        if (ticket === latest) render(query, found);
      }).catch(function () {
        box.textContent = location.protocol === "file:" ? "This search needs the site served over HTTP (make serve)."
          : "Search index not available.";
        box.hidden = false;
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { box.hidden = true; input.blur(); }
      if (event.key === "Enter") { var first = box.querySelector("a"); if (first) location.href = first.href; }
    });
    document.addEventListener("click", function (event) { if (!box.contains(event.target) && event.target !== input) box.hidden = true; });
  }

  /* Explorer: AND over facets; state in the query string; selection as BibTeX or JSON. */
  var PAGE = 50;

  function setupExplorer(root) {
    var host = document.getElementById("rl4lrm-explorer");
    if (!host) return;
    loadScript(new URL("data/explorer.js", root).href).then(function () { explorer(host, root, window.RL4LRM_EXPLORER); });
  }

  function explorer(host, root, data) {
    var nodeIndex = {};
    data.nodes.forEach(function (n, i) { nodeIndex[n.id] = i; });
    data.rows.forEach(function (r) { r.h = (r.n + " " + r.t + " " + r.a + " " + r.i).toLowerCase(); r.y = +r.d.slice(0, 4); });
    var years = data.rows.map(function (r) { return r.y; });
    var minYear = Math.min.apply(null, years.length ? years : [2020]);
    var maxYear = Math.max.apply(null, years.length ? years : [2020]);
    var form = el("form", { class: "rl4lrm-explorer__form", onsubmit: "return false" });
    var controls = {};
    function labelled(text, control) {
      var label = el("label", {}, text + " ");
      label.appendChild(control);
      form.appendChild(label);
      return control;
    }
    controls.q = labelled("Text", el("input", { type: "search", name: "q", placeholder: "name, title, author" }));
    var facetSelects = data.nodes.filter(function (n) { return !n.p; }).map(function (facet) {
      var select = el("select", { name: "node", "data-facet": facet.id });
      select.appendChild(el("option", { value: "" }, "any"));
      data.nodes.forEach(function (n) {
        if (n.f !== facet.id) return;
        var depth = n.id.split("/").length - 1;
        select.appendChild(el("option", { value: n.id }, "\u00a0\u00a0".repeat(depth) + "§" + n.s + " " + n.t));
      });
      return labelled(facet.t, select);
    });
    controls.kind = labelled("Kind", el("select", { name: "kind" }));
    controls.kind.appendChild(el("option", { value: "" }, "any"));
    data.kinds.forEach(function (k) { controls.kind.appendChild(el("option", { value: k }, k)); });
    controls.from = labelled("From", el("select", { name: "from" }));
    controls.to = labelled("To", el("select", { name: "to" }));
    for (var y = minYear; y <= maxYear; y++) {
      controls.from.appendChild(el("option", { value: String(y) }, String(y)));
      controls.to.appendChild(el("option", { value: String(y) }, String(y)));
    }
    controls.code = labelled("Has code", el("input", { type: "checkbox", name: "code" }));
    controls.baseline = labelled("Has baseline", el("input", { type: "checkbox", name: "baseline" }));
    var actions = el("div", { class: "rl4lrm-explorer__actions" });
    var count = el("span", { class: "rl4lrm-explorer__count", "aria-live": "polite" });
    var buttons = {};
    [["copy", "Copy BibTeX"], ["bib", "Download BibTeX"], ["json", "Download JSON"], ["reset", "Reset"]].forEach(function (b) {
      buttons[b[0]] = el("button", { type: "button", class: "md-button", "data-action": b[0] }, b[1]);
      actions.appendChild(buttons[b[0]]);
    });
    actions.appendChild(count);
    var table = el("table", { class: "rl4lrm-works rl4lrm-explorer__table" });
    table.innerHTML = "<thead><tr><th>Date</th><th>Name</th><th>Title</th><th>Authors</th><th>Kind</th><th>Code</th></tr></thead>";
    var body = el("tbody");
    table.appendChild(body);
    var more = el("button", { type: "button", class: "md-button", hidden: "" }, "Show more");
    host.textContent = "";
    [form, actions, table, more].forEach(function (n) { host.appendChild(n); });

    var selected = [];
    var shown = PAGE;
    var papers = new URL("papers/", root).href;

    function state() {
      return {
        q: controls.q.value.trim(),
        nodes: facetSelects.map(function (s) { return s.value; }).filter(Boolean),
        kind: controls.kind.value,
        from: +controls.from.value, to: +controls.to.value,
        code: controls.code.checked, baseline: controls.baseline.checked
      };
    }
    function readUrl() {
      var p = new URLSearchParams(location.search);
      controls.q.value = p.get("q") || "";
      var nodes = (p.get("node") || "").split(",").filter(Boolean);
      facetSelects.forEach(function (s) {
        var mine = nodes.filter(function (n) { return n.split("/")[0] === s.getAttribute("data-facet"); });
        s.value = mine.length && nodeIndex[mine[0]] !== undefined ? mine[0] : "";
      });
      controls.kind.value = data.kinds.indexOf(p.get("kind")) >= 0 ? p.get("kind") : "";
      controls.from.value = String(Math.max(minYear, Math.min(maxYear, +p.get("from") || minYear)));
      controls.to.value = String(Math.max(minYear, Math.min(maxYear, +p.get("to") || maxYear)));
      controls.code.checked = p.get("code") === "1";
      controls.baseline.checked = p.get("baseline") === "1";
    }
    function writeUrl(s) {
      var p = new URLSearchParams();
      if (s.q) p.set("q", s.q);
      if (s.nodes.length) p.set("node", s.nodes.join(","));
      if (s.kind) p.set("kind", s.kind);
      if (s.from > minYear) p.set("from", String(s.from));
      if (s.to < maxYear) p.set("to", String(s.to));
      if (s.code) p.set("code", "1");
      if (s.baseline) p.set("baseline", "1");
      var query = p.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
    var members = {};
    function memberOf(node) {
      /* One byte per row: is the row under this taxonomy node? Built the first time the node is chosen. */
      if (!members[node]) {
        var flags = new Uint8Array(data.rows.length);
        data.rows.forEach(function (r, i) { if (r.x.indexOf(node) >= 0) flags[i] = 1; });
        members[node] = flags;
      }
      return members[node];
    }
    function filter(s) {
      var nodes = s.nodes.map(function (n) { return memberOf(nodeIndex[n]); });
      var words = s.q.toLowerCase().split(/\s+/).filter(Boolean);
      var out = [];
      var rows = data.rows;
      outer: for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        if (r.y < s.from || r.y > s.to) continue;
        if (s.kind && r.k !== s.kind) continue;
        if ((s.code && !r.c) || (s.baseline && !r.b)) continue;
        for (var n = 0; n < nodes.length; n++) if (!nodes[n][i]) continue outer;
        for (var w = 0; w < words.length; w++) if (r.h.indexOf(words[w]) < 0) continue outer;
        out.push(r);
      }
      return out;
    }
    function renderRows() {
      var frag = document.createDocumentFragment();
      selected.slice(0, shown).forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("td", {}, r.d));
        var name = el("td");
        name.appendChild(el("a", { href: papers + r.i + ".html" }, r.n || r.i));
        tr.appendChild(name);
        tr.appendChild(el("td", {}, r.t));
        tr.appendChild(el("td", {}, r.a));
        tr.appendChild(el("td", {}, r.k));
        var code = el("td");
        if (r.u) code.appendChild(el("a", { href: r.u, rel: "noopener" }, "code"));
        tr.appendChild(code);
        frag.appendChild(tr);
      });
      body.textContent = "";
      body.appendChild(frag);
      more.hidden = selected.length <= shown;
      count.textContent = selected.length + " of " + data.rows.length + " works";
    }
    function apply() {
      var t0 = performance.now();
      var s = state();
      selected = filter(s);
      shown = PAGE;
      renderRows();
      writeUrl(s);
      host.setAttribute("data-count", String(selected.length));
      host.setAttribute("data-ms", (performance.now() - t0).toFixed(1));
    }
    function lazy(name, path) {
      return window[name] ? Promise.resolve(window[name]) : loadScript(new URL(path, root).href).then(function () { return window[name]; });
    }
    function selectionBibtex() {
      return lazy("RL4LRM_BIBTEX", "data/bibtex.js").then(function (bib) {
        return selected.map(function (r) { return bib.text[r.i]; }).join("\n");
      });
    }
    form.addEventListener("input", function (event) { if (event.target === controls.q) apply(); });
    form.addEventListener("change", function (event) { if (event.target !== controls.q) apply(); });
    more.addEventListener("click", function () { shown += PAGE * 5; renderRows(); });
    buttons.reset.addEventListener("click", function () { history.replaceState(null, "", location.pathname); readUrl(); apply(); });
    buttons.copy.addEventListener("click", function () {
      selectionBibtex().then(copyText).then(function () { buttons.copy.textContent = "Copied " + selected.length; });
    });
    buttons.bib.addEventListener("click", function () {
      selectionBibtex().then(function (text) { download("rl4lrm-selection.bib", "application/x-bibtex", text); });
    });
    buttons.json.addEventListener("click", function () {
      lazy("RL4LRM_RECORDS", "data/records.js").then(function (all) {
        var ids = new Set(selected.map(function (r) { return r.i; }));
        var picked = all.filter(function (r) { return ids.has(r.id); });
        download("rl4lrm-selection.json", "application/json", JSON.stringify(picked, null, 1) + "\n");
      });
    });
    readUrl();
    apply();
    host.setAttribute("data-ready", "1");
  }

  function start() {
    var root = siteRoot();
    setupCopyButtons();
    setupSearch(root);
    setupExplorer(root);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
