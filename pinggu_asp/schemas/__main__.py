"""Regenerate the committed schema files: python -m pinggu_asp.schemas"""

from . import write_all

write_all()
