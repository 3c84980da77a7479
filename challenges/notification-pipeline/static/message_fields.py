"""The message dataclasses declare their fields as str, with "" defaults."""

from pipeline import EmailMessage, SMSMessage

EmailMessage()
EmailMessage(recipient="ops@example.com", subject="Disk", body="Disk 91% full")
EmailMessage("ops@example.com", "Disk", "Disk 91% full")
SMSMessage()
SMSMessage(phone="+15550100", text="Disk full")

EmailMessage(recipient=42)  # expect-error
SMSMessage(phone="+15550100", text=None)  # expect-error
SMSMessage(pager="555")  # expect-error
