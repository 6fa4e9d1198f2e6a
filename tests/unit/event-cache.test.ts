import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Event, events } from "../../db/schema";
import { type Db, closeDatabase, openDatabase } from "../../db/client";
import { createEventCache } from "../../app/services/eventCache.server";
import { type Identity, emptyIdentity, hashSecret, tagOf } from "../../app/services/identity.server";
import { accessOf } from "../../app/services/viewer.server";

/**
 * The event cache the sockets read their event from on every command, on a
 * real database file: kept current by `put` for this process's writes, and
 * by SQLite's data_version for commits of another connection (a second
 * connection here stands for `npm run organiser-link`). And `accessOf`, the
 * one rule for what an identity may do in an event.
 */

let dir: string;
let db: Db;
let other: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "unconf-cache-"));
  db = openDatabase(join(dir, "test.sqlite"));
  other = new Database(join(dir, "test.sqlite"));
  db.insert(events)
    .values({
      id: "e1",
      slug: "camp",
      name: "Camp",
      date: "2026-12-01",
      timeZone: "Europe/London",
      organiserKeyHash: hashSecret("key-1"),
    })
    .run();
});

afterEach(() => {
  other.close();
  closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

function row(): Event {
  return db.select().from(events).where(eq(events.id, "e1")).get() as Event;
}

describe("the event cache", () => {
  it("reads a row once and serves it from memory after that", () => {
    const cache = createEventCache();
    const first = cache.byId(db, "e1");
    expect(first).toMatchObject({ id: "e1", slug: "camp", votingOpen: false });
    // A write on this connection that nobody reported: the cache does not see it (services report theirs with put).
    db.update(events).set({ votingOpen: true }).where(eq(events.id, "e1")).run();
    expect(cache.byId(db, "e1")).toBe(first);
    cache.put(row());
    expect(cache.byId(db, "e1")?.votingOpen).toBe(true);
  });

  it("reads from the database for a join, by slug, and keeps what it read", () => {
    const cache = createEventCache();
    cache.byId(db, "e1");
    db.update(events).set({ version: 7 }).where(eq(events.id, "e1")).run();
    expect(cache.fresh(db, "camp")?.version).toBe(7);
    expect(cache.byId(db, "e1")?.version).toBe(7);
    expect(cache.fresh(db, "nowhere")).toBeUndefined();
    expect(cache.byId(db, "missing")).toBeUndefined();
  });

  it("tells its listeners when the passcode or organiser key changes, and not for other settings", () => {
    const cache = createEventCache();
    const heard: Array<[string, string | null | undefined]> = [];
    cache.onAccessChanged((id, event) => heard.push([id, event?.passcodeHash]));
    cache.byId(db, "e1");
    cache.put({ ...row(), votingOpen: true, votesPerAttendee: 5, blindVoting: true, version: 3 });
    expect(heard).toEqual([]);
    cache.put({ ...row(), passcodeHash: hashSecret("letmein") });
    cache.put({ ...row(), passcodeHash: hashSecret("letmein"), organiserKeyHash: hashSecret("key-2") });
    expect(heard).toEqual([
      ["e1", hashSecret("letmein")],
      ["e1", hashSecret("letmein")],
    ]);
  });

  it("sees a commit by another connection on the next read, and tells its listeners", () => {
    const cache = createEventCache();
    const heard: string[] = [];
    cache.onAccessChanged((id) => heard.push(id));
    expect(cache.byId(db, "e1")?.organiserKeyHash).toBe(hashSecret("key-1"));
    other.prepare("update events set organiser_key_hash = ?, voting_open = 1 where id = 'e1'").run(hashSecret("key-2"));
    const seen = cache.byId(db, "e1");
    expect(seen).toMatchObject({ organiserKeyHash: hashSecret("key-2"), votingOpen: true });
    expect(heard).toEqual(["e1"]);
  });

  it("sync() finds another connection's commit without a read, and a deleted row reads as gone", () => {
    const cache = createEventCache();
    const heard: Array<[string, Event | undefined]> = [];
    cache.onAccessChanged((id, event) => heard.push([id, event]));
    cache.byId(db, "e1");
    cache.sync(db);
    expect(heard).toEqual([]);
    other.prepare("update events set passcode_hash = ? where id = 'e1'").run(hashSecret("secret"));
    cache.sync(db);
    expect(heard).toHaveLength(1);
    expect(heard[0]?.[1]?.passcodeHash).toBe(hashSecret("secret"));
    other.prepare("delete from events where id = 'e1'").run();
    cache.sync(db);
    expect(heard[1]).toEqual(["e1", undefined]);
    expect(cache.byId(db, "e1")).toBeUndefined();
  });
});

describe("accessOf", () => {
  const event = { id: "e1", organiserKeyHash: hashSecret("key-1"), passcodeHash: null as string | null };
  const identity = (parts: { o?: string; p?: string } = {}): Identity => ({
    ...emptyIdentity(),
    o: parts.o ? { e1: parts.o } : {},
    p: parts.p ? { e1: parts.p } : {},
  });

  it("lets anyone into a public event, and knows organisers by their key", () => {
    expect(accessOf(event, identity())).toEqual({ isOrganiser: false, hasAccess: true, organiserKey: null });
    expect(accessOf(event, identity({ o: "key-1" }))).toEqual({
      isOrganiser: true,
      hasAccess: true,
      organiserKey: "key-1",
    });
    expect(accessOf(event, identity({ o: "key-0" }))).toMatchObject({ isOrganiser: false, organiserKey: null });
  });

  it("lets into a private event only the holders of the current passcode's tag and organisers", () => {
    const closed = { ...event, passcodeHash: hashSecret("letmein") };
    expect(accessOf(closed, identity()).hasAccess).toBe(false);
    expect(accessOf(closed, identity({ p: tagOf(hashSecret("letmein")) })).hasAccess).toBe(true);
    expect(accessOf(closed, identity({ p: tagOf(hashSecret("old one")) })).hasAccess).toBe(false);
    expect(accessOf(closed, identity({ o: "key-1" }))).toMatchObject({ hasAccess: true, isOrganiser: true });
    // A replaced key opens nothing, not even the passcode's door.
    expect(accessOf({ ...closed, organiserKeyHash: hashSecret("key-2") }, identity({ o: "key-1" }))).toEqual({
      isOrganiser: false,
      hasAccess: false,
      organiserKey: null,
    });
  });

  it("looks only at this event's entries of the cookie", () => {
    const elsewhere = { ...emptyIdentity(), o: { e2: "key-1" }, p: { e2: tagOf(hashSecret("letmein")) } };
    expect(accessOf({ ...event, passcodeHash: hashSecret("letmein") }, elsewhere)).toMatchObject({
      hasAccess: false,
      isOrganiser: false,
    });
  });
});
