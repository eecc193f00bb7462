// casefile serve: live reload. Injected into every HTML page by the preview
// server, never into a build. The server decides what concerns this page;
// this script only acts on the events it gets:
//   {"type":"reload"}                       reload the page
//   {"type":"css","paths":["css/x.css"]}    swap those stylesheets in place
//   {"type":"navigate","url":"/incidents/x/"}
//   {"type":"error","errors":["file:3:1: error: ..."]}   show the overlay
//   {"type":"clear"}                        remove the overlay
(function () {
  'use strict';
  if (window.__casefileLive) return;
  window.__casefileLive = true;

  var endpoint = '/__casefile/events?page=' + encodeURIComponent(location.pathname);
  var source = null;
  var timer = 0;
  var delay = 250;
  var lost = false; // the stream broke: reload once it is back
  var overlay = null;
  var lastFocus = null;

  function connect() {
    timer = 0;
    source = new EventSource(endpoint);
    source.onopen = function () {
      if (lost) {
        location.reload();
        return;
      }
      delay = 250;
    };
    source.onmessage = function (e) {
      var ev;
      try {
        ev = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      handle(ev);
    };
    source.onerror = function () {
      // Server restarted or stopped, or it dropped this page as too slow:
      // retry with backoff, and reload when it answers again.
      if (source) source.close();
      source = null;
      lost = true;
      if (!timer) {
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 5000);
      }
    };
  }

  function handle(ev) {
    switch (ev && ev.type) {
      case 'reload':
        location.reload();
        break;
      case 'css':
        swapStyles(ev.paths || []);
        break;
      case 'navigate':
        navigate(ev.url);
        break;
      case 'error':
        showErrors(ev.errors || []);
        break;
      case 'clear':
        hideErrors();
        break;
    }
  }

  function sitePath(u) {
    var p = u.pathname;
    try {
      p = decodeURIComponent(p);
    } catch (err) {
      // keep it encoded
    }
    return p.replace(/^\/+/, '');
  }

  // swapStyles re-requests the named same-origin stylesheets (all of them
  // when none is named here, e.g. an @import changed). The new link is
  // added next to the old one, which goes once the new one has loaded.
  function swapStyles(paths) {
    var links = Array.prototype.slice.call(document.querySelectorAll('link[rel~="stylesheet"]'));
    var mine = [];
    var named = [];
    links.forEach(function (link) {
      var u;
      try {
        u = new URL(link.href, location.href);
      } catch (err) {
        return;
      }
      if (u.origin !== location.origin) return;
      mine.push(link);
      if (paths.indexOf(sitePath(u)) >= 0) named.push(link);
    });
    (named.length ? named : mine).forEach(swap);
  }

  function swap(link) {
    var u = new URL(link.href, location.href);
    u.searchParams.set('casefile', Date.now().toString(36));
    var next = link.cloneNode(false);
    next.href = u.href;
    var done = function () {
      if (link.parentNode) link.parentNode.removeChild(link);
    };
    next.addEventListener('load', done);
    next.addEventListener('error', done);
    link.parentNode.insertBefore(next, link.nextSibling);
  }

  function navigate(url) {
    var u;
    try {
      u = new URL(url, location.origin);
    } catch (err) {
      return;
    }
    if (u.origin !== location.origin) return;
    if (u.pathname === location.pathname && u.search === location.search) {
      location.reload();
      return;
    }
    location.assign(u.href);
  }

  // The overlay is built with DOM calls and textContent only, styled through
  // element.style (the site's CSP forbids inline <style>), inside a shadow
  // root when there is one so the site's CSS cannot reach it.
  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) {
      for (var k in style) e.style[k] = style[k];
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showErrors(lines) {
    var refocus = lastFocus;
    hideErrors(true);
    lastFocus = refocus || document.activeElement;

    var host = el('div');
    host.id = 'casefile-errors';
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    var backdrop = el('div', {
      position: 'fixed', top: '0', right: '0', bottom: '0', left: '0', zIndex: '2147483647',
      background: 'rgba(16,16,20,0.75)', overflow: 'auto', padding: '6vh 1rem',
      boxSizing: 'border-box', font: '15px/1.5 system-ui, sans-serif'
    });
    var box = el('div', {
      maxWidth: '60rem', margin: '0 auto', background: '#fff', color: '#1a1a1a',
      borderTop: '6px solid #c62828', borderRadius: '6px', padding: '1.25rem 1.5rem',
      boxShadow: '0 10px 40px rgba(0,0,0,0.4)'
    });
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-modal', 'true');
    box.setAttribute('aria-labelledby', 'casefile-errors-title');
    box.setAttribute('aria-describedby', 'casefile-errors-list');

    var n = lines.length;
    var title = el('h2', { margin: '0 0 0.5rem', fontSize: '1.25rem', color: '#b71c1c' },
      'Build failed: ' + n + (n === 1 ? ' error' : ' errors'));
    title.id = 'casefile-errors-title';
    var note = el('p', { margin: '0 0 1rem', color: '#444' },
      'The last good build is still served. Fix the file and save: this message goes away when the build succeeds.');
    var list = el('ol', { margin: '0 0 1rem', padding: '0 0 0 1.5rem' });
    list.id = 'casefile-errors-list';
    lines.forEach(function (line) {
      var li = el('li', {
        margin: '0 0 0.5rem', whiteSpace: 'pre-wrap', wordBreak: 'break-word',
        font: '14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace'
      });
      var m = /^(.+?): ((?:error|warning): [\s\S]*)$/.exec(String(line));
      if (m) {
        li.appendChild(el('strong', { color: '#0d47a1' }, m[1]));
        li.appendChild(document.createTextNode(': ' + m[2]));
      } else {
        li.textContent = String(line);
      }
      list.appendChild(li);
    });
    var button = el('button', {
      font: 'inherit', padding: '0.35rem 1rem', border: '1px solid #888',
      borderRadius: '4px', background: '#f4f4f4', color: '#1a1a1a', cursor: 'pointer'
    }, 'Dismiss');
    button.type = 'button';
    button.addEventListener('click', function () { hideErrors(); });
    host.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') hideErrors();
    });

    box.appendChild(title);
    box.appendChild(note);
    box.appendChild(list);
    box.appendChild(button);
    backdrop.appendChild(box);
    root.appendChild(backdrop);
    (document.body || document.documentElement).appendChild(host);
    overlay = host;
    if (button.focus) button.focus();
  }

  function hideErrors(keepFocus) {
    if (!overlay) return;
    if (overlay.parentNode) overlay.parentNode.removeChild(overlay);
    overlay = null;
    if (!keepFocus && lastFocus && lastFocus.focus) lastFocus.focus();
    if (!keepFocus) lastFocus = null;
  }

  connect();
})();
