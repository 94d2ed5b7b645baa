"""Header decoding: RFC 2047 words, charsets, address lists, msg-ids and dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels.inbound_email.charsets import (
    clean_text,
    decode_8bit,
    decode_bytes,
    fix_surrogates,
    normalise_charset,
)
from channels.inbound_email.headers import (
    decode_rfc2047,
    emails_in_text,
    normalise_address,
    org_domain,
    parse_address_list,
    parse_date,
    parse_msg_ids,
)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ks_c_5601-1987", "cp949"),
        ("KS_C_5601-1987", "cp949"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-sjis", "cp932"),
        ("Shift_JIS", "cp932"),
        ("iso-8859-1", "cp1252"),
        ("ISO_8859-1", "cp1252"),
        ('"utf-8"', "utf-8"),
        ("utf-8*en", "utf-8"),
        ("windows-1250", "cp1250"),
        ("unknown-8bit", None),
        ("us-ascii", None),
        ("x-no-such-charset", None),
        ("base64", None),
        ("zlib", None),
        (None, None),
    ],
)
def test_normalise_charset(label, codec):
    assert normalise_charset(label) == codec


def test_decode_bytes_never_raises_and_replaces_visibly():
    assert decode_bytes(b"caf\xc3\xa9", "utf-8") == "café"
    assert decode_bytes(b"caf\xe9 ok", "utf-8") == "caf\ufffd ok"
    assert decode_bytes(b"\xbd\xba\xc6\xbc\xc7\xd8", "ks_c_5601-1987") == "스티해"
    assert decode_bytes("测试".encode("gbk"), "gb2312") == "测试"
    assert decode_bytes(b"caf\xe9", "no-such") == "café"
    assert decode_bytes(b"\x93quoted\x94", "iso-8859-1") == "\u201cquoted\u201d"


def test_decode_8bit_prefers_mostly_valid_utf8():
    assert decode_8bit("Юникод".encode() + b"\xf1") == "Юникод\ufffd"
    assert decode_8bit(b"Verm\xe4chtnis") == "Vermächtnis"
    assert decode_8bit(b"\xd4\xc5\xd3\xd4", hint="koi8-r") == "тест"


def test_fix_surrogates_and_clean_text():
    raw = "M\udcc3\udca4ry"  # what email's surrogateescape makes of raw UTF-8 bytes
    assert fix_surrogates(raw) == "Märy"
    assert fix_surrogates("lone \ud800 surrogate") == "lone ? surrogate"
    assert clean_text("a\x00b\r\nc\x07") == "ab\nc"
    assert clean_text("  a \t\n b  ", keep_newlines=False) == "a b"


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("=?NONE?B?VEVTVA=?=", "TEST"),
        ("=?utf-8?q?caf=C3=A9?=", "café"),
        ("=?UTF-8?Q?Si=C3?= =?UTF-8?Q?=A2n?=", "Siân"),  # a character split over two words
        ("=?utf-8?b?w6k=?=\r\n =?utf-8?b?w6k=?=", "éé"),  # whitespace between words is dropped
        ("plain =?utf-8?q?and?= words", "plain and words"),
        ("=?gb2312?B?suLK1A==?=", "测试"),
        ("=?utf-7?Q?Fr+APY-sche?=", "Frösche"),
        ("=?ks_c_5601-1987?B?vbrGvMfY?=", "스티해"),
        ("=?iso-8859-1?q?a_b?=", "a b"),
        ("=?utf-8?x?not-an-encoding?=", "=?utf-8?x?not-an-encoding?="),
        ("Folded\r\n  subject", "Folded subject"),
    ],
)
def test_decode_rfc2047(raw, decoded):
    assert decode_rfc2047(raw) == decoded


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jane <Jane.Doe@Example.ORG>", [("Jane", "Jane.Doe@example.org")]),
        ('"Doe, Jane" <j@example.org>', [("Doe, Jane", "j@example.org")]),
        ("j@example.org (Jane Doe)", [("Jane Doe", "j@example.org")]),
        ("=?utf-8?b?U2nDom4=?= <s@example.cymru>", [("Siân", "s@example.cymru")]),
        ("a@x.org b@y.org", [("", "a@x.org"), ("", "b@y.org")]),
        ("A <a@x.org>, B <b@y.org>", [("A", "a@x.org"), ("B", "b@y.org")]),
        ("friends: a@x.org, b@y.org;", [("", "a@x.org"), ("", "b@y.org")]),
        ("Undisclosed-Recipients:;", []),
        ("<@relay.example:user@example.com>", [("", "user@example.com")]),
        ("x@y.org <z@w.org>", [("x@y.org", "z@w.org")]),
        ("Bob <bob@example.com", [("Bob", "bob@example.com")]),
        ("just a name", [("just a name", "")]),
        ("<>", [("", "")]),
    ],
)
def test_parse_address_list(value, expected):
    assert [(m.name, m.address) for m in parse_address_list(value)] == expected


def test_broken_encoded_words_are_decoded_best_effort():
    assert decode_rfc2047("=?utf-8?b?w6k?=") == "é"  # missing padding
    garbled = decode_rfc2047("=?utf-8?b?broken base64!!?=")
    assert garbled and not any("\ud800" <= ch <= "\udfff" for ch in garbled)


def test_encoded_word_hiding_an_address_is_flagged():
    (mailbox,) = parse_address_list("=?UTF-8?B?bm90aWZpY2FjY2lvbi1jbGllbnRlc0BiYnZhLm14?=")
    assert mailbox.address == "notificaccion-clientes@bbva.mx"
    assert mailbox.encoded_address


@pytest.mark.parametrize(
    ("candidate", "normalised"),
    [
        ("User@Example.COM.", "User@example.com"),
        ("mailto:a@b.org", "a@b.org"),
        ('"john smith"@example.com', '"john smith"@example.com'),
        ("root@localhost", "root@localhost"),
        ("no-at-sign", ""),
        ("@example.com", ""),
        ("a@", ""),
        ("a b@example.com", ""),
        ("a\x00b@example.com", ""),
        (".a@example.com", ""),
    ],
)
def test_normalise_address(candidate, normalised):
    assert normalise_address(candidate) == normalised


def test_emails_in_text():
    assert emails_in_text("purchasing@aquillaindustries.com") == [
        "purchasing@aquillaindustries.com"
    ]
    assert emails_in_text("Jane Doe") == []


def test_parse_msg_ids_skips_invalid_ones():
    assert parse_msg_ids("<a@b> <not valid@x> <c@d>") == (["a@b", "c@d"], 1)
    assert parse_msg_ids("<no-at-sign> <e@f>") == (["e@f"], 1)
    assert parse_msg_ids("<baz@bar.net>, <invalid.   ") == (["baz@bar.net"], 1)
    assert parse_msg_ids("bare@id.example", allow_bare=True) == (["bare@id.example"], 0)
    assert parse_msg_ids("bare@id.example") == ([], 0)
    assert parse_msg_ids("<a@b> <a@b>") == (["a@b"], 0)
    assert parse_msg_ids("<" + "x" * 300 + "@y>")[0] == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 05 Nov 2024 10:15:00 +0000", datetime(2024, 11, 5, 10, 15, tzinfo=UTC)),
        ("Tue, 5 Nov 2024 10:15:00 -0500 (EST)", datetime(2024, 11, 5, 15, 15, tzinfo=UTC)),
        ("5 Nov 2024 10:15 GMT", datetime(2024, 11, 5, 10, 15, tzinfo=UTC)),
        ("Tue, 05 Nov 2024 10:15:00 -0000", datetime(2024, 11, 5, 10, 15, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        ("Tue, 99 Nov 2024 99:99:99 +0000", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_org_domain():
    assert org_domain("mail.northmoor.gov.uk") == "northmoor.gov.uk"
    assert org_domain("bounces.example.co.uk") == "example.co.uk"
    assert org_domain("em.sendgrid.net") == "sendgrid.net"
    assert org_domain("localhost") == "localhost"
