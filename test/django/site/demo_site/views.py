"""The visit counter of Django's session documentation, on the session the Node demo counts too; and who
is logged in (request.user), on the login the Node demo makes."""
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


USER_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Django {version}: who is logged in</title>
<style>body {{ font: 17px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1f; }}
h1 {{ color: #0c4b33; }} .user {{ font-size: 1.35rem; }}</style></head>
<body>
<h1>Django {version}</h1>
<p>Django's own server. <code>request.user</code>, from the same session as the Node demo's:</p>
<p class="user" data-authenticated="{authenticated}" data-username="{username}">{text}</p>
</body>
</html>
"""


def whoami(request):
    user = request.user  # AnonymousUser's username is ''
    known = user.is_authenticated
    text = format_html('Logged in as <strong>{}</strong> (user {})', user.get_username(), user.pk) if known else 'Not logged in'
    state = 'true' if known else 'false'
    return HttpResponse(format_html(USER_PAGE, version=django.get_version(), authenticated=state, username=user.get_username(), text=text))
