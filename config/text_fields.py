"""Every text field of every model, and what protects it from personal data (docs/pii.md).

Free text a person types and others read goes through the one entry point of the masker
(`ideas.pii_services.mask_texts`, or for profile texts the refusal check configured in
PROFILE_TEXT_CHECK) before it is stored. `tests/test_text_fields.py` walks every installed app's
models and fails when a CharField or TextField is in neither list below: a new field needs a
decision. Fields with `choices` hold one of a fixed list of values and need none.

MASKED: "app.Model.field" -> the function that sends it through the masker (the test checks that
this function calls it).
EXEMPT: "app.Model.field" -> why it is not masked.
"""

MASKED = {
    "ideas.Idea.title": "ideas.services.idea_create",
    "ideas.Idea.body": "ideas.services.idea_create",
    "ideas.StatusChange.response": "ideas.services.idea_change_status",
    # Outside feedback, imported by product managers: never public, masked all the same.
    "ideas.Signal.text": "ideas.outside.reading.row_to_signal",
    "community.Comment.body": "community.comments.services.comment_create",
    "ideas.Campaign.title": "community.campaigns.services._save",
    "ideas.Campaign.description": "community.campaigns.services._save",
    "community.ComplaintCase.subject": "community.complaints.services.complaint_open",
    "community.ComplaintCase.body": "community.complaints.services.complaint_open",
    "community.ComplaintCase.answer": "community.complaints.services.complaint_answer",
    # Refused, not masked (a name reading "[email removed]" helps no one): same detector.
    "accounts.User.display_name": "accounts.profile_texts.ensure_profile_texts_allowed",
    "accounts.User.organisation": "accounts.profile_texts.ensure_profile_texts_allowed",
}

_DERIVED = "rendered or computed by the code from a masked text, never typed"
_CODE = "written by the code (identifiers, keys, names of code), never typed by a person"
_THIRD_PARTY = "written by Django or allauth for their own working, never shown to other members"
_STAFF_ONLY = "read by staff only, never published"

EXEMPT = {
    # Django and allauth
    "admin.LogEntry.object_id": _THIRD_PARTY,
    "admin.LogEntry.object_repr": "the admin's history of admin edits, read by admins only",
    "admin.LogEntry.change_message": "the admin's history of admin edits, read by admins only",
    "auth.Permission.name": _CODE,
    "auth.Permission.codename": _CODE,
    "auth.Group.name": "role names created by the code (accounts.roles)",
    "contenttypes.ContentType.app_label": _CODE,
    "contenttypes.ContentType.model": _CODE,
    "sessions.Session.session_key": _THIRD_PARTY,
    "sessions.Session.session_data": _THIRD_PARTY,
    "account.EmailAddress.email": "the member's own sign-in address: personal data by design, "
    "shown to its owner and admins only",
    "account.EmailConfirmation.key": _THIRD_PARTY,
    "socialaccount.SocialApp.provider": "set by the bank's administrators (social login keys)",
    "socialaccount.SocialApp.provider_id": "set by the bank's administrators (social login keys)",
    "socialaccount.SocialApp.name": "set by the bank's administrators (social login keys)",
    "socialaccount.SocialApp.client_id": "set by the bank's administrators (social login keys)",
    "socialaccount.SocialApp.secret": "set by the bank's administrators (social login keys)",
    "socialaccount.SocialApp.key": "set by the bank's administrators (social login keys)",
    "socialaccount.SocialAccount.provider": _THIRD_PARTY,
    "socialaccount.SocialAccount.uid": _THIRD_PARTY,
    "socialaccount.SocialToken.token": _THIRD_PARTY,
    "socialaccount.SocialToken.token_secret": _THIRD_PARTY,
    # config
    "outbox.OutboxEvent.name": _CODE,
    "outbox.OutboxEvent.last_error": "an exception message from the code, read by operators",
    "outbox.OutboxDelivery.consumer": _CODE,
    "ops.CacheFallbackEntry.cache_key": _CODE,
    "ops.CacheFallbackEntry.value": "a copy of a cached page or count, made from masked texts",
    # accounts
    "accounts.User.password": "a salted hash, never shown",
    "accounts.User.first_name": "filled by allauth from a social login, never shown to others; "
    "erased with the account",
    "accounts.User.last_name": "filled by allauth from a social login, never shown to others; "
    "erased with the account",
    "accounts.User.email": "the member's own sign-in address, shown to its owner and admins only",
    "accounts.User.sanction_reason": "written by a moderator to the sanctioned member: staff words "
    "addressed to one person, never published (moderation texts are exempt)",
    "accounts.Consent.version": _CODE,
    "accounts.SsoRoleGrant.role": "a role name from accounts.roles, granted by single sign-on",
    "accounts.AuditExport.action": _CODE + " (an audit type of accounts.audit's registry)",
    "accounts.AuditExport.stored_name": _CODE + " (a random file name)",
    "accounts.AuditExport.error": "why the code could not write an export (an exception's "
    "class name), " + _STAFF_ONLY,
    "accounts.ApiToken.name": "a label its owner gives their own API token, shown to them only",
    "accounts.ApiToken.prefix": "random characters that find a token, shown to its owner",
    "accounts.ApiToken.digest": "the SHA-256 of a random token, never shown",
    # ideas
    "ideas.Category.slug": _CODE,
    "ideas.Category.name_en": "the bank's categories, set by admins in the Django admin",
    "ideas.Category.name_fr": "the bank's categories, set by admins in the Django admin",
    "ideas.Category.description_en": "the bank's categories, set by admins in the Django admin",
    "ideas.Category.description_fr": "the bank's categories, set by admins in the Django admin",
    "ideas.Idea.body_html": _DERIVED,
    "ideas.Vote.network": "a keyed hash of the network, never the address",
    "ideas.StatusChange.response_html": _DERIVED,
    "ideas.IdeaTally.status": _CODE,
    "ideas.MaskedOriginal.field": _CODE,
    "ideas.MaskedOriginal.original": "the text before masking, kept on purpose when "
    "PII_KEEP_ORIGINALS_DAYS > 0, superusers only, purged by date",
    "ideas.IdeaVector.backend": _CODE,
    "ideas.IdeaVector.text_hash": _CODE,
    "ideas.IdeaVector.language": _CODE,
    "ideas.ClusteringRun.trigger": _CODE,
    "ideas.ClusteringRun.backend": _CODE,
    "ideas.ClusteringRun.error": "an exception message from the code, read by staff",
    "ideas.ClusteringRun.task_id": _CODE,
    "ideas.Theme.label": "key words computed from masked idea texts",
    "ideas.Theme.label_en": "a name taken by the code from masked idea titles",
    "ideas.Theme.label_fr": "a name taken by the code from masked idea titles",
    "ideas.Theme.name": "a theme's name, written by product managers for staff pages",
    "ideas.Theme.note": "a product manager's note on a theme, " + _STAFF_ONLY,
    "ideas.Signal.language": _CODE,
    "ideas.Signal.source": "the name of the tool a signal came from (a column of its file or "
    "typed by a product manager), " + _STAFF_ONLY,
    "ideas.Signal.author_key": "a keyed hash of the author's handle, never the handle",
    "ideas.Signal.url": "the address of the outside post or ticket, for product managers to "
    "go back to it; " + _STAFF_ONLY,
    "ideas.Signal.dedupe_key": _CODE + " (a hash)",
    "ideas.SignalImport.file_name": "the name of a file a product manager imported, " + _STAFF_ONLY,
    "ideas.SignalImport.stored_name": _CODE,
    "ideas.SignalImport.encoding": "one of the encodings the import offers",
    "ideas.SignalImport.error": "why the code refused a file (row numbers, column names), "
    + _STAFF_ONLY,
    "ideas.SignalImport.error_field": _CODE,
    "ideas.SignalVector.backend": _CODE,
    # community
    "ideas.Campaign.slug": "made from the masked title, or typed by staff as an address",
    "ideas.Campaign.description_html": _DERIVED,
    "community.Comment.body_html": _DERIVED,
    "community.ComplaintCase.reference": _CODE,
    "community.Flag.note": "a report's note to the moderators, " + _STAFF_ONLY,
    "community.AuditEntry.action": _CODE + " (an audit type of accounts.audit's registry)",
    "community.AuditEntry.target_type": _CODE,
    "community.AuditEntry.summary": "ids, lengths and staff's reasons, never members' text "
    "(accounts.audit); admins only",
    "community.VoteRing.fingerprint": _CODE,
    "community.Notification.key": _CODE,
    "community.WebhookEndpoint.url": "typed by an administrator: where webhooks go, " + _STAFF_ONLY,
    "community.WebhookEndpoint.description": "typed by an administrator, " + _STAFF_ONLY,
    "community.WebhookEndpoint.secret": "the signing secret, encrypted (accounts.encryption)",
    "community.WebhookEndpoint.previous_secret": (
        "the secret a rotation replaced, signing during the overlap; encrypted "
        "(accounts.encryption)"
    ),
    "community.WebhookEndpoint.disabled_reason": _CODE,
    "community.WebhookDelivery.event_type": _CODE,
    "community.WebhookDelivery.source": _CODE,
    "community.WebhookDelivery.message_id": _CODE,
    "community.WebhookDelivery.subject_type": _CODE,
    "community.WebhookDelivery.last_error": "a receiving server's error, " + _STAFF_ONLY,
    "community.WebhookAttempt.error": "a receiving server's error, " + _STAFF_ONLY,
    "community.WebhookAttempt.response_excerpt": "the start of a receiving server's answer, "
    + _STAFF_ONLY,
    "community.Notification.title": "written by the code from masked texts (titles of ideas)",
    "community.Notification.body": "written by the code from masked texts",
    "community.Notification.url": _CODE,
    "community.PointsEntry.key": _CODE,
    "community.ContentSentiment.text_hash": _CODE,
}
