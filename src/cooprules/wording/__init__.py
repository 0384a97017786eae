"""Wording: the words front ends show, in each language the product speaks.

:mod:`cooprules.wording.law` holds the law's own words (provision titles, duty texts)
from the gettext catalog kept beside the corpus (``rules/locale/``).
"""
