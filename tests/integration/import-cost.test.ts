import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLimits as most } from "../../app/schemas/limits";
import { DbProbe } from "../helpers/db";
import { longest, startProbe, summary } from "../helpers/healthProbe";
import { HttpClient, joinAs } from "../helpers/http";
import { largestEventFile } from "../helpers/largestImport";
import { type TestServer, startServer } from "../helpers/server";

/**
 * Issue 10, hole 1: an anonymous import of a crafted file (one session, 50,000
 * ballots) froze the server for minutes, then every grid page took 134 s.
 * Now an import is bounded (importLimits, app/schemas/limits.ts), its parsing,
 * checking and Markdown run in the worker thread, and its rows go in in short
 * batches. This test imports a file at the largest size the limits allow and
 * asks for every page and export an outsider or an attendee can reach,
 * measuring each answer and the longest /healthz wait meanwhile.
 *
 * The bounds are generous on purpose (a 2-core machine shared with other
 * test runs): a request must answer within REQUEST_BOUND_MS and /healthz must
 * never wait STALL_BOUND_MS. Pages render on the event loop, and at these
 * limits an event page, the grid or a no-JavaScript vote (which answers with
 * the event page) held /healthz for 0.7 to 1.8 s on that machine at a load
 * average over 20, hence 2 s rather than 1 s. Before the fix the grid alone took minutes on such
 * a file, so the bounds still tell the two apart; the measured figures are
 * printed for the record.
 */

const REQUEST_BOUND_MS = 180_000;
const STALL_BOUND_MS = 2000;

let server: TestServer;
let db: DbProbe;

beforeAll(async () => {
  server = await startServer();
  db = new DbProbe(server.dbPath);
}, 60_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
});

/** Posts a file to /import as the browser's file field does. */
function postFile(client: HttpClient, json: string) {
  const form = new FormData();
  form.append("intent", "import");
  form.append("file", new Blob([json], { type: "application/json" }), "camp.unconf.json");
  return client.request("/import", { method: "POST", body: form });
}

describe("hole 1: an event file at the largest size the import limits allow", () => {
  it("is refused with a message naming the limit when a count is over it, before any work", async () => {
    const file = largestEventFile({ noteChars: 10 });
    const over = { ...file, ballots: [...file.ballots, [0]] };
    const eventsBefore = db.count("events");
    const response = await postFile(new HttpClient(server.url), JSON.stringify(over));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      `At most ${most.ballots} ballots can be imported; this file has ${most.ballots + 1}.`,
    );
    // 50,000 one-vote ballots on one session, the file of the report.
    const report = { ...file, ballots: Array.from({ length: 50_000 }, () => [0]) };
    const refused = await postFile(new HttpClient(server.url), JSON.stringify(report));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(`At most ${most.ballots} ballots can be imported; this file has 50000.`);
    expect(db.count("events")).toBe(eventsBefore);
  }, 120_000);

  it("imports, then every page and export an outsider or attendee can ask for answers in bounded time, /healthz never held up", async () => {
    // Every count at its limit; notes of 300 characters keep the file near 5 MB, so this test does not
    // starve the other integration files running beside it (the byte cap bounds the text in any case).
    const json = JSON.stringify(largestEventFile({ noteChars: 300 }));
    const organiser = new HttpClient(server.url);
    const measured: Array<{ name: string; status: number; ms: number; kb: number; healthz: number }> = [];
    /**
     * Times one request under its own /healthz probe. A request that holds the event loop does so every
     * time; the machine's own hiccups do not repeat, so one over the bound is asked again (up to three
     * times, `repeatable` requests only) and its best run counts, as in heavyRequests.test.ts.
     */
    const measure = async (name: string, request: () => Promise<Response>, repeatable = true) => {
      let best: (typeof measured)[number] | undefined;
      let response: Response | undefined;
      for (let attempt = 0; attempt < (repeatable ? 3 : 1) && (!best || best.healthz >= STALL_BOUND_MS); attempt++) {
        const health = await startProbe(server.url);
        const start = performance.now();
        response = await request();
        const body = await response.arrayBuffer();
        const ms = Math.round(performance.now() - start);
        const samples = await health.stop();
        const run = {
          name,
          status: response.status,
          ms,
          kb: Math.round(body.byteLength / 1024),
          healthz: Math.round(longest(samples)),
        };
        if (name === "import") console.info("import /healthz", summary(samples));
        if (!best || run.healthz < best.healthz) best = run;
      }
      measured.push(best as (typeof measured)[number]);
      return response as Response;
    };

    const imported = await measure("import", () => postFile(organiser, json), false);
    expect(imported.status).toBe(302);
    const slug = imported.headers.get("location")?.match(/^\/e\/([^/]+)\/admin/)?.[1] ?? "";
    expect(slug).not.toBe("");
    const event = db.eventBySlug(slug);
    expect(db.count("pitches", event.id)).toBe(most.sessions);
    expect(db.count("captured_items", event.id)).toBe(most.notesPerEvent);
    expect(db.count("votes", event.id)).toBe(most.votes);
    const busiest = db.get<{ id: string }>(
      "select id from pitches where event_id = ? and title like 'Session 1:%'",
      event.id,
    )?.id;

    const visitor = new HttpClient(server.url);
    const attendee = await joinAs(server.url, slug, "Ada");
    // The first page a fresh process renders loads React and the route modules: not measured.
    expect((await visitor.get(`/e/${slug}/export`)).status).toBe(200);
    const pages: Array<[string, () => Promise<Response>]> = [
      ["event page", () => visitor.get(`/e/${slug}`)],
      ["event page (attendee)", () => attendee.get(`/e/${slug}`)],
      ["grid", () => visitor.get(`/e/${slug}/grid`)],
      ["grid (attendee)", () => attendee.get(`/e/${slug}/grid`)],
      ["session page (most notes)", () => visitor.get(`/e/${slug}/s/${busiest}`)],
      ["stories", () => visitor.get(`/e/${slug}/stories`)],
      ["state.json", () => attendee.get(`/e/${slug}/state.json`)],
      ["export page", () => visitor.get(`/e/${slug}/export`)],
      ["export.md", () => visitor.get(`/e/${slug}/export.md`)],
      ["export.zip", () => visitor.get(`/e/${slug}/export.zip`)],
      ["export.wxr", () => visitor.get(`/e/${slug}/export.wxr`)],
      ["export.json (organiser)", () => organiser.get(`/e/${slug}/export.json`)],
      ["session export.md", () => visitor.get(`/e/${slug}/s/${busiest}/export.md`)],
      ["session export.html", () => visitor.get(`/e/${slug}/s/${busiest}/export.html`)],
      ["schedule.ics", () => visitor.get(`/e/${slug}/schedule.ics`)],
      ["schedule.xml", () => visitor.get(`/e/${slug}/schedule.xml`)],
      ["schedule.json", () => visitor.get(`/e/${slug}/schedule.json`)],
      ["my-sessions.ics", () => attendee.get(`/e/${slug}/my-sessions.ics`)],
      ["display", () => visitor.get(`/e/${slug}/display`)],
      [
        "vote (attendee)",
        () => attendee.post(`/e/${slug}?index`, { intent: "vote", pitchId: busiest ?? "", vote: "true" }),
      ],
    ];
    for (const [name, request] of pages) await measure(name, request);
    console.info(
      "cost bounds at the import limits:\n" +
        measured
          .map((m) => `  ${m.name}: ${m.status}, ${m.ms} ms, ${m.kb} KB, longest /healthz ${m.healthz} ms`)
          .join("\n"),
    );
    for (const m of measured.slice(1)) expect([200, 302], m.name).toContain(m.status);
    for (const m of measured) {
      expect(m.ms, m.name).toBeLessThan(REQUEST_BOUND_MS);
      expect(m.healthz, m.name).toBeLessThan(STALL_BOUND_MS);
    }
    expect(server.errors).toEqual([]);
  }, 900_000);
});
