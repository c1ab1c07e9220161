"""The change form's editing widgets: the answer beside its live rendering, SEO fields with counters.

Each works without its script (the answer's frame shows it rendered as it was when the page loaded; the
counters show the values of the page as loaded) and the scripts only add: same origin, deferred, under
the site's CSP (static/js/answer_preview.js, static/js/seo_counters.js).
"""

from django import forms
from django.forms.widgets import Script
from django.urls import reverse

from .. import rendering
from ..site.outline import outline


class AnswerEditor(forms.Textarea):
    """The answer's Markdown in a monospace textarea, and beside it the answer rendered in the site's
    own styles, in a frame (the admin's styles would turn a heading into an admin bar)."""

    template_name = "admin/qtakes/widgets/answer_editor.html"

    def __init__(self, attrs=None):
        defaults = {"rows": 28, "class": "qt-mono", "spellcheck": "true"}
        super().__init__({**defaults, **(attrs or {})})

    @property
    def media(self):
        return forms.Media(js=[Script("js/answer_preview.js", defer=True)])

    def get_context(self, name, value, attrs):
        from .preview import answer_document  # preview reads the site's views, which load after forms

        context = super().get_context(name, value, attrs)
        error = ""
        try:
            html = outline(rendering.render_markdown(value or "")).html
        except rendering.RenderRefused as exc:
            html, error = "", str(exc)
        context["editor"] = {
            "endpoint": reverse("admin:articles_article_render_answer"),
            "document": answer_document(html),
            "error": error,
        }
        return context


class CountedInput(forms.TextInput):
    """A text input whose length (and, for a title, width in a search result) seo_counters.js shows."""

    def __init__(self, counter, attrs=None):
        super().__init__({"class": "vLargeTextField", "data-seo-counter": counter, **(attrs or {})})

    @property
    def media(self):
        return forms.Media(js=[Script("js/seo_counters.js", defer=True)])


class CountedTextarea(forms.Textarea):
    def __init__(self, counter, attrs=None):
        super().__init__({"rows": 3, "data-seo-counter": counter, **(attrs or {})})

    @property
    def media(self):
        return forms.Media(js=[Script("js/seo_counters.js", defer=True)])
