"""auth"""

urlpatterns = []
