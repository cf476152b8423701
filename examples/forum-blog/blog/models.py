from django.conf import settings
from django.db import models


class BlogPage(models.Model):
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    body = models.TextField(blank=True)
    forum_topic_id = models.IntegerField(null=True, blank=True)
    published_at = models.DateTimeField(null=True)
    reading_minutes = models.IntegerField(default=0)


class LearningIndexPage(models.Model):
    title = models.CharField(max_length=255)


class ExercisePage(models.Model):
    page = models.ForeignKey(BlogPage, on_delete=models.CASCADE)
    prompt = models.TextField()
    sequence_number = models.IntegerField(null=True)


class CodePlaygroundPage(models.Model):
    page = models.ForeignKey(BlogPage, on_delete=models.CASCADE)
    language = models.CharField(max_length=30)


class CourseEnrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    index = models.ForeignKey(LearningIndexPage, on_delete=models.CASCADE)
    enrolled_at = models.DateTimeField()


class StepBasedExercisePage(models.Model):
    exercise = models.ForeignKey(ExercisePage, on_delete=models.CASCADE)
    steps = models.JSONField(default=list)
