"""RFC 2047 encoded words read as email.header.decode_header reads them, without its per-word steps.

decode_header splits each line at its encoded words with a list it pops from the front and
joins bytes one by one; Microsoft's anti-spam fields hold a hundred words a value.  `chunks`
gives the same (bytes, charset) chunks from the matches, and a line of one charset's words as
one run; decoding.py turns the chunks into text.  tests/test_speed_msg7.py holds it to the stdlib.
"""

from __future__ import annotations

# module-level patterns from the rule-pack cache's code, on first use
from spamlint.text.compiled import lazy

# email.header's ecre (an RFC 2047 encoded word) for text without line breaks, each lazy part
# written as the greedy one it equals there (a charset holds no '?'; the text runs to the first
# '?='), which re scans without trying the rest of the pattern at every character
_ENCODED_WORD = lazy(r"=\?([^?]*)\?([qQbB])\?([^?]*(?:\?(?!=)[^?]*)*)\?=")


def chunks(value: str) -> list[tuple[bytes | str, str | None]] | None:
    """email.header.decode_header(value): (bytes, charset) chunks, a str for text to keep as it is;
    None where decode_header raises (bad base64).

    decode_header splits each line at its encoded words with a list it pops from the front and
    joins bytes one by one; Microsoft's anti-spam fields hold a hundred words a value.  Here the
    same steps run over the matches: lines, the first text of a line left-stripped, white space
    alone between two encoded words dropped, runs of one charset joined (plain text with spaces).
    """
    import email.header  # email's imports cost start-up; a template never needs them

    lines = value.splitlines()
    if len(lines) == 1:
        run = _run(lines[0])
        if run is not None:
            return run
    if not email.header.ecre.search(value):  # over the whole value, as decode_header looks
        return [(value, None)]
    words = _words(value)
    runs: list[tuple[list[bytes], str | None]] = []
    for text, encoding, charset in words:
        if encoding is None:
            word = text.encode("raw-unicode-escape")
        elif encoding == "q":
            word = _q_word(text)
        else:
            word = _b_word(text)
            if word is None:
                return None
        if runs and runs[-1][1] == charset:
            if charset is None:
                runs[-1][0].append(b" ")
            runs[-1][0].append(word)
        else:
            runs.append(([word], charset))
    return [(b"".join(parts), charset) for parts, charset in runs]


# a line of encoded words of one charset (as the first word writes it: the \1) and white space
# alone: each word is the one _ENCODED_WORD finds there (its every part is forced: a charset to
# the first '?', a text to the first '?=')
_WORD = r"=\?([^?]*)\?[qQbB]\?[^?]*(?:\?(?!=)[^?]*)*\?="
_ONE_CHARSET = r"=\?\1\?[qQbB]\?[^?]*(?:\?(?!=)[^?]*)*\?="
_WORD_RUN = lazy(rf"[ \t]*{_WORD}(?:[ \t]*{_ONE_CHARSET})*[ \t]*")


def _run(line: str) -> list[tuple[bytes | str, str | None]] | None:
    """chunks() of a line that is encoded words of one charset (as written) with spaces or tabs
    between: the words' bytes joined (decoded once), then any white space after the last word;
    None for other lines, and where a word's base64 cannot be read (the general path says so).

    decode_header drops the white space between the words, joins the bytes of a charset's run and
    keeps the white space at the end as a plain word: this is the run Microsoft's fields hold.
    """
    if _WORD_RUN.fullmatch(line) is None:
        return None
    found = _ENCODED_WORD.findall(line)
    texts = [text for _, _, text in found]
    if any(map(str.isspace, texts)):
        return None  # a word of white space, which decode_header drops between two encoded words
    kinds = "".join([encoding for _, encoding, _ in found]).lower()
    pieces = []
    start = 0
    while start < len(kinds):  # each run of one encoding at once (Microsoft's: B words, then a Q word)
        end = kinds.find("q" if kinds[start] == "b" else "b", start)
        end = len(kinds) if end == -1 else end
        data = _encoded_run(texts[start:end], kinds[start])
        if data is None:
            return None
        pieces.append(data)
        start = end
    return [(b"".join(pieces), found[0][0].lower()), (line[len(line.rstrip(" \t")):], None)]


def _encoded_run(texts: list[str], kind: str) -> bytes | None:
    """The bytes of encoded words' texts of one encoding ("b" or "q"), joined; None where base64 cannot be read."""
    data = _b_run(texts) if kind == "b" else _q_run(texts)
    if data is not None:
        return data
    words = [_b_word(text) for text in texts] if kind == "b" else [_q_word(text) for text in texts]
    return None if None in words else b"".join(words)


_BASE64 = lazy(r"[A-Za-z0-9+/]*={0,2}")


def _b_run(texts: list[str]) -> bytes | None:
    """The base64 texts' bytes joined, decoded at once where each text is whole base64 (its length a
    multiple of 4, no padding but at the end of the last): each then decodes as it does alone."""
    joined = "".join(texts)
    if not _BASE64.fullmatch(joined) or "=" in joined.rstrip("=") or any(len(t) % 4 for t in texts):
        return None
    import binascii

    return binascii.a2b_base64(joined)


def _words(value: str) -> list[tuple[str, str | None, str | None]]:
    """decode_header's (text, encoding, charset) words: None, None for plain text; lone white space
    between two encoded words dropped."""
    words: list[tuple[str, str | None, str | None]] = []
    for line in value.splitlines():
        at = 0
        for m in _ENCODED_WORD.finditer(line):
            plain = line[at:m.start()] if at else line[:m.start()].lstrip()
            if plain:
                words.append((plain, None, None))
            words.append((m.group(3), m.group(2).lower(), m.group(1).lower()))
            at = m.end()
        plain = line[at:] if at else line.lstrip()
        if plain:
            words.append((plain, None, None))
    drop = [n - 1 for n in range(2, len(words))
            if words[n][1] and words[n - 2][1] and words[n - 1][0].isspace()]
    for n in reversed(drop):
        del words[n]
    return words


def _q_run(texts: list[str]) -> bytes | None:
    """The Q texts' bytes joined, decoded at once where no text holds a '=' in its last two characters
    (so no =XX stands across two texts); None where unsure."""
    if "=" in "".join([text[-2:] for text in texts]):
        return None
    return _q_word("".join(texts))


def _q_word(text: str) -> bytes:
    """bytes(email.quoprimime.header_decode(text), "raw-unicode-escape").

    binascii.a2b_qp in header mode reads _ and =XX as header_decode does, and differs only on a
    text ending in '=', on '==' and on line breaks (soft breaks), none of which it is given here.
    """
    if "=" not in text:
        return text.replace("_", " ").encode("raw-unicode-escape")
    if text.isascii() and "==" not in text and not text.endswith("=") and "\n" not in text and "\r" not in text:
        import binascii

        return binascii.a2b_qp(text, header=True)
    import email.quoprimime

    return email.quoprimime.header_decode(text).encode("raw-unicode-escape")


def _b_word(text: str) -> bytes | None:
    """email.base64mime.decode(text) with the padding decode_header adds; None where it raises."""
    import binascii

    if len(text) % 4:
        text += "==="[:4 - len(text) % 4]
    try:
        return binascii.a2b_base64(text.encode("raw-unicode-escape")) if text else b""
    except binascii.Error:
        return None
