import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, closeDatabase, openDatabase } from "../../db/client";
import { type Event, attendees, events, pitches, votes } from "../../db/schema";
import type { Publisher, ServiceContext } from "../../app/services/context.server";
import { createEventCache } from "../../app/services/eventCache.server";
import { createFactsCache } from "../../app/services/facts.server";
import { createIdentityCookie, hashSecret } from "../../app/services/identity.server";
import { setVote } from "../../app/services/pitches.server";
import { createWriteLimiter } from "../../app/services/rateLimit.server";
import type { Viewer } from "../../app/services/viewer.server";

/**
 * The vote path's group commit (issue 9): votes sent in the same turn of the
 * event loop share one immediate transaction, each is checked against the
 * budget in the order it came, a refused one leaves the others alone, every
 * answer comes after the commit, and each changed pitch's count is published
 * once per batch with the committed count. On a real database file.
 */

let dir: string;
let db: Db;
let ctx: ServiceContext;
let tallies: Array<[string, number, string]>;
/** Transactions opened on the connection (each group commit is one). */
let transactions: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "unconf-votes-"));
  db = openDatabase(join(dir, "test.sqlite"));
  db.insert(events)
    .values({
      id: "e1",
      slug: "camp",
      name: "Camp",
      date: "2026-12-01",
      timeZone: "Europe/London",
      organiserKeyHash: hashSecret("key-1"),
      votingOpen: true,
      votesPerAttendee: 2,
    })
    .run();
  db.insert(attendees)
    .values([
      { id: "a1", eventId: "e1", name: "Ada" },
      { id: "a2", eventId: "e1", name: "Bo" },
    ])
    .run();
  db.insert(pitches)
    .values([
      { id: "p1", eventId: "e1", title: "One" },
      { id: "p2", eventId: "e1", title: "Two" },
      { id: "p3", eventId: "e1", title: "Three" },
      { id: "gone", eventId: "e1", title: "Withdrawn", status: "withdrawn" },
    ])
    .run();
  tallies = [];
  transactions = 0;
  const transaction = db.$client.transaction.bind(db.$client);
  db.$client.transaction = ((run: () => unknown) => {
    transactions++;
    return transaction(run);
  }) as typeof db.$client.transaction;
  const publish = {
    tally: (_eventId: string, pitchId: string, n: number, audience: string) => tallies.push([pitchId, n, audience]),
  } as unknown as Publisher;
  ctx = {
    db,
    publish,
    facts: createFactsCache(),
    events: createEventCache(),
    limiter: createWriteLimiter({ perAttendeePerMinute: 1000, perIpPerMinute: 1000 }),
    logger: pino({ level: "silent" }),
    identityCookie: createIdentityCookie("test-secret-test-secret-test-secret-01"),
  };
});

afterEach(() => {
  closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

function viewer(attendeeId: string): Viewer {
  const event = db.select().from(events).get() as Event;
  const attendee = db
    .select()
    .from(attendees)
    .all()
    .find((a) => a.id === attendeeId);
  return {
    event,
    attendee: attendee ?? null,
    isOrganiser: false,
    hasAccess: true,
    ip: "127.0.0.1",
    organiserKey: null,
  };
}

const stored = () =>
  db
    .select()
    .from(votes)
    .all()
    .map((v) => `${v.attendeeId}:${v.pitchId}`)
    .sort();

describe("votes sent together", () => {
  it("are checked one by one in the order they came, in one transaction, and answered after it", async () => {
    const sent = [
      setVote(ctx, viewer("a1"), { pitchId: "p1", vote: "true" }),
      setVote(ctx, viewer("a2"), { pitchId: "p1", vote: "true" }),
      setVote(ctx, viewer("a1"), { pitchId: "p2", vote: "true" }),
      // a1's third vote: over the budget of 2, counted with the two before it in the same batch.
      setVote(ctx, viewer("a1"), { pitchId: "p3", vote: "true" }),
      setVote(ctx, viewer("a2"), { pitchId: "gone", vote: "true" }),
      setVote(ctx, viewer("a2"), { pitchId: "nowhere", vote: "true" }),
      setVote(ctx, viewer("a2"), { pitchId: "p2", vote: "true" }),
    ];
    const answers = await Promise.allSettled(sent);
    const outcome = answers.map((a) =>
      a.status === "fulfilled" ? { votes: a.value.votes, left: a.value.votesLeft } : String(a.reason.message),
    );
    expect(outcome).toEqual([
      { votes: 2, left: 1 },
      { votes: 2, left: 1 },
      { votes: 2, left: 0 },
      "You have used all 2 of your votes. Take one back to vote for something else.",
      "This pitch is no longer open for votes.",
      "That pitch is not part of this event.",
      { votes: 2, left: 0 },
    ]);
    expect(stored()).toEqual(["a1:p1", "a1:p2", "a2:p1", "a2:p2"]);
    // One transaction for the seven, and each changed pitch's committed count went out once.
    expect(transactions).toBe(1);
    expect(tallies.sort()).toEqual([
      ["p1", 2, "everyone"],
      ["p2", 2, "everyone"],
    ]);
  });

  it("see the votes committed before them, and a vote taken back frees the budget for the next batch", async () => {
    await Promise.all([
      setVote(ctx, viewer("a1"), { pitchId: "p1", vote: "true" }),
      setVote(ctx, viewer("a1"), { pitchId: "p2", vote: "true" }),
    ]);
    await expect(setVote(ctx, viewer("a1"), { pitchId: "p3", vote: "true" })).rejects.toThrow(/used all 2/);
    const [back, again] = await Promise.all([
      setVote(ctx, viewer("a1"), { pitchId: "p1", vote: "false" }),
      setVote(ctx, viewer("a1"), { pitchId: "p3", vote: "true" }),
    ]);
    expect(back).toMatchObject({ voted: false, votes: 0, votesLeft: 1 });
    expect(again).toMatchObject({ voted: true, votes: 1, votesLeft: 0 });
    expect(stored()).toEqual(["a1:p2", "a1:p3"]);
  });

  it("follow the committed settings, not a cached event row: a vote after voting closed is refused", async () => {
    const before = viewer("a1");
    db.update(events).set({ votingOpen: false }).run();
    await expect(setVote(ctx, before, { pitchId: "p1", vote: "true" })).rejects.toThrow("Voting is closed.");
    expect(stored()).toEqual([]);
    expect(tallies).toEqual([]);
  });

  it("keep the counts from attendees during a blind vote, and tell the organiser theirs", async () => {
    db.update(events).set({ blindVoting: true }).run();
    const mine = await setVote(ctx, viewer("a1"), { pitchId: "p1", vote: "true" });
    expect(mine).toMatchObject({ voted: true, votes: null, votesLeft: 1 });
    const organiser = { ...viewer("a2"), isOrganiser: true };
    expect(await setVote(ctx, organiser, { pitchId: "p1", vote: "true" })).toMatchObject({ votes: 2 });
    expect(tallies).toEqual([
      ["p1", 1, "organisers"],
      ["p1", 2, "organisers"],
    ]);
  });
});
