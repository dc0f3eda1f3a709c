"""`make bench`: every figure of issue-sized data measured beside a PostgreSQL reference."""
