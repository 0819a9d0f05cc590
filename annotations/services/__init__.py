"""Writes: every change to stored work goes through a function here.

Imported by views, the API, tasks and management commands; imports models and
the leaf packages (nlp, exporters, agreement), never views or serializers.
"""
