"""allauth's sign-up forms (ACCOUNT_FORMS, SOCIALACCOUNT_FORMS), which answer an address two
people signed up with at the same moment as allauth answers one already taken.

allauth checks the address first and, as it hides which addresses have accounts, answers a
taken one by emailing its owner and showing "confirm your address" as for a new account. Two
sign-ups at the same moment both pass that check; the database refuses the second
(User.Meta.constraints), and that sign-up is then answered as if the check had seen the first:
nothing of it is kept and the same email and page follow, rather than a 500 that would say the
address was taken. Our fields (accounts.forms.SignupForm) are allauth's base class of both."""

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.services import email_taken


class _TakenAtTheSameMoment:
    account_already_exists: bool

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        try:
            with transaction.atomic():  # the account, its consents and address, or none of them
                return super().try_save(request)  # type: ignore[misc,no-any-return]
        except IntegrityError as error:
            if not email_taken(error):
                raise
        self.account_already_exists = True  # what allauth's check would have found
        return super().try_save(request)  # type: ignore[misc,no-any-return]


class SignupForm(_TakenAtTheSameMoment, AllauthSignupForm):
    pass


class SocialSignupForm(_TakenAtTheSameMoment, AllauthSocialSignupForm):
    pass
