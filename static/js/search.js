/*! Casefile site search. No dependencies and no requests beyond the index
 * files next to search/manifest.js, which are loaded as <script> elements so
 * search also works from file://. Index format and scoring:
 * generator/search/doc.go; tokenising: generator/search/tokenize.go (the same
 * rules, tested against each other). */
(function (global) {
  'use strict';

  // ---------------------------------------------------------------- core --
  // Everything up to the UI section runs without a DOM (tested in node).

  var MAX_RUNES = 64;
  var MAX_PARTS = 6;
  var SEP = 0, WORD = 1, CJK = 2, SKIP = 3;

  var FOLD = {};
  [['a', 'àáâãäåāăą'], ['c', 'çćĉċč'], ['d', 'ďđð'], ['e', 'èéêëēĕėęě'],
    ['g', 'ĝğġģ'], ['h', 'ĥħ'], ['i', 'ìíîïĩīĭįı'], ['j', 'ĵ'], ['k', 'ķ'],
    ['l', 'ĺļľŀł'], ['n', 'ñńņň'], ['o', 'òóôõöøōŏő'], ['r', 'ŕŗř'],
    ['s', 'śŝşš'], ['t', 'ţťŧ'], ['u', 'ùúûüũūŭůűų'], ['w', 'ŵ'], ['y', 'ýÿŷ'],
    ['z', 'źżž'], ['ss', 'ß'], ['ae', 'æ'], ['oe', 'œ'], ['th', 'þ'], ['σ', 'ς']
  ].forEach(function (p) { Array.from(p[1]).forEach(function (c) { FOLD[c] = p[0]; }); });

  var RE_LETTER = /\p{L}/u;
  var RE_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
  var RE_DIGIT = /\p{Nd}/u;
  var RE_MC = /\p{Mc}/u;
  var RE_SKIP = /[\p{Mn}\p{Me}]/u;

  // classOf returns the class of a lowercased, unfolded character.
  function classOf(ch) {
    if (ch < '\x80') return /[a-z0-9]/.test(ch) ? WORD : SEP;
    if (RE_LETTER.test(ch)) return RE_CJK.test(ch) || ch === 'ー' ? CJK : WORD;
    if (RE_DIGIT.test(ch) || RE_MC.test(ch)) return WORD;
    return RE_SKIP.test(ch) ? SKIP : SEP;
  }

  function cut(s) {
    var a = Array.from(s);
    return a.length > MAX_RUNES ? a.slice(0, MAX_RUNES).join('') : s;
  }

  // tokenize returns the index terms of text in order, as the Go indexer
  // makes them (stop words included), each with its place in text:
  // {t: term, s: start, e: end, k: 'w' word | 'c' chain | 'j' CJK}.
  function tokenize(text) {
    var out = [];
    var word = '', runes = 0, digit = false, ws = 0, we = 0;
    var chain = '', parts = 0, cs = 0, ce = 0;
    var cjk = [];           // [char, start, end]

    function flushCJK() {
      if (cjk.length === 1) out.push({ t: cjk[0][0], s: cjk[0][1], e: cjk[0][2], k: 'j' });
      for (var i = 0; i + 1 < cjk.length; i++) {
        out.push({ t: cjk[i][0] + cjk[i + 1][0], s: cjk[i][1], e: cjk[i + 1][2], k: 'j' });
      }
      cjk = [];
    }
    function endChain() {
      if (parts > 1) out.push({ t: cut(chain), s: cs, e: ce, k: 'c' });
      chain = ''; parts = 0;
    }
    function endWord(more) {
      if (runes > 0) {
        if (runes > 1 || digit) out.push({ t: word, s: ws, e: we, k: 'w' });
        if (more || parts > 0) {
          if (parts === MAX_PARTS) endChain();
          if (parts === 0) cs = ws;
          chain += word; parts++; ce = we;
        }
        word = ''; runes = 0; digit = false;
      }
      if (!more && parts > 0) endChain();
    }
    function addWord(ch, s, e) {
      if (cjk.length) flushCJK();
      if (runes === 0) ws = s;
      we = e;
      if (runes < MAX_RUNES) {
        word += ch; runes++;
        digit = digit || RE_DIGIT.test(ch);
      }
    }

    for (var i = 0; i < text.length;) {
      var cp = text.codePointAt(i);
      var s = i;
      i += cp > 0xffff ? 2 : 1;
      var lower = String.fromCodePoint(cp).toLowerCase();
      for (var ch of lower) {
        if (ch < '\x80' && classOf(ch) === SEP) {
          if (cjk.length) flushCJK();
          endWord(runes > 0 && (ch === '-' || ch === '.' || ch === '_'));
          continue;
        }
        var fold = FOLD[ch];
        if (fold) {
          for (var f of fold) addWord(f, s, i);
          continue;
        }
        switch (classOf(ch)) {
          case SKIP: break;
          case WORD: addWord(ch, s, i); break;
          case CJK: endWord(false); cjk.push([ch, s, i]); break;
          default: if (cjk.length) flushCJK(); endWord(false);
        }
      }
    }
    if (cjk.length) flushCJK();
    endWord(false);
    return out;
  }

  // terms returns the index terms of text without stop words (as the Go
  // function tokens does).
  function terms(text, stop) {
    return tokenize(text).map(function (x) { return x.t; })
      .filter(function (t) { return !stop.has(t); });
  }

  // parseQuery turns a query into search terms: {t, prefix, parts}. A chain
  // (cve-2021-44228) is searched as its joined form; its words are kept in
  // parts for highlighting. The last term is a prefix unless the query ends
  // with a space. Stop words are dropped, unless only stop words are left.
  function parseQuery(q, stop) {
    var toks = tokenize(q);
    var list = [];
    toks.forEach(function (x) {
      var parts = [];
      if (x.k === 'c') {
        while (list.length && list[list.length - 1].s >= x.s) parts.unshift(list.pop().t);
      }
      list.push({ t: x.t, s: x.s, e: x.e, k: x.k, parts: parts });
    });
    var out = [];
    var seen = new Set();
    // open: the last word is still being typed (nothing but punctuation
    // after it), so it is a prefix.
    function open(x) { return !/[\s\p{L}\p{N}]/u.test(q.slice(x.e)); }
    list.forEach(function (x, i) {
      var last = i === list.length - 1;
      var term = {
        t: x.t,
        prefix: (last && open(x)) || (x.k === 'j' && Array.from(x.t).length === 1),
        parts: x.parts
      };
      if (stop.has(x.t) || seen.has(x.t)) return;
      seen.add(x.t);
      out.push(term);
    });
    if (!out.length && list.length) {
      var x = list[list.length - 1];
      out.push({ t: x.t, prefix: open(x), parts: x.parts });
    }
    return out;
  }

  // parseTrie adds the shard keys of a trie string under root to keys;
  // nodes whose subtree is in a key file ("r*") go to stubs.
  function parseTrie(s, root, keys, stubs) {
    var stack = [root], last = root;
    for (var ch of s) {
      if (ch === '(') stack.push(last);
      else if (ch === ')') stack.pop();
      else if (ch === '*') stubs.add(last);
      else { last = stack[stack.length - 1] + ch; keys.add(last); }
    }
  }

  // shardKey is the longest key that prefixes term: its shard holds it.
  function shardKey(term, keys) {
    var r = Array.from(term);
    for (var n = r.length; n > 0; n--) {
      var k = r.slice(0, n).join('');
      if (keys.has(k)) return k;
    }
    return '';
  }

  // shardFile is the file name of a shard (shardFile in shards.go).
  function shardFile(key) {
    if (/^[a-z0-9]+$/.test(key)) {
      return /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/.test(key) ? key + '_' : key;
    }
    var hex = '_';
    var bytes = unescape(encodeURIComponent(key));
    for (var i = 0; i < bytes.length; i++) hex += (0x100 + bytes.charCodeAt(i)).toString(16).slice(1);
    return hex;
  }

  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var DIGIT = {};
  for (var d = 0; d < 64; d++) DIGIT[ALPHABET[d]] = d;

  // decodePostings reads a posting string: {df, docs: [...], q: [...]}.
  function decodePostings(str) {
    var i = 0;
    function varint() {
      var v = 0, d;
      do { d = DIGIT[str[i++]]; v = v * 32 + (d & 31); } while (d >= 32);
      return v;
    }
    var df = varint(), docs = [], q = [], doc = -1;
    while (i < str.length) {
      doc += varint() + 1;
      docs.push(doc);
      q.push(DIGIT[str[i++]]);
    }
    return { df: df, docs: docs, q: q };
  }

  // distance is the optimal string alignment distance between rune arrays
  // a and b (a transposition counts as one edit), or max+1 when over max.
  // With prefix set, it is the distance from a to the closest prefix of b.
  function distance(a, b, max, prefix) {
    if (!prefix && Math.abs(a.length - b.length) > max) return max + 1;
    if (prefix && b.length < a.length - max) return max + 1;
    var rows = [];
    for (var i = 0; i <= a.length; i++) {
      var row = [i];
      var low = i;
      for (var j = 1; j <= b.length; j++) {
        if (i === 0) { row.push(j); continue; }
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, rows[i - 2][j - 2] + 1);
        }
        row.push(v);
        low = Math.min(low, v);
      }
      if (i > 0 && low > max) return max + 1;
      rows.push(row);
    }
    var last = rows[a.length];
    var best = prefix ? Math.min.apply(null, last) : last[b.length];
    return Math.min(best, max + 1);
  }

  // typos is the edit distance allowed for a query word: 1 from 4 runes, 2
  // from 8, none for words with digits (CVE-2021-44228 and CVE-2021-44229
  // are different things).
  function typos(q) {
    if (/\p{Nd}/u.test(q)) return 0;
    var n = Array.from(q).length;
    return n >= 8 ? 2 : n >= 4 ? 1 : 0;
  }

  var MAX_EXPANSIONS = 50;

  // candidates returns the index terms a query term matches in its shard:
  // [{t, w (weight), p (postings string)}]. Exact matches weigh 1, prefix
  // completions 0.5–1 (more for a longer share of the term), typo matches
  // 0.5 (one edit) or 0.3 (two). Of the completions and of the typo matches,
  // the MAX_EXPANSIONS most frequent are kept.
  function candidates(qt, shard, fuzzy) {
    var out = [];
    var groups = [shard.t || {}, shard.c || {}];
    if (groups[0][qt.t] !== undefined) out.push({ t: qt.t, w: 1, p: groups[0][qt.t] });
    var q = Array.from(qt.t);
    var max = fuzzy ? typos(qt.t) : 0;
    if (!qt.prefix && !max) return out;
    var completions = [], near = [];
    groups.forEach(function (g) {
      for (var t in g) {
        if (t === qt.t) continue;
        if (qt.prefix && t.startsWith(qt.t)) {
          completions.push({ t: t, w: 0.5 + 0.5 * q.length / Array.from(t).length, p: g[t] });
        } else if (max) {
          var dist = distance(q, Array.from(t), max, qt.prefix);
          if (dist <= max) near.push({ t: t, w: dist === 1 ? 0.5 : 0.3, p: g[t] });
        }
      }
    });
    [completions, near].forEach(function (list) {
      list.forEach(function (c) { c.df = decodeDF(c.p); });
      list.sort(function (a, b) { return b.df - a.df || (a.t < b.t ? -1 : 1); });
      out.push.apply(out, list.slice(0, MAX_EXPANSIONS));
    });
    return out;
  }

  function decodeDF(str) {
    var v = 0, d, i = 0;
    do { d = DIGIT[str[i++]]; v = v * 32 + (d & 31); } while (d >= 32);
    return v;
  }

  // Index holds the manifest and the loaded shards.
  function Index(manifest) {
    this.m = manifest;
    this.keys = new Set(['']);
    this.stubs = new Set();   // keys whose subtree of keys is in a key file
    parseTrie(manifest.t, '', this.keys, this.stubs);
    this.stop = new Set(manifest.sw);
    this.shards = new Map();  // key -> shard
    this.docs = new Map();    // doc shard number -> [[url, title, summary, date, severity]]
    this.cache = new Map();   // postings string -> decoded
  }

  // plan parses a query and returns {terms, shards: keys needed, keys:
  // key files needed}. While keys is not empty, shards is not final: load
  // the key files and plan again.
  Index.prototype.plan = function (query) {
    var self = this;
    var qts = parseQuery(query, this.stop);
    var need = [], dirs = [];
    qts.forEach(function (qt) {
      var r = Array.from(qt.t);
      for (var n = 1; n <= r.length; n++) {
        var p = r.slice(0, n).join('');
        if (!self.keys.has(p)) break;
        if (self.stubs.has(p)) {
          if (dirs.indexOf(p) < 0) dirs.push(p);
          return;
        }
      }
      qt.key = shardKey(qt.t, self.keys);
      if (need.indexOf(qt.key) < 0) need.push(qt.key);
    });
    return { terms: qts, shards: need, keys: dirs };
  };

  // addKeys registers a key file: the shard keys under root.
  Index.prototype.addKeys = function (root, trie) {
    this.stubs.delete(root);
    parseTrie(trie, root, this.keys, this.stubs);
  };

  Index.prototype.postings = function (str) {
    var p = this.cache.get(str);
    if (!p) { p = decodePostings(str); this.cache.set(str, p); }
    return p;
  };

  // match scores the documents for one query term: Map doc -> score. It
  // adds the index terms used to info.matched and sets info.capped when a
  // term had more documents than its postings list (see PostingCap).
  Index.prototype.match = function (qt, fuzzy, info) {
    var n = this.m.n, qs = this.m.qs, self = this;
    var scores = new Map();
    var shard = this.shards.get(qt.key) || {};
    candidates(qt, shard, fuzzy).forEach(function (c) {
      var p = self.postings(c.p);
      var idf = Math.log(1 + (n - p.df + 0.5) / (p.df + 0.5));
      info.matched.add(c.t);
      if (p.df > p.docs.length) info.capped = true;
      for (var i = 0; i < p.docs.length; i++) {
        var s = c.w * idf * Math.expm1(p.q[i] * qs);
        var old = scores.get(p.docs[i]);
        if (old === undefined || s > old) scores.set(p.docs[i], s);
      }
    });
    return scores;
  };

  var FILL = 10; // fewer results than this: try typos, then partial matches

  // search ranks the documents for a planned query whose shards are loaded.
  // It returns {results: [{doc, score}], all: how many of them match every
  // word, mode, capped: there are more matches than listed, matched: Set of
  // index terms}. Mode 'exact': exact words and prefixes; 'fuzzy': typo
  // matches too, tried when exact found fewer than FILL. When fewer than
  // FILL documents match every word, documents matching only some follow,
  // most words first.
  Index.prototype.search = function (plan) {
    var qts = plan.terms;
    var result = { results: [], all: 0, mode: 'exact', capped: false, matched: new Set() };
    if (!qts.length) return result;
    var self = this;
    function run(fuzzy, all) {
      var info = { matched: new Set(), capped: false };
      var per = qts.map(function (qt) { return self.match(qt, fuzzy, info); });
      var total = new Map(), hits = new Map();
      per.forEach(function (scores) {
        scores.forEach(function (s, doc) {
          total.set(doc, (total.get(doc) || 0) + s);
          hits.set(doc, (hits.get(doc) || 0) + 1);
        });
      });
      var results = [];
      total.forEach(function (s, doc) {
        var h = hits.get(doc);
        if (all && h < qts.length) return;
        results.push({ doc: doc, score: s * h / qts.length, all: h === qts.length });
      });
      results.sort(function (a, b) { return b.all - a.all || b.score - a.score || a.doc - b.doc; });
      info.results = results;
      return info;
    }
    var r = run(false, true);
    if (r.results.length < FILL && qts.some(function (qt) { return typos(qt.t) > 0; })) {
      var f = run(true, true);
      if (f.results.length > r.results.length) { r = f; result.mode = 'fuzzy'; }
    }
    result.all = r.results.length;
    if (r.results.length < FILL && qts.length > 1) {
      r = run(result.mode === 'fuzzy', false); // every word first, then some
    }
    result.results = r.results.map(function (x) { return { doc: x.doc, score: x.score }; });
    result.matched = r.matched;
    result.capped = r.capped;
    return result;
  };

  // doc returns the metadata of document i, or undefined when its doc shard
  // is not loaded: {url, title, summary, date, severity}.
  Index.prototype.doc = function (i) {
    var list = this.docs.get(Math.floor(i / this.m.ds));
    var d = list && list[i % this.m.ds];
    return d && { url: d[0], title: d[1], summary: d[2], date: d[3], severity: d[4] };
  };

  // highlighter returns a function telling whether an index term of a
  // result's text matches the query: one of the matched terms, the words of
  // a query chain, or a completion of the prefix word.
  function highlighter(plan, matched) {
    var exact = new Set(matched);
    var prefixes = [];
    plan.terms.forEach(function (qt) {
      exact.add(qt.t);
      qt.parts.forEach(function (p) { exact.add(p); });
      if (qt.prefix) prefixes.push(qt.t);
    });
    return function (t) {
      return exact.has(t) || prefixes.some(function (p) { return t.startsWith(p); });
    };
  }

  // highlight splits text into [text, marked] pieces, marking the words for
  // which match(term) holds.
  function highlight(text, match) {
    var ranges = tokenize(text).filter(function (x) { return match(x.t); })
      .map(function (x) { return [x.s, x.e]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var out = [], at = 0;
    for (var i = 0; i < ranges.length; i++) {
      var s = ranges[i][0], e = ranges[i][1];
      while (i + 1 < ranges.length && ranges[i + 1][0] <= e) e = Math.max(e, ranges[++i][1]);
      if (s > at) out.push([text.slice(at, s), false]);
      out.push([text.slice(s, e), true]);
      at = e;
    }
    if (at < text.length) out.push([text.slice(at), false]);
    return out;
  }

  var core = {
    tokenize: tokenize, terms: terms, parseQuery: parseQuery, parseTrie: parseTrie,
    shardKey: shardKey, shardFile: shardFile, decodePostings: decodePostings,
    distance: distance, Index: Index, highlighter: highlighter, highlight: highlight
  };

  // ------------------------------------------------------------ registry --
  // The index files call these.

  var state = { index: null, base: '', waiting: new Map() };

  var api = {
    _core: core,
    _state: state,
    manifest: function (m) {
      state.index = new Index(m);
      var script = typeof document !== 'undefined' &&
        (document.currentScript || document.querySelector('script[src$="manifest.js"]'));
      if (script) state.base = script.src.replace(/[^/]*$/, '');
      if (typeof document === 'undefined') return;
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
      else start();
    },
    shard: function (key, data) {
      if (state.index) state.index.shards.set(key, data);
    },
    keys: function (root, trie) {
      if (state.index) state.index.addKeys(root, trie);
    },
    docs: function (n, list) {
      if (state.index) state.index.docs.set(n, list);
    }
  };
  global.CasefileSearch = api;

  // Without a manifest (index missing or blocked) say so instead of
  // showing a search box that does nothing.
  if (typeof window !== 'undefined' && typeof document !== 'undefined') {
    window.addEventListener('load', function () {
      var root = document.querySelector('[data-casefile-search]');
      var status = root && root.querySelector('[role="status"]');
      if (status && !state.index) status.textContent = 'The search index could not be loaded.';
    });
  }

  // ------------------------------------------------------------------ UI --

  var PAGE = 10;

  // load adds a script element for the index file at path (relative to
  // search/) and resolves when it has run.
  function load(path) {
    var url = state.base + path;
    if (/^https?:/.test(url)) url += '?h=' + state.index.m.h;
    var p = state.waiting.get(url);
    if (!p) {
      p = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = url;
        s.async = true;
        s.onload = resolve;
        s.onerror = function () { state.waiting.delete(url); reject(new Error('cannot load ' + url)); };
        document.head.appendChild(s);
      });
      state.waiting.set(url, p);
    }
    return p;
  }

  function start() {
    var root = document.querySelector('[data-casefile-search]');
    if (!root || root.dataset.ready || !state.index) return;
    if (!root.querySelector('form') || !root.querySelector('input[type="search"]') ||
        !root.querySelector('.search-results')) return;
    root.dataset.ready = '1';
    var form = root.querySelector('form');
    var input = root.querySelector('input[type="search"]');
    var status = root.querySelector('[role="status"]');
    var list = root.querySelector('.search-results');
    var more = root.querySelector('.search-more') || document.createElement('button');
    var indexHTML = root.getAttribute('data-index-html') === 'true';
    var siteRoot = state.base.replace(/search\/$/, '');
    var index = state.index;
    var timer = 0, generation = 0, current = null, shown = 0;

    root.classList.add('search-ready');

    function say(text) { if (status) status.textContent = text; }

    function setURL(q) {
      try {
        var u = new URL(location.href);
        if (q) u.searchParams.set('q', q); else u.searchParams.delete('q');
        history.replaceState(null, '', u.href);
      } catch (e) { /* some browsers refuse for file:// */ }
    }

    function run(q) {
      var gen = ++generation;
      setURL(q.trim());
      var plan = index.plan(q);
      if (!plan.terms.length) {
        list.textContent = '';
        more.hidden = true;
        say(q.trim() ? 'Type a longer word to search.' : '');
        return;
      }
      // Key files first (large indexes only; they may nest), then shards.
      function resolve(plan, depth) {
        if (!plan.keys.length || depth > 8) return Promise.resolve(plan);
        return Promise.all(plan.keys.map(function (k) {
          return load('k/' + shardFile(k) + '.js');
        })).then(function () { return resolve(index.plan(q), depth + 1); });
      }
      resolve(plan, 0).then(function (p) {
        plan = p;
        return Promise.all(plan.shards.map(function (k) {
          return index.shards.has(k) ? null : load('t/' + shardFile(k) + '.js');
        }));
      }).then(function () {
        if (gen !== generation) return;
        var r = index.search(plan);
        current = { q: q.trim(), plan: plan, r: r, match: highlighter(plan, r.matched) };
        shown = 0;
        return showMore(gen);
      }).catch(function (e) {
        if (gen === generation) say('The search index could not be loaded (' + e.message + ').');
      });
    }

    // showMore renders the next PAGE results (replacing the list for the
    // first page), loading their doc shards first.
    function showMore(gen) {
      var r = current.r;
      var page = r.results.slice(shown, shown + PAGE);
      var need = [];
      page.forEach(function (x) {
        var n = Math.floor(x.doc / index.m.ds);
        if (!index.docs.has(n) && need.indexOf(n) < 0) need.push(n);
      });
      return Promise.all(need.map(function (n) { return load('d/' + n + '.js'); })).then(function () {
        if (gen !== generation) return;
        if (shown === 0) list.textContent = '';
        page.forEach(function (x) { list.appendChild(item(index.doc(x.doc))); });
        shown += page.length;
        more.hidden = shown >= r.results.length;
        var n = r.results.length, plus = r.capped ? '+' : '';
        var msg;
        if (n === 0) msg = 'No incidents match “' + current.q + '”.';
        else if (r.all === n) msg = n + plus + (n === 1 && !plus ? ' incident matches' : ' incidents match') + ' “' + current.q + '”.';
        else if (r.all === 0) msg = 'No incident matches every word of “' + current.q + '”; ' + n + plus + ' match some of them.';
        else msg = r.all + ' incident' + (r.all === 1 ? ' matches' : 's match') + ' every word of “' + current.q + '”; ' + (n - r.all) + plus + ' more match some of them.';
        say(msg);
      });
    }

    function marked(parent, text) {
      highlight(text, current.match).forEach(function (p) {
        if (p[1]) {
          var m = document.createElement('mark');
          m.textContent = p[0];
          parent.appendChild(m);
        } else {
          parent.appendChild(document.createTextNode(p[0]));
        }
      });
    }

    function item(d) {
      var li = document.createElement('li');
      li.className = 'search-result';
      if (!d) return li;
      var h = document.createElement('h2');
      var a = document.createElement('a');
      var path = d.url + (indexHTML && /\/$/.test(d.url) ? 'index.html' : '');
      var u = new URL(path, siteRoot);
      if (/^(https?|file):$/.test(u.protocol)) a.href = u.href;
      marked(a, d.title);
      h.appendChild(a);
      li.appendChild(h);
      var meta = document.createElement('p');
      meta.className = 'meta';
      if (d.date) {
        var t = document.createElement('span');
        t.textContent = d.date;
        meta.appendChild(t);
      }
      if (d.severity) {
        var b = document.createElement('span');
        b.className = 'badge sev-' + d.severity;
        b.textContent = d.severity;
        meta.appendChild(document.createTextNode(' '));
        meta.appendChild(b);
      }
      li.appendChild(meta);
      var p = document.createElement('p');
      p.className = 'search-summary';
      marked(p, d.summary);
      li.appendChild(p);
      return li;
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(input.value); }, 150);
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      clearTimeout(timer);
      run(input.value);
    });
    more.addEventListener('click', function () {
      var first = list.children.length;
      showMore(generation).then(function () {
        var a = list.children[first] && list.children[first].querySelector('a');
        if (a) a.focus();
      }, function (e) { say('The search index could not be loaded (' + e.message + ').'); });
    });
    // Arrow keys move between the box and the result links; Escape clears.
    root.addEventListener('keydown', function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll('a'));
      var i = links.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' && (e.target === input || i >= 0) && links.length) {
        e.preventDefault();
        links[Math.min(i + 1, links.length - 1)].focus();
      } else if (e.key === 'ArrowUp' && i >= 0) {
        e.preventDefault();
        if (i === 0) input.focus(); else links[i - 1].focus();
      } else if (e.key === 'Escape' && e.target === input && input.value) {
        input.value = '';
        run('');
      }
    });

    var q = new URLSearchParams(location.search).get('q');
    if (q) {
      input.value = q;
      run(q);
    }
  }
})(typeof window !== 'undefined' ? window : globalThis);
