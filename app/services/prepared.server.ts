import type { Db } from "../../db/client";

/**
 * Statements prepared once per connection and reused by every call.
 *
 * Why: a drizzle query builder rebuilds its SQL text and better-sqlite3
 * prepares it again on every call. On the hot paths (a vote, a captured
 * item, resolving who is asking) that was most of the CPU: in a V8 profile
 * of 2,000 attendees voting within a second, `setVote` took 46% of the
 * server, nearly all of it building and preparing, and the same statements
 * prepared once cost about 6x less (issue 9).
 *
 * `build` makes a group of statements (drizzle's `.prepare()` with
 * `sql.placeholder` values) for one connection; it runs once per connection
 * and group, the first time the group is asked for, and the statements live
 * as long as the connection object. Statements run on the connection, so
 * inside a transaction they are part of it (better-sqlite3 has one
 * transaction per connection): helpers that use them take the `Db`, not the
 * transaction object. Under Vite and in the production bundle a module may
 * be loaded twice; each copy then prepares its own, which costs nothing
 * but a few statements.
 */
const groups = new WeakMap<Db, Map<(db: Db) => unknown, unknown>>();

export function prepared<T>(db: Db, build: (db: Db) => T): T {
  let forDb = groups.get(db);
  if (!forDb) {
    forDb = new Map();
    groups.set(db, forDb);
  }
  let group = forDb.get(build) as T | undefined;
  if (group === undefined) {
    group = build(db);
    forDb.set(build, group);
  }
  return group;
}

/**
 * Runs `run` in one IMMEDIATE transaction on the connection (the write lock
 * taken at BEGIN, so a check made inside holds until the commit), rolled back
 * if it throws. The same transaction drizzle's `db.transaction(fn, {
 * behavior: "immediate" })` opens, without the transaction object drizzle
 * builds for each call (a copy of the database object with every table's
 * query builder): code that runs prepared statements does not need it.
 */
export function immediateTransaction<T>(db: Db, run: () => T): T {
  return db.$client.transaction(run).immediate();
}
