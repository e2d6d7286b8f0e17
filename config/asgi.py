from django.core.asgi import get_asgi_application

from config.charset_guard import AsgiCharsetGuard
from config.env import use_settings_from_environment

# Serving: production settings unless DJANGO_ENV says otherwise (config.env).
use_settings_from_environment(default="production")
application = AsgiCharsetGuard(get_asgi_application())
