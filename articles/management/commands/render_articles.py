from django.core.management.base import BaseCommand

from articles.importing.importer import rerender_all


class Command(BaseCommand):
    help = "Re-render every stored answer with the current renderer."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        count, seconds = rerender_all(batch_size=options["batch_size"])
        if options["verbosity"] >= 1:
            self.stdout.write(f"Rendered {count} articles in {seconds:.1f}s.")
