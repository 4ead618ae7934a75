from django.urls import path

from . import views

urlpatterns = [path('visit/', views.visit), path('whoami/', views.whoami)]
