import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techtransfer.settings")

application = get_wsgi_application()

# What start-up made (Django, the apps, the libraries) lives as long as the process: out of the
# cyclic collector's sight, and the collector runs after 50,000 new objects rather than 700. A page
# makes and frees some hundred thousand objects, nearly all freed by reference counting; collecting
# every 700 cost a search page about 3 % of its time (measured in-process, interleaved).
gc.freeze()
gc.set_threshold(50_000, 20, 20)
