"""The tags and filters a notification template may use: Django's, less those whose cost has no
bound but their arguments.

A template passes the admin's check with the sample values, then runs in the worker on real
ones: ``{% for %}`` nested over a long resolution note, ``{% lorem 100000000 w %}`` or
``|ljust:"900000000"`` would hang the worker or fill its memory on every mail. The context
holds strings and a number only, so a loop has nothing a mail needs to walk over.
"""

from django.template import Library, defaultfilters, defaulttags

TAGS = (
    "autoescape", "comment", "filter", "firstof", "if", "now", "spaceless", "templatetag",
    "verbatim", "with",
)  # fmt: skip
# Left out: for, cycle, resetcycle, regroup and ifchanged (loops), lorem, widthratio, debug,
# load, url, querystring, csrf_token (nothing for a mail), and the loader tags (no files).
REFUSED_FILTERS = frozenset({"center", "ljust", "rjust", "floatformat", "stringformat"})

register = Library()
for _name in TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name, _function in defaultfilters.register.filters.items():
    if _name not in REFUSED_FILTERS:
        register.filters[_name] = _function
