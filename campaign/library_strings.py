"""User-facing strings of django-filter that its own catalogues do not translate to Swedish.

Listing them here puts them in our Finnish and Swedish catalogues (gettext merges every catalogue
of the active language, so these translations reach django-filter's labels, choices and errors).
"""

from django.utils.translation import gettext_noop

LIBRARY_STRINGS = [
    gettext_noop("Yesterday"),
    gettext_noop("Multiple values may be separated by commas."),
    gettext_noop("%s (descending)"),
    gettext_noop("Ordering"),
    gettext_noop("Range query expects two values."),
    gettext_noop("Select a lookup."),
    gettext_noop("contains"),
    gettext_noop("is in"),
    gettext_noop("is in range"),
    gettext_noop("is greater than"),
    gettext_noop("is greater than or equal to"),
    gettext_noop("is less than"),
    gettext_noop("is less than or equal to"),
    gettext_noop("starts with"),
    gettext_noop("ends with"),
    gettext_noop("exclude"),
]
