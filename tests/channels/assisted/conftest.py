from tests.enquiries.staff.helpers import signed_in, world  # noqa: F401
