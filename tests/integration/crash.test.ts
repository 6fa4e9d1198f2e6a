import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { type Socket, io } from "socket.io-client";
import { afterAll, describe, expect, it } from "vitest";
import type { Ack, JoinedEvent } from "../../app/realtime/contract";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";

/**
 * Durability (issue 10, "What to build beyond the fixes", item 5): the real
 * server takes a vote burst (attendees voting over sockets) and a capture
 * stream (note-takers adding items with client-made ids) at the same time,
 * while the organiser keeps changing the event; it is killed with SIGKILL
 * mid-stream and started again on the same database file and port. The
 * clients reconnect on their own, join again, and resend every write that
 * was not acknowledged, with the same ids. Then:
 *
 * - every acknowledged write is stored, exactly once (no note twice, no vote lost);
 * - every resent write is stored once: the server recognises a note it already has;
 * - each client's event:join after the restart carries the database's version and tallies.
 */

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "unconf-crash-"));
const dbPath = join(dir, "unconf.sqlite");

const VOTERS = 30;
const VOTES_EACH = 6;
const PITCHES = 8;
const NOTE_TAKERS = 6;
const NOTES_EACH = 50;
/** Kill the server once this share of all writes has been acknowledged. */
const KILL_AT = 0.35;

interface Running {
  child: ChildProcess;
  errors: string[];
  exited: Promise<number | null>;
}

let current: Running | undefined;
let port = 0;
let db: DbProbe | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const found = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(found));
    });
  });
}

/** Starts the production build on `port` with the one database file; resolves once it listens. */
async function start(): Promise<Running> {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: dbPath,
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      DEMO: "off",
      LOG_LEVEL: "info",
      WRITES_PER_MINUTE_PER_ATTENDEE: "100000",
      WRITES_PER_MINUTE_PER_IP: "100000",
      NEW_ATTENDEES_PER_MINUTE_PER_IP: "1000000",
      NEW_EVENTS_PER_HOUR_PER_IP: "1000000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const errors: string[] = [];
  const lines: string[] = [];
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => lines.push(line));
  await new Promise<void>((ready, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${lines.join("\n")}`)), 30_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      lines.push(line);
      if (!line.startsWith("{")) return;
      try {
        const entry = JSON.parse(line) as { level: number; msg: string };
        if (entry.level >= 50) errors.push(line);
        if (entry.msg === "listening") {
          clearTimeout(timer);
          ready();
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${lines.join("\n")}`));
    });
  });
  return { child, errors, exited };
}

afterAll(async () => {
  for (const client of [...clients, ...watchers]) client.socket.disconnect();
  db?.close();
  if (current && current.child.exitCode === null && current.child.signalCode === null) {
    current.child.kill("SIGTERM");
    await current.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

// ------------------------------------------------------------------ clients

interface Write {
  event: "vote:set" | "item:add";
  payload: Record<string, unknown>;
  /** Set when the first ok ack arrived. */
  acked: boolean;
  ackedBeforeKill: boolean;
  /** Times it was sent. */
  sends: number;
  /** Acks that said the server already had it. */
  duplicateAcks: number;
}

interface Client {
  name: string;
  socket: Socket;
  joined: boolean;
  lastJoin?: Ack<JoinedEvent>;
  writes: Write[];
  attendeeId: string;
}

const clients: Client[] = [];
/** Called on every first ack: kills the server the moment enough writes are acknowledged, however fast they come. */
let onAck: () => void = () => {};
/** Clients that only follow the event (the organiser). */
const watchers: Client[] = [];
let killed = false;
let slug = "";

function connect(client: HttpClient, name: string, attendeeId: string): Client {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ["websocket"],
    extraHeaders: { Cookie: cookie },
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    randomizationFactor: 0.5,
    timeout: 10_000,
  });
  const c: Client = { name, socket, joined: false, writes: [], attendeeId };
  socket.on("connect", () => {
    // Every (re)connection joins again: a client resyncs from the join's version and tallies.
    (socket.timeout(15_000).emitWithAck("event:join", { slug }) as Promise<Ack<JoinedEvent>>).then(
      (ack) => {
        c.lastJoin = ack;
        c.joined = ack.ok;
      },
      () => {},
    );
  });
  socket.on("disconnect", () => {
    c.joined = false;
  });
  return c;
}

/** Sends one write; resolves with the ack, or undefined when the connection dropped or no ack came. */
function send(c: Client, w: Write): Promise<Ack<{ duplicate?: boolean }> | undefined> {
  return new Promise((done) => {
    const dropped = () => done(undefined);
    c.socket.once("disconnect", dropped);
    w.sends++;
    (c.socket.timeout(10_000).emitWithAck(w.event, w.payload) as Promise<Ack<{ duplicate?: boolean }>>).then(
      (ack) => {
        c.socket.off("disconnect", dropped);
        done(ack);
      },
      () => {
        c.socket.off("disconnect", dropped);
        done(undefined);
      },
    );
  });
}

/** The client's outbox: writes one at a time, each until acknowledged; waits while disconnected. */
async function drain(c: Client, deadline: number): Promise<void> {
  for (const w of c.writes) {
    while (!w.acked) {
      if (performance.now() > deadline) return;
      if (!c.socket.connected || !c.joined) {
        await sleep(50);
        continue;
      }
      const ack = await send(c, w);
      if (ack?.ok) {
        w.acked = true;
        w.ackedBeforeKill = !killed;
        if (ack.duplicate) w.duplicateAcks++;
        onAck();
      } else {
        await sleep(100);
      }
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// ------------------------------------------------------------------ the test

describe("a SIGKILL in the middle of a vote burst and a capture stream", () => {
  it("loses no acknowledged write, stores each once, and clients resync after the restart", async () => {
    const started = performance.now();
    port = await freePort();
    current = await start();
    const firstStartMs = performance.now() - started;
    const base = `http://127.0.0.1:${port}`;

    // The event: voting open, a budget that fits every voter's votes, pitches to vote for and to note in.
    const event = await createEvent(base, { name: "Crash Camp" });
    slug = event.slug;
    db = openDbProbe(dbPath);
    const eventId = db.eventBySlug(slug).id;
    const organiserPost = async (fields: Record<string, string>) => {
      const response = await event.organiser.post(`/e/${slug}/admin`, fields);
      await response.arrayBuffer();
      return response.status;
    };
    expect(await organiserPost({ intent: "open-voting" })).toBe(200);
    expect(await organiserPost({ intent: "voting-settings", votesPerAttendee: String(VOTES_EACH) })).toBe(200);
    const pitcher = await joinAs(base, slug, "Pia");
    for (let i = 0; i < PITCHES; i++) {
      const response = await pitcher.post(`/e/${slug}/pitch?index`, {
        title: `Session ${i}`,
        description: "",
        tags: "",
        clientId: `crash-pitch-${i}-xx`,
      });
      expect(response.status).toBe(302);
    }
    const pitchIds = db
      .all<{ id: string }>("select id from pitches where event_id = ? order by title", eventId)
      .map((r) => r.id);
    const attendeeId = (name: string) =>
      db?.get<{ id: string }>("select id from attendees where event_id = ? and name = ?", eventId, name)?.id ?? "";

    // Attendees join over HTTP a few at a time, then each opens its socket.
    const names = [
      ...Array.from({ length: VOTERS }, (_, v) => `Voter ${v}`),
      ...Array.from({ length: NOTE_TAKERS }, (_, n) => `Note-taker ${n}`),
    ];
    const joined = new Map<string, HttpClient>();
    for (let i = 0; i < names.length; i += 6) {
      await Promise.all(names.slice(i, i + 6).map(async (name) => joined.set(name, await joinAs(base, slug, name))));
    }
    for (let v = 0; v < VOTERS; v++) {
      const name = `Voter ${v}`;
      const c = connect(joined.get(name) as HttpClient, name, attendeeId(name));
      for (let k = 0; k < VOTES_EACH; k++) {
        const payload = { pitchId: pitchIds[(v + k) % PITCHES], vote: true };
        c.writes.push({ event: "vote:set", payload, acked: false, ackedBeforeKill: false, sends: 0, duplicateAcks: 0 });
      }
      clients.push(c);
    }
    for (let n = 0; n < NOTE_TAKERS; n++) {
      const name = `Note-taker ${n}`;
      const c = connect(joined.get(name) as HttpClient, name, attendeeId(name));
      for (let k = 0; k < NOTES_EACH; k++) {
        const payload = {
          id: `crash-${n}-${k}-${Math.random().toString(36).slice(2, 10)}`,
          pitchId: pitchIds[k % PITCHES],
          kind: "note",
          text: `Note ${k} by note-taker ${n}`,
        };
        c.writes.push({ event: "item:add", payload, acked: false, ackedBeforeKill: false, sends: 0, duplicateAcks: 0 });
      }
      clients.push(c);
    }
    const organiserSocket = connect(event.organiser, "organiser", "");
    watchers.push(organiserSocket);
    await waitFor(() => [...clients, organiserSocket].every((c) => c.joined), 30_000, "every client to join");
    const setupMs = performance.now() - started;

    const writes = clients.flatMap((c) => c.writes);
    const deadline = performance.now() + 90_000;
    const running = current;
    let firstRunErrors: string[] = [];
    const killedNow = new Promise<void>((done) => {
      onAck = () => {
        if (killed || writes.filter((w) => w.acked).length < writes.length * KILL_AT) return;
        killed = true;
        firstRunErrors = running.errors;
        running.child.kill("SIGKILL");
        done();
      };
    });
    // Everyone writes at once; the organiser keeps changing the event (each change a new version) until the kill.
    const draining = clients.map((c) => drain(c, deadline));
    let rooms = 0;
    const organiserChanges = (async () => {
      while (!killed) {
        await organiserPost({ intent: "add-room", name: `Room ${++rooms}`, capacity: "50" }).catch(() => 0);
        await sleep(20);
      }
    })();

    await withTimeout(killedNow, 60_000, "enough acks to kill the server");
    await running.exited;
    const ackedBeforeKill = writes.filter((w) => w.ackedBeforeKill);
    const inFlightSends = writes.filter((w) => !w.acked && w.sends > 0).length;
    await organiserChanges;

    // What the database held at the moment of the kill: every acknowledged write is already there.
    const storedItemIds = new Set(db.all<{ id: string }>("select id from captured_items").map((r) => r.id));
    const storedVotes = new Set(
      db.all<{ k: string }>("select pitch_id || '|' || attendee_id as k from votes").map((r) => r.k),
    );
    const voteKey = (c: Client, w: Write) => `${w.payload.pitchId}|${c.attendeeId}`;
    const lostAtKill = clients.flatMap((c) =>
      c.writes.filter(
        (w) =>
          w.ackedBeforeKill &&
          (w.event === "item:add" ? !storedItemIds.has(String(w.payload.id)) : !storedVotes.has(voteKey(c, w))),
      ),
    );

    // Restart on the same file and port; the clients reconnect, join again and resend what was not acknowledged.
    const streamMs = performance.now() - started - setupMs;
    current = await start();
    const restartMs = performance.now() - started - setupMs - streamMs;
    await Promise.all(draining);
    expect(
      writes.filter((w) => !w.acked),
      "writes never acknowledged",
    ).toEqual([]);

    // A lost ack looks like this to the server: every note-taker sends five acknowledged notes again.
    let resentAcked = 0;
    for (const c of clients.filter((x) => x.name.startsWith("Note-taker"))) {
      for (const w of c.writes.filter((x) => x.ackedBeforeKill).slice(0, 5)) {
        const ack = await send(c, w);
        expect(ack?.ok, `${c.name} resending ${w.payload.id}`).toBe(true);
        if (ack?.ok && ack.duplicate) w.duplicateAcks++;
        resentAcked++;
      }
    }

    // Stored exactly once.
    const items = db.all<{ id: string; text: string; author_id: string }>(
      "select id, text, author_id from captured_items where event_id = ?",
      eventId,
    );
    const plannedItems = clients.flatMap((c) => c.writes.filter((w) => w.event === "item:add").map((w) => ({ c, w })));
    const byText = new Map<string, number>();
    for (const item of items) byText.set(item.text, (byText.get(item.text) ?? 0) + 1);
    const duplicatedItems = [...byText.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
    const missingItems = plannedItems.filter(({ w }) => !items.some((i) => i.id === w.payload.id));
    const wrongAuthor = plannedItems.filter(
      ({ c, w }) => items.find((i) => i.id === w.payload.id)?.author_id !== c.attendeeId,
    );
    const votes = db.all<{ pitch_id: string; attendee_id: string }>(
      "select pitch_id, attendee_id from votes where event_id = ?",
      eventId,
    );
    const plannedVotes = clients.flatMap((c) =>
      c.writes.filter((w) => w.event === "vote:set").map((w) => voteKey(c, w)),
    );
    const voteKeys = votes.map((v) => `${v.pitch_id}|${v.attendee_id}`);
    const missingVotes = plannedVotes.filter((k) => !voteKeys.includes(k));
    const duplicatedVotes = voteKeys.length - new Set(voteKeys).size;
    const unplannedVotes = voteKeys.filter((k) => !plannedVotes.includes(k)).length;

    // Clients resync: a fresh join from every client carries the database's version and tallies.
    const version = db.eventBySlug(slug) as unknown as { version: number };
    const tallies: Record<string, number> = {};
    for (const v of votes) tallies[v.pitch_id] = (tallies[v.pitch_id] ?? 0) + 1;
    const stale: string[] = [];
    for (const c of [...clients, organiserSocket]) {
      const ack = (await c.socket.timeout(15_000).emitWithAck("event:join", { slug })) as Ack<JoinedEvent>;
      if (!ack.ok) {
        stale.push(`${c.name}: ${ack.error}`);
        continue;
      }
      if (ack.version !== version.version) stale.push(`${c.name}: version ${ack.version}, database ${version.version}`);
      if (ack.attendeeId !== (c.attendeeId || null)) stale.push(`${c.name}: joined as ${ack.attendeeId}`);
      const seen = Object.fromEntries(Object.entries(ack.tallies ?? {}).filter(([, n]) => n > 0));
      if (JSON.stringify(Object.entries(seen).sort()) !== JSON.stringify(Object.entries(tallies).sort())) {
        stale.push(`${c.name}: tallies ${JSON.stringify(seen)}`);
      }
    }
    // The rejoin made on reconnection (before any resend) carried a version too: none ahead of the database.
    const aheadOfDatabase = [...clients, organiserSocket].filter(
      (c) => c.lastJoin?.ok && c.lastJoin.version > version.version,
    );

    const report = {
      writes: writes.length,
      acknowledgedBeforeKill: ackedBeforeKill.length,
      inFlightAtKill: inFlightSends,
      acknowledgedInTheEnd: writes.filter((w) => w.acked).length,
      resends: writes.reduce((a, w) => a + Math.max(0, w.sends - 1), 0) + resentAcked,
      recognisedAsDuplicates: writes.reduce((a, w) => a + w.duplicateAcks, 0),
      storedNotes: items.length,
      storedVotes: votes.length,
      lostAcknowledgedAtKill: lostAtKill.length,
      duplicatedNotes: duplicatedItems,
      duplicatedVotes,
      versionAfterRestart: version.version,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    const phaseText = Object.entries({
      "first start": firstStartMs,
      "rest of the setup": setupMs - firstStartMs,
      "stream to the kill": streamMs,
      restart: restartMs,
    })
      .map(([k, ms]) => `${k} ${Math.round(ms / 100) / 10} s`)
      .join(", ");
    console.log(
      `Crash test: ${report.writes} writes (${VOTERS * VOTES_EACH} votes, ${NOTE_TAKERS * NOTES_EACH} notes); ` +
        `${report.acknowledgedBeforeKill} acknowledged before SIGKILL, ${report.inFlightAtKill} in flight; ` +
        `after the restart ${report.acknowledgedInTheEnd} acknowledged, ${report.resends} resent, ` +
        `${report.recognisedAsDuplicates} recognised as already stored; stored ${report.storedNotes} notes and ` +
        `${report.storedVotes} votes; ${report.lostAcknowledgedAtKill} acknowledged writes lost, ` +
        `${report.duplicatedNotes} notes and ${report.duplicatedVotes} votes duplicated; ` +
        `clients resynced at version ${report.versionAfterRestart}; ${report.seconds} s (${phaseText})`,
    );

    expect(
      lostAtKill.map((w) => w.payload),
      "acknowledged before the kill but not stored",
    ).toEqual([]);
    expect(
      missingItems.map(({ w }) => w.payload.id),
      "acknowledged notes not stored",
    ).toEqual([]);
    expect(
      wrongAuthor.map(({ w }) => w.payload.id),
      "notes stored under another author",
    ).toEqual([]);
    expect(items.length).toBe(plannedItems.length);
    expect(duplicatedItems).toBe(0);
    expect(missingVotes, "acknowledged votes not stored").toEqual([]);
    expect({ duplicatedVotes, unplannedVotes }).toEqual({ duplicatedVotes: 0, unplannedVotes: 0 });
    // Every deliberate resend of an acknowledged note was recognised as already stored.
    expect(report.recognisedAsDuplicates).toBeGreaterThanOrEqual(resentAcked);
    expect(resentAcked).toBeGreaterThan(0);
    expect(stale, "clients that did not resync").toEqual([]);
    expect(aheadOfDatabase.map((c) => c.name)).toEqual([]);
    expect(firstRunErrors, "the server logged errors before the kill").toEqual([]);
    expect(current.errors, "the restarted server logged errors").toEqual([]);
  }, 120_000);
});
