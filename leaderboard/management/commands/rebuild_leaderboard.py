from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from leaderboard.services import figures_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the campaigns' stored figures from the visits, participants and ideas. Needed "
        "only after changing those tables with SQL typed by hand: every other change, the Django "
        "admin's and the shell's included, updates the figures by itself."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="campaign", help="Campaign slugs (all).")

    def handle(self, *args, slugs=(), **options):
        campaigns = Campaign.objects.order_by("starts_on")
        if slugs:
            campaigns = campaigns.filter(slug__in=slugs)
            unknown = set(slugs) - {c.slug for c in campaigns}
            if unknown:
                raise CommandError(f"No such campaign: {', '.join(sorted(unknown))}")
        for campaign in campaigns:
            figures_rebuild(campaign=campaign)
            self.stdout.write(f"Leaderboard rebuilt: {campaign.slug}")
