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
      var initials = tokens.length >= 3 ? tokens.map(function (t) { return t.charAt(0); }).join("") : "";
      return { tokens: tokens, key: key, initials: initials, typing: !/\s$/.test(query) && !arxiv };
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
    function scoreInitials(keys, initials, tier) {
      /* tier 3: a work named by the initials of the query's words ("group relative policy optimization"). */
      var i = lowerBound(keys, initials, function (e) { return e[0]; });
      if (i >= keys.length || keys[i][0] !== initials) return;
      for (var j = 1; j < keys[i].length; j += 2) {
        if (keys[i][j + 1] === "n" && tier[keys[i][j]] < 3) tier[keys[i][j]] = 3;
      }
    }
    function rank(meta, parsed, termShards, keys, initialKeys) {
      var n = meta.docs, tokens = parsed.tokens;
      var score = new Float64Array(n), matched = new Uint8Array(n), tier = new Uint8Array(n);
      tokens.forEach(function (token, i) {
        var best = new Uint16Array(n), touched = [];
        scoreToken(meta, termShards[i], token, parsed.typing && i === tokens.length - 1, best, touched);
        for (var k = 0; k < touched.length; k++) { var d = touched[k]; score[d] += best[d]; matched[d]++; }
      });
      if (keys && parsed.key.length > 1) scoreKeys(meta, keys, parsed.key, tier);
      if (initialKeys) scoreInitials(initialKeys, parsed.initials, tier);
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
          var initials = parsed.initials ? part("k" + shardOf(meta.keys, parsed.initials)) : Promise.resolve(null);
          return Promise.all([Promise.all(wanted), keys, initials]).then(function (loaded) {
            var found = rank(meta, parsed, loaded[0], loaded[1], loaded[2]);
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

  /* Explorer. Rows and nodes come from data/explorer.js (keys: tools/rl4lrm/site/datafiles.py). Within a facet
     the ticked nodes are ORed, facets and the other filters are ANDed. The count beside each box is how many works
     ticking it would give: the rows that pass every other filter (the usual faceted count). The whole state (text,
     boxes, years, sort, page) is in the query string. */
  var PAGE = 50;
  var COLUMNS = [["date", "Date"], ["name", "Name"], ["title", "Title"], ["authors", "Authors"], ["kind", "Kind"]];

  function setupExplorer(root) {
    var host = document.getElementById("rl4lrm-explorer");
    if (!host) return;
    loadScript(new URL("data/explorer.js", root).href).then(function () { explorer(host, root, window.RL4LRM_EXPLORER); });
  }

  function explorer(host, root, data) {
    var rows = data.rows, nodes = data.nodes, count = rows.length;
    var nodeIndex = {}, facetOf = [], facets = [], facetIndex = {};
    nodes.forEach(function (node, i) {
      nodeIndex[node.id] = i;
      if (!node.p) { facetIndex[node.id] = facets.length; facets.push({ node: node, boxes: [] }); }
    });
    nodes.forEach(function (node, i) { facetOf[i] = facetIndex[node.f]; });
    rows.forEach(function (r) { r.h = (r.n + " " + r.t + " " + r.a + " " + r.i).toLowerCase(); r.y = +r.d.slice(0, 4); });
    /* The rows as typed arrays, for the pass every change makes: year, kind number, code, baseline, and every
       row's nodes one after the other (rows i's are xs[xo[i]] .. xs[xo[i + 1] - 1]). */
    var kindNumber = {};
    data.kinds.forEach(function (k, i) { kindNumber[k] = i; });
    var Y = new Int16Array(count), K = new Uint8Array(count), C = new Uint8Array(count), B = new Uint8Array(count);
    var xo = new Int32Array(count + 1);
    rows.forEach(function (r, i) { Y[i] = r.y; K[i] = kindNumber[r.k]; C[i] = r.c; B[i] = r.b; xo[i + 1] = xo[i] + r.x.length; });
    var xs = new Int32Array(xo[count]);
    rows.forEach(function (r, i) { xs.set(r.x, xo[i]); });
    var years = rows.map(function (r) { return r.y; });
    var minYear = Math.min.apply(null, years.length ? years : [2020]);
    var maxYear = Math.max.apply(null, years.length ? years : [2020]);

    var form = el("form", { class: "rl4lrm-explorer__form", role: "search", "aria-label": "Filter the works" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var top = el("div", { class: "rl4lrm-explorer__top" });
    function labelled(parent, text, control) {
      var label = el("label", {}, text + " ");
      label.appendChild(control);
      parent.appendChild(label);
      return control;
    }
    var text = labelled(top, "Text", el("input", { type: "search", name: "q", placeholder: "name, title, author" }));
    var from = labelled(top, "From", el("select", { name: "from" }));
    var to = labelled(top, "To", el("select", { name: "to" }));
    for (var y = minYear; y <= maxYear; y++) {
      from.appendChild(el("option", { value: String(y) }, String(y)));
      to.appendChild(el("option", { value: String(y) }, String(y)));
    }
    function box(parent, name, value, title, depth) {
      var label = el("label", { class: "rl4lrm-facet__option", style: depth ? "padding-left:" + depth + "em" : "" });
      var input = el("input", { type: "checkbox", name: name, value: value });
      var tally = el("span", { class: "rl4lrm-facet__count" }, "");
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + title + " "));
      label.appendChild(tally);
      parent.appendChild(label);
      return { input: input, tally: tally, shown: -1, label: label };
    }
    var flags = el("div", { class: "rl4lrm-explorer__flags" });
    var code = box(flags, "code", "1", "Has code", 0);
    var baseline = box(flags, "baseline", "1", "Has baseline", 0);
    top.appendChild(flags);
    form.appendChild(top);
    var groups = el("div", { class: "rl4lrm-explorer__facets" });
    function fieldset(title, facet) {
      var set = el("details", { class: "rl4lrm-facet", "data-facet": facet });
      set.appendChild(el("summary", {}, title));
      var list = el("div", { class: "rl4lrm-facet__list", role: "group", "aria-label": title });
      set.appendChild(list);
      groups.appendChild(set);
      return list;
    }
    var kindList = fieldset("Kind", "kind");
    var kindBoxes = data.kinds.map(function (k) { return box(kindList, "kind", k, k, 0); });
    var nodeBoxes = [];
    facets.forEach(function (facet) {
      var list = fieldset(facet.node.t, facet.node.id);
      var members = nodes.filter(function (n) { return n.f === facet.node.id && n.p; });
      if (!members.length) members = [facet.node];
      members.forEach(function (n) {
        var depth = n.id.split("/").length - 2;
        var b = box(list, "node", n.id, "§" + n.s + " " + n.t, Math.max(0, depth) * 1.2);
        b.node = nodeIndex[n.id];
        b.facet = facetIndex[n.f];
        nodeBoxes[b.node] = b;
        facet.boxes.push(b);
      });
    });
    form.appendChild(groups);

    var actions = el("div", { class: "rl4lrm-explorer__actions" });
    var status = el("span", { class: "rl4lrm-explorer__count", role: "status" });
    var buttons = {};
    [["copy", "Copy BibTeX"], ["bib", "Download BibTeX"], ["json", "Download JSON"], ["reset", "Reset"]].forEach(function (b) {
      buttons[b[0]] = el("button", { type: "button", class: "md-button", "data-action": b[0] }, b[1]);
      actions.appendChild(buttons[b[0]]);
    });
    actions.appendChild(status);
    var table = el("table", { class: "rl4lrm-works rl4lrm-explorer__table" });
    var head = el("tr");
    var sorters = {};
    COLUMNS.forEach(function (c) {
      var th = el("th", { scope: "col", "data-sort": c[0], "aria-sort": "none" });
      var button = el("button", { type: "button", class: "rl4lrm-sort", "data-sort": c[0] }, c[1]);
      th.appendChild(button);
      head.appendChild(th);
      sorters[c[0]] = th;
    });
    head.appendChild(el("th", { scope: "col" }, "Code"));
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    table.appendChild(body);
    var pager = el("nav", { class: "rl4lrm-explorer__pager", "aria-label": "Pages" });
    var prev = el("button", { type: "button", class: "md-button", "data-page": "prev" }, "Previous");
    var where = el("span", { class: "rl4lrm-explorer__where" });
    var next = el("button", { type: "button", class: "md-button", "data-page": "next" }, "Next");
    [prev, where, next].forEach(function (n) { pager.appendChild(n); });
    host.textContent = "";
    [form, actions, table, pager].forEach(function (n) { host.appendChild(n); });

    var papers = new URL("papers/", root).href;
    var state = { sort: "-date", page: 1 };
    var selected = [];
    var orders = {};
    function order(sort) {
      /* Row numbers sorted by a column ("-" first: descending), ties in the rows' own order (newest first);
         computed once per sort. */
      if (!orders[sort]) {
        var key = sort.replace(/^-/, ""), down = sort.charAt(0) === "-" ? -1 : 1;
        var idx = new Array(count);
        for (var i = 0; i < count; i++) idx[i] = i;
        var value = { date: function (r) { return r.d; }, name: function (r) { return (r.n || r.i).toLowerCase(); },
                      title: function (r) { return r.t.toLowerCase(); }, authors: function (r) { return r.a.toLowerCase(); },
                      kind: function (r) { return r.k; } }[key];
        var keys = rows.map(value);
        if (sort !== "-date") idx.sort(function (a, b) { return keys[a] < keys[b] ? -down : keys[a] > keys[b] ? down : a - b; });
        orders[sort] = idx;
      }
      return orders[sort];
    }
    function ticked(list) { return list.filter(function (b) { return b && b.input.checked; }); }
    function read() {
      return {
        q: text.value.trim().toLowerCase(),
        from: +from.value, to: +to.value,
        kinds: ticked(kindBoxes).map(function (b) { return b.input.value; }),
        facets: facets.map(function (f) { return ticked(f.boxes).map(function (b) { return b.node; }); }),
        code: code.input.checked, baseline: baseline.input.checked
      };
    }
    function compute(s) {
      /* One pass over the rows: which pass every filter (selected), and the faceted counts. A row's facets are a
         bitmask (bit f: it is under a ticked node of facet f); a row missing one facet counts for that facet's
         boxes only, as do rows missing only the kind, the code or the baseline filter. */
      var ticked = new Int8Array(nodes.length), required = 0;
      s.facets.forEach(function (list, f) {
        if (list.length) required |= 1 << f;
        list.forEach(function (node) { ticked[node] = 1; });
      });
      var have = new Uint16Array(count);
      if (required) {
        for (var i = 0; i < count; i++) {
          var bits = 0;
          for (var e = xo[i]; e < xo[i + 1]; e++) if (ticked[xs[e]]) bits |= 1 << facetOf[xs[e]];
          have[i] = bits;
        }
      }
      var kinds = new Uint8Array(data.kinds.length), useKinds = s.kinds.length > 0;
      s.kinds.forEach(function (k) { kinds[kindNumber[k]] = 1; });
      var words = s.q.split(/\s+/).filter(Boolean);
      var nodeCounts = new Int32Array(nodes.length), kindCounts = new Int32Array(data.kinds.length);
      var codeCount = 0, baselineCount = 0, total = 0, sel = new Uint8Array(count);
      var from = s.from, to = s.to, code = s.code, baseline = s.baseline;
      for (i = 0; i < count; i++) {
        if (Y[i] < from || Y[i] > to) continue;
        if (words.length) {
          var h = rows[i].h, miss = false;
          for (var w = 0; w < words.length; w++) if (h.indexOf(words[w]) < 0) { miss = true; break; }
          if (miss) continue;
        }
        var missing = required & ~have[i];
        var fails = (missing ? (missing & (missing - 1) ? 2 : 1) : 0) + (code && !C[i] ? 1 : 0) +
                    (baseline && !B[i] ? 1 : 0) + (useKinds && !kinds[K[i]] ? 1 : 0);
        if (fails > 1) continue;
        if (fails === 0) {
          sel[i] = 1;
          total++;
          for (e = xo[i]; e < xo[i + 1]; e++) nodeCounts[xs[e]]++;
          kindCounts[K[i]]++;
          codeCount += C[i];
          baselineCount += B[i];
        } else if (missing) {
          for (e = xo[i]; e < xo[i + 1]; e++) if (missing === 1 << facetOf[xs[e]]) nodeCounts[xs[e]]++;
        } else if (code && !C[i]) {
          /* ticking "has code" cannot add it */
        } else if (baseline && !B[i]) {
          /* nor "has baseline" */
        } else {
          kindCounts[K[i]]++;
        }
      }
      return { sel: sel, total: total, nodeCounts: nodeCounts, kindCounts: kindCounts, code: codeCount, baseline: baselineCount };
    }
    function tally(b, n) {
      if (b.shown === n) return;
      b.shown = n;
      b.tally.textContent = "(" + n + ")";
      b.label.classList.toggle("rl4lrm-facet__option--empty", n === 0 && !b.input.checked);
    }
    function showCounts(c) {
      nodeBoxes.forEach(function (b) { if (b) tally(b, c.nodeCounts[b.node]); });
      kindBoxes.forEach(function (b) { tally(b, c.kindCounts[kindNumber[b.input.value]]); });
      tally(code, c.code);
      tally(baseline, c.baseline);
    }
    function pages() { return Math.max(1, Math.ceil(selected.length / PAGE)); }
    function renderRows() {
      state.page = Math.max(1, Math.min(state.page, pages()));
      var frag = document.createDocumentFragment();
      selected.slice((state.page - 1) * PAGE, state.page * PAGE).forEach(function (r) {
        var tr = el("tr");
        tr.appendChild(el("td", {}, r.d));
        var name = el("td");
        name.appendChild(el("a", { href: papers + r.i + ".html" }, r.n || r.i));
        tr.appendChild(name);
        tr.appendChild(el("td", {}, r.t));
        tr.appendChild(el("td", {}, r.a));
        tr.appendChild(el("td", {}, r.k));
        var cell = el("td");
        if (r.u) cell.appendChild(el("a", { href: r.u, rel: "noopener" }, "code"));
        tr.appendChild(cell);
        frag.appendChild(tr);
      });
      body.textContent = "";
      body.appendChild(frag);
      where.textContent = "Page " + state.page + " of " + pages();
      prev.disabled = state.page <= 1;
      next.disabled = state.page >= pages();
      status.textContent = selected.length + " of " + count + " works";
      var key = state.sort.replace(/^-/, ""), down = state.sort.charAt(0) === "-";
      Object.keys(sorters).forEach(function (k) {
        sorters[k].setAttribute("aria-sort", k === key ? (down ? "descending" : "ascending") : "none");
      });
    }
    function writeUrl(s) {
      var p = new URLSearchParams();
      if (text.value.trim()) p.set("q", text.value.trim());
      var ids = [];
      s.facets.forEach(function (list) { list.forEach(function (n) { ids.push(nodes[n].id); }); });
      if (ids.length) p.set("node", ids.join(","));
      if (s.kinds.length) p.set("kind", s.kinds.join(","));
      if (s.from > minYear) p.set("from", String(s.from));
      if (s.to < maxYear) p.set("to", String(s.to));
      if (s.code) p.set("code", "1");
      if (s.baseline) p.set("baseline", "1");
      if (state.sort !== "-date") p.set("sort", state.sort);
      if (state.page > 1) p.set("page", String(state.page));
      var query = p.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
    function readUrl() {
      var p = new URLSearchParams(location.search);
      text.value = p.get("q") || "";
      var ids = {};
      (p.get("node") || "").split(",").forEach(function (id) { ids[id] = 1; });
      nodeBoxes.forEach(function (b) { if (b) b.input.checked = !!ids[nodes[b.node].id]; });
      var kinds = {};
      (p.get("kind") || "").split(",").forEach(function (k) { kinds[k] = 1; });
      kindBoxes.forEach(function (b) { b.input.checked = !!kinds[b.input.value]; });
      from.value = String(Math.max(minYear, Math.min(maxYear, +p.get("from") || minYear)));
      to.value = String(Math.max(minYear, Math.min(maxYear, +p.get("to") || maxYear)));
      code.input.checked = p.get("code") === "1";
      baseline.input.checked = p.get("baseline") === "1";
      var sort = p.get("sort") || "-date";
      state.sort = sorters[sort.replace(/^-/, "")] ? sort : "-date";
      state.page = Math.max(1, parseInt(p.get("page"), 10) || 1);
      groups.querySelectorAll("details").forEach(function (d) { d.open = !!d.querySelector("input:checked"); });
    }
    var last = null;
    function select() {
      var idx = order(state.sort), out = [], sel = last.sel;
      for (var i = 0; i < idx.length; i++) if (sel[idx[i]]) out.push(rows[idx[i]]);
      selected = out;
    }
    function apply(keepPage) {
      var t0 = performance.now();
      var s = read();
      last = compute(s);
      if (!keepPage) state.page = 1;
      select();
      showCounts(last);
      renderRows();
      saveLater(s);
      host.setAttribute("data-count", String(selected.length));
      host.setAttribute("data-ms", (performance.now() - t0).toFixed(1));
    }
    var saving = null, pending = null;
    function save() {
      clearTimeout(saving);
      saving = null;
      if (pending) writeUrl(pending);
      pending = null;
      host.removeAttribute("data-saving");
    }
    function saveLater(s) {
      /* history.replaceState takes milliseconds: the address is written just after the change, not during it
         (and at once when the page is left). */
      pending = s;
      host.setAttribute("data-saving", "1");
      clearTimeout(saving);
      saving = setTimeout(save, 120);
    }
    window.addEventListener("pagehide", save);
    function lazy(name, path) {
      return window[name] ? Promise.resolve(window[name]) : loadScript(new URL(path, root).href).then(function () { return window[name]; });
    }
    function selectionBibtex() {
      return lazy("RL4LRM_BIBTEX", "data/bibtex.js").then(function (bib) {
        return selected.map(function (r) { return bib.text[r.i]; }).join("\n");
      });
    }
    form.addEventListener("input", function (event) { if (event.target === text) apply(); });
    form.addEventListener("change", function (event) { if (event.target !== text) apply(); });
    thead.addEventListener("click", function (event) {
      var key = event.target.getAttribute && event.target.getAttribute("data-sort");
      if (!key) return;
      var now = state.sort.replace(/^-/, "");
      state.sort = now === key ? (state.sort.charAt(0) === "-" ? key : "-" + key) : (key === "date" ? "-date" : key);
      apply();
    });
    pager.addEventListener("click", function (event) {
      var step = event.target.getAttribute && event.target.getAttribute("data-page");
      if (!step) return;
      state.page += step === "next" ? 1 : -1;
      renderRows();
      saveLater(read());
      host.setAttribute("data-page", String(state.page));
    });
    buttons.reset.addEventListener("click", function () { history.replaceState(null, "", location.pathname); readUrl(); apply(); });
    buttons.copy.addEventListener("click", function () {
      selectionBibtex().then(copyText).then(function () { buttons.copy.textContent = "Copied " + selected.length; });
    });
    buttons.bib.addEventListener("click", function () {
      selectionBibtex().then(function (t) { download("rl4lrm-selection.bib", "application/x-bibtex", t); });
    });
    buttons.json.addEventListener("click", function () {
      lazy("RL4LRM_RECORDS", "data/records.js").then(function (all) {
        var ids = new Set(selected.map(function (r) { return r.i; }));
        var picked = all.filter(function (rec) { return ids.has(rec.id); });
        download("rl4lrm-selection.json", "application/json", JSON.stringify(picked, null, 1) + "\n");
      });
    });
    readUrl();
    apply(true);
    save();
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
