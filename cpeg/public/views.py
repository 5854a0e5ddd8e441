"""Published pages: anyone may read them, signed in or not."""

from django.shortcuts import get_object_or_404, render

from cpeg.groups import selectors as group_selectors
from cpeg.public import selectors


def group_list(request):
    return render(request, "public/group_list.html", {"groups": group_selectors.public_group_list()})


def group_detail(request, slug):
    group = get_object_or_404(group_selectors.public_group_list(), slug=slug)
    return render(request, "public/group_detail.html", selectors.public_group_page(group=group))
