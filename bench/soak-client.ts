import { setTimeout as sleep } from "node:timers/promises";
import type { Ack } from "../app/realtime/contract";
import { type HttpClient, joinAs } from "../tests/helpers/http";
import { type TestSocket, connectSocket } from "../tests/helpers/socket";

/**
 * One child process of the soak (bench/soak.bench.ts): SOAK_COUNT attendees,
 * each joined over HTTP with its own socket, acting at a person's pace until
 * SOAK_UNTIL (ms since the epoch): a vote or an unvote (vote:set), a note in a
 * session (item:add), now and then a pitch over HTTP, and a session page
 * watched. Prints one JSON line with its counts when done.
 */

const base = process.env.SOAK_BASE ?? "";
const slug = process.env.SOAK_SLUG ?? "";
const count = Number(process.env.SOAK_COUNT ?? 50);
const until = Number(process.env.SOAK_UNTIL ?? Date.now() + 60_000);
const intervalMs = Number(process.env.SOAK_INTERVAL_MS ?? 10_000);
const pitchIds = JSON.parse(process.env.SOAK_PITCHES ?? "[]") as string[];
const tag = process.env.SOAK_TAG ?? "0";

const stats = { joined: 0, acked: 0, refused: 0, failed: 0, pitches: 0 };
/** Why joins failed, by message, for the soak's notes. */
const reasons: Record<string, number> = {};

type Emitter = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<Ack<object>> } };

async function emit(socket: TestSocket, event: string, payload: unknown): Promise<void> {
  try {
    const ack = await (socket as unknown as Emitter).timeout(30_000).emitWithAck(event, payload);
    if (ack.ok) stats.acked++;
    else stats.refused++;
  } catch {
    stats.failed++;
  }
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

async function person(i: number): Promise<void> {
  // Arrivals spread over the first minute, as people come in; a failed arrival tries again, as a person would.
  await sleep(Math.random() * Math.max(intervalMs, 60_000));
  let client: HttpClient | undefined;
  let socket: TestSocket | undefined;
  for (let attempt = 0; !socket && attempt < 5 && Date.now() < until; attempt++) {
    try {
      client ??= await joinAs(base, slug, `Soak ${tag}-${i}`);
      socket = await connectSocket(base, client);
      await emit(socket, "event:join", { slug });
      stats.joined++;
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 80);
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      await sleep(2000 * (attempt + 1));
    }
  }
  if (!client || !socket) {
    stats.failed++;
    return;
  }
  const mine = new Set<string>();
  let notes = 0;
  while (Date.now() < until) {
    await sleep(intervalMs * (0.5 + Math.random()));
    if (Date.now() >= until) break;
    const roll = Math.random();
    if (roll < 0.5) {
      const pitchId = pick(pitchIds);
      const vote = !mine.has(pitchId) && mine.size < 3;
      if (vote) mine.add(pitchId);
      else mine.delete(pitchId);
      await emit(socket, "vote:set", { pitchId, vote });
    } else if (roll < 0.9) {
      const pitchId = pick(pitchIds);
      await emit(socket, "session:watch", { pitchId });
      await emit(socket, "item:add", {
        id: `soak-${tag}-${i}-${++notes}`.padEnd(12, "x"),
        pitchId,
        kind: "note",
        text: `Note ${notes} from soak person ${tag}-${i}: **bold** and a [link](https://example.org).`,
      });
    } else if (roll < 0.93) {
      const response = await client.post(`/e/${slug}/pitch?index`, {
        title: `Soak pitch ${tag}-${i}-${notes}`,
        description: "Made by the soak.",
        tags: "soak",
      });
      if (response.status === 302) stats.pitches++;
      else stats.failed++;
    } else {
      const response = await client.get(`/e/${slug}`);
      await response.arrayBuffer();
      if (response.status === 200) stats.acked++;
      else stats.failed++;
    }
  }
  socket.disconnect();
}

await Promise.all(Array.from({ length: count }, (_, i) => person(i)));
console.log(JSON.stringify({ ...stats, reasons }));
process.exit(0);
