from django.contrib import admin

from accounts.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["staff", "sent_at", "sent_by"]
    list_select_related = ["staff", "sent_by"]
    search_fields = ["staff__username", "staff__first_name", "staff__last_name", "staff__email"]
    date_hierarchy = "sent_at"
    readonly_fields = ["staff", "sent_at", "sent_by"]

    def has_add_permission(self, request):
        # An invitation is a mail that was sent: it is made by sending one, not typed in.
        return False
