"""Objects whose update() does not fit the Observer protocol: subscribe() must reject them."""

from pipeline import DatabaseConnection


class CounterDashboard:
    """update() takes an int, so it cannot be handed the str every notification carries."""

    def update(self, message: int) -> None:
        print(message + 1)


class SilentDashboard:
    """No update() at all."""

    def refresh(self) -> None:
        print("refreshing")


class GoodDashboard:
    def update(self, message: str) -> None:
        print(message)


db: DatabaseConnection = DatabaseConnection()
db.subscribe(CounterDashboard())  # expect-error
db.subscribe(SilentDashboard())  # expect-error
db.subscribe(GoodDashboard())
