"""Test-run defaults: production-like settings (debug off) with a throwaway secret."""

import os

# Long enough for the rule production settings enforce (Django's deploy check): the suite runs debug off.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret-but-as-long-as-production-wants-one")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SITE_URL", "https://qtakes.example")
