from django.core.wsgi import get_wsgi_application

from config.charset_guard import CharsetGuard
from config.env import use_settings_from_environment

# Serving: production settings unless DJANGO_ENV says otherwise (config.env).
use_settings_from_environment(default="production")
application = CharsetGuard(get_wsgi_application())
