import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ack, JoinedEvent } from "../../app/realtime/contract";
import { openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

/** Bugs found while testing the foundation, each pinned by a test. */
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

describe("regressions", () => {
  it("refuses a room whose name differs only in non-ASCII case (Café / CAFÉ)", async () => {
    const { organiser, slug } = await createEvent(server.url, { name: "Accent Camp" });
    const first = await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Café", capacity: "10" });
    expect(first.status).toBe(200);
    const second = await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "CAFÉ", capacity: "10" });
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("There is already a room called");
  });

  it("answers 400, not 409, for a slot that ends before it starts", async () => {
    const { organiser, slug } = await createEvent(server.url, { name: "Backwards Camp" });
    const response = await organiser.post(`/e/${slug}/admin`, { intent: "add-slot", starts: "11:00", ends: "10:00" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("A time slot must end after it starts.");
  });

  it("answers a socket command sent with only a callback instead of leaving it waiting", async () => {
    const socket = await connectSocket(server.url);
    try {
      const answer = await new Promise<Ack<JoinedEvent>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no answer in 3 s")), 3000);
        (socket.emit as unknown as (event: string, cb: (a: Ack<JoinedEvent>) => void) => void)("event:join", (a) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
      expect(answer).toEqual({ ok: false, error: "That request is not valid." });
    } finally {
      socket.disconnect();
    }
  });

  it("shows a person-friendly 404 for an address no page matches", async () => {
    const response = await new HttpClient(server.url).get("/no/such/page");
    expect(response.status).toBe(404);
    const main = (await response.text()).match(/<main[\s\S]*?<\/main>/)?.[0] ?? "";
    expect(main).toContain("There is nothing at this address.");
    expect(main).not.toContain("No route matches");
  });

  it("keeps a session placed in a plenary slot when a suggestion is applied", async () => {
    const { organiser, slug } = await createEvent(server.url, { name: "Keynote Camp" });
    for (const [name, capacity] of [
      ["Hall", "100"],
      ["Lab", "20"],
    ] as const) {
      await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name, capacity });
    }
    await organiser.post(`/e/${slug}/admin`, { intent: "add-slot", starts: "09:00", ends: "09:45", kind: "plenary" });
    await organiser.post(`/e/${slug}/admin`, { intent: "add-slot", starts: "10:00", ends: "10:45" });
    const pitcher = await joinAs(server.url, slug, "Kay");
    const ids: string[] = [];
    for (const title of ["Keynote", "Breakout"]) {
      const response = await pitcher.post(`/e/${slug}/pitch?index`, { title, description: "" });
      ids.push(response.headers.get("location")?.match(/#pitch-(.+)$/)?.[1] ?? "");
    }
    const probe = openDbProbe(server.dbPath);
    try {
      const inEvent = "event_id = (select id from events where slug = ?)";
      const slotOf = (kind: string) =>
        probe.get<{ id: string }>(`select id from time_slots where kind = ? and ${inEvent}`, kind, slug)?.id ?? "";
      const hall = probe.get<{ id: string }>(`select id from rooms where name = 'Hall' and ${inEvent}`, slug)?.id ?? "";
      const placed = await organiser.post(`/e/${slug}/grid`, {
        intent: "place",
        pitchId: ids[0] as string,
        roomId: hall,
        slotId: slotOf("plenary"),
      });
      expect(placed.status).toBe(200);
      const preview = await (await organiser.post(`/e/${slug}/grid`, { intent: "suggest" })).text();
      const version = preview.match(/name="version" value="([^"]+)"/)?.[1] ?? "";
      const cells = (preview.match(/name="cells" value="([^"]+)"/)?.[1] ?? "").replaceAll("&quot;", '"');
      const applied = await organiser.post(`/e/${slug}/grid`, { intent: "apply", version, cells });
      expect(applied.status).toBe(200);
      const rows = probe.all<{ pitch_id: string; slot_id: string }>("select pitch_id, slot_id from placements");
      expect(rows.find((r) => r.pitch_id === ids[0])?.slot_id).toBe(slotOf("plenary"));
    } finally {
      probe.close();
    }
  });
});
