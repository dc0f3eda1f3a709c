from django.core.management.base import BaseCommand, CommandError, no_translations

from campaign.models import Campaign
from challenge.selectors import feed_url, site_url
from challenge.services import campaign_publish, campaign_unpublish


class Command(BaseCommand):
    help = (
        "Publish a campaign to the challenge between organisations: its aggregate figures are "
        "then served at /challenge/<slug>/feed.json, without login. --stop ends publishing."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="campaign-slug")
        parser.add_argument("--stop", action="store_true", help="Stop publishing the campaign.")

    # What the command prints is for the operator's log, in one language whatever the site's.
    @no_translations
    def handle(self, *args, slug, stop=False, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"No such campaign: {slug}")
        if stop:
            was = campaign_unpublish(campaign=campaign)
            self.stdout.write(f"No longer published: {slug}" if was else f"Not published: {slug}")
            return
        campaign_publish(campaign=campaign)
        url = feed_url(campaign=campaign, base=site_url())
        self.stdout.write(f"Published: {slug}")
        self.stdout.write(f"Feed: {url}")
