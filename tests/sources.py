"""Builders for source files in the real format (see ../shared/FORMAT.md)."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SAMPLE = CORPUS / "quicktakes-sample"


def source_text(
    slug="what-is-a-test",
    subject="Computer Science",
    subject_slug="computer-science",
    question="What is a test?",
    answer=r"A test checks behaviour.\n\n### Why\n\n1. **Safety**: it catches regressions.",
    keywords="testing,software, quality",
    source_id=1001,
    date="2024-12-25",
    related=(),
    extra="",
):
    """The text of one valid source file; ``related`` is a list of (slug, subject_slug, title)."""
    lines = [
        "---",
        "_schema: default",
        f"id: {source_id}",
        f"date: {date}",
        "title: >-",
        f"    {question}",
        "article_title: >-",
        f"    {question}",
        "date_format: MMM DD, YYYY",
        "post_on_text: Posted on",
        "seo:",
        f"  title: QuickTakes | {subject}",
        "  page_description: >-",
        f"    About {question.lower()}",
        "  page_keywords: >-",
        f"    {keywords}",
        "author: QuickTakes",
        "question: >-",
        f"    {question}",
        "answer: >-",
        f"    {answer}",
        f"subject: {subject}",
        f"file_name: {slug}.md",
        f"url: /learn/{subject_slug}/questions/{slug}",
        "score: -1.0",
    ]
    for number, (target_slug, target_subject_slug, title) in enumerate(related, start=1):
        lines += [
            f"related_article{number}:",
            f"    id: {2000 + number}",
            "    title: >-",
            f"        {title}",
            "    subject: Computer Science",
            f"    url: /learn/{target_subject_slug}/questions/{target_slug}",
        ]
    if extra:
        lines.append(extra)
    lines += ["---", "", "&nbsp;"]
    return "\n".join(lines)


def write_source(folder, name=None, **fields):
    text = source_text(**fields)
    path = Path(folder) / (name or f"{fields.get('slug', 'what-is-a-test')}.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
