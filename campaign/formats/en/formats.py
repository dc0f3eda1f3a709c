"""English for guests in Finland: British day-first dates (26/11/2026), never the US month-first."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
