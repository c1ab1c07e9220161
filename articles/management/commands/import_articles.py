import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from articles.importing import locks
from articles.importing.importer import BATCH_SIZE, import_paths


class Command(BaseCommand):
    help = "Import QuickTakes source files (*.md, folders searched recursively) into the database."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders.")
        parser.add_argument("--dry-run", action="store_true", help="Validate everything, write nothing.")
        parser.add_argument(
            "--overwrite-edits",
            action="store_true",
            help="Apply the files over articles edited in the admin.",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--workers", type=int, default=None, help="Processes that parse and render.")

    def handle(self, *args, **options):
        paths = options["paths"]
        verbosity = options["verbosity"]
        show_progress = verbosity >= 1 and self.stdout.isatty()
        try:
            locks.check_database(writing=not options["dry_run"])
            result = import_paths(
                paths,
                dry_run=options["dry_run"],
                overwrite_edits=options["overwrite_edits"],
                batch_size=options["batch_size"],
                workers=options["workers"],
                progress=self.show_progress if show_progress else None,
            )
        except (locks.ImportBusy, locks.DatabaseUnusable) as exc:
            raise CommandError(str(exc)) from None
        except OperationalError as exc:  # the disk filled up, the server went away...
            raise CommandError(f"database {locks.database_name()}: {exc}; whole batches were kept") from exc
        if show_progress:
            self.stdout.write("")
        for error in result.refused:
            self.stderr.write(f"refused {error}")
        for url, path in result.conflicts:
            self.stderr.write(
                f"conflict {path}: {url} was edited in the admin; kept the edit (--overwrite-edits applies the file)"
            )
        if verbosity >= 1:
            self.stdout.write(summary(result))
            if result.conflicts:
                self.stdout.write(
                    f"conflicts {len(result.conflicts)}: edited in the admin and kept (--overwrite-edits applies the files)"
                )
        if verbosity >= 2:
            # Parse and render run in the workers, in parallel with the writes: CPU seconds summed.
            timings = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in result.timings.items())
            self.stdout.write(f"time in: {timings} (parse and render: CPU in all workers)")
        if result.interrupted:
            raise CommandError("interrupted: whole batches were kept; run the same command again to finish")
        if result.refused:
            raise CommandError(f"{len(result.refused)} file(s) refused")

    def show_progress(self, done, total):
        sys.stdout.write(f"\r{done:,}/{total:,} files")
        sys.stdout.flush()


def summary(result):
    lead = "Dry run, nothing written: would have" if result.dry_run else "Imported"
    if result.dry_run:
        return (
            f"{lead} created {result.created}, updated {result.updated}; unchanged {result.unchanged}, "
            f"refused {len(result.refused)} ({result.files} files, {result.seconds:.1f}s)"
        )
    nothing = " Nothing changed." if not (result.created or result.updated) else ""
    return (
        f"{lead} {result.files} files in {result.seconds:.1f}s: created {result.created}, "
        f"updated {result.updated}, unchanged {result.unchanged}, refused {len(result.refused)}, "
        f"conflicts {len(result.conflicts)}; relations resolved {result.relations_resolved}, "
        f"dangling {result.relations_dangling}.{nothing}"
    )
