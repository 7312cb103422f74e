from django.urls import URLPattern, path

from steward.core.ui.routes import crud
from steward.strategy import (
    dashboard_views,
    forms,
    portfolio_urls,
    risk_urls,
    scenario_urls,
    showback_views,
    views,
)

app_name = "strategy"

urlpatterns: list[URLPattern] = [
    path("", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard.pdf", dashboard_views.dashboard_pdf, name="dashboard_pdf"),
    path("dashboard.xlsx", dashboard_views.dashboard_xlsx, name="dashboard_xlsx"),
    path("budget/", views.budget, name="budget"),
    path("budget/sync/", views.cost_sync, name="cost_sync"),
    path("showback/", showback_views.showback, name="showback"),
    *crud(
        "allocation-rules",
        "allocationrule",
        list_view=showback_views.AllocationRuleList,
        detail_view=showback_views.AllocationRuleDetail,
        form_class=forms.AllocationRuleForm,
    ),
    *crud(
        "usage",
        "usagerecord",
        list_view=showback_views.UsageRecordList,
        detail_view=showback_views.UsageRecordDetail,
        form_class=forms.UsageRecordForm,
    ),
    *crud(
        "fiscal-years",
        "fiscalyear",
        list_view=views.FiscalYearList,
        detail_view=views.FiscalYearDetail,
        form_class=forms.FiscalYearForm,
    ),
    *crud(
        "budget-lines",
        "budgetline",
        list_view=views.BudgetLineList,
        detail_view=views.BudgetLineDetail,
        form_class=forms.BudgetLineForm,
    ),
    *crud(
        "costs",
        "costrecord",
        list_view=views.CostRecordList,
        detail_view=views.CostRecordDetail,
        form_class=forms.CostRecordForm,
    ),
    *portfolio_urls.urlpatterns,
    *scenario_urls.urlpatterns,
    *risk_urls.urlpatterns,
]
