"""The three roles of DESIGN §2 as Django groups, and the permissions each one holds.

These lists are the roles' one home. `sync_roles` gives each group exactly its permissions and
runs after every `migrate` (and after a flush), so a change here reaches every existing database
on its next deployment.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

STAFF = "Staff"
UNIT_MANAGERS = "Unit managers"
COORDINATORS = "Coordinators"

_STAFF_PERMISSIONS = [
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

_UNIT_MANAGER_PERMISSIONS = [
    *_STAFF_PERMISSIONS,
    "visits.view_unit_visits",
    "ideas.view_unit_ideas",
    "ideas.export_idea",
]

_COORDINATOR_PERMISSIONS = [
    *_UNIT_MANAGER_PERMISSIONS,
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
    "challenge.manage_challenge",
]

ROLE_PERMISSIONS = {
    STAFF: _STAFF_PERMISSIONS,
    UNIT_MANAGERS: _UNIT_MANAGER_PERMISSIONS,
    COORDINATORS: _COORDINATOR_PERMISSIONS,
}


def sync_roles(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions (a post_migrate receiver)."""
    for group_name, permission_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = Q()
        for name in permission_names:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


def is_coordinator(user) -> bool:
    """Coordinators see and change everything of the organisation's campaigns."""
    return user.has_perm("visits.view_all_visits")
