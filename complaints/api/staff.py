"""staff"""

urlpatterns = []
