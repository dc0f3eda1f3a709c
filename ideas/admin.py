from django.contrib import admin

from ideas.models import Idea


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "theme", "owner_unit", "created_at"]
    list_filter = ["status", "theme", "owner_unit", "visit__campaign", "is_shareable"]
    search_fields = ["title", "text", "official_response", "visit__client__name"]
    list_select_related = ["theme", "owner_unit"]
    autocomplete_fields = ["visit", "duplicate_of", "owner_unit", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
