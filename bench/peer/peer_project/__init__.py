"""A minimal Django project that serves django-helpdesk for the peer benchmark."""
