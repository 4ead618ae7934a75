from django.http import HttpResponse


def visit(request):
    count = request.session.get('visit', 0) + 1
    request.session['visit'] = count
    return HttpResponse(f'Visit count:{count}', content_type='text/plain')


def hello(request):
    return HttpResponse('Hello, world', content_type='text/plain')
