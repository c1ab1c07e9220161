"""Editorial clean-up and checks: redirects for merged keywords and subjects, and the SEO checks' tables
(articles.editorial.seo_checks). New tables only: articles_article is not rebuilt, so 0011's triggers stay."""


import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_search_terms'),
    ]

    operations = [
        migrations.CreateModel(
            name='SeoCheckRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('seconds', models.FloatField(default=0.0)),
                ('articles', models.PositiveIntegerField(default=0)),
                ('generation', models.CharField(blank=True, max_length=40)),
            ],
            options={
                'verbose_name': 'SEO check run',
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='KeywordRedirect',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_slug', models.SlugField(allow_unicode=True, max_length=200, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('keyword', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='articles.keyword')),
            ],
            options={
                'ordering': ['old_slug'],
            },
        ),
        migrations.CreateModel(
            name='SubjectRedirect',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_slug', models.SlugField(max_length=100, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='articles.subject')),
            ],
            options={
                'ordering': ['old_slug'],
            },
        ),
        migrations.CreateModel(
            name='SeoCheck',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='articles.article')),
                ('title_key', models.CharField(blank=True, max_length=32)),
                ('description_key', models.CharField(blank=True, max_length=32)),
                ('subject', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.subject')),
            ],
            options={
                'verbose_name': 'SEO check',
                'indexes': [models.Index(fields=['title_key'], name='seocheck_title'), models.Index(fields=['description_key'], name='seocheck_description')],
            },
        ),
        migrations.CreateModel(
            name='SeoProblem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('title_long', 'Title wider than a search result shows'), ('title_duplicate', 'SEO title shared with other articles'), ('description_missing', 'No description'), ('description_short', 'Description too short'), ('description_long', 'Description cut off in search results'), ('description_damaged', 'Damaged description (stray TeX, unbalanced $)'), ('description_duplicate', 'Description shared with other articles'), ('no_keywords', 'No keywords'), ('dangling_related', 'Dangling related articles'), ('empty_answer', 'Empty answer')], max_length=24)),
                ('detail', models.CharField(blank=True, max_length=200)),
                ('article', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.article')),
                ('subject', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.subject')),
            ],
            options={
                'verbose_name': 'SEO problem',
                'indexes': [models.Index(fields=['kind', 'article'], name='seoproblem_kind_article'), models.Index(fields=['kind', 'subject', 'article'], name='seoproblem_kind_subject'), models.Index(fields=['subject', 'kind'], name='seoproblem_subject_kind')],
                'constraints': [models.UniqueConstraint(fields=('article', 'kind'), name='seoproblem_unique_kind')],
            },
        ),
        migrations.CreateModel(
            name='SeoProblemCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('title_long', 'Title wider than a search result shows'), ('title_duplicate', 'SEO title shared with other articles'), ('description_missing', 'No description'), ('description_short', 'Description too short'), ('description_long', 'Description cut off in search results'), ('description_damaged', 'Damaged description (stray TeX, unbalanced $)'), ('description_duplicate', 'Description shared with other articles'), ('no_keywords', 'No keywords'), ('dangling_related', 'Dangling related articles'), ('empty_answer', 'Empty answer')], max_length=24)),
                ('count', models.PositiveIntegerField(default=0)),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.subject')),
            ],
            options={
                'verbose_name': 'SEO problem count',
                'constraints': [models.UniqueConstraint(fields=('subject', 'kind'), name='seoproblemcount_unique_kind')],
            },
        ),
    ]
