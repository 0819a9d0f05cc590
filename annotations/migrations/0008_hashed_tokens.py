"""Hashed, expiring API tokens; existing plain DRF tokens become hashed ones.

``rest_framework.authtoken`` is no longer installed, so its table is read with
plain SQL where it exists (databases from before this migration): each key is
hashed into ``ApiToken`` (it stays valid, for API_TOKEN_TTL_DAYS from now) and
the plain row is deleted. Reversing keeps no plain key: the hashed rows go and
their users create new tokens.
"""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from annotations import token_keys

PLAIN_TABLE = "authtoken_token"


def hash_plain_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if PLAIN_TABLE not in connection.introspection.table_names():
        return
    api_token = apps.get_model("annotations", "ApiToken")
    expires_at = timezone.now() + timedelta(
        days=int(getattr(settings, "API_TOKEN_TTL_DAYS", 90))
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, user_id FROM {quote(PLAIN_TABLE)}")  # noqa: S608
        rows = cursor.fetchall()
        api_token.objects.bulk_create(
            api_token(
                user_id=user_id,
                prefix=token_keys.key_prefix(key),
                key_hash=token_keys.key_hash(key),
                expires_at=expires_at,
            )
            for key, user_id in rows
        )
        cursor.execute(f"DELETE FROM {quote(PLAIN_TABLE)}")  # noqa: S608


def drop_hashed_tokens(apps, schema_editor):
    apps.get_model("annotations", "ApiToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0007_article_manager"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("prefix", models.CharField(db_index=True, max_length=8)),
                ("key_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_token",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "API token"},
        ),
        migrations.RunPython(hash_plain_tokens, drop_hashed_tokens),
    ]
