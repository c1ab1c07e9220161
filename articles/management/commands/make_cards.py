from django.core.management.base import BaseCommand

from articles.site.cards.batch import make_cards


class Command(BaseCommand):
    help = "Draw the social card of every published article, every subject and the site, ahead of time."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
        parser.add_argument("--prune", action="store_true", help="remove cards no page names any more")

    def handle(self, *args, **options):
        result = make_cards(workers=options["workers"], prune=options["prune"])
        if options["verbosity"] >= 1:
            largest = max(result.sizes, default=0)
            self.stdout.write(
                f"Drew {result.drawn} cards in {result.seconds:.1f}s ({result.present} already there, "
                f"{result.pruned} pruned); the largest is {largest / 1024:.1f} KB."
            )
