"""The app's models: content (subjects, articles, keywords, relations, redirects), import runs, and what
the editorial tools keep. ``from articles.models import X`` finds each."""

from .content import (
    SLUG_LENGTH,
    TITLE_LENGTH,
    URL_LENGTH,
    Article,
    ArticleKeyword,
    ArticleQuerySet,
    Keyword,
    Redirect,
    Relation,
    RelationQuerySet,
    Resolution,
    Subject,
    resolve_path,
)
from .editorial import KeywordRedirect, SeoCheck, SeoCheckRun, SeoProblem, SeoProblemCount, SubjectRedirect
from .runs import ImportConflict, ImportRun, ImportRunChange, ImportUpload

__all__ = [
    "SLUG_LENGTH", "TITLE_LENGTH", "URL_LENGTH", "Article", "ArticleKeyword", "ArticleQuerySet", "Keyword",
    "Redirect", "Relation", "RelationQuerySet", "Resolution", "Subject", "resolve_path", "KeywordRedirect",
    "SeoCheck", "SeoCheckRun", "SeoProblem", "SeoProblemCount", "SubjectRedirect", "ImportConflict",
    "ImportRun", "ImportRunChange", "ImportUpload",
]  # fmt: skip
