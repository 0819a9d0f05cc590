"""Server-rendered pages (django-htmx): thin function views over selectors and services."""
