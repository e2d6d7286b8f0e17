from django.http import HttpRequest

from accounts.models import User


def authenticated_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind @login_required, typed as our User model."""
    user = request.user
    assert isinstance(user, User), "use behind @login_required"
    return user
