"""Issue 10 families beyond the rule examples: language-gated phrase rules, brand claims, merge tags, attachments."""

from __future__ import annotations

import subprocess
import sys

import pytest

from spamlint import Engine, load_document
from spamlint.engine.rules import builtin_rules, parse_rule
from spamlint.errors import RuleError
from spamlint.text import language
from spamlint.text.facts import Context

RULES = {r.id: r for r in builtin_rules()}

_LANGUAGE_RULE = """\
id: test-words
category: risky-words
check: {check}
scope: [body]
points: 1
severity: warning
message: m
why: w
fix: f
{language}
options: {options}
examples:
  hit: ["Sie haben gewonnen"]
  miss: ["no"]
"""


def _rule(check: str = "phrases", language_line: str = "language: de", options: str = "{phrases: [gewonnen]}") -> str:
    return _LANGUAGE_RULE.format(check=check, language=language_line, options=options)


def _findings(rule_id: str, text: str) -> list:
    return Engine([RULES[rule_id]]).run(load_document(text, name="t"))


def test_language_field_is_kept_and_set_on_the_check() -> None:
    rule = parse_rule("rules/test-words.yaml", _rule())
    assert rule.language == "de" and rule.check.language == "de"


@pytest.mark.parametrize(("text", "check", "options", "needle"), [
    (_rule(language_line="language: German"), "phrases", None, "field 'language': must be a lower-case ISO 639-1"),
    (_rule(language_line="language: 7"), "phrases", None, "field 'language'"),
    (_rule(check="all-caps", options="{}"), "all-caps", None, "check 'all-caps' does not read text by language"),
])
def test_bad_language_field_names_file_rule_and_field(text: str, check: str, options: object, needle: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule("rules/test-words.yaml", text)
    assert "rules/test-words.yaml" in str(err.value) and "test-words" in str(err.value) and needle in str(err.value)


@pytest.mark.parametrize(("text", "fires"), [
    ("Guten Tag, wir sind zuverlässige Kreditgeber und bieten Darlehen an Unternehmen und Privatpersonen an.", True),
    # the same German words inside English prose: the segment is English, so the German list stays quiet
    ("Our translator noted that zuverlässige Kreditgeber appears in the scam; the rest of this report "
     "describes how we block it at the gateway and what users should do.", False),
])
def test_language_rule_reads_only_its_language(text: str, fires: bool) -> None:
    assert bool(_findings("scam-wording-de", text)) is fires


def test_detect_gives_no_language_for_too_little_text() -> None:
    assert language.detect("ok 123") is None


def test_english_mail_without_candidates_never_loads_the_identifier() -> None:
    code = (
        "import spamlint, spamlint.text.language as L\n"
        "spamlint.lint('Subject: hi\\n\\nThe meeting moved to Tuesday; the agenda is attached.')\n"
        "print(L._identifier is None, 'numpy' in __import__('sys').modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]


@pytest.mark.parametrize(("text", "fires"), [
    ("From: Apple Support <id@secure-check.example>\nSubject: Locked\n\nSign in.", True),
    ("From: Apple Support <noreply@apple.com>\nSubject: Receipt\n\nThanks.", False),
    ("From: Apple Support <noreply@email.apple.com>\nSubject: Receipt\n\nThanks.", False),
    ("From: Shop <news@shop.example>\nSubject: Sale\n\nPay with your PayPal account at https://shop.example/", True),
    ("From: Sam <sam@home.example>\nSubject: fyi\n\nMy PayPal account works again.", False),
    ("From: Sam <sam@home.example>\nSubject: Fwd: receipt\n\nYour PayPal account: https://www.paypal.com/x", False),
    ("From: alerts@mail.example\nSubject: x\n\nSeu PayPal-Konto? Ihr PayPal-Konto wurde gesperrt.", True),
])
def test_brand_claims(text: str, fires: bool) -> None:
    assert bool(_findings("brand-impersonation", text)) is fires


@pytest.mark.parametrize(("text", "fires"), [
    # Japanese runs words together: a brand followed by kana or kanji has ended there
    ("From: 三井住友カード株式会社 <info@notice.example>\nSubject: x\n\nhttps://notice.example/", True),
    ("From: MyJCBカード <no-reply@notice.example>\nSubject: x\n\nhttps://notice.example/", True),
    ("From: JCBX <no-reply@notice.example>\nSubject: x\n\nhttps://notice.example/", False),
    ("From: a@notice.example\nSubject: 【SBI証券公式】ご案内\n\nhttps://notice.example/", True),
    ("From: a@notice.example\nSubject: x\n\nいつもPayPayをご利用いただきありがとうございます。", True),
    ("From: a@notice.example\nSubject: x\n\n当店ではPayPayをお使いいただけます。", False),
    ("From: 佐川急便 <info@sagawa-exp.co.jp>\nSubject: x\n\nhttps://www.sagawa-exp.co.jp/", False),
    # all-capital names match only in capitals, in the quick mention test as in the pattern
    ("From: a@notice.example\nSubject: x\n\n【ANAマイル】のご案内 https://notice.example/", True),
    ("From: a@notice.example\nSubject: x\n\n【anaマイル】のご案内 https://notice.example/", False),
])
def test_brand_claims_ja(text: str, fires: bool) -> None:
    assert bool(_findings("brand-impersonation-ja", text)) is fires


def test_brand_claim_reports_where_and_domain() -> None:
    [f] = _findings("brand-impersonation", "From: x@mailer.example\nSubject: Your Netflix account is on hold\n\nHi.")
    assert f.part == "subject" and "netflix" in f.message and "mailer.example" in f.message


@pytest.mark.parametrize(("text", "fires"), [
    ("From: a@shop.example\nSubject: Hi *|FNAME|*\n\nDeal.", True),
    ("From: a@shop.example\nSubject: Hi\n\nDear %%first_name%%, hello.", True),
    ("From: a@shop.example\nSubject: Hi\n\nDear [First Name], hello.", True),
    ("From: a@shop.example\nSubject: Hi\n\nDear Ana, hello {{ }} and [link].", False),
    ("---\nsubject: Hi *|FNAME|*\n---\nA template: Dear {{first_name}}, hello.", False),
])
def test_merge_tags_only_in_sent_messages(text: str, fires: bool) -> None:
    assert bool(_findings("unresolved-merge-tag", text)) is fires


def test_merge_tag_in_html_points_at_its_line() -> None:
    text = "From: a@shop.example\nSubject: Hi\nContent-Type: text/html\n\n<p>Hello</p>\n<p>Dear {{ first_name }}</p>"
    [f] = _findings("unresolved-merge-tag", text)
    assert f.line == 6 and f.part == "text/html"


def _with_attachment(body: str, filename: str, ctype: str = "application/octet-stream") -> str:
    return (f"From: a@b.example\nSubject: Docs\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
            f"--b\nContent-Type: text/plain\n\n{body}\n--b\nContent-Type: {ctype}\n"
            f"Content-Disposition: attachment; filename=\"{filename}\"\n\nAAAA\n--b--\n")


@pytest.mark.parametrize(("rule", "body", "filename", "fires"), [
    ("password-archive", "The password is 1234.", "a.zip", True),
    ("password-archive", "The password is 1234.", "a.pdf", False),
    ("password-archive", "Forgot your password? Reset it online.", "a.zip", False),
    ("attachment-only-lure", "Invoice attached.", "INV.PDF", True),
    ("attachment-only-lure", "Photos attached.", "beach.pdf", False),
    ("attachment-only-lure", "Invoice attached. " + "More words about the job we did together. " * 8, "inv.pdf", False),
    ("macro-attachment", "See attached.", "Report.XLSM", True),
    ("archive-attachment", "See attached.", "logs.tar.gz", False),
])
def test_attachment_lures(rule: str, body: str, filename: str, fires: bool) -> None:
    assert bool(_findings(rule, _with_attachment(body, filename))) is fires


def test_language_is_a_per_run_fact_and_the_subject_is_read_with_its_body() -> None:
    doc = load_document("Subject: Darlehen\n\nGuten Tag, wir sind zuverlässige Kreditgeber und bieten "
                        "Darlehen an Unternehmen und Privatpersonen an.", name="t")
    facts = Context(doc).facts
    [body] = facts.segments(("body",))
    assert facts.language_of(body) == "de" == body.language
    assert facts.subject is not None and facts.language_of(facts.subject) == "de"  # alone, too short to tell
    assert language.detect(doc.subject.text) is None
