from django.urls import path

from annotations.views import projects

app_name = "annotations"

urlpatterns = [
    path("", projects.home, name="home"),
    path("projects/<slug:slug>/", projects.project_detail, name="project-detail"),
]
