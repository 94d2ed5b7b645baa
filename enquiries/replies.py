"""What a resident's message about a finished case means: a thank-you, or "this is not sorted".

Residents reply to "your enquiry has been resolved" to say thank you. Reopening the case for
that puts finished work back in a queue and tells the resident it was reopened. The rule, used
for every channel that adds a resident's message to a case (email replies, the tracking page,
calls and visits logged by staff, the partner API):

1. Only a RESOLVED or CLOSED case is judged; a message never changes an open case here.
2. The resident said plainly it is not sorted (the tracking page's "This is not sorted"
   choice): the case reopens (within the reopen window).
3. Otherwise the message reopens the case **unless it is a courtesy reply**, which is one that
   - contains none of :data:`NOT_SORTED_PHRASES` ("not fixed", "still there", ...),
   - asks nothing (no "?") and does not turn ("but", "not", "still": :data:`TURNING_WORDS`),
   - contains at least one of :data:`COURTESY_PHRASES` ("thank you", "that answers my
     question", ...), and
   - leaves at most :data:`MAX_OTHER_WORDS` other words once courtesy phrases and
     :data:`FILLER_WORDS` are taken out (room for a name after "Thanks,").
   A courtesy reply is recorded on the case (staff see it) without reopening it.
4. Anything unclear reopens: a person reads it, so nothing a resident asks is lost.

Words are compared as routing keywords are (whole words, case and accents normalised), so the
phrases here read as a resident would type them. Change the lists here and only here.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from enquiries.choices import Status
from enquiries.routing import normalise_text


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that say the problem is not solved or the answer did not help: always reopen.
NOT_SORTED_PHRASES: tuple[str, ...] = (
    "not fixed",
    "not been fixed",
    "isn't fixed",
    "isnt fixed",
    "hasn't been fixed",
    "hasnt been fixed",
    "wasn't fixed",
    "never fixed",
    "not sorted",
    "isn't sorted",
    "not been sorted",
    "not resolved",
    "isn't resolved",
    "not been resolved",
    "not repaired",
    "not been repaired",
    "not done",
    "not been done",
    "still there",
    "still broken",
    "still not",
    "still waiting",
    "still happening",
    "still a problem",
    "came back",
    "come back",
    "no one came",
    "nobody came",
    "didn't answer",
    "doesn't answer",
    "does not answer",
    "did not answer",
    "didn't help",
    "did not help",
    "doesn't help",
    "does not help",
    "not helpful",
    "wrong",
    "reopen",
    "re-open",
    "complaint",
    "complain",
    "unhappy",
    "not happy",
    "disappointed",
)

#: Words of thanks or acknowledgement: a message made only of these (and filler) is courtesy.
COURTESY_PHRASES: tuple[str, ...] = (
    "thank you",
    "thankyou",
    "thanks",
    "thanx",
    "thx",
    "ta",
    "cheers",
    "many thanks",
    "much appreciated",
    "appreciated",
    "appreciate it",
    "that answers my question",
    "that answers it",
    "answered my question",
    "that's answered it",
    "that helps",
    "that helped",
    "that's helpful",
    "very helpful",
    "great",
    "brilliant",
    "perfect",
    "lovely",
    "wonderful",
    "excellent",
    "fantastic",
    "all sorted",
    "that's sorted",
    "it's sorted",
    "it is sorted",
    "all fixed",
    "it's fixed",
    "it is fixed",
    "that's fine",
    "that is fine",
    "ok",
    "okay",
    "noted",
    "good job",
    "well done",
    "kind regards",
    "best regards",
    "regards",
    "best wishes",
    "all the best",
    "have a good day",
    "have a nice day",
)

#: Greetings and small words that say nothing either way.
FILLER_WORDS: frozenset[str] = _word_set(
    "hi hello dear sir madam team council all and so very much for your the you this that "
    "it is was that's it's a an now again really just quick quickly help helping speedy "
    "prompt response reply work job done to me my us our we i oh yes yep sent from iphone "
    "android phone"
)

#: Words that turn thanks into something else ("thanks, but ..."): never a courtesy reply.
TURNING_WORDS: frozenset[str] = _word_set(
    "but however although though unfortunately no not never still nothing"
)

#: Other words allowed in a courtesy reply (a sign-off name: "Thanks, Mary Jane Smith").
MAX_OTHER_WORDS = 3

FINISHED = frozenset({Status.RESOLVED, Status.CLOSED})
_WORD = re.compile(r"\w+(?:'\w+)?")


class Meaning(enum.StrEnum):
    NOT_SORTED = "not_sorted"
    QUESTION = "question"
    COURTESY = "courtesy"
    OTHER = "other"


@dataclass(frozen=True)
class Judgement:
    meaning: Meaning
    reopens: bool
    why: str  # for staff, on the case's timeline


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise_text(text).replace("\u2019", "'"))


def _find(words: list[str], phrases: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(start, end, phrase) for each phrase found as whole words."""
    found = []
    for phrase in phrases:
        target = _words(phrase)
        n = len(target)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == target:
                found.append((i, i + n, phrase))
    return found


def meaning_of(text: str) -> Meaning:
    """What a message says about a finished case, by the rule in this module's docstring."""
    words = _words(text)
    if _find(words, NOT_SORTED_PHRASES):
        return Meaning.NOT_SORTED
    if "?" in text:
        return Meaning.QUESTION
    courtesy = _find(words, COURTESY_PHRASES)
    if not courtesy:
        return Meaning.OTHER
    if TURNING_WORDS.intersection(words):
        return Meaning.OTHER
    covered = {i for start, end, _ in courtesy for i in range(start, end)}
    other = [w for i, w in enumerate(words) if i not in covered and w not in FILLER_WORDS]
    return Meaning.COURTESY if len(other) <= MAX_OTHER_WORDS else Meaning.OTHER


def judge(*, status: str, text: str, not_sorted: bool = False) -> Judgement:
    """Whether a resident's message reopens a case in ``status`` (reopen window aside)."""
    if status not in FINISHED:
        return Judgement(Meaning.OTHER, False, "the case is still open")
    if not_sorted:
        return Judgement(Meaning.NOT_SORTED, True, "the resident says it is not sorted")
    meaning = meaning_of(text)
    if meaning == Meaning.COURTESY:
        return Judgement(meaning, False, "a thank-you: the case stays finished")
    why = {
        Meaning.NOT_SORTED: "the message says it is not sorted",
        Meaning.QUESTION: "the message asks a question",
        Meaning.OTHER: "the message may need an answer",
    }[meaning]
    return Judgement(meaning, True, why)
