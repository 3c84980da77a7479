"""Messages: EmailMessage and SMSMessage are slotted dataclasses with no per-instance __dict__."""

import dataclasses

EMAIL_FIELDS = [("recipient", ""), ("subject", ""), ("body", "")]
SMS_FIELDS = [("phone", ""), ("text", "")]


def _assert_fields(cls, expected):
    name = getattr(cls, "__name__", repr(cls))
    assert dataclasses.is_dataclass(cls), f"{name} must be a dataclass (use @dataclass)"
    table = [(field.name, field.default) for field in dataclasses.fields(cls)]
    assert table == expected, (
        f"{name} has fields (name, default) {table}; expected exactly {expected}, in that order"
    )
    for field in dataclasses.fields(cls):
        assert field.type in (str, "str"), (
            f"{name}.{field.name} is annotated {field.type!r}; it must be annotated str"
        )


def _assert_no_dict(message, how):
    name = type(message).__name__
    assert not hasattr(message, "__dict__"), (
        f"{how} has a __dict__; {name} instances must store their fields in slots only "
        "(check the class and every base class it derives from)"
    )


def test_email_message_has_recipient_subject_and_body_defaulting_to_empty(submission):
    _assert_fields(submission.EmailMessage, EMAIL_FIELDS)


def test_sms_message_has_phone_and_text_defaulting_to_empty(submission):
    _assert_fields(submission.SMSMessage, SMS_FIELDS)


def test_messages_keep_the_values_they_are_given(submission):
    email = submission.EmailMessage(recipient="ops@example.com", subject="Disk", body="91% full")
    assert (email.recipient, email.subject, email.body) == ("ops@example.com", "Disk", "91% full"), (
        "EmailMessage(recipient=..., subject=..., body=...) did not keep those values"
    )
    email = submission.EmailMessage("ops@example.com", "Disk", "91% full")
    assert (email.recipient, email.subject, email.body) == ("ops@example.com", "Disk", "91% full"), (
        "EmailMessage('ops@example.com', 'Disk', '91% full') did not keep the values positionally "
        "in the order recipient, subject, body"
    )
    sms = submission.SMSMessage(phone="+15550100", text="Disk full")
    assert (sms.phone, sms.text) == ("+15550100", "Disk full"), (
        "SMSMessage(phone=..., text=...) did not keep those values"
    )
    sms = submission.SMSMessage("+15550100", "Disk full")
    assert (sms.phone, sms.text) == ("+15550100", "Disk full"), (
        "SMSMessage('+15550100', 'Disk full') did not keep the values positionally "
        "in the order phone, text"
    )


def test_email_message_has_slots_and_no_instance_dict(submission):
    assert hasattr(submission.EmailMessage, "__slots__"), "EmailMessage defines no __slots__"
    _assert_no_dict(submission.EmailMessage(), "EmailMessage()")
    _assert_no_dict(submission.EmailMessage("a@example.com", "s", "b"), "an EmailMessage with values")


def test_sms_message_has_slots_and_no_instance_dict(submission):
    assert hasattr(submission.SMSMessage, "__slots__"), "SMSMessage defines no __slots__"
    _assert_no_dict(submission.SMSMessage(), "SMSMessage()")
    _assert_no_dict(submission.SMSMessage("+15550100", "hi"), "an SMSMessage with values")


def test_factory_made_messages_have_no_instance_dict(submission):
    factory = submission.MessageFactory
    _assert_no_dict(factory.create_message("email"), 'MessageFactory.create_message("email")')
    _assert_no_dict(factory.create_message("sms"), 'MessageFactory.create_message("sms")')
    _assert_no_dict(factory.create(submission.EmailMessage), "MessageFactory.create(EmailMessage)")
    _assert_no_dict(factory.create(submission.SMSMessage), "MessageFactory.create(SMSMessage)")


def test_setting_an_undeclared_attribute_is_refused(submission):
    for message in (submission.EmailMessage(), submission.SMSMessage()):
        name = type(message).__name__
        try:
            message.priority = "high"
        except (AttributeError, TypeError):
            continue
        raise AssertionError(
            f"setting {name}().priority = 'high' worked; a slotted message has no room "
            "for attributes it does not declare"
        )
