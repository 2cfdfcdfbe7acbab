"""Request body parsers that answer every malformed body with a 400, never a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json raises this, not a ValueError, for bodies like "[[[[...".
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
