"""A report disposed (verified) to a unit has that unit as its routing row's handling unit, as
`routing_handling_unit_follow` now keeps it: the officials' inbox finds a unit's reports through
the routing rows alone (docs/decisions/0076). Reports disposed before are brought in line."""

from django.db import migrations

FOLLOW = """
UPDATE routing_report_routing AS routing
SET handling_unit_id = report.unit_id
FROM reports_report AS report
WHERE report.id = routing.report_id
  AND report.unit_id IS NOT NULL
  AND routing.handling_unit_id IS DISTINCT FROM report.unit_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0004_configuration_version"),
        ("reports", "0010_waiting_index"),
    ]

    operations = [migrations.RunSQL(FOLLOW, migrations.RunSQL.noop)]
