import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { Server, type Socket } from "socket.io";
import type { ItemView, TallyUpdate } from "../../app/realtime/contract";
import type { EventFacts, EventPatch, PersonalFacts, PitchFact, Tallies } from "../../app/realtime/facts";

/**
 * The live benchmark's floor: a bare Socket.IO 4.8 server with no database,
 * no auth and no Remix, that speaks the same protocol to the same clients and
 * sends the same messages (event:patch with the same parts as the app's
 * pushes, coalesced votes:tallies on a 50 ms leading-edge throttle,
 * item:upserted, session:presence), and answers `GET /e/<slug>/state.json`
 * from memory. Whatever the real server costs beyond this is its own work.
 *
 * Driven by the benchmark over HTTP: `POST /bare/seed` (the app's snapshot, so
 * payloads have the same size), `POST /bare/change` (one change, pushed as the
 * app would). Its state survives a SIGTERM in STATE_FILE, like the app's
 * database, so a restart (the reconnect storm) finds the same event.
 *
 * Run by bench/live.bench.ts: `node --import tsx bench/live/bareServer.ts`
 * with PORT, HOST and STATE_FILE; prints `{"msg":"listening","port":N}`.
 */

const TICK_MS = 50;

/** The personal part of every snapshot the floor serves; typed, so a field added to the facts shows here. */
const NOBODY: PersonalFacts = {
  isOrganiser: false,
  attendee: null,
  myVotes: [],
  myPitches: [],
  mentions: 0,
  coHosting: [],
  invitations: 0,
  myGoing: [],
};

interface State {
  facts: EventFacts | null;
  tallies: Record<string, number>;
  /** Votes per attendee (the Cookie header stands for the attendee: no auth). */
  votes: Record<string, string[]>;
}

const stateFile = process.env.STATE_FILE;
let state: State = { facts: null, tallies: {}, votes: {} };
if (stateFile && existsSync(stateFile)) state = JSON.parse(readFileSync(stateFile, "utf8")) as State;
const votesOf = new Map(Object.entries(state.votes).map(([k, v]) => [k, new Set(v)]));
const items = new Map<string, ItemView>();

const httpServer = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end(String(error));
  });
});
const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024 });

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(text);
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function room(): string {
  return `event:${state.facts?.eventId ?? ""}`;
}

/** Version up, then the push, as the app does after a commit. */
function publish(patch: EventPatch): number {
  const facts = state.facts as EventFacts;
  facts.version += 1;
  io.to(room()).emit("event:patch", { eventId: facts.eventId, version: facts.version, patch });
  return facts.version;
}

type Change =
  | { kind: "pitch"; pitch: PitchFact }
  | { kind: "place"; pitchId: string; roomId: string; slotId: string }
  | { kind: "setting"; votesPerAttendee: number };

function change(input: Change): number {
  const facts = state.facts;
  if (!facts) throw new Error("seed first");
  switch (input.kind) {
    case "pitch":
      facts.pitches.push(input.pitch);
      return publish({ pitches: [input.pitch] });
    case "place":
      facts.placements = [
        ...facts.placements.filter((p) => p.pitchId !== input.pitchId),
        { pitchId: input.pitchId, roomId: input.roomId, slotId: input.slotId, pinned: false, span: 1 },
      ];
      return publish({ placements: facts.placements, conflicts: facts.conflicts });
    case "setting":
      facts.settings = { ...facts.settings, votesPerAttendee: input.votesPerAttendee };
      return publish({
        settings: facts.settings,
        placements: facts.placements,
        conflicts: facts.conflicts,
        tallies: { ...state.tallies },
      });
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://bare");
  if (req.method === "GET" && url.pathname === "/healthz") return json(res, 200, { ok: true });
  if (req.method === "GET" && /^\/e\/[^/]+\/state\.json$/.test(url.pathname)) {
    if (!state.facts) return json(res, 404, { error: "not seeded" });
    return json(res, 200, {
      facts: state.facts,
      tallies: state.tallies,
      going: {},
      personal: NOBODY,
    });
  }
  if (req.method === "POST" && url.pathname === "/bare/seed") {
    const seed = (await body(req)) as { facts: EventFacts; tallies: Tallies | null };
    state = { facts: seed.facts, tallies: { ...(seed.tallies ?? {}) }, votes: {} };
    votesOf.clear();
    return json(res, 200, { ok: true, version: seed.facts.version });
  }
  if (req.method === "POST" && url.pathname === "/bare/change") {
    return json(res, 200, { ok: true, version: change((await body(req)) as Change) });
  }
  json(res, 404, { error: "not found" });
}

// --- Coalesced tallies: the latest counts of what changed, at most once a tick, leading edge ----

const pendingTallies = new Map<string, number>();
let timer: NodeJS.Timeout | null = null;
let lastFlush = 0;

function flush(): void {
  timer = null;
  lastFlush = performance.now();
  const update: TallyUpdate = { eventId: state.facts?.eventId ?? "", tallies: Object.fromEntries(pendingTallies) };
  pendingTallies.clear();
  io.to(room()).emit("votes:tallies", update);
}

function tally(pitchId: string, votes: number): void {
  pendingTallies.set(pitchId, votes);
  if (!timer) timer = setTimeout(flush, Math.max(0, lastFlush + TICK_MS - performance.now()));
}

// --- Socket commands -----------------------------------------------------------------------------

function presence(pitchId: string, leaving = 0): number {
  const name = `session:${pitchId}`;
  const viewers = Math.max(0, (io.sockets.adapter.rooms.get(name)?.size ?? 0) - leaving);
  io.to(name).emit("session:presence", { pitchId, viewers });
  return viewers;
}

type AckFn = (result: object) => void;

io.on("connection", (socket: Socket) => {
  const who = socket.handshake.headers.cookie ?? socket.id;
  socket.on("disconnecting", () => {
    for (const r of socket.rooms) if (r.startsWith("session:")) presence(r.slice("session:".length), 1);
  });
  socket.on("event:join", async (_payload: unknown, ack: AckFn) => {
    if (!state.facts) return ack({ ok: false, error: "There is no event at this address." });
    for (const r of socket.rooms) if (r !== socket.id) await socket.leave(r);
    await socket.join(room());
    ack({
      ok: true,
      eventId: state.facts.eventId,
      isOrganiser: false,
      attendeeId: who,
      version: state.facts.version,
      tallies: { ...state.tallies },
    });
  });
  socket.on("vote:set", (payload: { pitchId: string; vote: boolean }, ack: AckFn) => {
    const mine = votesOf.get(who) ?? new Set<string>();
    votesOf.set(who, mine);
    const had = mine.has(payload.pitchId);
    if (had !== payload.vote) {
      if (payload.vote) mine.add(payload.pitchId);
      else mine.delete(payload.pitchId);
      state.tallies[payload.pitchId] = (state.tallies[payload.pitchId] ?? 0) + (payload.vote ? 1 : -1);
      tally(payload.pitchId, state.tallies[payload.pitchId] as number);
    }
    ack({
      ok: true,
      pitchId: payload.pitchId,
      voted: payload.vote,
      votes: state.tallies[payload.pitchId] ?? 0,
      votesLeft: (state.facts?.settings.votesPerAttendee ?? 0) - mine.size,
    });
  });
  socket.on("session:watch", async (payload: { pitchId: string }, ack: AckFn) => {
    for (const r of socket.rooms) {
      if (r.startsWith("session:") && r !== `session:${payload.pitchId}`) {
        await socket.leave(r);
        presence(r.slice("session:".length));
      }
    }
    await socket.join(`session:${payload.pitchId}`);
    ack({
      ok: true,
      viewers: presence(payload.pitchId),
      chathamHouse: false,
      notesLocked: false,
      stamp: String(items.size),
    });
  });
  socket.on(
    "item:add",
    (payload: { id: string; pitchId: string; kind: ItemView["kind"]; text?: string }, ack: AckFn) => {
      const known = items.get(payload.id);
      if (known) return ack({ ok: true, item: known, duplicate: true });
      const text = (payload.text ?? "").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
      const item: ItemView = {
        id: payload.id,
        kind: payload.kind,
        textHtml: `<p>${text}</p>`,
        blockerHtml: "",
        impactHtml: "",
        helpedHtml: "",
        speaker: null,
        createdAt: new Date().toISOString(),
        changedAt: new Date().toISOString(),
        edited: false,
      };
      items.set(item.id, item);
      ack({ ok: true, item, duplicate: false });
      io.to(`session:${payload.pitchId}`).emit("item:upserted", { pitchId: payload.pitchId, item });
    },
  );
});

httpServer.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : 0;
  console.log(JSON.stringify({ msg: "listening", port }));
});

process.on("SIGTERM", () => {
  if (stateFile) {
    state.votes = Object.fromEntries([...votesOf].map(([k, v]) => [k, [...v]]));
    writeFileSync(stateFile, JSON.stringify(state));
  }
  io.close(() => process.exit(0));
  httpServer.closeAllConnections();
});
