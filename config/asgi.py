from django.core.asgi import get_asgi_application

from config.env import use_settings_from_environment

use_settings_from_environment()
application = get_asgi_application()
