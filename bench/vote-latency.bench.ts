import { type HttpClient, createEvent, joinAs } from "../tests/helpers/http";
import { startServer } from "../tests/helpers/server";
import { connectSocket } from "../tests/helpers/socket";
import { type BenchResult, percentile } from "./run";

/**
 * Vote to screen: how long from sending a vote to another person's socket
 * holding the new tally. Against the real production server (child process,
 * temporary database, loopback), 50 attendees vote one at a time for 5
 * pitches; a watcher socket that joined the event measures when the
 * "votes:tallies" message carrying each pitch's new count arrives. The
 * baseline is a bare GET /healthz round trip on the same connection pool.
 *
 * Two ways of posting a vote are measured, 50 votes each:
 * - the vote button's fetcher (single fetch: POST /e/<slug>.data?index), what
 *   a browser with JavaScript sends;
 * - the plain form post (POST /e/<slug>?index, the whole page comes back),
 *   what a browser without JavaScript sends.
 */

const ATTENDEES = 50;
const PITCHES = 5;
const HEALTH_SAMPLES = 50;
const WARMUP = 5;
const TALLY_TIMEOUT_MS = 5000;

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export async function run(): Promise<BenchResult> {
  const server = await startServer();
  const sockets: Array<{ disconnect(): unknown }> = [];
  try {
    const { organiser, slug } = await createEvent(server.url, { name: "Bench Camp" });
    const pitcher = await joinAs(server.url, slug, "Pitcher");
    const pitchIds: string[] = [];
    for (let i = 0; i < PITCHES; i++) {
      const response = await pitcher.post(`/e/${slug}/pitch?index`, {
        title: `Bench pitch ${i + 1}`,
        description: "",
        tags: "",
        clientId: `bench-pitch-${i}`,
      });
      const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1];
      if (response.status !== 302 || !id) throw new Error(`pitching answered ${response.status}`);
      pitchIds.push(id);
    }
    const opened = await organiser.post(`/e/${slug}/admin`, { intent: "open-voting" });
    if (opened.status !== 200) throw new Error(`open-voting answered ${opened.status}`);

    const voters: HttpClient[] = [];
    for (let i = 0; i < ATTENDEES; i++) voters.push(await joinAs(server.url, slug, `Voter ${i + 1}`));
    const warmers: HttpClient[] = [];
    for (let i = 0; i < WARMUP; i++) warmers.push(await joinAs(server.url, slug, `Warm-up ${i + 1}`));

    // The watcher: someone else's phone, following the event live.
    const watcherClient = await joinAs(server.url, slug, "Watcher");
    const watcher = await connectSocket(server.url, watcherClient);
    sockets.push(watcher);
    const joined = await watcher.timeout(3000).emitWithAck("event:join", { slug });
    if (!joined.ok) throw new Error(`watcher could not join: ${joined.error}`);

    /** When each (pitch, count) was first seen by the watcher. */
    const seenAt = new Map<string, number>();
    const waiting = new Map<string, (at: number) => void>();
    let messages = 0;
    watcher.on("votes:tallies", (update) => {
      const at = performance.now();
      messages++;
      for (const [pitchId, count] of Object.entries(update.tallies)) {
        const key = `${pitchId}:${count}`;
        if (!seenAt.has(key)) seenAt.set(key, at);
        waiting.get(key)?.(at);
      }
    });
    const tallyArrival = (pitchId: string, count: number): Promise<number> => {
      const key = `${pitchId}:${count}`;
      const already = seenAt.get(key);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          reject(new Error(`no tally ${count} for ${pitchId} within ${TALLY_TIMEOUT_MS} ms`));
        }, TALLY_TIMEOUT_MS);
        waiting.set(key, (at) => {
          clearTimeout(timer);
          waiting.delete(key);
          resolve(at);
        });
      });
    };

    const tally = new Map(pitchIds.map((id) => [id, 0]));

    /** One vote; resolves with [ms until the POST answered, ms until the watcher had the new count]. */
    async function timeVote(voter: HttpClient, pitchId: string, path: string): Promise<[number, number]> {
      const expected = (tally.get(pitchId) ?? 0) + 1;
      tally.set(pitchId, expected);
      const arrival = tallyArrival(pitchId, expected);
      const sent = performance.now();
      const response = await voter.post(path, { intent: "vote", pitchId, vote: "true" });
      const answered = performance.now();
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`vote answered ${response.status}`);
      return [answered - sent, (await arrival) - sent];
    }

    // Warm up the connection pool, the route modules and SQLite's caches.
    for (let i = 0; i < WARMUP; i++) {
      await (await organiser.get("/healthz")).arrayBuffer();
      await timeVote(warmers[i] as HttpClient, pitchIds[i % PITCHES] as string, `/e/${slug}.data?index`);
    }

    const health: number[] = [];
    for (let i = 0; i < HEALTH_SAMPLES; i++) {
      const sent = performance.now();
      const response = await organiser.get("/healthz");
      await response.arrayBuffer();
      health.push(performance.now() - sent);
      if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
    }

    const series = async (path: string, offset: number, gapMs = 0) => {
      const answer: number[] = [];
      const screen: number[] = [];
      for (let i = 0; i < ATTENDEES; i++) {
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
        const [a, s] = await timeVote(voters[i] as HttpClient, pitchIds[(i + offset) % PITCHES] as string, path);
        answer.push(a);
        screen.push(s);
      }
      return { answer, screen };
    };
    const messagesBefore = messages;
    const fetcher = await series(`/e/${slug}.data?index`, 0);
    const form = await series(`/e/${slug}?index`, 1);
    const tallyMessages = messages - messagesBefore;
    // Votes further apart than the tick: each goes out at once (the throttle's leading edge).
    const spaced = await series(`/e/${slug}.data?index`, 2, 120);

    const baseline = median(health);
    const figures = [
      { label: "GET /healthz round trip, median", value: baseline, unit: "ms" },
      { label: "vote (fetcher) to watcher's screen, median", value: median(fetcher.screen), unit: "ms" },
      { label: "vote (fetcher) to watcher's screen, p90", value: percentile(fetcher.screen, 90), unit: "ms" },
      { label: "vote (fetcher) to watcher's screen, max", value: Math.max(...fetcher.screen), unit: "ms" },
      { label: "vote (fetcher) median / healthz median", value: median(fetcher.screen) / baseline, unit: "x" },
      { label: "vote (fetcher) POST answered, median", value: median(fetcher.answer), unit: "ms" },
      { label: "vote (form post) to watcher's screen, median", value: median(form.screen), unit: "ms" },
      { label: "vote (form post) to watcher's screen, p90", value: percentile(form.screen, 90), unit: "ms" },
      { label: "vote (form post) to watcher's screen, max", value: Math.max(...form.screen), unit: "ms" },
      { label: "vote (form post) median / healthz median", value: median(form.screen) / baseline, unit: "x" },
      { label: "vote (form post) POST answered, median", value: median(form.answer), unit: "ms" },
      { label: "vote 120 ms apart to watcher's screen, median", value: median(spaced.screen), unit: "ms" },
      { label: "vote 120 ms apart to watcher's screen, p90", value: percentile(spaced.screen, 90), unit: "ms" },
      { label: "vote 120 ms apart median / healthz median", value: median(spaced.screen) / baseline, unit: "x" },
    ];
    return {
      name: "vote latency",
      description: `${ATTENDEES} attendees vote one at a time (${PITCHES} pitches); time from sending the POST to a watcher socket receiving "votes:tallies" with that pitch's new count. Baseline: ${HEALTH_SAMPLES} GET /healthz round trips.`,
      figures,
      notes: [
        "Tallies are throttled to one message per event per 50 ms tick (TALLY_TICK_MS), leading edge: a vote that comes after a quiet tick goes out at once, while back-to-back votes (the first two series, one every ~50 ms) each wait for the next tick; the figures include that wait.",
        `${tallyMessages} "votes:tallies" messages reached the watcher for the ${2 * ATTENDEES} back-to-back votes.`,
        "Loopback, one process per side, production build, pino logging at info to a pipe.",
      ],
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await server.stop();
  }
}
