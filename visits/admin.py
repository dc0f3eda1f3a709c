from django.contrib import admin

from visits.models import Visit, VisitParticipant


class VisitParticipantInline(admin.TabularInline):
    model = VisitParticipant
    extra = 0
    # A visit counts through its participants: one without any would count nowhere.
    min_num = 1
    validate_min = True
    autocomplete_fields = ["staff", "unit"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["client", "visited_on", "campaign", "status", "minutes", "is_remote"]
    list_filter = ["campaign", "status", "is_remote", "client__kind"]
    search_fields = ["client__name", "notes", "participants__username"]
    list_select_related = ["client", "campaign"]
    autocomplete_fields = ["client", "created_by"]
    date_hierarchy = "visited_on"
    inlines = [VisitParticipantInline]
    readonly_fields = ["created_at", "updated_at"]
