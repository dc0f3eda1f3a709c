"""Date and number formats that differ from Django's defaults for our users (FORMAT_MODULE_PATH)."""
