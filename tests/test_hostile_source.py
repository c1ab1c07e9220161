"""Front matter built to hurt the loader: collections nested deep enough to crash PyYAML's C composer
(a segmentation fault, no exception), and aliases that stand for a billion values. Each is refused with a
clear reason, in any key, at any size; files within the bounds load as the safe loader loads them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from articles.source import SourceError, parse_source
from articles.source.messages import brief
from articles.source.yaml_loader import MAX_ALIAS_REPEATS, MAX_NESTING, BaseSafeLoader, SafeLoader
from tests.sources import source_text

PROJECT = Path(__file__).resolve().parent.parent
VALID = source_text()


def run_isolated(code, cases):
    """What ``code`` prints for each of ``cases`` (passed as JSON on stdin), run in a process of its own:
    a segmentation fault there fails the test instead of ending pytest."""
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(cases), capture_output=True, text=True, cwd=PROJECT,
        timeout=120,
    )  # fmt: skip
    printed = done.stdout.splitlines()
    assert done.returncode == 0, (
        f"died ({done.returncode}) after {len(printed)} case(s): {done.stderr[-300:]}"
    )
    return printed


PARSE_EACH = """
import json, sys
from articles.source import SourceError, parse_source
for text in json.load(sys.stdin):
    try:
        parse_source(text.encode())
        print("imported")
    except SourceError as exc:
        print(exc.reason[:200])
"""


def laughs(levels=10, key="laughs"):
    """A "billion laughs": ``levels`` anchors under ``key``, each ten aliases of the one before."""
    lines = [f"{key}:", '  a0: &a0 "lol"']
    lines += [f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines)


def related(url):
    return f"related_article1:\n    id: 7\n    title: T\n    subject: S\n    url: {url}"


DEEP = {
    "a flow list in an unknown key": source_text(extra="x: " + "[" * 25_000 + "]" * 25_000),
    "an unclosed flow mapping in seo": VALID.replace("seo:\n", "seo: " + "{a: " * 25_000 + "\n", 1),
    "a flow list in a related url": source_text(extra=related("[" * 25_000)),
    "a flow list in the subject": VALID.replace("subject: Computer", "subject: " + "[" * 25_000, 1),
    "block lists on one line": source_text(extra="x:\n  " + "- " * 25_000 + "x"),
    "complex keys on one line": source_text(extra="? " * 25_000 + "x"),
    "a flow list after an anchor": source_text(extra="x: &deep " + "[" * 25_000),
}
BOMBS = {
    "in related_article1.url": source_text(extra=laughs() + "\n" + related("*a9")),
    "in publishing.status": source_text(extra=laughs() + "\npublishing:\n  status: *a9"),
    "in an unknown key": source_text(extra=laughs()),
    "merged into a mapping": source_text(extra=laughs() + "\nmerged:\n  <<: [*a9, *a9]"),
}


def test_nesting_that_crashed_the_c_loader_is_refused_in_any_key():
    reasons = run_isolated(PARSE_EACH, list(DEEP.values()))
    for name, reason in zip(DEEP, reasons, strict=True):
        assert f"nest more than {MAX_NESTING} levels deep" in reason, name


def test_a_billion_laughs_is_refused_at_parse_time_in_any_key():
    reasons = run_isolated(PARSE_EACH, list(BOMBS.values()))  # before: 40 s, then a MemoryError
    for name, reason in zip(BOMBS, reasons, strict=True):
        assert "aliases repeat" in reason and f"over the limit of {MAX_ALIAS_REPEATS:,}" in reason, name


def test_the_refusal_names_the_file_and_the_line_that_goes_over():
    text = source_text(extra=laughs(levels=6))
    with pytest.raises(SourceError) as caught:
        parse_source(text.encode(), "bomb.md")
    assert caught.value.reason.startswith("YAML error: aliases repeat 456,780 values and characters")
    assert str(caught.value).startswith("bomb.md:")
    assert text.splitlines()[caught.value.line - 1].startswith("  a4: &a4 [*a3, ")  # the first over 10,000


def test_many_copies_of_one_long_text_are_refused_like_many_values():
    listed = ", ".join(["*long"] * 50)
    text = source_text(extra=f"long: &long {'x' * 1000}\ncopies: [{listed}]")
    with pytest.raises(SourceError, match="aliases repeat 50,050 values and characters"):
        parse_source(text.encode())


@pytest.mark.parametrize("document", ["a: &a [1, *a]\n", "a: &a {b: [*a]}\n", "- &a [[*a]]\n"])
def test_a_value_inside_itself_is_refused(document):
    with pytest.raises(yaml.YAMLError, match="recursive"):
        yaml.load(document, Loader=SafeLoader)


def test_the_bounds_leave_every_shape_within_them_as_the_safe_loader_builds_it():
    within = [
        "x: " + "[" * (MAX_NESTING - 1) + "1" + "]" * (MAX_NESTING - 1) + "\n",
        "a: &a {x: 1}\nlist: [" + ", ".join(["*a"] * 1000) + "]\n",  # 1,000 aliases repeating 2 values
        "x:\n" + "".join(" " * level + f"k{level}:\n" for level in range(1, 30)) + " " * 30 + "leaf: 1\n",
        "answer: >-\n    [[[[ *not an alias* {{ \n\n    - - - - - - - - - - - - - - - - - - - - - - - - - -\n",
    ]
    for document in within:
        assert yaml.load(document, Loader=SafeLoader) == yaml.load(document, Loader=BaseSafeLoader)


def test_a_block_scalars_text_is_not_read_as_yaml_but_lines_after_it_are():
    # The text of "answer: >-" may hold brackets; the key after it may not nest past the limit.
    text = source_text(answer="[" * 10_000, extra="x: " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1))
    with pytest.raises(SourceError, match="nest more than"):
        parse_source(text.encode())
    assert parse_source(source_text(answer="[" * 10_000 + " {x} *a* &b").encode()).answer.startswith("[[[")


def test_line_breaks_yaml_knows_cannot_hide_a_line_from_the_check():
    # "\u2028" ends a line for YAML: what follows is a flow list of its own, not the answer's text.
    nested = "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1)
    for line_break in ("\r", "\u2028", "\x85"):
        text = "answer: >-\n    text" + line_break + "x: " + nested + "\n"
        with pytest.raises(yaml.YAMLError, match="nest more than"):
            yaml.load(text, Loader=SafeLoader)


EMIT_EACH = """
import json, sys
from articles.importing.emitter import emit_scalar
for value in json.load(sys.stdin):
    print(emit_scalar(value)[0])
"""


def test_the_exporter_never_hands_a_deep_text_to_the_c_loader():
    # Before writing a title plain, the emitter loads it back to check: an admin's "[[[[..." title did that.
    styles = run_isolated(EMIT_EACH, ["[" * 25_000, "{a: " * 25_000, "- " * 25_000 + "x"])
    assert styles == ["folded"] * 3  # not plain, where each would be a list or a mapping


def test_brief_quotes_any_value_in_a_few_characters():
    assert brief("/learn/x") == "'/learn/x'"
    assert len(brief("x" * 200_000)) <= 80
    assert len(brief([["lol"] * 10] * 10**6)) <= 80
    assert brief(int("f" * 100_000, 16)) == "<an integer of 400,000 bits>"
    loop = []
    loop.append(loop)
    assert brief(loop) == "[[[[...]]]]"


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("id: 1001", "id: 0x" + "f" * 5000, "'id' <an integer of 20,000 bits> is out of range"),
        ("file_name: what-is-a-test.md", "file_name: " + "w" * 200_000, "is 200,000 characters"),
        ("subject: Computer Science", "subject: '" + "!" * 100_000 + "'", "'subject' '!!!"),
        ("subject: Computer Science", "subject: " + "!" * 100_000, "YAML error: could not determine"),
    ],
)
def test_a_refusal_quotes_a_huge_value_briefly(old, new, reason):
    with pytest.raises(SourceError) as refused:
        parse_source(source_text().replace(old, new).encode())
    assert reason in refused.value.reason
    assert len(refused.value.reason) < 300
