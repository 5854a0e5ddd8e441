from django.urls import path

from cpeg.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path("password/reset/done/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("two-factor/", views.two_factor_manage, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/code/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two-factor-recovery-codes"),
    path("two-factor/turn-off/", views.two_factor_disable, name="two-factor-disable"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    # Accounts and roles (issue 9.11).
    path("people/", views.account_list, name="account-list"),
    path("people/invite/", views.account_invite, name="account-invite"),
    path("people/<int:pk>/", views.account_detail, name="account-detail"),
    path("people/<int:pk>/roles/add/", views.account_role_add, name="account-role-add"),
    path("people/<int:pk>/roles/<int:role_pk>/end/", views.account_role_end, name="account-role-end"),
    path("people/<int:pk>/deactivate/", views.account_deactivate, name="account-deactivate"),
    path("people/<int:pk>/reactivate/", views.account_reactivate, name="account-reactivate"),
    path("people/<int:pk>/invite-again/", views.account_invite_again, name="account-invite-again"),
    path("groups/<int:pk>/people/", views.group_accounts, name="group-accounts"),
    path("groups/<int:pk>/people/invite/", views.group_account_invite, name="group-account-invite"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
