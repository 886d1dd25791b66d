"""Database triggers that make rows unchangeable: audit events (no UPDATE, no DELETE) and
needs-profile versions (no UPDATE). The database refuses, whatever code tries."""


def immutable_sql(table: str, vendor: str, *, operations: tuple[str, ...], install: bool,
                  message: str = "rows of this table are immutable") -> list[str]:
    """SQL that installs (or removes) triggers rejecting ``operations`` on ``table``.

    Row triggers do not fire on TRUNCATE; that statement needs table ownership, which the
    application's runtime role should not have in production (docs/architecture.md).
    """
    if vendor == "sqlite":
        names = [f"{table}_no_{operation.lower()}" for operation in operations]
        if not install:
            return [f"DROP TRIGGER IF EXISTS {name}" for name in names]
        return [f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                for name, operation in zip(names, operations, strict=True)]
    if vendor == "postgresql":
        function, trigger = f"{table}_immutable", f"{table}_immutable"
        if not install:
            return [f"DROP TRIGGER IF EXISTS {trigger} ON {table}", f"DROP FUNCTION IF EXISTS {function}()"]
        return [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
            END;
            $$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
            f"CREATE TRIGGER {trigger} BEFORE {' OR '.join(operations)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    raise NotImplementedError(f"no immutability trigger for {vendor}")
