// Runs static/js/search.js in a bare node vm context (no DOM) against a
// built index, as the browser would with every needed file loaded.
//
//   node harness.js <search.js> <site folder holding search/> < input.json
//
// input:  {"tokenize": [text...], "queries": [query...]}
// output: {"tokens": [[term...]...], "queries": [{q, mode, count, terms,
//          files: [index files the query loaded], top: [{doc, score, url,
//          title: [[text, marked]...], summary: [[text, marked]...]}]}]}
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [js, dir] = process.argv.slice(2);
const ctx = vm.createContext({});
vm.runInContext(fs.readFileSync(js, 'utf8'), ctx, { filename: js });
function run(rel) {
  vm.runInContext(fs.readFileSync(path.join(dir, rel), 'utf8'), ctx, { filename: rel });
}
run('search/manifest.js');
const api = ctx.CasefileSearch;
const core = api._core;
const index = api._state.index;

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = { tokens: [], queries: [] };
for (const text of input.tokenize || []) out.tokens.push(core.terms(text, index.stop));
for (const q of input.queries || []) {
  let plan = index.plan(q);
  const files = [];
  while (plan.keys.length) {
    for (const k of plan.keys) {
      const f = 'search/k/' + core.shardFile(k) + '.js';
      run(f);
      files.push(f);
    }
    plan = index.plan(q);
  }
  for (const k of plan.shards) {
    const f = 'search/t/' + core.shardFile(k) + '.js';
    run(f);
    files.push(f);
  }
  const r = index.search(plan);
  const match = core.highlighter(plan, r.matched);
  const top = r.results.slice(0, 10).map((x) => {
    const n = Math.floor(x.doc / index.m.ds);
    if (!index.docs.has(n)) {
      const f = 'search/d/' + n + '.js';
      run(f);
      files.push(f);
    }
    const d = index.doc(x.doc);
    return {
      doc: x.doc, score: x.score, url: d.url,
      title: core.highlight(d.title, match), summary: core.highlight(d.summary, match),
    };
  });
  out.queries.push({
    q, mode: r.mode, count: r.results.length, all: r.all, capped: r.capped, files, top,
    terms: plan.terms.map((t) => ({ t: t.t, prefix: t.prefix, parts: Array.from(t.parts) })),
  });
}
process.stdout.write(JSON.stringify(out));
