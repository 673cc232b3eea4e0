"""The input kinds registry (inputs/kinds.py) serves folder walking and single-file linting alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import spamlint
from spamlint.cli import main
from spamlint.errors import InputError
from spamlint.inputs import kinds, mime
from spamlint.inputs.sources import expand

OLE = kinds.OLE_MAGIC + b"\x00" * 504  # the start of a compound file's header sector
REFUSAL = "Outlook .msg files are not supported; save the message as .eml"
MESSAGE = b"From: a@example.org\nSubject: hi\n\nHello.\n"


@pytest.mark.parametrize("data, ext", [(OLE, ".msg"), (MESSAGE, ".msg"), (OLE, ""), (OLE, ".eml"), (OLE, ".txt")])
def test_outlook_msg_is_refused_by_extension_and_by_magic(data: bytes, ext: str) -> None:
    with pytest.raises(InputError) as err:
        mime.load(data, "inbox/note" + ext, ext)
    assert str(err.value) == f"inbox/note{ext}: {REFUSAL}"


def test_the_cli_refuses_a_msg_file_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "note.msg").write_bytes(OLE)
    (tmp_path / "ok.eml").write_bytes(MESSAGE)
    result = CliRunner().invoke(main, [str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if REFUSAL in line]
    assert lines == [f"spamlint: {tmp_path / 'note.msg'}: {REFUSAL}"]
    assert "Traceback" not in result.output


def test_the_library_refuses_a_msg_path(tmp_path: Path) -> None:
    path = tmp_path / "note.msg"
    path.write_bytes(OLE)
    with pytest.raises(InputError, match=REFUSAL):
        spamlint.lint(path)
    with pytest.raises(InputError, match=REFUSAL):
        spamlint.lint(OLE)


@pytest.mark.parametrize("data, ext, parser", [
    (MESSAGE, ".eml", "message"), (MESSAGE, ".mail", "message"), (MESSAGE, ".mbox", "message"),
    (MESSAGE, ".txt", "message"), (MESSAGE, "", "message"), (b"<p>x</p>", ".eml", "message"),
    (MESSAGE, ".html", "html"), (b"<table><tr><td>x", "", "html"), (b"<p>x</p>", ".txt", "html"),
    (b"plain words", ".txt", "text"), (b"plain words", ".xyz", "text"),
])
def test_each_kind_chooses_its_parser(data: bytes, ext: str, parser: str) -> None:
    assert kinds.sniff(data, ext) == parser
    assert mime.sniff(data, ext) == parser


def test_a_folder_walk_lists_what_the_registry_claims(tmp_path: Path) -> None:
    names = ["a.eml", "b.HTML", "c.txt", "d.msg", "e.mail", "f.xhtml", "g.htm", "noext",
             "00001.7848dde101aa985090474a91ec93fcf0", "photo.png", "notes.md", ".hidden.eml"]
    for name in names:
        (tmp_path / name).write_bytes(MESSAGE)
    listed = sorted(Path(s.name).name for s in expand([str(tmp_path)]))
    assert listed == sorted(["a.eml", "b.HTML", "c.txt", "d.msg", "e.mail", "f.xhtml", "g.htm", "noext",
                             "00001.7848dde101aa985090474a91ec93fcf0"])


def test_every_extension_belongs_to_one_kind() -> None:
    seen: dict[str, str] = {}
    for kind in kinds.KINDS:
        for ext in kind.extensions:
            assert ext.startswith(".") and ext == ext.lower()
            assert ext not in seen, f"{ext} claimed by {seen.get(ext)} and {kind.name}"
            seen[ext] = kind.name
    assert set(seen) == set(kinds.EXTENSIONS)
