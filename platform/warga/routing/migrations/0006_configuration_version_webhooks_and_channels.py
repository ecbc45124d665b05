"""Routing's configuration also holds the government's webhook endpoints and everyone's
channel choices (docs/decisions/0140): their tables get the version trigger too.

A statement-level trigger fires even when no row changes. `webhooks_endpoint` is written by the
delivery worker after every attempt (`failing_since`), and `notifications_channel_preference` is
saved whole each time someone presses "save" on the notifications page, mostly with the choices
they already had. On both tables the statement-level trigger of routing's other tables (0004)
covers INSERT, DELETE and TRUNCATE, and a row-level one fires on an UPDATE that really changes
what the cache holds: an endpoint's id, state, unit or events; a choice's person or channels.
"""

from django.db import migrations

STATEMENT_TRIGGER = (
    "CREATE TRIGGER routing_configuration_changed AFTER {events} ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION public.warga_routing_configuration_changed()"
)
ROW_CHANGED = (
    "CREATE TRIGGER routing_configuration_changed_row AFTER UPDATE ON {table} FOR EACH ROW "
    "WHEN ({condition}) EXECUTE FUNCTION public.warga_routing_configuration_changed()"
)
# What the cache holds of a row (warga.webhooks.selectors.Subscription, a ChannelPreference).
ENDPOINT_HELD = ("id", "state", "unit_id", "events")
CHANNELS_HELD = ("user_id", "email", "sms", "whatsapp", "push")


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)


BUMP = (
    "INSERT INTO routing_configuration_version (id, version, changed_at) VALUES (1, gen_random_uuid(), now()) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at"
)


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0005_handling_unit_follows_disposal"),
        ("notifications", "0006_report_unit_transferred_kind"),
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            [
                STATEMENT_TRIGGER.format(events="INSERT OR DELETE OR TRUNCATE", table="webhooks_endpoint"),
                ROW_CHANGED.format(table="webhooks_endpoint", condition=_changed(ENDPOINT_HELD)),
                STATEMENT_TRIGGER.format(
                    events="INSERT OR DELETE OR TRUNCATE", table="notifications_channel_preference"
                ),
                ROW_CHANGED.format(table="notifications_channel_preference", condition=_changed(CHANNELS_HELD)),
                # Every process's entry was read without these: read again.
                BUMP,
            ],
            reverse_sql=[
                "DROP TRIGGER routing_configuration_changed ON webhooks_endpoint",
                "DROP TRIGGER routing_configuration_changed_row ON webhooks_endpoint",
                "DROP TRIGGER routing_configuration_changed ON notifications_channel_preference",
                "DROP TRIGGER routing_configuration_changed_row ON notifications_channel_preference",
            ],
        ),
    ]
