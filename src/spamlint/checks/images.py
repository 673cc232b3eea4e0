"""Image checks: image-only HTML, image area against visible text, missing alt text, alt text as message."""

from __future__ import annotations

from typing import Iterable

from spamlint.checks.base import Check, Option
from spamlint.model.document import Document, Image
from spamlint.model.findings import Hit
from spamlint.text.facts import Context
from spamlint.text.words import letter_count


def _content_images(doc: Document) -> list[Image]:
    """Images that carry content: not tracking pixels or spacers (1-2 px in either dimension)."""
    out = []
    for img in doc.images:
        if (img.width is not None and img.width <= 2) or (img.height is not None and img.height <= 2):
            continue
        out.append(img)
    return out


def _hit(img: Image, **detail: object) -> Hit:
    return Hit(part=img.part, line=img.line, column=img.column, excerpt=img.src[:120], detail=detail)


class ImageOnlyCheck(Check):
    """HTML that is content images with fewer than `min_letters` letters of visible text."""

    name = "image-only"
    looks_at = ("images",)
    options = {
        "min_letters": Option("int", 100, "letters of text below which the HTML counts as image-only"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        images = _content_images(doc)
        if not images or not doc.html_parts:
            return
        letters = ctx.facts.html_letters
        if letters < self.opts["min_letters"]:
            yield _hit(images[0], images=len(images), letters=letters)


class ImageAreaCheck(Check):
    """More than `max_area_per_letter` square pixels of sized content images per letter of visible HTML text."""

    name = "image-area"
    looks_at = ("images",)
    options = {
        "max_area_per_letter": Option("float", 1500.0, "square pixels of image per letter of text"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        images = _content_images(doc)
        if not images or not doc.html_parts:
            return
        letters = ctx.facts.html_letters
        area = sum((i.width or 0) * (i.height or 0) for i in images)
        per_letter = area / max(letters, 1)
        if area and per_letter > self.opts["max_area_per_letter"]:
            yield _hit(images[0], area=area, letters=letters, ratio=f"{per_letter:.0f}")


class MissingAltCheck(Check):
    """Content images with no alt attribute (an empty alt="" marks a decorative image and is fine)."""

    name = "missing-alt"
    looks_at = ("images",)
    options = {
        "min_images": Option("int", 1, "images without alt needed before the rule fires"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        missing = [i for i in _content_images(doc) if i.alt is None]
        if len(missing) >= self.opts["min_images"]:
            yield _hit(missing[0], count=len(missing), total=len(doc.images))


class AltTextCheck(Check):
    """Alt text that carries the message: at least `min_letters` letters of alt text, making up more
    than `max_share` of all the words a reader with images on or off could get."""

    name = "alt-text"
    looks_at = ("images",)
    options = {
        "min_letters": Option("int", 80, "letters of alt text before the rule judges"),
        "max_share": Option("float", 0.5, "largest share of alt text in alt plus visible text"),
    }

    def run(self, doc: Document, ctx: Context, scope: tuple[str, ...]) -> Iterable[Hit]:
        with_alt = [i for i in doc.images if i.alt]
        alt = sum(letter_count(i.alt or "") for i in with_alt)
        if alt < self.opts["min_letters"]:
            return
        visible = ctx.facts.html_letters
        share = alt / (alt + visible)
        if share > self.opts["max_share"]:
            longest = max(with_alt, key=lambda i: len(i.alt or ""))
            yield Hit(part=longest.part, line=longest.line, column=longest.column,
                      excerpt=" ".join((longest.alt or "").split())[:80],
                      detail={"alt": alt, "visible": visible, "share": f"{share:.0%}"})
