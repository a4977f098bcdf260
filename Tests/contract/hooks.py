"""Schemathesis hooks for Tests/contract/run: keep the seeded accounts alive for the whole run.

Schemathesis picks ids at random, and small ids are the seeded accounts: a DELETE, PUT or PATCH of
`/users/{id}` on one of them would revoke the token the run is using, and every later request would
be a 401 that tests nothing. Such requests go to an id that does not exist instead (a 404); the
seeded users still change themselves through `/users/me`.
"""
import os

import schemathesis

PROTECTED = {int(value) for value in os.environ.get("FRONTDESK_CONTRACT_PROTECTED_IDS", "").split(",") if value}
MISSING_ID = 9_000_000_000_000_000_000


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.path != "/api/v1/users/{id}" or case.method.upper() not in {"PUT", "PATCH", "DELETE"}:
        return
    try:
        target = int(str(case.path_parameters.get("id")))
    except ValueError:
        return
    if target in PROTECTED:
        case.path_parameters["id"] = MISSING_ID
