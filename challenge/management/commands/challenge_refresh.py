from django.core.management.base import BaseCommand, no_translations

from challenge.services import peers_refresh


class Command(BaseCommand):
    help = (
        "Fetch the feed of every organisation followed in the challenge and keep the figures "
        "that pass validation; a feed that fails keeps its last good figures. Run it hourly."
    )

    # What the command prints is for the operator's log, in one language whatever the site's.
    @no_translations
    def handle(self, *args, **options):
        outcomes = peers_refresh()
        for outcome in outcomes:
            url = outcome.peer.feed_url
            if not outcome.ok:
                detail = f" ({outcome.error.detail})" if outcome.error.detail else ""
                self.stderr.write(f"{url}: {outcome.error.problem.label}{detail}")
            elif options["verbosity"] >= 1:
                state = "unchanged" if outcome.fetched.not_modified else "fetched"
                self.stdout.write(f"{url}: {state}")
        if options["verbosity"] >= 1:
            failed = sum(not outcome.ok for outcome in outcomes)
            self.stdout.write(f"Fetched {len(outcomes) - failed} of {len(outcomes)} feeds.")
