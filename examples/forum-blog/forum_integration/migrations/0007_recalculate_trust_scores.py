# Release 1: recompute every member's trust score from their posting history.
# There is no reverse_code: once the old scores are overwritten, they are gone.
# (0006_richforumpost ran in production, but its file was deleted from the repo.)
from django.db import migrations
from django.db.models import Count, FloatField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Least


def recalculate(apps, schema_editor):
    TrustLevel = apps.get_model("forum_integration", "TrustLevel")
    Post = apps.get_model("forum", "Post")
    posts = (
        Post.objects.filter(poster_id=OuterRef("user_id"))
        .order_by()
        .values("poster_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    TrustLevel.objects.update(
        score=Least(Value(100.0), Coalesce(Subquery(posts, output_field=FloatField()), Value(0.0)) * Value(2.5))
    )


class Migration(migrations.Migration):
    dependencies = [("forum_integration", "0005_add_badge_gamification_models")]
    operations = [migrations.RunPython(recalculate)]
