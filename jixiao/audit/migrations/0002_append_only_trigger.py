from django.db import migrations

# On PostgreSQL the database itself refuses UPDATE and DELETE of audit rows, so a raw SQL
# statement through the application cannot rewrite history either. The table's owner could
# still drop the trigger: a bureau that wants more grants the application a role that does
# not own the table (docs/security.md). TRUNCATE, used by the test suite to reset tables, is a
# table-level statement and is not affected. SQLite relies on the model and queryset guards.
FORWARD = """
CREATE OR REPLACE FUNCTION jixiao_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only (操作日志只能追加)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION jixiao_audit_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS jixiao_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
