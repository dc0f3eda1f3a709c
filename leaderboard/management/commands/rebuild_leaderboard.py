from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from leaderboard.services import leaderboard_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the leaderboard's stored figures from the visits, ideas and roster. Run it "
        "after changing data outside the app's own forms (the admin, SQL, a bulk import)."
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
            leaderboard_rebuild(campaign=campaign)
            self.stdout.write(f"Leaderboard rebuilt: {campaign.slug}")
