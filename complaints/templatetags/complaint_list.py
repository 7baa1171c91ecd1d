from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from complaints.admin.rows import result_list

register = template.Library()


@register.tag(name="complaint_result_list")
def complaint_result_list(parser, token):
    """`{% complaint_result_list cl %}`: the admin's `{% result_list cl %}`, rows written
    by `complaints.admin.rows`."""
    return InclusionAdminNode(
        parser,
        token,
        func=result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
