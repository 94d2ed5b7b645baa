"""What residents reporting nearby may read of another report: contact details are masked."""

from enquiries.public_reports import mask_personal, snippet


def test_email_addresses_are_masked():
    assert mask_personal("Ring me or mail jo.bloggs+pot@example.co.uk today") == (
        "Ring me or mail [email removed] today"
    )


def test_uk_phone_numbers_are_masked_in_their_usual_spellings():
    text = "Call 07700 900123, 01632 960 001, +44 7700 900456 or (01632) 960002."
    masked = mask_personal(text)
    assert masked == (
        "Call [phone number removed], [phone number removed], [phone number removed] or "
        "[phone number removed]."
    )


def test_ordinary_numbers_are_left_alone():
    assert mask_personal("About 40cm across, since 3 March 2026, by lamp post 112") == (
        "About 40cm across, since 3 March 2026, by lamp post 112"
    )


def test_the_snippet_is_one_line_cut_at_a_word_near_120_characters():
    text = "Deep hole\n\nby the bus stop " + "and it keeps getting wider " * 10
    shown = snippet(text)
    assert "\n" not in shown and shown.startswith("Deep hole by the bus stop")
    assert len(shown) <= 121 and shown.endswith("…")


def test_a_short_description_is_shown_whole():
    assert snippet("Pothole, 07700 900123") == "Pothole, [phone number removed]"
