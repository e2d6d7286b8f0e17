from django.core.wsgi import get_wsgi_application

from config.env import use_settings_from_environment

use_settings_from_environment()
application = get_wsgi_application()
