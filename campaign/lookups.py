"""A search by part of a text that PostgreSQL can estimate."""

from django.db.models.lookups import IContains


class ContainsText(IContains):
    """Django's `icontains`, written as ILIKE on PostgreSQL: `ContainsText(F("title"), word)`.

    Django compares UPPER(column) LIKE UPPER(word), an expression the planner keeps no statistics
    on, so it guesses that hardly any row matches and plans a list's page as if every word were
    rare (reading and sorting the whole campaign). ILIKE on the column itself is estimated from
    the column's statistics. Elsewhere (the SQLite file of a first try) it is `icontains`."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs}::text ILIKE {rhs}", [*lhs_params, *rhs_params]
