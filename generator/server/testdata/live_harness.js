// Runs live.js (argv[2]) against a tiny fake DOM and checks how it reacts to
// server events. Prints "ok" and exits 0, or prints the failures and exits 1.
'use strict';
const fs = require('fs');
const vm = require('vm');

const failures = [];
function check(cond, msg) {
  if (!cond) failures.push(msg);
}

class Node {
  constructor(tag, doc) {
    this.tagName = tag;
    this.ownerDocument = doc;
    this.children = [];
    this.parentNode = null;
    this.style = {};
    this.attrs = {};
    this.listeners = {};
    this.data = '';
  }
  appendChild(c) {
    if (c.parentNode) c.parentNode.removeChild(c);
    c.parentNode = this;
    this.children.push(c);
    return c;
  }
  insertBefore(c, ref) {
    if (c.parentNode) c.parentNode.removeChild(c);
    c.parentNode = this;
    const i = ref ? this.children.indexOf(ref) : -1;
    if (i < 0) this.children.push(c);
    else this.children.splice(i, 0, c);
    return c;
  }
  removeChild(c) {
    const i = this.children.indexOf(c);
    if (i < 0) throw new Error('removeChild: not a child');
    this.children.splice(i, 1);
    c.parentNode = null;
    return c;
  }
  get nextSibling() {
    if (!this.parentNode) return null;
    const sib = this.parentNode.children;
    return sib[sib.indexOf(this) + 1] || null;
  }
  get textContent() {
    if (this.tagName === '#text') return this.data;
    return this.children.map((c) => c.textContent).join('');
  }
  set textContent(v) {
    this.children = [];
    if (v !== '' && v != null) this.appendChild(text(String(v)));
  }
  set innerHTML(v) {
    throw new Error('live.js must not use innerHTML');
  }
  set outerHTML(v) {
    throw new Error('live.js must not use outerHTML');
  }
  insertAdjacentHTML() {
    throw new Error('live.js must not use insertAdjacentHTML');
  }
  setAttribute(k, v) {
    if (k === 'style' || /^on/i.test(k)) throw new Error('inline style/handler attribute: ' + k);
    this.attrs[k] = String(v);
  }
  getAttribute(k) {
    return k in this.attrs ? this.attrs[k] : null;
  }
  addEventListener(type, fn) {
    (this.listeners[type] = this.listeners[type] || []).push(fn);
  }
  fire(type, ev) {
    (this.listeners[type] || []).forEach((fn) => fn(ev || { type }));
  }
  cloneNode() {
    const n = new Node(this.tagName, this.ownerDocument);
    n.attrs = Object.assign({}, this.attrs);
    n.rel = this.rel;
    n.href = this.href;
    n.media = this.media;
    return n;
  }
  attachShadow() {
    this.shadowRoot = new Node('#shadow-root', this.ownerDocument);
    return this.shadowRoot;
  }
  focus() {
    this.ownerDocument.activeElement = this;
  }
  all() {
    const out = [];
    const walk = (n) => {
      out.push(n);
      n.children.forEach(walk);
      if (n.shadowRoot) walk(n.shadowRoot);
    };
    walk(this);
    return out;
  }
}
function text(s) {
  const n = new Node('#text');
  n.data = s;
  return n;
}

const origin = 'http://localhost:1313';
const document = new Node('#document');
document.ownerDocument = document;
document.documentElement = new Node('html', document);
document.appendChild(document.documentElement);
document.head = document.documentElement.appendChild(new Node('head', document));
document.body = document.documentElement.appendChild(new Node('body', document));
document.createElement = (tag) => new Node(tag.toLowerCase(), document);
document.createTextNode = (s) => text(s);
document.querySelectorAll = (sel) => {
  if (sel !== 'link[rel~="stylesheet"]') throw new Error('unexpected selector ' + sel);
  return document.all().filter((n) => n.tagName === 'link' && /(^|\s)stylesheet(\s|$)/.test(n.rel || ''));
};
const pageButton = document.body.appendChild(document.createElement('button'));
pageButton.focus();

function link(href, extra) {
  const l = document.createElement('link');
  l.rel = 'stylesheet';
  l.href = new URL(href, origin + '/').href;
  Object.assign(l, extra || {});
  document.head.appendChild(l);
  return l;
}
const mainCSS = link('/css/main.css');
const chromaCSS = link('/css/chroma.css');
const printCSS = link('/css/print.css', { media: 'print' });
const fontCSS = link('https://fonts.example/x.css');

const loc = {
  origin,
  pathname: '/incidents/caf%C3%A9/',
  search: '',
  hash: '',
  get href() { return origin + this.pathname + this.search; },
  reloads: 0,
  assigned: [],
  reload() { this.reloads++; },
  assign(u) { this.assigned.push(String(u)); },
};

const sources = [];
class EventSource {
  constructor(url) {
    this.url = url;
    this.closed = false;
    sources.push(this);
  }
  close() { this.closed = true; }
  emit(ev) { this.onmessage({ data: JSON.stringify(ev) }); }
}
const timers = [];
const ctx = {
  document,
  location: loc,
  EventSource,
  URL,
  JSON,
  Date,
  Math,
  Array,
  String,
  Object,
  setTimeout: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
  console,
};
ctx.window = ctx;
vm.createContext(ctx);
const code = fs.readFileSync(process.argv[2], 'utf8');
vm.runInContext(code, ctx, { filename: 'live.js' });
vm.runInContext(code, ctx, { filename: 'live.js' }); // twice: must not connect twice

check(sources.length === 1, 'expected one EventSource, got ' + sources.length);
const es = sources[0];
check(es.url === '/__casefile/events?page=%2Fincidents%2Fcaf%25C3%25A9%2F', 'event URL ' + es.url);
es.onopen();
check(loc.reloads === 0, 'reloaded on first connect');

// reload
es.emit({ type: 'reload' });
check(loc.reloads === 1, 'reload event did not reload');

// css: the named stylesheet only, cache-busted, old one removed on load
es.emit({ type: 'css', paths: ['css/main.css'] });
let links = document.querySelectorAll('link[rel~="stylesheet"]');
check(links.length === 5, 'css swap: ' + links.length + ' links, want 5 while loading');
const fresh = links.find((l) => l !== mainCSS && l.href.startsWith(origin + '/css/main.css?casefile='));
check(!!fresh, 'no cache-busted main.css');
check(mainCSS.parentNode === document.head, 'old main.css removed before the new one loaded');
if (fresh) {
  check(fresh.nextSibling === chromaCSS, 'new link not in place of the old one');
  fresh.fire('load');
}
check(mainCSS.parentNode === null, 'old main.css kept after load');
check(chromaCSS.href === origin + '/css/chroma.css' && chromaCSS.parentNode, 'chroma.css touched');
check(fontCSS.href === 'https://fonts.example/x.css' && fontCSS.parentNode, 'cross-origin stylesheet touched');
check(loc.reloads === 1, 'css event reloaded');

// css naming nothing on this page: every same-origin stylesheet is swapped
es.emit({ type: 'css', paths: ['css/imported.css'] });
links = document.querySelectorAll('link[rel~="stylesheet"]');
links.filter((l) => l.href.includes('casefile=')).forEach((l) => l.fire('load'));
links = document.querySelectorAll('link[rel~="stylesheet"]');
check(links.length === 4, 'after swapping all: ' + links.length + ' links');
check(links.filter((l) => l.href.includes('?casefile=')).length === 3, 'not every same-origin stylesheet swapped');
const print = links.find((l) => l.href.startsWith(origin + '/css/print.css?'));
check(print && print.media === 'print', 'print stylesheet lost its media');
check(links.some((l) => l.href === 'https://fonts.example/x.css'), 'cross-origin stylesheet gone');

// navigate
es.emit({ type: 'navigate', url: '/incidents/db/' });
check(loc.assigned.length === 1 && loc.assigned[0] === origin + '/incidents/db/', 'navigate: ' + loc.assigned);
es.emit({ type: 'navigate', url: 'https://evil.example/' });
es.emit({ type: 'navigate', url: '//evil.example/x' });
es.emit({ type: 'navigate', url: 'javascript:alert(1)' });
check(loc.assigned.length === 1, 'navigated off-site: ' + loc.assigned);
es.emit({ type: 'navigate', url: '/incidents/caf%C3%A9/' });
check(loc.reloads === 2 && loc.assigned.length === 1, 'navigate to the current page should reload');

// error overlay: DOM + textContent only, accessible, removable
const evil = 'x.md:1:1: error: <img src=x onerror=alert(1)>; hint';
es.emit({ type: 'error', errors: ['content/incidents/db.md:3:7: error: date: not a date; use YYYY-MM-DD', evil, 'no position here'] });
const hosts = document.body.children.filter((n) => n.attrs && n.tagName === 'div');
check(hosts.length === 1, 'overlay hosts: ' + hosts.length);
const host = hosts[0];
const nodes = host ? host.all() : [];
const dialog = nodes.find((n) => n.attrs && n.attrs.role === 'alertdialog');
check(!!dialog, 'no role=alertdialog');
check(dialog && dialog.attrs['aria-modal'] === 'true', 'aria-modal missing');
const title = dialog && nodes.find((n) => n.id === dialog.attrs['aria-labelledby']);
check(title && /1|3 errors/.test(title.textContent), 'title: ' + (title && title.textContent));
const items = nodes.filter((n) => n.tagName === 'li');
check(items.length === 3, 'items: ' + items.length);
check(items[1] && items[1].textContent === evil, 'error text altered: ' + (items[1] && items[1].textContent));
check(items[0] && items[0].children[0].tagName === 'strong' && items[0].children[0].textContent === 'content/incidents/db.md:3:7', 'location not set apart');
check(items[2] && items[2].textContent === 'no position here', 'plain line: ' + (items[2] && items[2].textContent));
check(!nodes.some((n) => n.tagName === 'img' || n.tagName === 'script' || n.tagName === 'style'), 'markup from messages became elements');
const button = nodes.find((n) => n.tagName === 'button');
check(button && button.textContent === 'Dismiss' && button.type === 'button', 'no dismiss button');
check(document.activeElement === button, 'focus not on the dismiss button');
check(dialog && Object.keys(dialog.style).length > 0, 'overlay not styled through element.style');

// a second error event replaces the overlay, it does not stack
es.emit({ type: 'error', errors: ['a.md:1:1: error: one'] });
check(document.body.children.filter((n) => n.tagName === 'div').length === 1, 'overlays stacked');

// clear removes it and gives focus back
es.emit({ type: 'clear' });
check(document.body.children.filter((n) => n.tagName === 'div').length === 0, 'clear left the overlay');
check(document.activeElement === pageButton, 'focus not restored');

// dismiss and Escape
es.emit({ type: 'error', errors: ['a.md:1:1: error: one'] });
let b2 = document.body.children.find((n) => n.tagName === 'div').all().find((n) => n.tagName === 'button');
b2.fire('click', {});
check(document.body.children.filter((n) => n.tagName === 'div').length === 0, 'dismiss left the overlay');
es.emit({ type: 'error', errors: ['a.md:1:1: error: one'] });
document.body.children.find((n) => n.tagName === 'div').fire('keydown', { key: 'Escape' });
check(document.body.children.filter((n) => n.tagName === 'div').length === 0, 'Escape left the overlay');
es.emit({ type: 'clear' }); // nothing shown: harmless

// junk is ignored
es.onmessage({ data: 'not json' });
es.emit({ type: 'unknown' });
es.emit(null);

// the server goes away: back off, reconnect, reload once back
const reloadsBefore = loc.reloads;
es.onerror();
check(es.closed, 'broken stream not closed');
check(timers.length === 1, 'no reconnect scheduled');
es.onerror(); // a second error before the retry: still one timer
check(timers.length === 1, 'reconnect scheduled twice');
timers.shift().fn();
check(sources.length === 2, 'no reconnect');
sources[1].onerror(); // still down
check(timers.length === 1 && timers[0].ms > 250, 'no backoff: ' + (timers[0] && timers[0].ms));
timers.shift().fn();
check(sources.length === 3, 'no second reconnect');
check(loc.reloads === reloadsBefore, 'reloaded before the server was back');
sources[2].onopen();
check(loc.reloads === reloadsBefore + 1, 'no reload after reconnecting');

if (failures.length) {
  console.log(failures.join('\n'));
  process.exit(1);
}
console.log('ok');
