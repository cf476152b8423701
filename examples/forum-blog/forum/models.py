from django.conf import settings
from django.db import models


class Forum(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)


class Topic(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE)
    poster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    subject = models.CharField(max_length=255)
    created = models.DateTimeField()
    posts_count = models.IntegerField(default=0)


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE)
    poster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    content = models.TextField()
    created = models.DateTimeField()
