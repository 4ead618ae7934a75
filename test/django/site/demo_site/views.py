"""The visit counter of Django's session documentation, on the session the Node demo counts too."""
import django
from django.http import HttpResponse
from django.utils.html import format_html

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Django {version}: visit counter</title>
<style>body {{ font: 17px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1f; }}
h1 {{ color: #0c4b33; }} .count strong {{ font-size: 2.6rem; margin-left: .25rem; }}</style></head>
<body>
<h1>Django {version}</h1>
<p>Django's own server. The same <code>visit</code> key, in the same session as the Node demo's.</p>
<p class="count">Visit count: <strong data-visit-count="{count}">{count}</strong></p>
</body>
</html>
"""


def visit(request):
    count = request.session.get('visit', 0) + 1
    request.session['visit'] = count
    return HttpResponse(format_html(PAGE, version=django.get_version(), count=count))
