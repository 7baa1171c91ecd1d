"""iot"""

urlpatterns = []
