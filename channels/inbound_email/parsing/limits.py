"""The bounds on parsing work and on what a parsed email may hold.

Every limit lives here so a reader can see the whole budget at once; the pre-scan, the tree walk
and the header steps all read from this module.
"""

from __future__ import annotations

# A 25 MB attachment limit, base64-encoded, plus headroom. Larger messages are refused.
MAX_MESSAGE_BYTES = 40 * 1024 * 1024
MAX_DEPTH = 10
MAX_PARTS = 500
MAX_ATTACHMENTS = 100
MAX_BOUNDARIES = 25
MAX_ADDRESS_HEADER_CHARS = 65_536
MAX_SUBJECT_SOURCE_CHARS = 16_384
MAX_UU_BLOCKS = 20
MAX_TEXT_CHARS = 1_000_000
MAX_HTML_CHARS = 2_000_000
MAX_SUBJECT_CHARS = 255
MAX_NAME_CHARS = 255
MAX_ADDRESSES = 200
MAX_REFERENCES = 100
MAX_FILENAME_CHARS = 150
#: How much of an over-size message is kept for its header block, so staff see who sent it.
OVERSIZE_HEADER_BYTES = 1_000_000
#: The text body (and ``new_text``) of a message with no readable text.
NO_TEXT = "(no text)"
