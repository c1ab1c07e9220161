"""Admin forms: validation the importer would apply, with each message on the field at fault."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from .. import rendering
from ..models import SLUG_LENGTH, Article, Redirect, Relation, Subject
from ..places import article_url, check_article_url
from ..source import SITE_PATH, decode_answer
from . import editing
from .widgets import AnswerEditor, CountedInput, CountedTextarea


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "question", "answer", "subject", "slug", "title", "article_title", "seo_title", "seo_description",
            "seo_keywords", "no_index", "status", "publish_at", "date",
        ]  # fmt: skip
        labels = {"seo_keywords": "Keywords", "slug": "Slug (file name)"}
        help_texts = {
            "seo_keywords": "Comma-separated, one keyword per slug: the keyword pages and the page's meta keywords.",
            "slug": "The url's last part and the file name without .md. Changing it moves the article and "
            "leaves a permanent redirect from the old url. Blank for a new article: made from the question.",
            "title": "Blank: the question.",
            "article_title": "Blank: the question.",
            "publish_at": "Published with a time in the future: scheduled, it appears by itself then.",
            "date": "The “Posted on” date of the file.",
        }
        widgets = {
            "question": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "article_title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "seo_title": CountedInput("title"),
            "seo_description": CountedTextarea("description"),
            "seo_keywords": forms.Textarea(attrs={"rows": 2}),
            "answer": AnswerEditor(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("slug", "title", "article_title", "date"):
            if name in self.fields:
                self.fields[name].required = False
        if not self.instance.pk and "status" in self.fields:
            self.fields["status"].initial = Article.Status.DRAFT

    def clean_question(self):
        question = " ".join(self.cleaned_data["question"].split())
        if not question:
            raise ValidationError("A question is required.")
        return question

    def clean_answer(self):
        answer = self.cleaned_data["answer"].replace("\r\n", "\n")
        if decode_answer(editing.encode_answer(answer)) != answer:
            # The source format writes newlines as "\n" and has no escape for a literal one.
            raise ValidationError(
                "A literal \\n here would read back from the source file as a line break: put it in a "
                "fenced code block or in math, or write it differently."
            )
        try:
            rendering.check_nesting(
                answer
            )  # what would crash or stall the parsers, refused as the importer does
        except rendering.RenderRefused as exc:
            raise ValidationError(str(exc)) from None
        return answer

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "").strip()
        if not slug:
            if self.instance.pk:
                raise ValidationError("A slug is required: it is the article's url.")
            return slug  # made from the question in clean()
        problem = editing.article_slug_problem(slug)
        if problem:
            raise ValidationError(problem)
        if len(slug) > SLUG_LENGTH:
            raise ValidationError(f"At most {SLUG_LENGTH} characters (it is {len(slug)}).")
        return slug

    def clean_seo_keywords(self):
        text = self.cleaned_data.get("seo_keywords", "")
        problem = editing.keyword_problem(text)
        if problem:
            raise ValidationError(problem)
        return text.strip()

    def clean(self):
        cleaned = super().clean()
        question = cleaned.get("question")
        for name in ("title", "article_title"):
            if question and not cleaned.get(name):
                cleaned[name] = question
        if "slug" in cleaned and not cleaned["slug"] and question:
            cleaned["slug"] = slugify(question)[: editing.NEW_SLUG_LENGTH].strip("-")
            if not cleaned["slug"]:
                self.add_error("slug", "The question gives no slug: type one.")
        subject, slug = cleaned.get("subject"), cleaned.get("slug")
        if subject and slug:
            problem = check_article_url(article_url(subject.slug, slug), self.instance)
            if problem:
                self.add_error("slug", problem)
        return cleaned


class RelationForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["position", "target", "target_url"]
        labels = {"target": "Article", "target_url": "Url (when no article is chosen)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["target_url"].required = False
        self.fields["target_url"].widget.attrs["class"] = "vTextField"

    def validate_unique(self):
        # Positions are renumbered and duplicates refused by the formset as a whole: checking one row
        # against the stored rows would refuse a plain reordering.
        pass

    def clean(self):
        cleaned = super().clean()
        target, url = cleaned.get("target"), cleaned.get("target_url", "")
        if target is not None:
            cleaned["target_url"] = target.url
        elif url:
            if not SITE_PATH.match(url):
                self.add_error("target_url", "Not an article url (/learn/<subject>/questions/<slug>).")
        elif not cleaned.get("DELETE"):
            self.add_error("target", "Choose an article, or give the url of one.")
        return cleaned


class RelationFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        pass  # see RelationForm.validate_unique; clean() refuses a target given twice

    def clean(self):
        super().clean()
        seen = {}
        own_url = self.instance.url
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("target_url"):
                continue
            url = data["target_url"]
            if url == own_url:
                form.add_error("target", "An article cannot be related to itself.")
            elif url in seen:
                form.add_error("target", "This article is already related (one entry per article).")
            seen[url] = form

    def entries(self):
        """The related articles to keep, in the order of their positions (blank positions last)."""
        kept = [
            (form.cleaned_data.get("position") or 10_000, index, form.cleaned_data)
            for index, form in enumerate(self.forms)
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("target_url")
            and (form.has_changed() or form.instance.pk)
        ]
        entries = []
        for _, _, data in sorted(kept, key=lambda item: item[:2]):
            instance = data.get("id")
            entry = {"target_url": data["target_url"], "target": data.get("target")}
            if instance is not None and instance.target_url == data["target_url"] and entry["target"] is None:
                entry.update(
                    target_title=instance.target_title,
                    target_subject=instance.target_subject,
                    target_source_id=instance.target_source_id,
                )
            entries.append(entry)
        return entries


class SubjectForm(forms.ModelForm):
    class Meta:
        model = Subject
        fields = ["name", "slug"]
        help_texts = {
            "name": "The display name. Renaming alone moves nothing.",
            "slug": "Changing it moves every article of the subject, each leaving a permanent redirect; "
            "it must be the name's slug (files derive the folder from the subject).",
        }

    def clean(self):
        cleaned = super().clean()
        name, slug = cleaned.get("name"), cleaned.get("slug")
        if not name or not slug:
            return cleaned
        if not self.instance.pk or slug != self.initial.get("slug"):
            probe = Subject(pk=self.instance.pk, name=name, slug=slug)
            problem = editing.check_subject_slug(probe, slug)
            if problem:
                self.add_error("slug", problem)
        return cleaned


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ["old_url", "article"]
        help_texts = {
            "old_url": "The path that answers 301 to the article, e.g. /learn/medicine/questions/old-slug.",
        }

    def clean_old_url(self):
        old_url = self.cleaned_data["old_url"].strip()
        if not old_url.startswith("/") or ".." in old_url or " " in old_url:
            raise ValidationError("A site path starting with /.")
        live = Article.objects.filter(url=old_url).exclude(status=Article.Status.REMOVED).first()
        if live:
            raise ValidationError(f"“{live}” lives at this url: remove it from the site first.")
        return old_url

    def clean(self):
        cleaned = super().clean()
        article, old_url = cleaned.get("article"), cleaned.get("old_url")
        if article and old_url and article.url == old_url:
            self.add_error("old_url", "A redirect to the same url would loop.")
        return cleaned
