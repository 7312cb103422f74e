from django.urls import path
from rest_framework.routers import SimpleRouter

from steward.strategy.api import views

router = SimpleRouter()
router.register("fiscal-years", views.FiscalYearViewSet)
router.register("budget-lines", views.BudgetLineViewSet)
router.register("cost-records", views.CostRecordViewSet)

urlpatterns = [path("rollup/", views.RollupView.as_view(), name="rollup"), *router.urls]
