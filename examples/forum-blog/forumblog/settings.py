# The audited site, reduced to what its migrations touch: a blog and a forum
# integration on PostgreSQL, with a custom user model. The database settings
# point at production, exactly as the real settings file did; rehearse must
# rehearse without ever contacting that host.
SECRET_KEY = "demo-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "accounts",
    "forum",
    "forum_integration",
    "blog",
]
AUTH_USER_MODEL = "accounts.User"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "forumblog",
        "USER": "forumblog_app",
        "PASSWORD": "correct-horse-battery-staple",
        "HOST": "db.forumblog.invalid",
        "PORT": "5432",
        "OPTIONS": {"sslmode": "require"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
