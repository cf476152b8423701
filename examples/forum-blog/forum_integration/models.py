from django.conf import settings
from django.db import models


class TrustLevel(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    level = models.IntegerField(default=0)
    score = models.FloatField(default=0)
    promoted_at = models.DateTimeField(null=True)


class ReadingProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    topic = models.ForeignKey("forum.Topic", on_delete=models.CASCADE)
    last_read = models.DateTimeField()


class UserActivity(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    last_seen = models.DateTimeField()
    active_sessions = models.IntegerField(default=0)


class ReviewQueue(models.Model):
    reported_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, null=True, blank=True)
    topic = models.ForeignKey("forum.Topic", on_delete=models.CASCADE, null=True, blank=True)
    status = models.CharField(max_length=20, default="pending")
    priority = models.IntegerField(default=3)
    score = models.FloatField(default=0)
    created_at = models.DateTimeField()


class ModerationLog(models.Model):
    action_type = models.CharField(max_length=30)
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="moderations")
    target_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="moderation_history")
    review_item = models.ForeignKey(ReviewQueue, on_delete=models.CASCADE, null=True)
    reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()


class Badge(models.Model):
    name = models.CharField(max_length=50, unique=True)


class UserBadge(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE)
    awarded_at = models.DateTimeField()
