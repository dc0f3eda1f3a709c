from tests.leaderboard.conftest import organisation  # noqa: F401 (the organisation worked by hand)
