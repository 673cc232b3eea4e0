"""Run rules over a document, stamp rule identity, points and severity, apply suppressions."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from itertools import chain, islice
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from spamlint.checks.base import Check
from spamlint.checks.phrases import phrase_gate
from spamlint.engine import cache, suppress
from spamlint.engine.rules import Rule, builtin_rules
from spamlint.errors import ConfigError
from spamlint.model.document import Document
from spamlint.model.findings import CATEGORIES, Finding, Hit, sort_findings
from spamlint.text.facts import Context
from spamlint.text import language
from spamlint.text.index import PhraseGate

if TYPE_CHECKING:  # only runs with --online make DNS problems (auth/ imports the record)
    from spamlint.model.domain import DnsProblem
    from spamlint.text.received import Network  # the trail's module: imported on first use (text/facts.py)

# the language identifier keeps py3langid's model arrays beside the rule-pack cache, under its
# rules (text/ may not import the engine, so the engine hands them over)
language.keep_model_with(cache.cache_dir, cache.usable, cache.write_private)

class _Details(dict):
    """Message placeholders: a missing key shows as itself instead of failing; counts read naturally."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"

    def __getitem__(self, key: str) -> object:
        value = super().__getitem__(key)
        return Count(value) if type(value) is int else value


class Count(int):
    """A whole number in a rule message: `{n:image}` reads "1 image" / "3 images", `{n:has|have}` picks a word."""

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, many = spec.split("|", 1)
            return one if self == 1 else many
        if len(spec) > 1 and spec.isalpha():
            return f"{int(self)} {spec}" if self == 1 else f"{int(self)} {spec}s"
        return format(int(self), spec)


MAX_QUOTE = 200  # characters of a matched text a message quotes ('!' * 10_000_000 is one match)


def _brief(value: object) -> object:
    """A detail as a message quotes it: text longer than MAX_QUOTE is cut, with an ellipsis."""
    if isinstance(value, str) and len(value) > MAX_QUOTE:
        return value[:MAX_QUOTE - 1] + "…"
    return value


def stamp(rule: Rule, hit: Hit) -> Finding:
    """Turn a check's Hit into a Finding of this rule."""
    message = rule.message.format_map(_Details({k: _brief(v) for k, v in hit.detail.items()})) \
        if hit.detail else rule.message
    message = " ".join(message.split())  # a matched phrase may span a line break; a message is one line
    return Finding(
        rule=rule.id, category=rule.category, points=round(rule.points * hit.weight, 2),
        severity=rule.severity, message=message, part=hit.part, line=hit.line, column=hit.column,
        excerpt=hit.excerpt, fix=rule.fix,
    )


def _kept(rule: Rule, hits: Iterable[Hit], keep: suppress.Filter | None) -> Iterator[Finding]:
    """The rule's findings that no suppression switches off, the first per `once` key."""
    seen: set[str] = set()
    for hit in hits:
        if hit.once is not None and hit.once in seen:
            continue
        finding = stamp(rule, hit)
        if keep is not None and not keep(finding):
            continue
        if hit.once is not None:
            seen.add(hit.once)
        yield finding


def _networks(cidrs: list[str]) -> tuple[Network, ...]:
    """text/received.py's parse_networks(cidrs): imported only when there are some (a run without
    trusted networks, such as a template's, never imports the Received trail's module)."""
    if not cidrs:
        return ()
    from spamlint.text.received import parse_networks

    return parse_networks(cidrs)


class Engine:
    """A compiled set of rules, reusable across documents and processes (it holds no per-run state).

    `known` names every rule that exists (selected or not), so a suppression naming an ignored
    rule is not mistaken for a typo; `sender_domains` are the sender's own domains, which link
    checks never hold against the email; `trusted_networks` (CIDR strings or networks) and
    `trusted_authserv_ids` (None: inferred from the Received trail) are the receiver's, which
    the Received and Authentication-Results facts read.
    """

    def __init__(self, rules: Sequence[Rule], sender_domains: Iterable[str] = (),
                 known: Iterable[str] | None = None, trusted_networks: Sequence[object] = (),
                 trusted_authserv_ids: Iterable[str] | None = None) -> None:
        # parse-problem rules run last: a check may meet a limit (regex_timeout) while it runs
        self.rules = tuple(sorted((r for r in rules if r.enabled), key=lambda r: r.check_name == "parse-problem"))
        self.sender_domains = frozenset(d.lower() for d in sender_domains)
        try:
            self.trusted_networks = _networks([str(n) for n in trusted_networks])
        except ValueError as err:  # the config validates its own; this is for library callers
            raise ConfigError(f"trusted_networks: {err}") from None
        self.trusted_authserv_ids = (None if trusted_authserv_ids is None
                                     else frozenset(a.lower() for a in trusted_authserv_ids))
        ids = {r.id for r in rules} | (set(known) if known is not None else {r.id for r in builtin_rules()})
        self.known = frozenset(ids)
        # the suppression layer's rules report after suppressions are applied; checks run first
        self._unused = tuple(r for r in self.rules if isinstance(r.check, suppress.UnusedSuppression))
        self._checked = tuple(r for r in self.rules if not isinstance(r.check, suppress.UnusedSuppression))
        # each rule's turn with what it needs looked up once, not per document: its id, check, scope,
        # max_hits, whether its kind can tell at a glance that it finds nothing (Check.silent), the rule
        self._plan = tuple((r.id, r.check, r.scope, r.max_hits, type(r.check).silent is not Check.silent, r)
                           for r in self._checked)
        # a rule that reads only a live DNS audit's problems (scope "dns") finds nothing in a run
        # without them: such runs (every offline one) leave those rules out at once
        self._plan_offline = tuple(t for t in self._plan if not _reads_only_dns(t[2]))

    def context(self, doc: Document, dns_problems: Sequence[DnsProblem] = ()) -> Context:
        """A fresh run context for doc: its facts, this engine's settings, and the run's problems."""
        return Context(doc, self.sender_domains, self.trusted_networks, self.trusted_authserv_ids, dns_problems,
                       self.phrase_gate)

    @cached_property
    def phrase_gate(self) -> PhraseGate | None:
        """One index over every phrase rule's words: which of them a segment can match is told once."""
        return phrase_gate(r.check for r in self._checked)

    def run(self, doc: Document, only: Iterable[str] | None = None,
            dns_problems: Sequence[DnsProblem] = ()) -> list[Finding]:
        """All findings for one document after suppressions, sorted by position.

        `dns_problems` are what a live DNS audit found before the run (auth/); offline runs have none.
        """
        wanted = set(only) if only is not None else None
        ctx = self.context(doc, dns_problems)
        findings: list[Finding] = []
        directives = suppress.parse(doc)
        keep = suppress.Filter(directives) if directives else None
        plan = self._plan if ctx.dns_problems else self._plan_offline
        if wanted is not None:
            plan = tuple(t for t in plan if t[0] in wanted)
        start = ctx.searches.start
        for rule_id, check, scope, max_hits, may_be_silent, rule in plan:
            if may_be_silent and check.silent(ctx, scope):  # phrase rules: the gate's answer, kept per scope
                continue
            start(rule_id)  # each rule its own share of the work budget (patterns.Searches)
            hits = iter(check.run(doc, ctx, scope))
            if max_hits != 0:  # most rules find nothing: no filtering machinery for them
                first = next(hits, None)
                if first is None:
                    continue
                hits = chain((first,), hits)
            # suppressions apply before max_hits and a check's one-per-key, so a suppressed line
            # neither uses up the rule's findings nor hides the same phrase further down;
            # max_hits then stops pulling hits from the check once it has reported that many
            findings.extend(islice(_kept(rule, hits, keep), max_hits))
        if directives:
            for rule in self._unused:
                if wanted is None or rule.id in wanted:
                    hits = rule.check.report(directives, self.known)
                    findings.extend(stamp(rule, h) for h in islice(hits, rule.max_hits))
        return sort_findings(findings)


def _reads_only_dns(scope: Sequence[str]) -> bool:
    """Whether a rule's scope names only the live DNS audit's problems (Context.dns_problems)."""
    return bool(scope) and all(part == "dns" for part in scope)


def select_rules(rules: Sequence[Rule], select: Sequence[str] | None = None, ignore: Sequence[str] = (),
                 extend_select: Sequence[str] = (), points: dict[str, float] | None = None,
                 source: str = "options") -> list[Rule]:
    """The rules a run uses: `select` (default: every enabled rule) plus `extend_select`, minus `ignore`.

    Each name is a rule id or a category; naming a rule explicitly turns it on even when its
    file says `enabled: false`.  Unknown names and points for unknown rules raise ConfigError.
    """
    ids = {r.id for r in rules}
    for key, names in (("select", select or ()), ("ignore", ignore), ("extend-select", extend_select),
                       ("points", tuple(points or ()))):
        for name in names:
            if name not in ids and (key == "points" or name not in CATEGORIES):
                kind = "rule id" if key == "points" else "rule id or category"
                raise ConfigError(f"{source}: {key}: {name!r} is not a {kind} ('spamlint rules' lists them)")
    chosen = [r for r in rules if _wanted(r, select) or _named(r, extend_select, by_category=r.enabled)]
    chosen = [r for r in chosen if not _named(r, ignore)]
    points = points or {}
    # a rule already on, with its own points, is used as it is: a copy equal to it cost each run 178 copies
    return [replace(r, points=points[r.id], enabled=True) if r.id in points else r if r.enabled
            else replace(r, enabled=True) for r in chosen]


def _wanted(rule: Rule, select: Sequence[str] | None) -> bool:
    if select is None:
        return rule.enabled
    return _named(rule, select, by_category=rule.enabled)


def _named(rule: Rule, names: Sequence[str], by_category: bool = True) -> bool:
    """A rule is named by its id, or by its category unless it ships disabled."""
    return rule.id in names or (by_category and rule.category in names)
