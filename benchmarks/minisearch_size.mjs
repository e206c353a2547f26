// MiniSearch (from tools/rl4lrm/site/npm, installed by `make install`) over the documents the site's own index
// covers: how long indexing takes and how many bytes its serialised index (what a page would have to fetch before
// the first result) holds. Usage: node benchmarks/minisearch_size.mjs DOCS.json  (benchmarks/site_search.py
// writes DOCS.json and runs this).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tools/rl4lrm/site/npm/", import.meta.url));
const MiniSearch = require("minisearch");
const docs = JSON.parse(readFileSync(process.argv[2], "utf8"));
const fields = ["name", "title", "authors", "taxonomy", "summary", "abstract", "venue"];
const start = performance.now();
const index = new MiniSearch({ fields, storeFields: ["title"], idField: "id" });
index.addAll(docs);
const seconds = (performance.now() - start) / 1000;
const serialised = JSON.stringify(index);
const raw = JSON.stringify(docs);
const t0 = performance.now();
const hits = index.search("policy optimization", { prefix: true, boost: { name: 8, title: 4 } });
const ms = performance.now() - t0;
console.log(JSON.stringify({ docs: docs.length, seconds, index_bytes: serialised.length, text_bytes: raw.length,
                             query_ms: ms, hits: hits.length }));
