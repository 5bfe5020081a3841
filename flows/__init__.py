"""igfarm flows: UI automation of the Instagram app over the `Driver` protocol.

Public API:
    publish(driver, request, on_point_of_no_return, *, deadline_s=180, step_budget=60) -> FlowStats
    switch_account(driver, username) -> FlowStats
    login(driver, username, password, *, deadline_s=90, step_budget=30) -> FlowStats
    preflight(driver, username) -> PreflightResult
    verify_post(driver, username, marker, item_count, *, kind=None, since=None) -> bool
    read_audience(driver, username) -> AudienceActivity (Insights' "Most active times")
"""

from flows.account import PreflightResult, preflight, switch_account
from flows.errors import ERROR_KINDS, Evidence, FlowError
from flows.insights import AudienceActivity, read_audience
from flows.login import login
from flows.publish import publish
from flows.request import FlowStats, PublishRequest
from flows.verify import verify_post

__all__ = [
    "ERROR_KINDS",
    "AudienceActivity",
    "Evidence",
    "FlowError",
    "FlowStats",
    "PreflightResult",
    "PublishRequest",
    "login",
    "preflight",
    "publish",
    "read_audience",
    "switch_account",
    "verify_post",
]
