"""Who may call each route of create_app(): the declared table the authorization matrix test checks.

Every route must have an entry (the test fails on a route without one, and on an entry whose route
is gone). Add a line when you add a route:

    ("METHOD", "/path/{param}"): PUBLIC | SIGNED_IN | OPERATOR | roles(...)

"Allowed" means the answer is neither 401/403 nor a redirect to the sign-in page (a 404 or 422 for
made-up ids and empty bodies is allowed: the caller got past the door). "Denied" means 401, 403 or
that redirect.
"""

from __future__ import annotations

ROLES = ("anonymous", "visitor", "creditor", "agency_member", "operator", "auditor", "api_client")


def roles(*allowed: str) -> frozenset[str]:
    for r in allowed:
        assert r in ROLES, r
    return frozenset(allowed)


PUBLIC = roles(*ROLES)
SIGNED_IN = roles(*(r for r in ROLES if r != "anonymous"))
OPERATOR = roles("operator")
AUDIT = roles("auditor", "operator")
# People signed in through the browser; an API key cannot mint keys or use the account pages.
PEOPLE = roles(*(r for r in SIGNED_IN if r != "api_client"))

# The console's own sign-in takes the break-glass XINYONG_OPERATOR_TOKEN (closed while it is unset,
# as in this test); operator accounts use the console directly.
CONSOLE_TOKEN_ONLY = roles()

MATRIX: dict[tuple[str, str], frozenset[str]] = {
    # API documentation
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): OPERATOR,  # Prometheus, with an operator key or the token
    # public credit information
    ("GET", "/api/v1/codes/{code}"): PUBLIC,
    ("GET", "/api/v1/enterprises"): PUBLIC,
    ("GET", "/api/v1/enterprises/{code}"): PUBLIC,
    ("GET", "/api/v1/enterprises/{code}/related"): PUBLIC,
    ("GET", "/api/v1/changes"): PUBLIC,
    ("GET", "/api/v1/sources"): PUBLIC,
    ("GET", "/api/v1/sources/{name}"): PUBLIC,
    ("GET", "/api/v1/sources/runs/{run_id}/rejects"): PUBLIC,
    ("GET", "/api/v1/alerts"): PUBLIC,
    ("POST", "/api/v1/alerts/{alert_id}/decision"): OPERATOR,
    ("POST", "/api/v1/alerts/{alert_id}/restore"): OPERATOR,
    # red and black lists
    ("GET", "/api/v1/lists"): PUBLIC,
    ("GET", "/api/v1/lists/subjects/{code}"): PUBLIC,
    ("GET", "/api/v1/lists/{entry_id}"): PUBLIC,
    ("POST", "/api/v1/objections"): PUBLIC,
    ("GET", "/api/v1/objections/{objection_id}"): PUBLIC,
    ("POST", "/api/v1/repairs"): PUBLIC,
    ("GET", "/api/v1/repairs/{repair_id}"): PUBLIC,
    ("GET", "/api/v1/operator/lists"): OPERATOR,
    ("GET", "/api/v1/operator/lists/{entry_id}"): OPERATOR,
    ("POST", "/api/v1/operator/lists"): OPERATOR,
    ("POST", "/api/v1/operator/lists/{entry_id}/approve"): OPERATOR,
    ("POST", "/api/v1/operator/lists/{entry_id}/reject"): OPERATOR,
    ("POST", "/api/v1/operator/lists/{entry_id}/publish"): OPERATOR,
    ("POST", "/api/v1/operator/lists/{entry_id}/revoke"): OPERATOR,
    ("POST", "/api/v1/operator/lists/expire"): OPERATOR,
    ("POST", "/api/v1/operator/lists/propose-from-events"): OPERATOR,
    ("POST", "/api/v1/operator/objections/{objection_id}/decision"): OPERATOR,
    ("POST", "/api/v1/operator/repairs/{repair_id}/decision"): OPERATOR,
    ("GET", "/api/v1/operator/objections"): OPERATOR,
    ("GET", "/api/v1/operator/repairs"): OPERATOR,
    ("GET", "/api/v1/operator/notifications"): OPERATOR,
    # documents and reports
    ("GET", "/api/v1/documents/templates"): PUBLIC,
    ("GET", "/api/v1/documents/templates/{template_id}"): PUBLIC,
    ("POST", "/api/v1/documents/entrustment-agreement"): PUBLIC,
    ("POST", "/api/v1/documents/pi-authorization"): PUBLIC,
    ("POST", "/api/v1/contracts/review"): PUBLIC,
    ("POST", "/api/v1/payment-orders"): PUBLIC,
    ("POST", "/api/v1/reports/credit/{code}"): PUBLIC,
    ("POST", "/api/v1/reports/verification/{verification_id}"): PUBLIC,
    ("GET", "/api/v1/reports/{number}"): PUBLIC,
    ("GET", "/api/v1/reports/{number}/pdf"): PUBLIC,
    ("GET", "/documents"): PUBLIC,
    ("POST", "/documents/review"): PUBLIC,
    ("GET", "/reports/{number}"): PUBLIC,
    ("GET", "/documents/payment-order"): PUBLIC,
    ("POST", "/documents/payment-order"): PUBLIC,
    # agencies and fees
    ("GET", "/api/v1/agencies"): PUBLIC,
    ("GET", "/api/v1/agencies/{code}"): PUBLIC,
    ("GET", "/api/v1/agencies/{code}/fee-schedules"): PUBLIC,
    ("POST", "/api/v1/agencies/{code}/fee-schedules"): OPERATOR,
    ("POST", "/api/v1/fees/quote"): PUBLIC,
    ("POST", "/api/v1/fees/compare"): PUBLIC,
    ("GET", "/api/v1/agencies/recommended"): PUBLIC,
    ("GET", "/api/v1/agencies/{code}/stars"): PUBLIC,
    ("GET", "/api/v1/agencies/{code}/service-record"): PUBLIC,
    # rating
    ("GET", "/api/v1/ratings/{code}"): PUBLIC,
    # cases: parties only (a made-up case is "not found" to anyone signed in)
    ("POST", "/api/v1/cases"): roles("creditor"),
    ("GET", "/api/v1/cases/{case_id}"): SIGNED_IN,
    ("GET", "/api/v1/cases/{case_id}/events"): SIGNED_IN,
    ("GET", "/api/v1/cases/{case_id}/evidence"): SIGNED_IN,
    ("GET", "/api/v1/cases/{case_id}/evidence/{item_id}/bundle"): SIGNED_IN,
    ("GET", "/api/v1/cases/{case_id}/evidence/{item_id}/file"): SIGNED_IN,
    ("GET", "/api/v1/cases/{case_id}/history"): SIGNED_IN,
    ("GET", "/api/v1/cases/{case_id}/notifications"): SIGNED_IN,
    ("POST", "/api/v1/cases/{case_id}/entrust"): SIGNED_IN,
    ("POST", "/api/v1/cases/{case_id}/progress"): SIGNED_IN,
    ("POST", "/api/v1/cases/{case_id}/recoveries"): SIGNED_IN,
    ("POST", "/api/v1/cases/{case_id}/state"): SIGNED_IN,
    # complaints: anyone files one and follows it with its query code
    ("POST", "/api/v1/complaints"): PUBLIC,
    ("GET", "/api/v1/complaints/{complaint_id}"): PUBLIC,
    # its files: the same readers (the complainant by the query code)
    ("GET", "/api/v1/complaints/{complaint_id}/evidence/{item_id}/file"): PUBLIC,
    ("POST", "/api/v1/complaints/{complaint_id}/response"): roles("agency_member"),
    ("POST", "/api/v1/complaints/{complaint_id}/satisfaction"): PUBLIC,
    ("POST", "/api/v1/complaints/{complaint_id}/escalation"): PUBLIC,  # by the query code
    ("GET", "/api/v1/operator/complaints"): OPERATOR,
    ("POST", "/api/v1/operator/complaints/{complaint_id}/resolve"): OPERATOR,
    ("POST", "/api/v1/operator/complaints/{complaint_id}/take"): OPERATOR,
    ("POST", "/api/v1/operator/complaints/{complaint_id}/complainant"): OPERATOR,
    ("POST", "/api/v1/operator/cases/clocks"): OPERATOR,
    # ledger
    ("GET", "/api/v1/ledger/checkpoint"): PUBLIC,
    ("GET", "/api/v1/ledger/checkpoints"): PUBLIC,
    ("GET", "/api/v1/ledger/keys"): PUBLIC,
    ("GET", "/api/v1/ledger/proofs/inclusion"): PUBLIC,
    ("GET", "/api/v1/ledger/proofs/consistency"): PUBLIC,
    ("GET", "/api/v1/ledger/leaves/{leaf_index}"): PUBLIC,
    ("GET", "/api/v1/ledger/bundles/{leaf_index}"): PUBLIC,
    # verification
    ("POST", "/api/v1/verifications"): PUBLIC,
    ("GET", "/api/v1/verifications/{verification_id}"): PUBLIC,
    ("POST", "/api/v1/verifications/batch"): PUBLIC,
    # accounts
    ("POST", "/api/v1/auth/login"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): PUBLIC,
    ("POST", "/api/v1/auth/register"): PUBLIC,
    ("POST", "/api/v1/auth/password-reset"): PUBLIC,
    ("POST", "/api/v1/auth/password-reset/confirm"): PUBLIC,
    ("GET", "/api/v1/me"): PUBLIC,
    ("POST", "/api/v1/organisations"): SIGNED_IN,
    ("GET", "/api/v1/operator/organisations"): OPERATOR,
    ("POST", "/api/v1/operator/organisations/{org_id}/approve"): OPERATOR,
    ("POST", "/api/v1/operator/organisations/{org_id}/reject"): OPERATOR,
    ("GET", "/api/v1/operator/organisations/{org_id}"): OPERATOR,
    ("POST", "/api/v1/operator/organisations/{org_id}/members"): OPERATOR,
    ("POST", "/api/v1/operator/organisations/{org_id}/members/{user_id}/remove"): OPERATOR,
    ("POST", "/api/v1/operator/organisations/{org_id}/revoke"): OPERATOR,
    ("POST", "/api/v1/operator/organisations/{org_id}/reinstate"): OPERATOR,
    ("GET", "/api/v1/operator/claim-disputes"): OPERATOR,
    ("POST", "/api/v1/operator/claim-disputes/{dispute_id}/decision"): OPERATOR,
    ("POST", "/api/v1/claim-disputes"): SIGNED_IN,
    ("GET", "/api/v1/claim-disputes"): SIGNED_IN,
    ("POST", "/api/v1/operator/users"): OPERATOR,
    ("GET", "/api/v1/operator/outbox"): OPERATOR,
    ("GET", "/api/v1/api-keys"): SIGNED_IN,
    ("POST", "/api/v1/api-keys"): PEOPLE,
    ("DELETE", "/api/v1/api-keys/{key_id}"): SIGNED_IN,
    ("GET", "/api/v1/usage"): SIGNED_IN,
    # privacy (persons: masked reads need an account; unmasking is checked per purpose)
    ("GET", "/api/v1/persons/{kind}"): SIGNED_IN,
    ("GET", "/api/v1/persons/{kind}/{record_id}"): PUBLIC,
    ("POST", "/api/v1/persons/{kind}/export"): SIGNED_IN,
    ("GET", "/api/v1/access-log"): AUDIT,
    ("GET", "/api/v1/me/access-log"): SIGNED_IN,
    ("POST", "/api/v1/operator/access-log/anchor"): OPERATOR,
    ("PUT", "/api/v1/operator/users/{user_id}/identity"): OPERATOR,
    # pages
    ("GET", "/"): PUBLIC,
    ("GET", "/e/{code}"): PUBLIC,
    ("GET", "/sources"): PUBLIC,
    ("GET", "/alerts"): PUBLIC,
    ("GET", "/static/echarts.min.js"): PUBLIC,
    ("GET", "/agencies"): PUBLIC,
    ("GET", "/agencies/{code}"): PUBLIC,
    ("GET", "/fees"): PUBLIC,
    ("GET", "/verifications"): PUBLIC,
    ("POST", "/verifications"): PUBLIC,
    ("GET", "/verifications/{verification_id}"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("GET", "/register"): PUBLIC,
    ("POST", "/register"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/password-reset"): PUBLIC,
    ("POST", "/password-reset"): PUBLIC,
    ("GET", "/account"): PEOPLE,
    ("POST", "/account/api-keys"): PEOPLE,
    ("POST", "/account/organisations"): PEOPLE,
    ("POST", "/account/claim-disputes"): PEOPLE,
    ("POST", "/account/api-keys/{key_id}/revoke"): roles(
        *(r for r in SIGNED_IN if r != "api_client")
    ),
    ("GET", "/account/access-log"): PEOPLE,
    ("GET", "/operator/access-log"): AUDIT,
    ("GET", "/search"): PUBLIC,
    ("GET", "/search/suggest"): PUBLIC,
    ("GET", "/templates"): PUBLIC,
    ("GET", "/lang/{lang}"): PUBLIC,
    ("GET", "/static/site.css"): PUBLIC,
    ("GET", "/static/htmx.min.js"): PUBLIC,
    ("GET", "/static/portal.js"): PUBLIC,
    ("GET", "/static/favicon.svg"): PUBLIC,
    ("GET", "/favicon.ico"): PUBLIC,
    ("GET", "/lists"): PUBLIC,
    ("GET", "/penalties"): PUBLIC,
    ("GET", "/lists/{entry_id}"): PUBLIC,
    ("POST", "/lists/{entry_id}/objection"): PUBLIC,
    ("POST", "/lists/{entry_id}/repair"): PUBLIC,
    # The applicant follows its objection or repair with the receipt's query code.
    ("GET", "/lists/progress"): PUBLIC,
    ("POST", "/lists/progress"): PUBLIC,
    ("POST", "/verifications/{verification_id}/report"): PUBLIC,
    ("GET", "/cases/{case_id}"): SIGNED_IN,
    ("GET", "/complaints/new"): PUBLIC,
    ("POST", "/complaints/new"): PUBLIC,
    ("GET", "/complaints/{complaint_id}"): PUBLIC,
    ("POST", "/complaints/{complaint_id}/rating"): PUBLIC,  # the complainant, by the query code
    ("POST", "/complaints/{complaint_id}/escalation"): PUBLIC,  # the complainant, by the code
    # operator console
    ("GET", "/operator/login"): PUBLIC,
    # Closed (403) while XINYONG_OPERATOR_TOKEN is unset, as in this test.
    ("POST", "/operator/login"): CONSOLE_TOKEN_ONLY,
    ("POST", "/operator/logout"): PUBLIC,
    ("GET", "/operator"): OPERATOR,
    ("GET", "/operator/lists"): OPERATOR,
    ("POST", "/operator/lists/{entry_id}/{action}"): OPERATOR,
    ("POST", "/operator/rules"): OPERATOR,
    ("GET", "/operator/cases"): OPERATOR,
    ("GET", "/operator/complaints"): OPERATOR,
    ("GET", "/operator/complaints/{complaint_id}"): OPERATOR,
    ("GET", "/operator/complaints/{complaint_id}/files/{item_id}"): OPERATOR,
    ("POST", "/operator/complaints/{complaint_id}/take"): OPERATOR,
    ("POST", "/operator/complaints/{complaint_id}/resolve"): OPERATOR,
    ("POST", "/operator/complaints/{complaint_id}/complainant"): OPERATOR,
    ("POST", "/operator/objections/{objection_id}"): OPERATOR,
    ("POST", "/operator/repairs/{repair_id}"): OPERATOR,
    ("GET", "/operator/syncs"): OPERATOR,
    ("GET", "/operator/syncs/runs/{run_id}/rejects"): OPERATOR,
    ("POST", "/operator/syncs/{name}"): OPERATOR,
    ("GET", "/operator/outbox"): OPERATOR,
    # workspaces: browser sign-in; the creditor's and the agency's own
    ("GET", "/workspace"): PEOPLE,
    ("GET", "/workspace/creditor"): roles("creditor"),
    ("GET", "/workspace/entrust"): roles("creditor"),
    ("POST", "/workspace/entrust"): roles("creditor"),
    ("POST", "/workspace/complaints"): roles("creditor"),
    ("GET", "/workspace/watch"): PEOPLE,
    ("POST", "/workspace/watch/seen"): PEOPLE,
    ("GET", "/watch/{code}"): PUBLIC,  # the button; a visitor is offered the sign-in link
    ("POST", "/watch/{code}"): PEOPLE,
    ("POST", "/watch/{code}/remove"): PEOPLE,
    ("GET", "/workspace/agency"): roles("agency_member"),
    ("GET", "/workspace/agency/fees"): roles("agency_member"),
    ("POST", "/workspace/agency/fees/check"): roles("agency_member"),
    ("POST", "/workspace/agency/fees"): roles("agency_member"),
    ("POST", "/workspace/agency/complaints/{complaint_id}/answer"): roles("agency_member"),
    ("GET", "/cases/{case_id}/timeline"): SIGNED_IN,
    ("POST", "/cases/{case_id}/progress"): SIGNED_IN,
    ("POST", "/cases/{case_id}/state"): SIGNED_IN,  # the service: agency moves, creditor closes
    ("POST", "/cases/{case_id}/recoveries"): SIGNED_IN,  # the service: the agency, operators
    # watch list API: a person's account (a key acts for its owner)
    ("GET", "/api/v1/watchlist"): SIGNED_IN,
    ("POST", "/api/v1/watchlist"): SIGNED_IN,
    ("DELETE", "/api/v1/watchlist/{code}"): SIGNED_IN,
    ("GET", "/api/v1/watchlist/alerts"): SIGNED_IN,
    ("POST", "/api/v1/watchlist/seen"): SIGNED_IN,
    ("GET", "/operator/stats"): AUDIT,
    ("GET", "/operator/audit"): AUDIT,
    ("GET", "/operator/alerts"): OPERATOR,
    ("POST", "/operator/alerts/{alert_id}/decision"): OPERATOR,
    ("POST", "/operator/alerts/{alert_id}/restore"): OPERATOR,
    ("GET", "/operator/agencies"): OPERATOR,
    ("GET", "/operator/organisations"): OPERATOR,
    ("POST", "/operator/organisations/{org_id}/members"): OPERATOR,
    ("POST", "/operator/organisations/{org_id}/members/{user_id}/remove"): OPERATOR,
    ("POST", "/operator/organisations/{org_id}/revoke"): OPERATOR,
    ("POST", "/operator/organisations/{org_id}/reinstate"): OPERATOR,
    ("POST", "/operator/claim-disputes/{dispute_id}/decision"): OPERATOR,
    ("POST", "/operator/agencies/{org_id}/verify"): OPERATOR,
    ("POST", "/operator/agencies/{org_id}/decision"): OPERATOR,
    # statistics
    ("GET", "/api/v1/stats"): AUDIT,
}

# The unsafe routes an API key with only the read scopes may call: they ask a question (the
# answer may be recorded, as a verification's is) and change none of the platform's data. Every
# other POST, PUT, PATCH or DELETE a key makes needs the write scope. Routes declare it with
# `openapi_extra=QUESTION` (accounts/principal.py); a route added there belongs here too.
READ_KEY_ASKS: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/api/v1/verifications"),
        ("POST", "/api/v1/verifications/batch"),
        ("POST", "/api/v1/fees/quote"),
        ("POST", "/api/v1/fees/compare"),
        ("POST", "/api/v1/documents/entrustment-agreement"),
        ("POST", "/api/v1/documents/pi-authorization"),
        ("POST", "/api/v1/contracts/review"),
        ("POST", "/api/v1/payment-orders"),
        ("POST", "/api/v1/reports/credit/{code}"),
        ("POST", "/api/v1/reports/verification/{verification_id}"),
        ("POST", "/api/v1/persons/{kind}/export"),
    }
)
