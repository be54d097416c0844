"""WSGI entry point of the ckan image: gunicorn serves ``wsgi:application`` with $CKAN_INI."""

import os
from logging.config import fileConfig

from ckan.cli import load_config
from ckan.config.middleware import make_app

fileConfig(os.environ["CKAN_INI"], disable_existing_loggers=False)  # the ini's [loggers]
application = make_app(load_config())
