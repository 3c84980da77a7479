"""Factory: MessageFactory builds messages by name and by class, called on the class itself."""

import dataclasses


def test_create_message_email_returns_an_email_message(submission):
    message = submission.MessageFactory.create_message("email")
    assert type(message) is submission.EmailMessage, (
        f'MessageFactory.create_message("email") returned {type(message).__name__}, '
        "not an EmailMessage"
    )
    assert (message.recipient, message.subject, message.body) == ("", "", ""), (
        'MessageFactory.create_message("email") with no fields must use the defaults ""'
    )


def test_create_message_sms_returns_an_sms_message(submission):
    message = submission.MessageFactory.create_message("sms")
    assert type(message) is submission.SMSMessage, (
        f'MessageFactory.create_message("sms") returned {type(message).__name__}, '
        "not an SMSMessage"
    )
    assert (message.phone, message.text) == ("", ""), (
        'MessageFactory.create_message("sms") with no fields must use the defaults ""'
    )


def test_create_message_passes_the_fields_through(submission):
    factory = submission.MessageFactory
    email = factory.create_message("email", recipient="ops@example.com", subject="Disk", body="91%")
    assert (email.recipient, email.subject, email.body) == ("ops@example.com", "Disk", "91%"), (
        'MessageFactory.create_message("email", recipient=..., subject=..., body=...) '
        f"returned {email!r}; the keyword arguments must become the message's fields"
    )
    sms = factory.create_message("sms", text="Disk full")
    assert (sms.phone, sms.text) == ("", "Disk full"), (
        f'MessageFactory.create_message("sms", text="Disk full") returned {sms!r}; '
        "given fields must be set and the others keep their defaults"
    )


def test_create_message_rejects_an_unknown_type_naming_it(submission):
    for msg_type in ("fax", "carrier-pigeon"):
        try:
            result = submission.MessageFactory.create_message(msg_type)
        except ValueError as exc:
            assert msg_type in str(exc), (
                f"the ValueError for create_message({msg_type!r}) says {str(exc)!r}; "
                f"its message must name the unknown type {msg_type!r}"
            )
            continue
        raise AssertionError(
            f"MessageFactory.create_message({msg_type!r}) returned {result!r} "
            "instead of raising ValueError"
        )


def test_create_builds_the_class_it_is_given_with_the_fields(submission):
    factory = submission.MessageFactory
    email = factory.create(submission.EmailMessage, recipient="ops@example.com", body="hi")
    assert type(email) is submission.EmailMessage, (
        f"MessageFactory.create(EmailMessage, ...) returned {type(email).__name__}"
    )
    assert (email.recipient, email.subject, email.body) == ("ops@example.com", "", "hi"), (
        f"MessageFactory.create(EmailMessage, recipient=..., body=...) returned {email!r}; "
        "it must pass the keyword arguments to the class"
    )
    sms = factory.create(submission.SMSMessage, phone="+15550100", text="Disk full")
    assert type(sms) is submission.SMSMessage and (sms.phone, sms.text) == (
        "+15550100",
        "Disk full",
    ), f"MessageFactory.create(SMSMessage, phone=..., text=...) returned {sms!r}"


def test_create_works_for_any_class(submission):
    @dataclasses.dataclass(slots=True)
    class PushNotification:
        device: str = ""
        title: str = ""

    push = submission.MessageFactory.create(PushNotification, device="pixel-7", title="Alert")
    assert type(push) is PushNotification and (push.device, push.title) == ("pixel-7", "Alert"), (
        f"MessageFactory.create(PushNotification, device=..., title=...) returned {push!r}; "
        "create(kind, **fields) must return kind(**fields) for any class"
    )
