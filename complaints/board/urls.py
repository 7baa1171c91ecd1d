from django.urls import path

from complaints.board import views

app_name = "board"

urlpatterns = [
    path("<str:token>/", views.page, name="page"),
    path("<str:token>/data.json", views.data, name="data"),
]
