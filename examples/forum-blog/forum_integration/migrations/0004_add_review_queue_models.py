import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
        ("forum_integration", "0003_useractivity_active_sessions_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.CreateModel(
            name="ReviewQueue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(default="pending", max_length=20)),
                ("priority", models.IntegerField(default=3)),
                ("score", models.FloatField(default=0)),
                ("created_at", models.DateTimeField()),
                ("post", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="forum.post")),
                ("topic", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to="forum.topic")),
                ("reported_user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reports", to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name="ModerationLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action_type", models.CharField(max_length=30)),
                ("reason", models.TextField(blank=True, default="")),
                ("created_at", models.DateTimeField()),
                ("moderator", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="moderations", to=settings.AUTH_USER_MODEL)),
                ("target_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="moderation_history", to=settings.AUTH_USER_MODEL)),
                ("review_item", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to="forum_integration.reviewqueue")),
            ],
        ),
    ]
