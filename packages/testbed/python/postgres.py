"""Create or drop a PostgreSQL database for a test bed, with psycopg2 from the Synapse venv.

Usage:
  postgres.py create DSN NAME [TEMPLATE]   # TEMPLATE absent: an empty C-collated database
  postgres.py drop DSN NAME
  postgres.py exists DSN NAME              # exit 0 when it exists, 3 when not
"""

import sys
import time

import psycopg2
from psycopg2 import errors, sql


def connect(dsn):
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    return conn


def exists(cur, name):
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
    return cur.fetchone() is not None


def create(cur, name, template):
    if template is None:
        # Synapse refuses databases whose collation is not C.
        stmt = sql.SQL(
            "CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
        ).format(sql.Identifier(name))
    else:
        stmt = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    # Copying a template fails while anyone else is connected to it, for instance a
    # concurrent CREATE DATABASE from the same template: retry briefly.
    for attempt in range(50):
        try:
            cur.execute(stmt)
            return
        except errors.ObjectInUse:
            time.sleep(0.1 + attempt * 0.02)
    cur.execute(stmt)


def main():
    action, dsn, name = sys.argv[1:4]
    # Not `with conn:`, which opens a transaction block even in autocommit mode (psycopg2 2.9),
    # and CREATE/DROP DATABASE refuse to run inside one.
    conn = connect(dsn)
    try:
        cur = conn.cursor()
        if action == "create":
            create(cur, name, sys.argv[4] if len(sys.argv) > 4 else None)
        elif action == "drop":
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        elif action == "exists":
            sys.exit(0 if exists(cur, name) else 3)
        else:
            sys.exit("unknown action %s" % action)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
