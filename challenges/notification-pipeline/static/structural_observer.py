"""A dashboard with a matching update() and no base class: subscribe() must accept it."""

from pipeline import DatabaseConnection


class DashboardAnalytics:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def update(self, message: str) -> None:
        self.seen.append(message)


class AuditLog:
    def update(self, message: str) -> None:
        print(f"audit: {message}")


db: DatabaseConnection = DatabaseConnection()
db.subscribe(DashboardAnalytics())
db.subscribe(AuditLog())
db.notify_all("System Alert")
