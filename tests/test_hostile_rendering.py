"""Answers built to hurt the renderer: quotes and lists nested deep enough to crash the compiled parser
(a segmentation fault, no exception) or to hold the sanitiser for seconds. Each is refused before any
parser sees it, with a reason an editor can read; real nesting renders as before."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from articles.importing.importer import import_paths
from articles.rendering import MAX_NESTING, RenderRefused, check_nesting, render_markdown
from tests.sources import write_source

PROJECT = Path(__file__).resolve().parent.parent

RENDER_EACH = """
import json, sys
from articles.rendering import RenderRefused, render_markdown
for text in json.load(sys.stdin):
    try:
        print(len(render_markdown(text)))
    except RenderRefused as exc:
        print(exc)
"""

# Each of the first four was a segmentation fault in markdown_it_pyrs, in 120 KB or less.
CRASHED = {
    "quotes of lists": "> - " * 30_000 + "x",
    "lists": "- " * 60_000 + "x",
    "quotes of ordered lists": "> 1. " * 20_000,
    "quotes": ">" * 120_000,
    "lists marked + and *, and ordered with )": "+ * 1) " * 30_000 + "x",
    "lists with tabs": "-\t" * 60_000 + "x",
    "quotes on lines ended by a carriage return": "x\r" + "> " * 60_000 + "x",
    "quotes after a long first paragraph": "word " * 10_000 + "\n\n" + "> " * 60_000,
}


def render_isolated(texts):
    """What render_markdown gives for each text (the HTML's length, or the refusal), in a process of its
    own: a segmentation fault there fails the test instead of ending pytest."""
    done = subprocess.run(
        [sys.executable, "-c", RENDER_EACH], input=json.dumps(texts), capture_output=True, text=True,
        cwd=PROJECT, timeout=120,
    )  # fmt: skip
    printed = done.stdout.splitlines()
    assert done.returncode == 0, (
        f"died ({done.returncode}) after {len(printed)} text(s): {done.stderr[-300:]}"
    )
    return printed


def test_nesting_that_crashed_the_compiled_parser_is_refused():
    for name, said in zip(CRASHED, render_isolated(list(CRASHED.values())), strict=True):
        assert said.startswith("answer nests quotes and lists "), name
        assert said.endswith(f"levels deep, over the limit of {MAX_NESTING}"), name


def test_the_refusal_says_how_deep():
    with pytest.raises(RenderRefused, match="answer nests quotes and lists 1,000 levels deep"):
        render_markdown("> - " * 500 + "x")  # deep enough to refuse, too shallow to crash without the check


def test_a_refusal_is_a_value_error_the_admin_can_catch_before_saving():
    assert issubclass(RenderRefused, ValueError)
    with pytest.raises(ValueError):
        check_nesting("> " * (MAX_NESTING + 1) + "x")
    check_nesting("> " * MAX_NESTING + "x")


def test_deep_nesting_is_refused_before_the_sanitiser_sees_it():
    # 60,000 quotes held the sanitiser 35 s; 5,000 already take a moment, and are refused at once.
    with pytest.raises(RenderRefused):
        render_markdown(">" * 5_000)


def test_lists_nested_by_indentation_alone_are_measured_too():
    nested = "\n".join("  " * level + "- item" for level in range(MAX_NESTING + 8))
    with pytest.raises(RenderRefused, match=f"{MAX_NESTING + 8} levels deep"):
        render_markdown(nested)
    shallow = "\n".join("  " * level + "- item" for level in range(MAX_NESTING))
    assert render_markdown(shallow).count("<ul>") == MAX_NESTING


def test_nesting_up_to_the_limit_renders():
    assert render_markdown(">" * MAX_NESTING + " deep").count("<blockquote>") == MAX_NESTING
    assert render_markdown("- " * MAX_NESTING + "deep").count("<li>") == MAX_NESTING


def test_code_indentation_and_markers_inside_text_are_no_nesting():
    code = "```\n" + "\n".join(" " * 60 + f"x = {n}" for n in range(3)) + "\n```"
    assert "x = 2" in render_markdown(code)
    assert "&gt;" in render_markdown("a > " * 20_000)  # markers not at a line's start nest nothing


@pytest.mark.django_db
def test_the_importer_refuses_a_deep_answer_by_the_files_name(tmp_path):
    path = write_source(tmp_path, slug="deep", answer="> " * 1_000 + "x")
    write_source(tmp_path, slug="fine")
    result = import_paths([tmp_path])
    (refusal,) = result.refused
    assert refusal.path == str(path)
    assert "answer nests quotes and lists 1,000 levels deep, over the limit of 32" in refusal.reason
    assert result.created == 1
