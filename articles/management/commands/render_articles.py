from django.core.management.base import BaseCommand, CommandError

from articles.importing.rerender import BATCH_SIZE, rerender_all


class Command(BaseCommand):
    help = "Re-render every stored answer with the current renderer."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, **options):
        result = rerender_all(batch_size=options["batch_size"])
        for url, reason in result.refused:
            self.stderr.write(f"refused {url}: {reason}; its page keeps the answer as rendered before")
        if options["verbosity"] >= 1:
            self.stdout.write(f"Rendered {result.count} articles in {result.seconds:.1f}s.")
        if result.refused:
            raise CommandError(f"{len(result.refused)} answer(s) refused")
