from django.contrib import admin

from challenge.models import Peer, Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["campaign", "published_at", "published_by"]
    list_select_related = ["campaign", "published_by"]
    autocomplete_fields = ["campaign"]
    readonly_fields = ["published_at", "published_by"]


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ["feed_url", "fetched_at", "attempted_at", "problem"]
    list_filter = ["problem"]
    search_fields = ["feed_url"]
    readonly_fields = [
        "added_at",
        "added_by",
        "fetched_at",
        "attempted_at",
        "problem",
        "problem_detail",
        "payload",
    ]
