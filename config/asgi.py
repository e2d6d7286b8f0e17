from django.core.asgi import get_asgi_application

from config.env import use_settings_from_environment

# Serving: production settings unless DJANGO_ENV says otherwise (config.env).
use_settings_from_environment(default="production")
application = get_asgi_application()
