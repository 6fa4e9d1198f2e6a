import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { type TestServer, startServer } from "../helpers/server";
import { HttpClient, createEvent } from "../helpers/http";
import { connectSocket } from "../helpers/socket";

/**
 * The locks around the app: cross-site posts, the Content-Security-Policy and
 * its nonce, the health check, and logs that never hold a secret. This file
 * keeps every log line of its server (at level trace) to check the last one.
 */

let server: TestServer;
let db: DbProbe;

beforeAll(async () => {
  server = await startServer({ LOG_LEVEL: "trace" });
  db = openDbProbe(server.dbPath);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

afterEach(() => {
  expect(server.errors, "the server logged errors").toEqual([]);
  // pino-http logs a 500 at level info, so look for the status itself.
  expect(server.lines.filter((line) => /"statusCode":5\d\d/.test(line))).toEqual([]);
});

const evil = { Origin: "http://evil.example" };

describe("cross-site posts", () => {
  it("refuses to create an event from another site", async () => {
    const before = db.snapshot();
    const response = await new HttpClient(server.url).post(
      "/?index",
      { intent: "create", name: "Evil Camp", date: "2026-12-01", timeZone: "Europe/London" },
      evil,
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Cross-site requests are not allowed.");
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(db.snapshot()).toEqual(before);
  });

  it("refuses an organiser action from another site even with the organiser's cookie", async () => {
    const { organiser, slug } = await createEvent(server.url, { name: "Target Camp" });
    const before = db.snapshot();
    const attempts: Array<Record<string, string>> = [
      { intent: "add-room", name: "Evil room", capacity: "5" },
      { intent: "open-voting" },
      { intent: "set-passcode", passcode: "locked-out" },
    ];
    for (const fields of attempts) {
      const response = await organiser.post(`/e/${slug}/admin`, fields, evil);
      expect(response.status, fields.intent).toBe(403);
    }
    expect(db.snapshot()).toEqual(before);
  });

  it("refuses joins and passcode attempts from another site", async () => {
    const { slug } = await createEvent(server.url, { name: "Join Target Camp", passcode: "sesame-street" });
    const before = db.snapshot();
    const visitor = new HttpClient(server.url);
    expect((await visitor.post(`/e/${slug}/passcode`, { passcode: "sesame-street" }, evil)).status).toBe(403);
    expect(visitor.cookies.size).toBe(0);
    expect((await visitor.post(`/e/${slug}?index`, { intent: "join", name: "Mallory" }, evil)).status).toBe(403);
    expect(db.snapshot()).toEqual(before);
  });

  it("refuses the same host on another port", async () => {
    const port = Number(new URL(server.url).port);
    const response = await new HttpClient(server.url).post(
      "/?index",
      { intent: "create", name: "Port Camp", date: "2026-12-01", timeZone: "Europe/London" },
      { Origin: `http://127.0.0.1:${port + 1}` },
    );
    expect(response.status).toBe(403);
  });

  it("accepts a post from the app's own origin", async () => {
    const response = await new HttpClient(server.url).post(
      "/?index",
      { intent: "create", name: "Own Origin Camp", date: "2026-12-01", timeZone: "Europe/London" },
      { Origin: server.url },
    );
    expect(response.status).toBe(302);
    expect(db.eventBySlug("own-origin-camp").name).toBe("Own Origin Camp");
  });
});

describe("the health check", () => {
  it("answers GET /healthz with {ok:true} as JSON", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe("the Content-Security-Policy", () => {
  function directives(header: string | null): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const part of (header ?? "").split(";")) {
      const [name, ...values] = part.trim().split(/\s+/);
      if (name) map.set(name, values);
    }
    return map;
  }

  async function page(path: string, client = new HttpClient(server.url)) {
    const response = await client.get(path);
    const csp = directives(response.headers.get("content-security-policy"));
    const html = await response.text();
    const nonce = csp
      .get("script-src")
      ?.find((v) => v.startsWith("'nonce-"))
      ?.slice("'nonce-".length, -1);
    return { response, csp, html, nonce };
  }

  it.each(["/", "/e/no-such-event"])(
    "gives %s a strict script policy with a nonce that every script carries",
    async (path) => {
      const { csp, html, nonce } = await page(path);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(csp.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`]);
      expect(csp.get("script-src-attr")).toEqual(["'none'"]);
      expect(csp.get("default-src")).toEqual(["'self'"]);
      expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
      expect(csp.get("form-action")).toEqual(["'self'"]);

      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      // No inline event handlers, which a nonce cannot cover.
      expect(html).not.toMatch(/<[^>]+\son[a-z]+="/);
    },
  );

  it("covers an organiser's admin page too", async () => {
    const { organiser, slug } = await createEvent(server.url, { name: "CSP Camp" });
    const { response, html, nonce } = await page(`/e/${slug}/admin`, organiser);
    expect(response.status).toBe(200);
    expect(nonce).toBeTruthy();
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("uses a new nonce for every response", async () => {
    const nonces = new Set<string | undefined>();
    for (let i = 0; i < 3; i++) nonces.add((await page("/")).nonce);
    expect(nonces.size).toBe(3);
  });

  it("does not say what the server runs on", async () => {
    const response = await fetch(`${server.url}/`);
    await response.arrayBuffer();
    expect(response.headers.get("x-powered-by")).toBeNull();
  });
});

describe("logs", () => {
  it("never hold the organiser key, the passcode or the identity cookie", async () => {
    const passcode = "passcode-in-the-logs?";
    const { slug, organiserLink } = await createEvent(server.url, { name: "Log Camp", passcode });
    const link = new URL(organiserLink);
    const key = link.searchParams.get("key") ?? "";
    expect(key.length).toBeGreaterThanOrEqual(20);

    // Open the organiser link, as a co-organiser would, and some wrong ones.
    const coOrganiser = new HttpClient(server.url);
    expect((await coOrganiser.get(`${link.pathname}${link.search}`)).status).toBe(302);
    expect((await coOrganiser.get(`/e/${slug}/admin?created=1&key=${key}`)).status).toBe(302);
    expect((await new HttpClient(server.url).get(`/e/${slug}/admin?key=${key}x`)).status).toBe(403);
    const cookie = coOrganiser.cookies.get("unconf") ?? "";
    expect(cookie.length).toBeGreaterThan(20);
    // Use the cookie over HTTP and over the socket, and send the passcode.
    expect((await coOrganiser.get(`/e/${slug}/admin`)).status).toBe(200);
    const socket = await connectSocket(server.url, coOrganiser);
    try {
      expect(await socket.timeout(3000).emitWithAck("event:join", { slug })).toMatchObject({
        ok: true,
        isOrganiser: true,
      });
    } finally {
      socket.disconnect();
    }
    const visitor = new HttpClient(server.url);
    expect((await visitor.post(`/e/${slug}/passcode`, { passcode })).status).toBe(302);
    expect((await visitor.get(`/e/${slug}/passcode?passcode=${encodeURIComponent(passcode)}`)).status).toBe(302);
    expect((await visitor.post(`/e/${slug}?index`, { intent: "join", name: "Logged Person" })).status).toBe(302);

    // The requests were logged, with the key redacted...
    await expect
      .poll(() => server.lines.filter((line) => line.includes(`/e/${slug}/admin?key=[redacted]`)).length)
      .toBeGreaterThanOrEqual(2);
    await expect.poll(() => server.lines.some((line) => line.includes('"cmd":"event:join"'))).toBe(true);
    expect(server.lines.some((line) => line.includes(`/e/${slug}/admin?created=1&key=[redacted]`))).toBe(true);
    // ...and no line anywhere holds a secret.
    const log = server.lines.join("\n");
    expect(log).not.toContain(key);
    expect(log).not.toContain(passcode);
    expect(log).not.toContain(encodeURIComponent(passcode));
    expect(log).not.toContain(cookie);
    expect(log).not.toContain(decodeURIComponent(cookie));
    expect(log).not.toMatch(/unconf=/);
  });
});
