from django.urls import path
from rest_framework.routers import SimpleRouter

from steward.strategy.api import dashboard, portfolio, risk_urls, scenario_urls, showback, views

router = SimpleRouter()
router.register("fiscal-years", views.FiscalYearViewSet)
router.register("budget-lines", views.BudgetLineViewSet)
router.register("cost-records", views.CostRecordViewSet)
risk_views = risk_urls.register(router)
portfolio_views = portfolio.register(router)
scenario_views = scenario_urls.register(router)
showback_views = showback.register(router)

urlpatterns = [path("rollup/", views.RollupView.as_view(), name="rollup"), *router.urls]
urlpatterns += portfolio_views
urlpatterns += risk_views
urlpatterns += showback_views
urlpatterns += dashboard.urlpatterns
