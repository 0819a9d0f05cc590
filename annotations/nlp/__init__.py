"""spaCy boundary: rule pipelines, installed-pipeline loading and suggestions.

May be imported by services and tasks only; imports spaCy (and its numpy), never Django.
"""
