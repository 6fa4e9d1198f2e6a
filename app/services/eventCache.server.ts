import type { Db } from "../../db/client";
import type { Event } from "../../db/schema";
import { prepared } from "./prepared.server";
import { findEventById, findEventBySlug } from "./viewer.server";

/**
 * Event rows kept in memory for the sockets, which read their event's
 * settings (voting open, budget, blind) and secrets (passcode, organiser
 * key) on every command without asking the database (issue 9: re-reading
 * who is asking was 20% of a vote burst's CPU).
 *
 * A cache that can be rebuilt from the database at any time (DESIGN.md),
 * kept true in two ways:
 * - writes in this process: every service that changes an event row hands
 *   the committed row to `put` (the settings in `updateEvent`, the version in
 *   `publishChange`, the organiser key in `rotateOrganiserKey`);
 * - writes by another connection (`npm run organiser-link` is a separate
 *   process): SQLite's `PRAGMA data_version` changes when another connection
 *   commits, so every read checks it first and reloads the cached rows when
 *   it moved, and `sync` (called on a timer by the hub) does the same for
 *   sockets that send nothing.
 *
 * When a row's passcode or organiser key changes, or the row is gone, the
 * listeners hear of it at once: the hub drops the sockets that lost access
 * (issue 10, hole 9).
 */
export type AccessListener = (eventId: string, event: Event | undefined) => void;

const cacheStatements = (db: Db) => ({
  dataVersion: db.$client.prepare("pragma data_version").pluck(),
});

export function createEventCache() {
  const byId = new Map<string, Event>();
  const idBySlug = new Map<string, string>();
  const listeners = new Set<AccessListener>();
  let seenDataVersion: number | undefined;

  function notify(eventId: string, event: Event | undefined) {
    for (const listener of listeners) listener(eventId, event);
  }

  function put(event: Event): void {
    const before = byId.get(event.id);
    if (before && before.slug !== event.slug) idBySlug.delete(before.slug);
    byId.set(event.id, event);
    idBySlug.set(event.slug, event.id);
    if (before && (before.passcodeHash !== event.passcodeHash || before.organiserKeyHash !== event.organiserKeyHash)) {
      notify(event.id, event);
    }
  }

  function forget(eventId: string): void {
    const before = byId.get(eventId);
    if (!before) return;
    byId.delete(eventId);
    idBySlug.delete(before.slug);
    notify(eventId, undefined);
  }

  /** Reloads every cached row if another connection committed since the last look. */
  function sync(db: Db): void {
    const version = prepared(db, cacheStatements).dataVersion.get() as number;
    if (version === seenDataVersion) return;
    const first = seenDataVersion === undefined;
    seenDataVersion = version;
    if (first) return;
    for (const id of [...byId.keys()]) {
      const row = findEventById({ db }, id);
      if (row) put(row);
      else forget(id);
    }
  }

  return {
    /** The event's current row, from memory when cached. */
    byId(db: Db, id: string): Event | undefined {
      sync(db);
      const cached = byId.get(id);
      if (cached) return cached;
      const row = findEventById({ db }, id);
      if (row) put(row);
      return row;
    },
    /** Reads the row from the database and caches it: for a socket joining, which must start from the current version. */
    fresh(db: Db, slug: string): Event | undefined {
      sync(db);
      const row = findEventBySlug({ db }, slug);
      if (row) put(row);
      else {
        const id = idBySlug.get(slug);
        if (id) forget(id);
      }
      return row;
    },
    /** After a write to the event row commits: the row as committed. */
    put,
    sync,
    /** Called when an event's passcode or organiser key changed, or its row is gone; returns the unsubscribe. */
    onAccessChanged(listener: AccessListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type EventCache = ReturnType<typeof createEventCache>;
