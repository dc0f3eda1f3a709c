from django.contrib import admin

from ideas.models import Idea, IdeaExport


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "theme", "owner_unit", "created_at"]
    list_filter = [
        "status",
        "theme",
        "owner_unit",
        "visit__campaign",
        "is_shareable",
        ("withdrawn_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "text", "official_response", "visit__client__name"]
    list_select_related = ["theme", "owner_unit"]
    autocomplete_fields = ["visit", "duplicate_of", "owner_unit", "created_by", "withdrawn_by"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(IdeaExport)
class IdeaExportAdmin(admin.ModelAdmin):
    """Read-only: the audit of idea exports is written by the export views only."""

    list_display = ["exported_at", "exported_by", "format", "row_count", "query"]
    list_filter = ["format"]
    list_select_related = ["exported_by"]
    search_fields = ["exported_by__username", "query"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
