"""The report page's own style and script, inline; the page's CSP allows this script by its hash only.

Why the email's iframe is sandboxed with `allow-same-origin` but without `allow-scripts`: the
page's script must reach into the rendered email to scroll a mark into view and to show a
tooltip for it, and a frame is scriptable from its parent only when both share an origin.  A
sandbox without `allow-scripts` runs nothing inside the frame (no script element, no handler,
no javascript: URL), so sharing the origin gives the email nothing it could use; the frame's
own CSP and the sanitiser (email_view.py) remove scripts and remote loads besides.  The
combination to avoid, `allow-scripts` with `allow-same-origin`, is never used.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;background:#f1f3f5}
header.top{display:flex;flex-wrap:wrap;gap:24px;align-items:center;padding:16px 24px;background:#fff;border-bottom:1px solid #dee2e6}
header.top h1{font-size:18px;margin:0 0 4px;word-break:break-all}
.verdict{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:700;color:#fff}
.verdict.fail{background:#c92a2a}.verdict.pass{background:#2b8a3e}
.gauge text{font:700 20px system-ui,sans-serif}.gauge .small{font:11px system-ui,sans-serif;fill:#495057}
.bars{min-width:260px;flex:1}
.bar{display:grid;grid-template-columns:130px 1fr 70px;gap:8px;align-items:center;font-size:12px;margin:2px 0}
.bar .track{background:#e9ecef;border-radius:3px;height:10px;overflow:hidden}
.bar .fill{background:#e8590c;height:100%}
main{display:grid;grid-template-columns:minmax(300px,420px) 1fr;gap:16px;padding:16px 24px}
section.panel{background:#fff;border:1px solid #dee2e6;border-radius:6px;padding:12px 16px;margin-bottom:16px}
section.panel h2{font-size:15px;margin:0 0 8px}
table.headers{border-collapse:collapse;width:100%;font-size:13px}
table.headers th{text-align:left;vertical-align:top;color:#495057;padding:2px 8px 2px 0;white-space:nowrap;width:1%}
table.headers td{padding:2px 0;word-break:break-word}
mark[data-spamlint-rule],td[data-spamlint-rule],span[data-spamlint-rule]{background:#ffe066;box-shadow:0 0 0 1px #e8590c;border-radius:2px;cursor:help}
.spamlint-active{background:#ff922b!important;outline:3px solid #c92a2a}
#findings{list-style:none;margin:0;padding:0;position:sticky;top:8px;max-height:calc(100vh - 16px);overflow:auto}
#findings li{background:#fff;border:1px solid #dee2e6;border-left:4px solid #adb5bd;border-radius:4px;padding:6px 10px;margin-bottom:6px;cursor:pointer}
#findings li.sev-error{border-left-color:#c92a2a}#findings li.sev-warning{border-left-color:#e8590c}#findings li.sev-info{border-left-color:#1c7ed6}
#findings li.current{outline:2px solid #c92a2a}
#findings .where{color:#495057;font-size:12px}#findings .rule{font-weight:700}
#findings .pts{float:right;font-weight:700}
#findings details{font-size:12px;margin-top:4px}#findings details p{margin:4px 0}
.note{color:#495057;font-size:12px}
iframe.email{width:100%;height:70vh;border:1px solid #ced4da;background:#fff;resize:vertical}
.source{max-height:60vh;overflow:auto;background:#f8f9fa;border:1px solid #dee2e6;font:12px/1.5 ui-monospace,monospace}
.source .line{display:flex;white-space:pre-wrap;word-break:break-all}
.source .ln{flex:0 0 4.5em;text-align:right;padding-right:8px;color:#868e96;user-select:none;border-right:1px solid #dee2e6;margin-right:8px}
.source .src-mark{background:#ffe066;box-shadow:0 0 0 1px #e8590c}
#tip{position:absolute;display:none;max-width:420px;background:#212529;color:#f8f9fa;padding:8px 10px;border-radius:6px;font-size:12px;z-index:10;pointer-events:none}
#tip p{margin:3px 0}
table.index{border-collapse:collapse;width:100%;background:#fff}
table.index th,table.index td{border-bottom:1px solid #dee2e6;padding:6px 10px;text-align:left}
"""

SCRIPT = """(function () {
  'use strict';
  var list = document.getElementById('findings');
  var tip = document.getElementById('tip');
  var active = [];
  function frames() { return Array.prototype.slice.call(document.querySelectorAll('iframe.email')); }
  function docOf(f) { try { return f.contentDocument; } catch (e) { return null; } }
  function marksOf(n) {
    var sel = '[data-spamlint-n="' + n + '"]', out = [];
    Array.prototype.push.apply(out, document.querySelectorAll(sel));
    frames().forEach(function (f) { var d = docOf(f); if (d) { Array.prototype.push.apply(out, d.querySelectorAll(sel)); } });
    return out;
  }
  function frameOf(el) {
    return frames().filter(function (f) { return docOf(f) === el.ownerDocument; })[0] || null;
  }
  function itemOf(n) { return list ? list.querySelector('li[data-n="' + n + '"]') : null; }
  function activate(n) {
    active.forEach(function (e) { e.classList.remove('spamlint-active'); });
    active = marksOf(n);
    active.forEach(function (e) { e.classList.add('spamlint-active'); });
    Array.prototype.forEach.call(document.querySelectorAll('#findings li.current'), function (li) { li.classList.remove('current'); });
    var li = itemOf(n);
    if (li) { li.classList.add('current'); }
    var src = document.querySelector('[data-spamlint-src="' + n + '"]');
    if (src) {
      var box = src.closest('.source');
      box.scrollTop = src.offsetTop - box.offsetTop - box.clientHeight / 3;
    }
  }
  function show(n) {
    var marks = marksOf(n);
    activate(n);
    if (!marks.length) { return; }
    var f = frameOf(marks[0]), target = marks[0];
    // hidden text has no box: scroll to the nearest element around it that the reader sees
    while (target.parentElement && !target.getClientRects().length) { target = target.parentElement; }
    if (f) { f.scrollIntoView({block: 'nearest'}); }
    target.scrollIntoView({block: 'center'});
  }
  function hideTip() { tip.style.display = 'none'; }
  function showTip(el) {
    var li = itemOf(el.getAttribute('data-spamlint-n'));
    var body = li && li.querySelector('.tipbody');
    if (!body) { return; }
    tip.innerHTML = '';
    tip.appendChild(body.cloneNode(true)).hidden = false;
    var r = el.getBoundingClientRect(), f = frameOf(el), x = r.left, y = r.bottom;
    if (f) { var fr = f.getBoundingClientRect(); x += fr.left + f.clientLeft; y += fr.top + f.clientTop; }
    tip.style.left = Math.max(4, x + window.scrollX) + 'px';
    tip.style.top = (y + window.scrollY + 6) + 'px';
    tip.style.display = 'block';
  }
  function markAt(t) { return t && t.closest ? t.closest('[data-spamlint-n]') : null; }
  function wire(d, isFrame) {
    d.addEventListener('mouseover', function (ev) { var m = markAt(ev.target); if (m) { showTip(m); } else { hideTip(); } });
    d.addEventListener('mouseleave', hideTip);
    d.addEventListener('click', function (ev) {
      if (isFrame && ev.target.closest && ev.target.closest('a')) { ev.preventDefault(); }
      var m = markAt(ev.target);
      if (!m) { return; }
      var n = m.getAttribute('data-spamlint-n');
      activate(n);
      var li = itemOf(n);
      if (li) { li.scrollIntoView({block: 'nearest'}); }
      showTip(m);
    });
  }
  if (list) {
    list.addEventListener('click', function (ev) {
      if (ev.target.closest('summary, details')) { return; }
      var li = ev.target.closest('li[data-n]');
      if (li) { show(li.getAttribute('data-n')); }
    });
    list.addEventListener('keydown', function (ev) {
      var li = ev.target.closest('li[data-n]');
      if (li && ev.key === 'Enter') { show(li.getAttribute('data-n')); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('header.top, .message'), function (el) { wire(el, false); });
  frames().forEach(function (f) {
    var done = false;
    function ready() {
      var d = docOf(f);
      if (done || !d || d.readyState !== 'complete' || d.location.href !== 'about:srcdoc') { return; }
      done = true;
      wire(d, true);
      // as tall as the email, up to three quarters of the window (then it scrolls)
      var h = d.documentElement.scrollHeight + 4;
      f.style.height = Math.min(Math.max(h, 120), Math.round(window.innerHeight * 0.75)) + 'px';
      document.documentElement.setAttribute('data-frames-ready', String(
        (parseInt(document.documentElement.getAttribute('data-frames-ready') || '0', 10)) + 1));
    }
    f.addEventListener('load', ready);
    ready();
  });
})();
"""


def script_hash(script: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


PAGE_CSP = ("default-src 'none'; script-src " + script_hash(SCRIPT) +
            "; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; base-uri 'none'; form-action 'none'")
INDEX_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
