import django.db.models.deletion
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


def note_every_campaign_stale(apps, schema_editor):
    """Existing campaigns have no figures in the new tables yet: until `rebuild_leaderboard` (or
    the first change) computes them, pages compute them from the source tables."""
    Campaign = apps.get_model("campaign", "Campaign")
    StaleFigures = apps.get_model("leaderboard", "StaleFigures")
    StaleFigures.objects.bulk_create(
        [
            StaleFigures(campaign_id=pk, everything=True)
            for pk in Campaign.objects.values_list("pk", flat=True)
        ]
    )


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0001_initial'),
        ('leaderboard', '0001_snapshots'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClientReached',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_day', models.DateField(null=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.client')),
            ],
        ),
        migrations.CreateModel(
            name='IdeaTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=16)),
                ('counts', models.BooleanField()),
                ('ideas', models.PositiveIntegerField()),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('theme', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.theme')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.unit')),
            ],
        ),
        migrations.CreateModel(
            name='StaleFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('everything', models.BooleanField(default=False)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('client', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.client')),
                ('unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.unit')),
            ],
        ),
        migrations.CreateModel(
            name='UnitDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('visits', models.PositiveIntegerField(default=0)),
                ('ideas', models.PositiveIntegerField(default=0)),
                ('accepted', models.PositiveIntegerField(default=0)),
                ('dept_visits', models.PositiveIntegerField(default=0)),
                ('dept_ideas', models.PositiveIntegerField(default=0)),
                ('dept_accepted', models.PositiveIntegerField(default=0)),
                ('org_visits', models.PositiveIntegerField(default=0)),
                ('org_ideas', models.PositiveIntegerField(default=0)),
                ('org_accepted', models.PositiveIntegerField(default=0)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.unit')),
            ],
        ),
        migrations.CreateModel(
            name='UnitTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('planned', models.PositiveIntegerField(default=0)),
                ('cancelled', models.PositiveIntegerField(default=0)),
                ('done', models.PositiveIntegerField(default=0)),
                ('rating_1', models.PositiveIntegerField(default=0)),
                ('rating_2', models.PositiveIntegerField(default=0)),
                ('rating_3', models.PositiveIntegerField(default=0)),
                ('rating_4', models.PositiveIntegerField(default=0)),
                ('rating_5', models.PositiveIntegerField(default=0)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.unit')),
            ],
        ),
        migrations.CreateModel(
            name='UnitVisitor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_day', models.DateField()),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('staff', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.unit')),
            ],
        ),
        migrations.DeleteModel(
            name='LeaderboardGeneration',
        ),
        migrations.DeleteModel(
            name='StandingsSnapshot',
        ),
        migrations.AddConstraint(
            model_name='clientreached',
            constraint=models.UniqueConstraint(fields=('campaign', 'client'), name='client_reached_once'),
        ),
        migrations.AddConstraint(
            model_name='ideatally',
            constraint=models.UniqueConstraint(models.F('campaign'), models.F('unit'), django.db.models.functions.comparison.Coalesce('theme', models.Value(0)), models.F('status'), name='idea_tally_once'),
        ),
        migrations.AddIndex(
            model_name='stalefigures',
            index=models.Index(fields=['campaign'], name='stale_figures_campaign_idx'),
        ),
        migrations.AddConstraint(
            model_name='unitday',
            constraint=models.UniqueConstraint(fields=('campaign', 'unit', 'day'), name='unit_day_once'),
        ),
        migrations.AddConstraint(
            model_name='unittally',
            constraint=models.UniqueConstraint(fields=('campaign', 'unit'), name='unit_tally_once'),
        ),
        migrations.AddIndex(
            model_name='unitvisitor',
            index=models.Index(fields=['campaign', 'staff'], name='unit_visitor_staff_idx'),
        ),
        migrations.AddConstraint(
            model_name='unitvisitor',
            constraint=models.UniqueConstraint(fields=('campaign', 'unit', 'staff'), name='unit_visitor_once'),
        ),
        migrations.RunPython(note_every_campaign_stale, migrations.RunPython.noop),
    ]
