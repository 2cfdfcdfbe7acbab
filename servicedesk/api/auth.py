"""API authentication by personal token: ``Authorization: Bearer <token>`` (or ``Token <token>``)."""

from rest_framework import authentication, exceptions

from servicedesk.accounts.selectors import user_from_api_key


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must be 'Bearer <token>'."
            )
        user = user_from_api_key(header[1])
        if user is None:
            raise exceptions.AuthenticationFailed("The token is unknown, revoked or expired.")
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
