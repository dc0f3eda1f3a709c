import django.db.models.deletion
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
            name='StaleFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('everything', models.BooleanField(default=False)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('client', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.client')),
                ('staff', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.unit')),
            ],
        ),
        migrations.CreateModel(
            name='UnitDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('visits', models.IntegerField(default=0)),
                ('ideas', models.IntegerField(default=0)),
                ('accepted', models.IntegerField(default=0)),
                ('dept_visits', models.IntegerField(default=0)),
                ('dept_ideas', models.IntegerField(default=0)),
                ('dept_accepted', models.IntegerField(default=0)),
                ('org_visits', models.IntegerField(default=0)),
                ('org_ideas', models.IntegerField(default=0)),
                ('org_accepted', models.IntegerField(default=0)),
                ('planned', models.IntegerField(default=0)),
                ('cancelled', models.IntegerField(default=0)),
                ('done', models.IntegerField(default=0)),
                ('rating_1', models.IntegerField(default=0)),
                ('rating_2', models.IntegerField(default=0)),
                ('rating_3', models.IntegerField(default=0)),
                ('rating_4', models.IntegerField(default=0)),
                ('rating_5', models.IntegerField(default=0)),
                ('idea_tally', models.JSONField(default=dict)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.unit')),
            ],
        ),
        migrations.CreateModel(
            name='UnitDayChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('visits', models.IntegerField(default=0)),
                ('ideas', models.IntegerField(default=0)),
                ('accepted', models.IntegerField(default=0)),
                ('dept_visits', models.IntegerField(default=0)),
                ('dept_ideas', models.IntegerField(default=0)),
                ('dept_accepted', models.IntegerField(default=0)),
                ('org_visits', models.IntegerField(default=0)),
                ('org_ideas', models.IntegerField(default=0)),
                ('org_accepted', models.IntegerField(default=0)),
                ('planned', models.IntegerField(default=0)),
                ('cancelled', models.IntegerField(default=0)),
                ('done', models.IntegerField(default=0)),
                ('rating_1', models.IntegerField(default=0)),
                ('rating_2', models.IntegerField(default=0)),
                ('rating_3', models.IntegerField(default=0)),
                ('rating_4', models.IntegerField(default=0)),
                ('rating_5', models.IntegerField(default=0)),
                ('idea_tally', models.JSONField(default=dict)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.campaign')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaign.unit')),
            ],
        ),
        migrations.CreateModel(
            name='UnitVisitor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_day', models.DateField(null=True)),
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
        migrations.AddIndex(
            model_name='stalefigures',
            index=models.Index(fields=['campaign'], name='stale_figures_campaign_idx'),
        ),
        migrations.AddConstraint(
            model_name='unitday',
            constraint=models.UniqueConstraint(fields=('campaign', 'unit', 'day'), name='unit_day_once'),
        ),
        migrations.AddIndex(
            model_name='unitdaychange',
            index=models.Index(fields=['campaign'], name='unit_day_change_campaign_idx'),
        ),
        migrations.AddConstraint(
            model_name='unitvisitor',
            constraint=models.UniqueConstraint(fields=('campaign', 'unit', 'staff'), name='unit_visitor_once'),
        ),
        migrations.RunPython(note_every_campaign_stale, migrations.RunPython.noop),
    ]
