"""The last word on an address two accounts were given at the same moment.

The forms check that no other account has an address (accounts.services.email_in_use) and the
database refuses the second of two saves that both passed (User.Meta.constraints). The site's
own writes turn that refusal into the field error of the check (EmailTaken: the admin,
accounts.signup_forms); anything else that lets it through (allauth's address page making an
address primary, a path added later) answers 409 with the same sentence, never a 500."""

import logging
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.services import EmailTaken, email_in_use_message, email_taken

log = logging.getLogger(__name__)


class EmailTakenMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)  # type: ignore[no-any-return]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (
            isinstance(exception, EmailTaken)
            or (isinstance(exception, IntegrityError) and email_taken(exception))
        ):
            return None
        log.warning("address taken at the same moment: %s %s", request.method, request.path)
        context = {"message": email_in_use_message()}
        return render(request, "accounts/email_taken.html", context, status=409)
