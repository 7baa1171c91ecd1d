from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("photos/<int:pk>/<str:variant>/", views.photo, name="photo"),
]
