"""The report page for one input: score gauge, category bars, the headers that matter, findings, the
rendered email with its marks, and the source with line numbers.  Everything from the message is
escaped here (`esc`) or in the email's srcdoc (email_view.py)."""

from __future__ import annotations

import bisect
import html
import math
from typing import Callable, Mapping, Sequence

from spamlint.engine.rules import Rule
from spamlint.engine.scoring import Report
from spamlint.formatters.escape import clean
from spamlint.formatters.html import assets
from spamlint.formatters.html.email_view import EmailView, build_view, srcdoc_attribute
from spamlint.formatters.html.locate import Mark, Placement, mark_for, place
from spamlint.formatters.html.marking import inline_marks
from spamlint.model.document import Document
from spamlint.model.findings import CATEGORY_CAPS, Finding
from spamlint.model.segment import Segment, line_starts

SHOWN_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Date", "Return-Path", "Message-ID",
                 "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence", "X-Mailer")
MAX_SOURCE_LINES = 4000
MAX_LINE_CHARS = 4000
PREVIEW_CHARS = 110  # what an inbox shows after the subject


def esc(text: str) -> str:
    """Text from an input, safe as HTML text or attribute value: controls shown, markup escaped."""
    return html.escape(clean(text), quote=True)


def render_page(report: Report, doc: Document | None, rules: Mapping[str, Rule], index_href: str | None = None) -> str:
    """One self-contained HTML page for one linted input."""
    findings = report.findings
    placement = place(findings, doc)
    views = _views(doc, placement, findings, rules) if doc is not None else []
    blocked = sum(v.blocked_images for v in views)
    body = [
        _top(report, index_href),
        "<main><aside>", _findings_list(report, rules), "</aside><div>",
        _message_panel(report, doc, placement, rules),
        _rendered(views, blocked, doc),
        _sources(doc, placement) if doc is not None else "",
        "</div></main>", '<div id="tip" role="tooltip"></div>',
        f"<script>{assets.SCRIPT}</script>",
    ]
    return _document(f"spamlint: {esc(report.path)}", assets.PAGE_CSP, "".join(body))


def _document(title: str, csp: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{title}</title><style>{assets.CSS}</style></head><body>{body}</body></html>\n")


def _tip(f: Finding, rules: Mapping[str, Rule]) -> str:
    """Plain text for a mark's title: rule, points, message, why and fix."""
    rule = rules.get(f.rule)
    why = " ".join(rule.why.split()) if rule is not None else ""
    lines = [f"{f.rule} (+{f.points:g}): {f.message}"]
    lines += [f"Why: {why}"] if why else []
    lines += [f"Fix: {' '.join(f.fix.split())}"] if f.fix.strip() else []
    return "\n".join(clean(line) for line in lines)[:2000]  # each line cleaned: the newlines stay


def _top(report: Report, index_href: str | None) -> str:
    back = f'<p class="note"><a href="{esc(index_href)}">&larr; all inputs</a></p>' if index_href else ""
    return (f'<header class="top"><div>{back}<h1>{esc(report.path)}</h1>'
            f'<span class="verdict {report.verdict}">{report.verdict.upper()}</span> '
            f'score {report.score:g} / threshold {report.threshold:g} &middot; {len(report.findings)} findings</div>'
            f"{gauge(report.score, report.threshold)}{category_bars(report.categories)}</header>")


def gauge(score: float, threshold: float) -> str:
    """A half-circle gauge of the score against the threshold, in inline SVG."""
    top = max(threshold * 2, score, 1e-9)
    share, mark = min(score / top, 1.0), threshold / top
    colour = "#c92a2a" if score >= threshold else "#2b8a3e"
    angle = math.pi * (1 - mark)
    tx, ty = 80 + 70 * math.cos(angle), 80 - 70 * math.sin(angle)
    ix, iy = 80 + 52 * math.cos(angle), 80 - 52 * math.sin(angle)
    arc = "M10 80 A70 70 0 0 1 150 80"
    return (f'<svg class="gauge" width="160" height="100" viewBox="0 0 160 100" role="img" '
            f'aria-label="score {score:g} of threshold {threshold:g}">'
            f'<path d="{arc}" fill="none" stroke="#e9ecef" stroke-width="14"/>'
            f'<path d="{arc}" fill="none" stroke="{colour}" stroke-width="14" pathLength="100" '
            f'stroke-dasharray="{share * 100:.2f} 100"/>'
            f'<line x1="{ix:.1f}" y1="{iy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" stroke="#212529" stroke-width="3"/>'
            f'<text x="80" y="78" text-anchor="middle">{score:g}</text>'
            f'<text class="small" x="80" y="95" text-anchor="middle">threshold {threshold:g}</text></svg>')


def category_bars(categories: Mapping[str, float]) -> str:
    """Points per category against its cap, as CSS bars."""
    rows = []
    for cat, points in categories.items():
        cap = CATEGORY_CAPS.get(cat, max(points, 1.0))
        width = 100 * min(points / cap, 1.0) if cap else 100
        rows.append(f'<div class="bar"><span>{esc(cat)}</span><span class="track">'
                    f'<span class="fill" style="display:block;width:{width:.1f}%"></span></span>'
                    f'<span>{points:g} / {cap:g}</span></div>')
    return '<div class="bars">' + ("".join(rows) or '<p class="note">no points</p>') + "</div>"


def _where(f: Finding) -> str:
    return f"{f.line}:{f.column or 1}" if f.line is not None else "no position"


def _findings_list(report: Report, rules: Mapping[str, Rule]) -> str:
    if not report.findings:
        return '<section class="panel"><h2>Findings</h2><p>No findings.</p></section>'
    items = []
    for i, f in enumerate(report.findings):
        rule = rules.get(f.rule)
        why = f"<p><b>Why:</b> {esc(' '.join(rule.why.split()))}</p>" if rule is not None and rule.why.strip() else ""
        fix = f"<p><b>Fix:</b> {esc(' '.join(f.fix.split()))}</p>" if f.fix.strip() else ""
        head = (f'<span class="pts">+{f.points:g}</span><span class="rule">{esc(f.rule)}</span> '
                f'<span class="where">{esc(f.part)} {_where(f)}</span><div>{esc(f.message)}</div>')
        tip = (f'<div class="tipbody" hidden><p><b>{esc(f.rule)}</b> (+{f.points:g}, {f.severity.value}, '
               f'{esc(f.category)})</p><p>{esc(f.message)}</p>{why}{fix}</div>')
        items.append(f'<li class="finding sev-{f.severity.value}" data-n="{i}" data-rule="{esc(f.rule)}" '
                     f'tabindex="0">{head}<details><summary>why and fix</summary>{why}{fix}</details>{tip}</li>')
    return f'<ol id="findings" aria-label="findings">{"".join(items)}</ol>'


def _message_panel(report: Report, doc: Document | None, placement: Placement, rules: Mapping[str, Rule]) -> str:
    """Subject, preheader, the headers that matter, and the findings that have no place in the email."""
    rows = []
    if doc is not None:
        rows += _subject_rows(report, doc, placement, rules)
        rows += _header_rows(report, doc, placement, rules)
    unpositioned = [i for i, f in enumerate(report.findings) if f.line is None] + list(placement.unplaced)
    listed = "".join(f'<li><b>{esc(report.findings[i].rule)}</b> (+{report.findings[i].points:g}) '
                     f'<span class="where">{esc(report.findings[i].part)}</span>: {esc(report.findings[i].message)}'
                     f"{' (its position is not in any part shown)' if i in placement.unplaced else ''}</li>"
                     for i in unpositioned)
    table = f'<table class="headers">{"".join(rows)}</table>' if rows else ""
    lost = f"<h2>Findings without a place in the text</h2><ul>{listed}</ul>" if listed else ""
    return f'<section class="panel message"><h2>Message</h2>{table}{lost}</section>'


def _open_mark(report: Report, rules: Mapping[str, Rule]) -> Callable[[int], str]:
    """Writes the opening <mark> tag of finding i in the page (subject and header rows)."""
    def tag(i: int) -> str:
        f = report.findings[i]
        tip = html.escape(_tip(f, rules), quote=True)  # _tip has cleaned it already, keeping its newlines
        return f'<mark data-spamlint-rule="{esc(f.rule)}" data-spamlint-n="{i}" title="{tip}">'
    return tag


def _subject_rows(report: Report, doc: Document, placement: Placement, rules: Mapping[str, Rule]) -> list[str]:
    rows = []
    bodies = {s.part: s for s in doc.bodies}
    for name, seg in (("Subject", doc.subject), ("Preheader", bodies.get("preheader"))):
        if seg is None:
            continue
        ids = [i for i, where in placement.header_marks.items() if where == name.lower()]
        marks = [m for m in (mark_for(i, report.findings[i], seg) for i in ids) if m is not None]
        marks += [Mark(i, 0, len(seg.source)) for i in ids if i not in {m.index for m in marks}]
        value = inline_marks(seg.source, marks, _open_mark(report, rules), esc)
        rows.append(f"<tr><th>{name}</th><td>{value}</td></tr>")
    if "preheader" not in bodies:
        preview = _preview(doc)
        if preview:
            rows.append(f'<tr><th>Preview</th><td class="note">{esc(preview)}</td></tr>')
    return rows


def _preview(doc: Document) -> str:
    """The start of the body text an inbox shows after the subject (the preheader)."""
    primary = next((s for s in doc.bodies if s.primary and s.part != "preheader"), None)
    if primary is None:
        return ""
    # an HTML body's visible text; a text body as written, merge tags and all (its text has them masked)
    text = " ".join((primary.text if primary.anchors is not None else primary.source).split())
    return text[:PREVIEW_CHARS] + ("…" if len(text) > PREVIEW_CHARS else "")


def _header_rows(report: Report, doc: Document, placement: Placement, rules: Mapping[str, Rule]) -> list[str]:
    """The headers that matter and every header a finding is about, each finding's header value marked."""
    on: dict[int, list[int]] = {}  # header number -> findings marked on it
    homeless = []
    for i, where in sorted(placement.header_marks.items()):
        if where in ("subject", "preheader"):
            continue
        same = [k for k, h in enumerate(doc.headers) if h.name.lower() == where]
        exact = [k for k in same if doc.headers[k].line == report.findings[i].line]
        if same:
            on.setdefault((exact or same)[0], []).append(i)
        else:
            homeless.append(i)
    shown = {n.lower() for n in SHOWN_HEADERS}
    rows = []
    for k, h in enumerate(doc.headers):
        if h.name.lower() not in shown and k not in on:
            continue
        value = esc(h.value[:2000])
        for i in on.get(k, ()):
            value = _open_mark(report, rules)(i) + value + "</mark>"
        rows.append(f"<tr><th>{esc(h.name)}</th><td>{value}</td></tr>")
    for i in homeless:  # a header finding whose header is not in the message: still marked, in its own row
        f = report.findings[i]
        rows.append(f"<tr><th>{esc(f.part)}</th><td>{_open_mark(report, rules)(i)}{esc(f.excerpt or f.message)}</mark></td></tr>")
    return rows


def _views(doc: Document, placement: Placement, findings: Sequence[Finding], rules: Mapping[str, Rule]) -> list[EmailView]:
    def describe(i: int) -> tuple[str, str]:
        return findings[i].rule, _tip(findings[i], rules)
    bodies = [s for s in doc.bodies if s.part != "preheader"]
    bodies.sort(key=lambda s: (not s.primary, not s.part.startswith("text/html")))
    return [build_view(seg, placement.body_marks.get(seg.part, []), describe) for seg in bodies]


def _rendered(views: Sequence[EmailView], blocked: int, doc: Document | None) -> str:
    if doc is None:
        return '<section class="panel"><h2>Rendered</h2><p class="note">No message content to show here, only its findings.</p></section>'
    if not views:
        return '<section class="panel"><h2>Rendered</h2><p class="note">No text or HTML body.</p></section>'
    note = (f"{blocked} remote image{'' if blocked == 1 else 's'} blocked (shown as placeholders with alt text and size)"
            if blocked else "no remote images")
    frames = "".join(
        f'<h3 class="note">{esc(v.part)}</h3><iframe class="email" title="{esc(v.part)} as rendered" '
        f'sandbox="allow-same-origin" referrerpolicy="no-referrer" srcdoc="{srcdoc_attribute(v)}"></iframe>'
        for v in views)
    return (f'<section class="panel"><h2>Rendered</h2><p class="note" id="blocked" data-blocked="{blocked}">'
            f"{note}; scripts, forms and links do not work here</p>{frames}</section>")


def _sources(doc: Document, placement: Placement) -> str:
    blocks = []
    for seg in doc.bodies:
        if seg.part == "preheader" or seg.line_base is None:
            continue
        blocks.append(f'<h3 class="note">{esc(seg.part)}</h3>{source_block(seg, placement.body_marks.get(seg.part, []))}')
    if not blocks:
        return ""
    return f'<section class="panel"><h2>Source</h2>{"".join(blocks)}</section>'


def source_block(seg: Segment, marks: Sequence[Mark]) -> str:
    """A body's source with line numbers, each mark wrapped where it starts (to the end of its line)."""
    starts = line_starts(seg.source)
    by_line: dict[int, list[tuple[int, int, int]]] = {}
    for m in marks:
        row = _row(starts, m.start)
        line_end = starts[row + 1] - 1 if row + 1 < len(starts) else len(seg.source)
        end = m.end if m.end is not None else _tag_end(seg.source, m.start, line_end)
        by_line.setdefault(row, []).append((m.start - starts[row], min(end, line_end) - starts[row], m.index))
    out = []
    for row, start in enumerate(starts[:MAX_SOURCE_LINES]):
        end = starts[row + 1] - 1 if row + 1 < len(starts) else len(seg.source)
        text = seg.source[start:end].rstrip("\r")[:MAX_LINE_CHARS]
        number = (seg.line_base or 1) + row
        out.append(f'<div class="line"><span class="ln">{number}</span><span>{_line_html(text, by_line.get(row, []))}</span></div>')
    if len(starts) > MAX_SOURCE_LINES:
        out.append(f'<div class="note">… {len(starts) - MAX_SOURCE_LINES} more lines not shown</div>')
    return f'<div class="source">{"".join(out)}</div>'


def _row(starts: Sequence[int], offset: int) -> int:
    return max(bisect.bisect_right(starts, offset) - 1, 0)


def _tag_end(source: str, start: int, limit: int) -> int:
    gt = source.find(">", start, limit)
    return gt + 1 if gt != -1 else min(start + 1, limit)


def _line_html(text: str, spans: list[tuple[int, int, int]]) -> str:
    """One source line, escaped, with a marker span at each finding on it (never nested: each starts a span)."""
    out, last = [], 0
    for start, end, index in sorted(spans):
        start = max(start, last)
        if start >= len(text):
            out.append(f'<span class="src-mark" data-spamlint-src="{index}"></span>')
            continue
        end = max(min(end, len(text)), start + 1)
        out.append(esc(text[last:start]))
        out.append(f'<span class="src-mark" data-spamlint-src="{index}">{esc(text[start:end])}</span>')
        last = end
    out.append(esc(text[last:]))
    return "".join(out)


def render_index(rows: Sequence[tuple[Report, str]]) -> str:
    """The batch index: every input sorted by score (highest first), verdict, top categories, a link each."""
    body = ['<header class="top"><div><h1>spamlint report</h1>',
            f"{len(rows)} inputs, {sum(not r.passed for r, _ in rows)} failed</div></header>",
            '<main style="display:block"><table class="index"><thead><tr><th>input</th><th>score</th>'
            "<th>verdict</th><th>top categories</th><th>findings</th></tr></thead><tbody>"]
    for report, href in sorted(rows, key=lambda x: (-x[0].score, x[0].path)):
        top = sorted(report.categories.items(), key=lambda kv: -kv[1])[:3]
        cats = ", ".join(f"{esc(c)} {v:g}" for c, v in top) or "&ndash;"
        body.append(f'<tr><td><a href="{esc(href)}">{esc(report.path)}</a></td><td>{report.score:g} / {report.threshold:g}</td>'
                    f'<td><span class="verdict {report.verdict}">{report.verdict.upper()}</span></td><td>{cats}</td>'
                    f"<td>{len(report.findings)}</td></tr>")
    body.append("</tbody></table></main>")
    return _document("spamlint report", assets.INDEX_CSP, "".join(body))
