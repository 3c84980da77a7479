"""MessageFactory.create is generic: the type checker knows which class comes back."""

from typing import assert_type

from pipeline import EmailMessage, MessageFactory, SMSMessage

email = MessageFactory.create(EmailMessage, recipient="ops@example.com", subject="Disk")
assert_type(email, EmailMessage)
assert_type(MessageFactory.create(EmailMessage), EmailMessage)
assert_type(MessageFactory.create(SMSMessage, phone="+15550100", text="Disk full"), SMSMessage)

recipient: str = email.recipient
text: str = MessageFactory.create(SMSMessage).text
not_an_sms: SMSMessage = MessageFactory.create(EmailMessage)  # expect-error
