from django.contrib import admin

from notifications.models import CampaignNotificationOff, Notification, NotificationOptOut


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was mailed to whom, and what is waiting or failed: read only, the record is what
    keeps a mail from going twice."""

    list_display = ["kind", "recipient", "campaign", "created_at", "sent_at", "attempts"]
    list_filter = ["kind", "campaign", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__username", "recipient__email", "dedupe_key"]
    list_select_related = ["recipient", "campaign"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationOptOut)
class NotificationOptOutAdmin(admin.ModelAdmin):
    list_display = ["staff", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["staff__username", "staff__email"]
    list_select_related = ["staff"]
    autocomplete_fields = ["staff"]


@admin.register(CampaignNotificationOff)
class CampaignNotificationOffAdmin(admin.ModelAdmin):
    list_display = ["campaign", "kind"]
    list_filter = ["campaign", "kind"]
