"""Local development and `make demo`."""

from luohu.config.django.base import *  # noqa: F403

DEBUG = True
