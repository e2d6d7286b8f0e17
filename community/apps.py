from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # What anonymous visitors' cached pages show: any write moves the page cache's
        # generation (config.page_cache), here for every app since this one sees all the models.
        # `.update()` on ideas, comments and official answers goes through their querysets.
        from django.contrib.auth import get_user_model

        from community.models import Comment
        from config.page_cache import watch
        from ideas.models import Campaign, Category, Idea, StatusChange
        from ideas.models.ideas import IdeaQuerySet, StatusChangeQuerySet

        watch(Idea, quiet_fields=IdeaQuerySet.page_cache_quiet_fields)
        watch(StatusChange, quiet_fields=StatusChangeQuerySet.page_cache_quiet_fields)
        watch(Comment)
        watch(Category)
        watch(Campaign)
        # Names on cards and the leaderboard, public profiles; not a sign-in (last_login), a
        # password, the language of one's emails nor the segments only statistics read.
        from accounts.services import SEGMENT_FIELDS

        quiet = ("last_login", "password", "preferred_language", *SEGMENT_FIELDS)
        watch(get_user_model(), quiet_fields=quiet)

        # A sanction hides and restores a member's posts with moderation's own actions.
        from accounts.sanctions import ContentModeration, content_moderation_register
        from community.moderation.member_content import member_posts_hide, member_posts_restore

        content_moderation_register(
            ContentModeration(hide_posts=member_posts_hide, restore_posts=member_posts_restore)
        )

        # What an idea goes through when posted or edited: campaigns, pre-moderation.
        from community.campaigns.services import campaign_check_submission
        from community.moderation.waiting import edit_needs_premoderation, needs_premoderation
        from ideas.submission import SubmissionRules, submission_rules_register

        submission_rules_register(
            SubmissionRules(
                check_campaign=campaign_check_submission,
                needs_premoderation=needs_premoderation,
                edit_needs_premoderation=edit_needs_premoderation,
            )
        )

        # The comments the ideas app counts (Idea.comment_count, a theme's daily activity).
        from ideas.comment_rows import CommentRows, comment_rows_register

        comment_rows_register(
            CommentRows(
                counted=lambda: Comment.objects.filter(
                    removed_at__isnull=True, pending_at__isnull=True
                ),
                every=Comment.objects.all,
            )
        )

        # The community's parts of the ideas app's pages.
        from community import idea_page
        from community.complaints.views import idea_or_complaint
        from ideas.page_sections import (
            COMMENTS,
            DETAIL,
            HOME,
            page_route_register,
            page_section_register,
        )

        page_section_register(HOME, idea_page.home_campaigns)
        page_section_register(DETAIL, idea_page.idea_conversation)
        page_section_register(COMMENTS, idea_page.idea_comments)
        page_route_register(idea_or_complaint)  # a personal complaint, sent privately instead

        # A member's comments, badges and points on their profile pages.
        from accounts.profile_sections import OWN, PUBLIC, profile_section_register
        from community.profile import member_page_recognition, own_profile_comments

        profile_section_register(OWN, own_profile_comments)
        profile_section_register(PUBLIC, member_page_recognition)

        # A member's comments, follows, points, webhook payloads, ... in their data export and
        # account deletion (after the ideas app's section: its export adds the sentiment of the
        # member's ideas, and its erasure runs before the ideas app's).
        from accounts.privacy import privacy_section_register
        from community.privacy import COMMUNITY_PRIVACY

        privacy_section_register(COMMUNITY_PRIVACY)

        # Webhook secrets are re-encrypted with the two-factor ones when a key is rotated.
        from accounts.encryption import reencryptor_register
        from community.webhooks.services import secrets_reencrypt

        reencryptor_register("webhook endpoint secrets", secrets_reencrypt)

        # Subscribes this app's consumers of events (config.outbox), after the ideas app's; and
        # the widget's allowed origins are checked at start-up (manage.py check, runserver).
        from community import consumers  # noqa: F401
        from community.embed import checks  # noqa: F401
        from community.webhooks import consumers as webhook_consumers  # noqa: F401
