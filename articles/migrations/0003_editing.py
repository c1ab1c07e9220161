"""Editing in the admin: when the site last changed an article (for export --since), and indexes for
the admin's date hierarchy and its visibility and dangling filters.

Depends on 0004_site_state, the latest migration present when this one was written. A nullable column
and indexes only: on SQLite both are plain ALTER TABLE / CREATE INDEX, while a table rebuild would drop
the triggers of 0002_search and 0004_site_state.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_site_state")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="site_changed_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="Last change made on the site: edit, move, publishing.",
                null=True,
            ),
        ),
        migrations.AddIndex(model_name="article", index=models.Index(fields=["date"], name="article_date")),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "publish_at", "date"], name="article_visibility"),
        ),
    ]
