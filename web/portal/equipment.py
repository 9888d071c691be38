"""The portal's "My equipment": the assets of the employee and their department, and reporting
a problem with one (the new-request form opens with the asset named)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from hdcore import NotFound
from hdcore import services as svc
from hdcore.models import Asset, AssetStatus
from web.context import db, host
from web.portal.views import bp


def _mine() -> list[Asset]:
    """The signed-in user's assets first, then their department's, leaving out retired ones."""
    query = svc.visible_assets(current_user).where(Asset.status != AssetStatus.RETIRED.value)
    assets = list(db().scalars(query.order_by(Asset.type, Asset.tag)))
    return sorted(assets, key=lambda a: (a.user_id != current_user.id, a.type, a.tag))


@bp.app_template_global("my_equipment")
def my_equipment() -> list[Asset]:
    """What the new-request form offers to name: the assets the user may see (at most 200)."""
    if not current_user.is_authenticated:
        return []
    query = svc.visible_assets(current_user).where(Asset.status != AssetStatus.RETIRED.value)
    if current_user.is_staff:
        # Staff see every asset: offer only their own here (the desk names any asset).
        query = query.where(Asset.user_id == current_user.id)
    return list(db().scalars(query.order_by(Asset.tag).limit(200)))


@bp.app_template_global("chosen_assets")
def chosen_assets() -> list[str]:
    """The assets the new-request form has chosen: posted, or preselected by ``?asset=``."""
    if request.method == "POST":
        return request.form.getlist("assets")
    return [a for a in request.args.getlist("asset") if a]


@bp.route("/equipment")
def equipment() -> str:
    """The equipment assigned to me and to my department."""
    assets = _mine()
    counts = {}
    if assets:
        from hdcore.queries.assets import problem_counts

        counts = problem_counts(db(), [a.id for a in assets])
    return render_template("portal/equipment.html", assets=assets, counts=counts)


@bp.route("/equipment/<int:asset_id>/report")
def report_problem(asset_id: int) -> str:
    """Report a problem with an asset: choose the kind of help, then the form opens with it."""
    try:
        asset = svc.view_asset(db(), current_user, asset_id)
    except NotFound:
        abort(404)
    requests = [r for r, _link in svc.requests_of_asset(db(), current_user, asset)][:5]
    return render_template("portal/equipment_report.html", asset=asset,
                           categories=host().categories(db()), requests=requests)
