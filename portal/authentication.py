from __future__ import annotations

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from rest_framework.request import Request


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth headless session tokens (``X-Session-Token``), answering 401 when missing.

    DRF answers 403 instead of 401 unless the first authentication class names a
    challenge, so this one does.
    """

    def authenticate_header(self, request: Request) -> str:
        return 'X-Session-Token realm="api"'
