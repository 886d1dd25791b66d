from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from klantbelang.core.i18n import language_key
from klantbelang.products.permissions import can_match

from .batch import match_one
from .forms import MatchProfileForm
from .presentation import axis_columns, exclusion_summary, rows, with_products
from .shelf import catalogue_for

SHOWN = 25


def match(request):
    """Match a profile against the firm's shelf: ranked products with the verdict per axis, and
    why the excluded products were excluded."""
    if not can_match(user=request.user):
        raise PermissionDenied
    form = MatchProfileForm(request.GET if "client_type" in request.GET else None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        catalogue = catalogue_for(firm=request.firm, category=form.cleaned_data.get("category") or None)
        results = match_one(form.cleaned_data["profile"], catalogue)
        eligible = [entry for entry in results if entry["eligible"]]
        text = f"text_{language_key()}"
        context.update(
            shelf_size=catalogue.size, eligible_count=len(eligible), excluded_count=len(results) - len(eligible),
            text=text, shown=with_products(rows(eligible[:SHOWN], text), user=request.user),
            why=exclusion_summary(results, text), axis_labels=axis_columns(results),
        )
    template = "matching/match.html#results" if request.htmx else "matching/match.html"
    return TemplateResponse(request, template, context)

