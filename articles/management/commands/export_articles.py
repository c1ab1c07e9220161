import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.importing.exporter import REDIRECTS_FILE, export_articles


def since_argument(value):
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime.datetime.combine(day, datetime.time.min)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


since_argument.__name__ = "date"  # argparse names the type in its error message


class Command(BaseCommand):
    help = (
        "Write every article back as a source file, at DIR/<subject-slug>/<file_name>, and the redirects "
        f"to DIR/{REDIRECTS_FILE}. Unedited articles are written exactly as their files were."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write (created if missing; files are overwritten).")
        parser.add_argument(
            "--subject",
            action="append",
            dest="subjects",
            metavar="SLUG",
            help="Only this subject (repeatable).",
        )
        parser.add_argument(
            "--since",
            type=since_argument,
            metavar="DATE",
            help="Only articles changed since (YYYY-MM-DD[THH:MM]).",
        )

    def handle(self, *args, **options):
        result = export_articles(options["directory"], subjects=options["subjects"], since=options["since"])
        for url, reason in result.refused:
            self.stderr.write(f"refused {url}: {reason}")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Exported {result.articles} article(s) ({result.edited} with edits merged in) and "
                f"{result.redirects} redirect(s) to {options['directory']}."
            )
        if result.refused:
            raise CommandError(f"{len(result.refused)} article(s) not written")
