from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from challenge.services import peer_add, peer_refresh


class Command(BaseCommand):
    help = (
        "Follow another organisation's challenge feed (https://…/challenge/<slug>/feed.json) and "
        "fetch it once; challenge_refresh fetches it again every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument("feed_url", metavar="feed-url")
        parser.add_argument(
            "--no-fetch", action="store_true", help="Add the feed without fetching it now."
        )

    # What the command prints is for the operator's log, in one language whatever the site's.
    @no_translations
    def handle(self, *args, feed_url, no_fetch=False, **options):
        try:
            peer = peer_add(feed_url=feed_url)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Following: {peer.feed_url}")
        if no_fetch:
            return
        outcome = peer_refresh(peer=peer)
        if outcome.ok:
            self.stdout.write(f"Fetched: {outcome.fetched.feed.organisation}")
        else:
            self.stderr.write(
                f"Not fetched yet: {outcome.error.problem.label}"
                + (f" ({outcome.error.detail})" if outcome.error.detail else "")
            )
