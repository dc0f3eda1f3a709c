"""A route whose parameter the accessibility walk has no sample for."""

from django.urls import path

from tests.browser.sample_urls import view

urlpatterns = [path("reports/<int:report_number>/", view)]
