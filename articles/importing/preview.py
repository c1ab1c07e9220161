"""What a dry run shows of the files that would update stored articles: the fields that would change,
and the conflicts (an article edited in the admin whose file differs from what the article would export).
"""

from django.utils import timezone

from ..history import FIELD_NAMES, plain
from ..models import Article
from ..source.fields import file_values
from .as_file import matches_export


def preview_updates(ready, existing, overwrite_edits):
    """(conflicts, changes) for the Prepared files of ``ready`` whose url ``existing`` maps to a stored
    (pk, file hash, edited): conflicts as (url, path), changes as {url, path, fields: [{name, old, new}]}."""
    if not ready:
        return [], []
    now = timezone.now()
    ids = [existing[prepared.record.url][0] for prepared in ready]
    names = None
    conflicts, changes, stored = [], [], {}
    for prepared in ready:
        record = prepared.record
        pk, _, edited = existing[record.url]
        if edited and not overwrite_edits and not matches_export(pk, record.source_text):
            conflicts.append((record.url, record.path))
            continue
        values = file_values(record, prepared.answer_html, None, now)
        if names is None:
            names = [name for name in FIELD_NAMES if name in values]
            stored = {row["id"]: row for row in Article.objects.filter(pk__in=ids).values("id", *names)}
        row = stored[pk]
        fields = [
            {"name": name, "old": plain(row[name]), "new": plain(values[name])}
            for name in names
            if plain(row[name]) != plain(values[name])
        ]
        changes.append({"url": record.url, "path": record.path, "fields": fields})
    return conflicts, changes
