"""The "Editors" group: staff who edit, publish, import and merge, but delete nothing and manage no users.

Deleting (articles, subjects, keywords, redirects) and the auth app stay with superusers. Merging
subjects and keywords needs the change permissions listed here; importing, articles.add_importrun.
"""

from django.db import migrations

GROUP = "Editors"
CODENAMES = [
    *[f"{verb}_article" for verb in ("view", "add", "change")],
    *[f"{verb}_subject" for verb in ("view", "add", "change")],
    *[f"{verb}_keyword" for verb in ("view", "add", "change")],
    *[f"{verb}_redirect" for verb in ("view", "add", "change")],
    "view_relation",
    "view_importrun",
    "add_importrun",
    "view_importconflict",
    "change_importconflict",
    "view_keywordredirect",
    "view_subjectredirect",
    "view_seoproblem",
    "view_seocheckrun",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after migrate (post_migrate): create them now to grant them.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    config = apps.get_app_config("articles")
    config.models_module = True
    create_contenttypes(config, apps=apps, verbosity=0)
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=CODENAMES)
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_editorial_tools"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
