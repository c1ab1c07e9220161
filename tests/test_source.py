"""Reading one source file: every rule of FORMAT.md, and a clear refusal for each kind of bad input."""

import datetime
import pickle

import pytest
import yaml

from articles.source import (
    SafeLoader,
    SourceError,
    decode_answer,
    parse_source,
    read_source,
    split_front_matter,
)
from articles.source.yaml_loader import BaseSafeLoader
from tests.sources import DATA, SAMPLE, source_text

GOOD = DATA / "good"
BAD = DATA / "bad"


def test_valid_file_gives_every_field():
    record = read_source(GOOD / "valid.md")
    assert record.url == "/learn/computer-science/questions/what-is-a-test"
    assert record.subject_name == "Computer Science"
    assert record.subject_slug == "computer-science"
    assert record.slug == "what-is-a-test"
    assert record.source_id == 1001
    assert record.date == datetime.date(2024, 12, 25)
    assert record.question == record.title == record.article_title == "What is a test?"
    assert record.seo_title == "QuickTakes | Computer Science"
    assert record.keywords == [("testing", "testing"), ("software", "software"), ("quality", "quality")]
    assert record.score == -1.0
    assert record.no_index is False
    assert record.answer.startswith("A test checks behaviour.\n\n### Why\n\n1. **Safety**")
    assert record.answer_source.startswith(r"A test checks behaviour.\n\n###")
    assert record.source_text == (GOOD / "valid.md").read_text()
    assert len(record.file_hash) == 64


def test_bom_and_crlf_are_fine():
    record = read_source(GOOD / "bom-crlf.md")
    assert record.url == "/learn/computer-science/questions/what-is-a-test"
    assert record.question == "What is a test?"


def test_unknown_keys_are_kept():
    record = read_source(GOOD / "unknown-key.md")
    assert record.extra == {"reviewer": "Ada", "flags": ["fresh"]}


def test_negative_id_is_accepted():
    assert read_source(GOOD / "negative-id.md").source_id == -13


def test_dashes_inside_answer_do_not_end_front_matter():
    record = read_source(GOOD / "dashes-in-answer.md")
    assert "|---|---|" in record.answer
    assert "\n---\n\nAfter the rule." in record.answer


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not-utf8.md", "not UTF-8"),
        ("no-front-matter.md", "no front matter"),
        ("unclosed.md", "not closed"),
        ("yaml-syntax.md", "YAML error"),
        ("impossible-date.md", "cannot be built"),
        ("python-tag.md", "YAML error"),
        ("missing-field.md", "missing required field(s): author"),
        ("list-as-text.md", "'question' must be text, got a list"),
        ("text-id.md", "'id' must be an integer, got text"),
        ("absolute-url.md", "is not a site path"),
        ("dotdot-url.md", "is not a site path"),
        ("odd-characters-url.md", "is not a site path"),
        ("url-mismatch.md", "does not match subject and file_name"),
        ("oversized.md", "over the limit"),
    ],
)
def test_bad_file_is_refused_with_its_name_and_reason(name, reason):
    with pytest.raises(SourceError) as caught:
        read_source(BAD / name)
    message = str(caught.value)
    assert name in message
    assert reason in message


def test_yaml_error_names_the_line():
    with pytest.raises(SourceError) as caught:
        read_source(BAD / "yaml-syntax.md")
    assert caught.value.line is not None
    assert f"yaml-syntax.md:{caught.value.line}:" in str(caught.value)


def test_python_tag_is_never_executed(tmp_path, monkeypatch):
    import os

    calls = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command))
    with pytest.raises(SourceError):
        read_source(BAD / "python-tag.md")
    assert calls == []


def test_related_entries_deduplicated_in_order_and_never_self():
    text = source_text(
        related=[
            ("b", "computer-science", "B?"),
            ("what-is-a-test", "computer-science", "Self"),
            ("b", "computer-science", "B again"),
            ("c", "medicine", "C?"),
        ]
    )
    record = parse_source(text.encode(), "x.md")
    assert [entry.url for entry in record.related] == [
        "/learn/computer-science/questions/b",
        "/learn/medicine/questions/c",
    ]
    assert record.related[0].title == "B?"
    assert record.related[0].source_id == 2001


def test_keywords_one_per_slug_first_spelling_wins():
    record = parse_source(
        source_text(keywords="Machine Learning, machine  learning,AI,, ai ").encode(), "x.md"
    )
    assert record.keywords == [("machine-learning", "Machine Learning"), ("ai", "AI")]


def test_subject_slug_transliterates():
    text = source_text(subject="Ciências Sociais", subject_slug="ciencias-sociais")
    assert parse_source(text.encode(), "x.md").subject_slug == "ciencias-sociais"


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        (r"One.\n\nTwo.", "One.\n\nTwo."),
        (r"where $q \neq 0$.\nNext", "where $q \\neq 0$.\nNext"),
        (r"$$\n\nabla \cdot E\n$$", "$$\n\\nabla \\cdot E\n$$"),
        (r"$\nu$ and \( \nu \)", "$\\nu$ and \\( \\nu \\)"),
        (r"$$\nc^2 = a^2\n$$\nwhere", "$$\nc^2 = a^2\n$$\nwhere"),
        (r"\frac{a}{b} and \text{x} and C:\Users", r"\frac{a}{b} and \text{x} and C:\Users"),
        (r'```c\nprintf("%d\n", x); // it' + "'" + r"s\n```", '```c\nprintf("%d\\n", x); // it\'s\n```'),
        (r"      / \\n     C", "      / \\\n     C"),
        (r"Text\nunder the line", "Text\nunder the line"),
        (r'~~~c\nputs("a\n");\n~~~', '~~~c\nputs("a\\n");\n~~~'),
    ],
)
def test_decode_answer(raw, decoded):
    assert decode_answer(raw) == decoded


@pytest.mark.corpus
def test_corpus_cases_decode_faithfully():
    if not SAMPLE.exists():
        pytest.skip("../shared/corpus is not here")
    rational = read_source(SAMPLE / "what-distinguishes-rational-numbers-from-irrational-numbers.md")
    assert "q \\neq 0" in rational.answer
    c_file = read_source(SAMPLE / "how-are-recursive-functions-implemented-in-c.md")
    assert 'printf("Factorial of %d is %d\\n", number' in c_file.answer
    ribose = read_source(SAMPLE / "how-do-ribose-and-deoxyribose-sugars-differ-structurally.md")
    assert "/ \\\n" in ribose.answer
    assert "\\n" not in ribose.answer


def test_a_refusal_survives_the_trip_back_from_a_worker():
    error = SourceError("/corpus/a.md", "YAML error: bad", line=3)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, copy.line) == ("/corpus/a.md", "YAML error: bad", 3)
    assert str(copy) == str(error)


FRONT_MATTER_SHAPES = [
    "a: text\nb: 'quoted'\nn: 7\nf: 1.5\nd: 2024-01-02\nt: true\nz: ~\n",
    "seo: {title: T, page_keywords: 'a, b'}\nlist: [1, two, {three: 3}]\n",
    "base: &b {x: 1, y: why}\nmerged: {<<: *b, y: own}\nalias: *b\nlisted: [*b, *b]\n",
    "= : value key\nother: text\n",
    "1: int key\ntrue: bool key\n",
    "same: 1\nsame: 2\n",
    "text: !!str 12\nstamp: 2024-01-02 03:04:05\nbinary: !!binary aGk=\nset: !!set {a, b}\n",
    # Deeper than the loader's shortcut recurses, within its limit on nesting.
    "deep: " + "{a: " * 60 + "x" + "}" * 60 + "\n",
]


@pytest.mark.parametrize("document", FRONT_MATTER_SHAPES)
def test_front_matter_loader_builds_what_the_safe_loader_builds(document):
    loaded, expected = yaml.load(document, Loader=SafeLoader), yaml.load(document, Loader=BaseSafeLoader)
    assert loaded == expected
    assert repr(loaded) == repr(expected)  # the same types throughout (1 == 1.0 == True, their reprs differ)


def test_front_matter_loader_refuses_a_mapping_inside_itself():
    # The safe loader builds it; no front matter field can hold one.
    with pytest.raises(yaml.YAMLError, match="recursive"):
        yaml.load("self: &s {name: loop, me: *s}\n", Loader=SafeLoader)


def test_front_matter_loader_matches_the_safe_loader_on_the_sample():
    if not SAMPLE.exists():
        pytest.skip("../shared/corpus is not here")
    for path in sorted(SAMPLE.glob("*.md")):
        front = split_front_matter(path.read_text(encoding="utf-8"), path)
        assert yaml.load(front, Loader=SafeLoader) == yaml.load(front, Loader=BaseSafeLoader), path
