"""Keywords keep the file's order: a position on each article's keyword, filled here from the stored
``seo_keywords`` as the importer fills it (one per slug, the first spelling wins)."""

from django.db import migrations, models

from articles.source import keyword_slug

CHUNK = 2000


def fill_positions(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleKeyword = apps.get_model("articles", "ArticleKeyword")
    items = ArticleKeyword.objects.select_related("tag").order_by("content_object_id")
    changed, orders = [], {}
    for item in items.iterator(chunk_size=CHUNK):
        article_id = item.content_object_id
        if article_id not in orders:
            text = Article.objects.filter(pk=article_id).values_list("seo_keywords", flat=True).get()
            order = {}
            for name in text.split(","):
                order.setdefault(keyword_slug(" ".join(name.split())), len(order) + 1)
            orders = {article_id: order}  # one article at a time: the items come grouped by article
        item.position = orders[article_id].get(item.tag.slug, 0)
        changed.append(item)
        if len(changed) >= CHUNK:
            ArticleKeyword.objects.bulk_update(changed, ["position"])
            changed = []
    ArticleKeyword.objects.bulk_update(changed, ["position"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_postgresql_deferred_bumps"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlekeyword",
            name="position",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(fill_positions, migrations.RunPython.noop),
    ]
