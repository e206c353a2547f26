/* rl4lrm site: copy buttons, the search box (the sharded index data/search/, see tools/rl4lrm/site/search.py) and
   the explorer. No external requests, no libraries. */
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
     `rl4lrm site build --search`). "index", the default: the sharded index of tools/rl4lrm/site/search.py (see its
     docstring for the files), fetched shard by shard as the query needs them; it works from disk too. "pagefind":
     Pagefind's chunked index, built only for comparison (benchmarks/site_search.py). With "lunr" the theme's own
     search box replaces this one. */
  var HITS = 8;
  var ARXIV = /(?:arxiv[:\s]*|arxiv\.org\/(?:abs|pdf)\/)?(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])/i;

  /* Normalisation: the same as search.py's normalise, words and compact (a browser test compares them). */
  function normalise(text) { return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function words(text, stop) {
    return (normalise(text).match(/[a-z0-9]+/g) || []).filter(function (w) { return w.length > 1 && !stop[w]; });
  }
  function compact(text) { return (normalise(text).match(/[a-z0-9]+/g) || []).join(""); }

  function lowerBound(sorted, key, get) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (get(sorted[mid]) < key) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function shardOf(bounds, key) {
    var prefix = key.slice(0, 2), lo = 0, hi = bounds.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (bounds[mid] <= prefix) lo = mid; else hi = mid - 1; }
    return lo;
  }

  function indexEngine(root) {
    var parts = {};
    var shards = {};
    function part(name) {
      if (!parts[name]) {
        parts[name] = loadScript(new URL("data/search/" + name + ".js", root).href).then(function () {
          return window.RL4LRM_PARTS[name];
        }, function (error) { delete parts[name]; throw error; });
      }
      return parts[name];
    }
    function terms(name) {
      /* A term shard with its terms sorted (numbers first in an object's own order) and postings decoded once. */
      if (!shards[name]) {
        shards[name] = part(name).then(function (raw) {
          return { raw: raw, sorted: Object.keys(raw).sort(), decoded: {} };
        });
      }
      return shards[name];
    }
    function postings(shard, term) {
      var done = shard.decoded[term];
      if (done) return done;
      var flat = shard.raw[term];
      if (!flat) return null;
      var docs = new Int32Array(flat.length / 2), impact = new Uint16Array(flat.length / 2), doc = 0;
      for (var i = 0, j = 0; i < flat.length; i += 2, j++) { doc += flat[i]; docs[j] = doc; impact[j] = flat[i + 1]; }
      done = shard.decoded[term] = { docs: docs, impact: impact };
      return done;
    }
    function parse(meta, query) {
      var stop = {};
      meta.stop.forEach(function (w) { stop[w] = 1; });
      var arxiv = ARXIV.exec(query);
      var rest = arxiv ? query.replace(arxiv[0], " ") : query;
      var seen = {}, tokens = words(rest, stop).filter(function (w) { return seen[w] ? false : (seen[w] = 1); });
      var key = arxiv ? compact(arxiv[1]) : compact(query);
      return { tokens: tokens, key: key, typing: !/\s$/.test(query) && !arxiv };
    }
    function scoreToken(meta, shard, token, prefix, best, touched) {
      /* best[doc]: the token's impact in doc (x10 exact, x8 for a longer word it starts, while typing). */
      var lists = [];
      var exact = postings(shard, token);
      if (exact) lists.push([exact, 10]);
      if (prefix) {
        var budget = 400000, i = lowerBound(shard.sorted, token, function (t) { return t; });
        for (var n = 0; i < shard.sorted.length && n < 200 && budget > 0; i++, n++) {
          var term = shard.sorted[i];
          if (term.lastIndexOf(token, 0) !== 0) break;
          if (term === token) continue;
          var p = postings(shard, term);
          budget -= p.docs.length;
          lists.push([p, 8]);
        }
      }
      for (var l = 0; l < lists.length; l++) {
        var docs = lists[l][0].docs, impact = lists[l][0].impact, weight = lists[l][1];
        for (var k = 0; k < docs.length; k++) {
          var d = docs[k], s = impact[k] * weight;
          if (!best[d]) touched.push(d);
          if (s > best[d]) best[d] = s;
        }
      }
    }
    function scoreKeys(meta, keys, key, tier) {
      /* tier 4: the query is an id, arXiv id, BibTeX key or name; 3: a title (8+ characters) or a name starts
         with it; 2: a name ends with it (from a word boundary); 1: such a name tail starts with it. */
      var q = key.slice(0, meta.titleKey);
      for (var i = lowerBound(keys, q, function (e) { return e[0]; }), n = 0; i < keys.length && n < 500; i++, n++) {
        var entry = keys[i], k = entry[0];
        if (k.lastIndexOf(q, 0) !== 0) break;
        var equal = k === key, starts = k.lastIndexOf(key, 0) === 0 || (key.length > meta.titleKey && k === q);
        for (var j = 1; j < entry.length; j += 2) {
          var doc = entry[j], type = entry[j + 1], t = 0;
          if (type === "t") t = (equal || starts) && key.length >= 8 ? 3 : equal ? 3 : 0;
          else if (type === "s") t = equal ? 2 : starts && key.length >= 3 ? 1 : 0;
          else if (equal) t = 4;
          else if (type === "n" && starts) t = 3;
          if (t > tier[doc]) tier[doc] = t;
        }
      }
    }
    function rank(meta, parsed, termShards, keys) {
      var n = meta.docs, tokens = parsed.tokens;
      var score = new Float64Array(n), matched = new Uint8Array(n), tier = new Uint8Array(n);
      tokens.forEach(function (token, i) {
        var best = new Uint16Array(n), touched = [];
        scoreToken(meta, termShards[i], token, parsed.typing && i === tokens.length - 1, best, touched);
        for (var k = 0; k < touched.length; k++) { var d = touched[k]; score[d] += best[d]; matched[d]++; }
      });
      if (keys && parsed.key.length > 1) scoreKeys(meta, keys, parsed.key, tier);
      var most = 0;
      for (var d = 0; d < n; d++) if (matched[d] > most) most = matched[d];
      var top = [], total = 0;
      for (d = 0; d < n; d++) {
        if (!tier[d] && (!matched[d] || matched[d] < most)) continue;
        total++;
        var s = tier[d] * 1e9 + matched[d] * 1e7 + score[d];
        if (top.length === HITS && s <= top[HITS - 1][0]) continue;
        var at = top.length;
        while (at > 0 && top[at - 1][0] < s) at--;
        top.splice(at, 0, [s, d]);
        if (top.length > HITS) top.pop();
      }
      return { total: total, docs: top.map(function (t) { return t[1]; }) };
    }
    return {
      load: function () { return part("meta"); },
      search: function (query) {
        return part("meta").then(function (meta) {
          var parsed = parse(meta, query);
          var wanted = parsed.tokens.map(function (t) { return terms("t" + shardOf(meta.terms, t)); });
          var keys = parsed.key.length > 1 ? part("k" + shardOf(meta.keys, parsed.key)) : Promise.resolve(null);
          return Promise.all([Promise.all(wanted), keys]).then(function (loaded) {
            var found = rank(meta, parsed, loaded[0], loaded[1]);
            var chunks = found.docs.map(function (d) { return part("d" + Math.floor(d / meta.chunk)); });
            return Promise.all(chunks).then(function (docs) {
              return { total: found.total, items: found.docs.map(function (d, i) {
                var doc = docs[i][d % meta.chunk];
                return { url: new URL(doc[0], root).href, title: doc[1], info: doc[2] };
              }) };
            });
          });
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
    var engine = input.getAttribute("data-engine") === "pagefind" ? pagefindEngine(root) : indexEngine(root);
    var latest = 0, active = -1;
    function hits() { return box.querySelectorAll(".rl4lrm-search__hit"); }
    function setActive(index) {
      var all = hits();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (hit, i) { hit.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function render(query, found, ms) {
      box.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var total = found.total;
      box.appendChild(el("div", { class: "rl4lrm-search__meta", role: "presentation" },
        total ? total + " result" + (total === 1 ? "" : "s") : "No results"));
      found.items.forEach(function (item, i) {
        var hit = el("a", { class: "rl4lrm-search__hit", href: item.url, role: "option", id: "rl4lrm-hit-" + i,
                            "aria-selected": "false", tabindex: "-1" });
        hit.appendChild(el("strong", {}, item.title));
        hit.appendChild(el("span", {}, item.info));
        box.appendChild(hit);
      });
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      box.setAttribute("data-ms", ms.toFixed(1));
      box.setAttribute("data-query", query);
    }
    input.addEventListener("focus", function () { engine.load().catch(function () {}); });
    input.addEventListener("input", function () {
      var query = input.value.trim(), raw = input.value;
      var ticket = ++latest, t0 = performance.now();
      if (!query) { close(); box.textContent = ""; box.removeAttribute("data-query"); return; }
      engine.search(raw).then(function (found) {
        if (ticket === latest) render(query, found, performance.now() - t0);
      }).catch(function () {
        box.textContent = location.protocol === "file:" ? "This search needs the site served over HTTP (make serve)."
          : "Search index not available.";
        box.hidden = false;
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); input.blur(); }
      else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (box.hidden) return;
        event.preventDefault();
        setActive(active < 0 && event.key === "ArrowUp" ? -1 : active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        var all = hits(), pick = all[active >= 0 ? active : 0];
        if (pick) { event.preventDefault(); location.href = pick.href; }
      }
    });
    document.addEventListener("click", function (event) { if (!box.contains(event.target) && event.target !== input) close(); });
    window.RL4LRM = { normalise: normalise, compact: compact, words: words };
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
