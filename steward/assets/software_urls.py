"""URLs of the software pages, included by ``urls.py`` under the assets namespace."""

from django.urls import path

from steward.assets import software_forms as forms
from steward.assets import software_views as views
from steward.core.ui.routes import crud
from steward.core.ui.views import ObjectDeleteView


def _crud(prefix: str, name: str, list_view, detail_view, form_class, edit_view=None):  # type: ignore[no-untyped-def]
    routes = crud(prefix, name, list_view=list_view, detail_view=detail_view, form_class=form_class)
    if edit_view is None:
        return routes
    edit = edit_view.as_view(
        model=list_view.model, form_class=form_class, url_prefix=list_view.url_prefix
    )
    return [
        path(r.pattern._route, edit, name=r.name) if r.name.endswith(("_add", "_edit")) else r  # type: ignore[attr-defined]
        for r in routes
    ]


urlpatterns = [
    path("software/compliance/", views.compliance_page, name="licence_compliance"),
    path("software/out-of-date/", views.out_of_date_page, name="out_of_date"),
    *_crud(
        "software/publishers",
        "publisher",
        views.PublisherList,
        views.PublisherDetail,
        forms.PublisherForm,
    ),
    *_crud(
        "software/products",
        "softwareproduct",
        views.SoftwareProductList,
        views.SoftwareProductDetail,
        forms.SoftwareProductForm,
    ),
    *_crud(
        "software/versions",
        "softwareversion",
        views.SoftwareVersionList,
        views.SoftwareVersionDetail,
        forms.SoftwareVersionForm,
    ),
    *_crud(
        "software/installations",
        "installation",
        views.InstallationList,
        views.InstallationDetail,
        forms.InstallationForm,
    ),
    *_crud(
        "software/licences",
        "licence",
        views.LicenceList,
        views.LicenceDetail,
        forms.LicenceForm,
        views.LicenceEdit,
    ),
    path("software/seats/", views.LicenceSeatList.as_view(), name="licenceseat_list"),
    path(
        "software/seats/add/",
        views.LicenceSeatAdd.as_view(
            model=views.LicenceSeat,
            form_class=forms.LicenceSeatForm,
            url_prefix="assets:licenceseat",
        ),
        name="licenceseat_add",
    ),
    path("software/seats/<int:pk>/", views.LicenceSeatDetail.as_view(), name="licenceseat_detail"),
    path(
        "software/seats/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=views.LicenceSeat, url_prefix="assets:licenceseat"),
        name="licenceseat_delete",
    ),
    *_crud(
        "software/device-os",
        "deviceos",
        views.DeviceOSList,
        views.DeviceOSDetail,
        forms.DeviceOSForm,
    ),
    *_crud(
        "software/policies",
        "versionpolicy",
        views.VersionPolicyList,
        views.VersionPolicyDetail,
        forms.VersionPolicyForm,
    ),
]
