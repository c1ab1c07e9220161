from django.http import Http404


def subject_detail(request, subject):
    raise Http404
