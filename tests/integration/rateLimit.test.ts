import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * Write limits per client IP, with a server that allows only 5 writes a
 * minute. Every test here comes from the same address, so they share one
 * budget and run in order: the first test spends it.
 */

let server: TestServer;
let db: DbProbe;

beforeAll(async () => {
  server = await startServer({ WRITES_PER_MINUTE_PER_IP: "5" });
  db = openDbProbe(server.dbPath);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

afterEach(() => {
  expect(server.errors, "the server logged errors").toEqual([]);
});

/** A write over the limit answers 429 with a page that says to slow down. */
async function expectRefused(response: Response) {
  expect(response.status).toBe(429);
  expect(await response.text()).toMatch(/Slow down: too many changes in a short time/);
}
let organiser: HttpClient;
let slug = "";

describe("writes per minute per IP", () => {
  it("allows 5 writes, then refuses the 6th, writing nothing", async () => {
    organiser = new HttpClient(server.url);
    const created = await organiser.post("/?index", {
      intent: "create",
      name: "Busy Camp",
      date: "2026-12-01",
      timeZone: "Europe/London",
    });
    expect(created.status).toBe(302);
    slug = "busy-camp";
    expect((await organiser.get(`/e/${slug}/admin`)).status).toBe(200);

    for (const name of ["One", "Two", "Three", "Four"]) {
      const response = await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name, capacity: "10" });
      expect(response.status, name).toBe(200);
    }
    const before = db.snapshot();
    const sixth = await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Five", capacity: "10" });
    await expectRefused(sixth);
    expect(db.snapshot()).toEqual(before);
    expect(db.all("select name from rooms order by position")).toEqual(
      ["One", "Two", "Three", "Four"].map((name) => ({ name })),
    );
  });

  it("limits every kind of write from that address, and creates nothing", async () => {
    const before = db.snapshot();
    const stranger = new HttpClient(server.url);
    const create = await stranger.post("/?index", {
      intent: "create",
      name: "One Too Many Camp",
      date: "2026-12-01",
      timeZone: "Europe/London",
    });
    await expectRefused(create);
    expect(create.headers.getSetCookie()).toEqual([]);

    const join = await stranger.post(`/e/${slug}?index`, { intent: "join", name: "Late" });
    await expectRefused(join);
    expect(join.headers.getSetCookie()).toEqual([]);

    const vote = await organiser.post(`/e/${slug}/admin`, { intent: "open-voting" });
    await expectRefused(vote);
    expect(db.snapshot()).toEqual(before);
  });

  it("does not limit reading", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await organiser.get(`/e/${slug}/admin`)).status).toBe(200);
    }
    expect((await new HttpClient(server.url).get(`/e/${slug}`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
