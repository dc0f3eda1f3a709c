from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Client, RosterEntry, Staff, Theme, Unit

# The admin is Kylään's, not Django's, in every language.
admin.site.site_header = _("Kylään administration")
admin.site.site_title = _("Kylään administration")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "unit", "title", "is_leadership"]
    list_filter = ["is_leadership", "groups", "unit__parent", "unit", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "title"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Organisation"), {"fields": ["unit", "title", "is_leadership", "language"]}),
    ]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "is_current", "min_minutes", "remote_counts"]
    list_filter = ["is_current", "remote_counts"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes"]
    date_hierarchy = "starts_on"


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ["staff", "unit", "campaign", "is_leadership"]
    list_filter = ["campaign", "is_leadership", "unit"]
    search_fields = ["staff__username", "staff__first_name", "staff__last_name", "unit__name"]
    list_select_related = ["staff", "unit", "campaign"]
    autocomplete_fields = ["staff", "unit"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "business_id", "is_partner"]
    list_filter = ["kind", "is_partner", "region"]
    search_fields = ["name", "business_id", "region"]
