"""The REST API (/api/v1/): thin DRF views over selectors and services.

Imports selectors, services and permissions; nothing imports it but the URLconf.
"""
