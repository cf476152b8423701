# Release 1: delete the accounts moderators flagged as spam.
# User deletion cascades: their trust level, topics, posts (and every reply in
# their topics), review-queue entries and moderation history go with them.
from django.db import migrations


def purge(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_flagged_spam=True).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("forum_integration", "0007_recalculate_trust_scores")]
    operations = [migrations.RunPython(purge, migrations.RunPython.noop)]
