"""Public pages about privacy and the terms, at the site's root (/privacy/, /terms/)."""

from django.urls import path

from accounts import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.privacy_notice, name="notice"),
    path("privacy/accept/", views.consent_accept, name="accept"),
    path("terms/", views.terms, name="terms"),
]
