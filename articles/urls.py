from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("learn/<slug:subject>/", views.subject_detail, name="subject"),
    path("keywords/<str:slug>/", views.subject_detail, name="keyword"),
]
