"""Column headers shared by every table template: the sort link and its state."""

from django import template

register = template.Library()


@register.simple_tag
def next_sort(table, column) -> str:
    """The sort value a column's header links to.

    A second click reverses the current order, as in django-tables2. A first click on a column the
    table names in `descending_first` (figures, where the largest is the interesting end) sorts
    largest first; on any other column, A to Z.
    """
    if column.is_ordered:
        return column.order_by_alias.next
    if column.name in getattr(table, "descending_first", ()):
        return f"-{column.name}"
    return column.name
