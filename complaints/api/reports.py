"""reports"""

urlpatterns = []
