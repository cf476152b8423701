# Release 1: the old editor is gone, so its HTML column goes too.
# Nobody copied the pages that were never re-saved in the new editor.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("blog", "0007_exercisepage_sequence_number"), ("accounts", "0002_purge_spam_accounts")]
    operations = [migrations.RemoveField(model_name="blogpage", name="legacy_html")]
