"""residents"""

urlpatterns = []
