from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

# The roles as they were first created. Later changes are made in campaign/roles.py, which is
# synced after every migrate; this migration keeps the lists it was written with.
STAFF_PERMISSIONS = [
    "campaign.view_campaign",
    "campaign.view_client",
    "campaign.add_client",
    "campaign.view_theme",
    "campaign.view_unit",
    "visits.view_visit",
    "visits.add_visit",
    "visits.change_visit",
    "ideas.view_idea",
    "ideas.add_idea",
]
UNIT_MANAGER_PERMISSIONS = [
    *STAFF_PERMISSIONS,
    "visits.view_unit_visits",
    "ideas.view_unit_ideas",
    "ideas.export_idea",
]
COORDINATOR_PERMISSIONS = [
    *UNIT_MANAGER_PERMISSIONS,
    "campaign.add_campaign",
    "campaign.change_campaign",
    "campaign.view_report",
    "campaign.import_organisation",
    "campaign.change_client",
    "campaign.add_theme",
    "campaign.change_theme",
    "campaign.add_unit",
    "campaign.change_unit",
    "campaign.view_staff",
    "campaign.view_rosterentry",
    "campaign.add_rosterentry",
    "campaign.change_rosterentry",
    "campaign.delete_rosterentry",
    "visits.view_all_visits",
    "ideas.view_all_ideas",
    "ideas.change_idea",
    "ideas.triage_idea",
]
ROLES = {
    "Staff": STAFF_PERMISSIONS,
    "Unit managers": UNIT_MANAGER_PERMISSIONS,
    "Coordinators": COORDINATOR_PERMISSIONS,
}


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = Q()
        for permission in permissions:
            app_label, codename = permission.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0001_initial"),
        ("visits", "0001_initial"),
        ("ideas", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
