import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createCookie } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BodyTooLarge, clientAddress, originAllowed, readBody } from "../../app/http.server";
import { sameOrigin } from "../../app/security.server";
import {
  MAX_COOKIE_BYTES,
  cookiePairBytes,
  emptyIdentity,
  readIdentity,
  serializeIdentity,
  withEntry,
} from "../../app/services/identity.server";
import { createWriteLimiter } from "../../app/services/rateLimit.server";
import { boundedReply, maxLengthOf } from "../../app/utils/forms.server";
import { DatabaseStartError, openDatabase } from "../../db/client";

/** A request body arriving in chunks, with optional headers. */
function incoming(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  const stream = new PassThrough() as unknown as IncomingMessage & PassThrough;
  stream.headers = headers;
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
  return stream;
}

describe("readBody", () => {
  it("reads a body under the limit", async () => {
    const body = await readBody(incoming([Buffer.from("a=1&"), Buffer.from("b=2")]), 100);
    expect(body.toString()).toBe("a=1&b=2");
  });

  it("refuses a body that passes the limit while streaming, whatever Content-Length said", async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(1000, 97));
    await expect(readBody(incoming(chunks, { "content-length": "10" }), 4096)).rejects.toBeInstanceOf(BodyTooLarge);
    await expect(readBody(incoming(chunks), 4096)).rejects.toThrow(
      "The request is too large: at most 4 KB may be sent here.",
    );
  });

  it("refuses a declared Content-Length over the limit", async () => {
    await expect(
      readBody(incoming([Buffer.from("x")], { "content-length": "999999999" }), 4096),
    ).rejects.toBeInstanceOf(BodyTooLarge);
  });

  it("accepts exactly the limit", async () => {
    expect((await readBody(incoming([Buffer.alloc(4096)]), 4096)).length).toBe(4096);
  });
});

describe("originAllowed and sameOrigin", () => {
  const req = (headers: Record<string, string>, encrypted = false) => ({
    headers: { host: "camp.example.org", ...headers },
    socket: { encrypted },
  });

  it("allows the site's own origin, and no Origin at all", () => {
    expect(originAllowed("http://camp.example.org", req({}))).toBe(true);
    expect(originAllowed(undefined, req({}))).toBe(true);
    expect(originAllowed("https://camp.example.org", req({}, true))).toBe(true);
  });

  it("refuses Origin null, another scheme and another site", () => {
    expect(originAllowed("null", req({}))).toBe(false);
    expect(originAllowed("https://camp.example.org", req({}))).toBe(false);
    expect(originAllowed("http://camp.example.org", req({}, true))).toBe(false);
    expect(originAllowed("ftp://camp.example.org", req({}))).toBe(false);
    expect(originAllowed("file://camp.example.org", req({}))).toBe(false);
    expect(originAllowed("http://evil.example", req({}))).toBe(false);
  });

  it("reads the scheme and host the proxy reports", () => {
    const proxied = req({
      "x-forwarded-proto": "https",
      "x-forwarded-host": "camp.example.org",
      host: "127.0.0.1:3000",
    });
    expect(originAllowed("https://camp.example.org", proxied)).toBe(true);
    expect(originAllowed("http://camp.example.org", proxied)).toBe(false);
  });

  it("always allows PUBLIC_URL", () => {
    expect(originAllowed("https://camp.example.org", req({ host: "127.0.0.1:3000" }), "https://camp.example.org")).toBe(
      true,
    );
  });

  it("sameOrigin checks the scheme when given one", () => {
    expect(sameOrigin("https://camp.example.org", "camp.example.org", "https")).toBe(true);
    expect(sameOrigin("https://camp.example.org", "camp.example.org", "http")).toBe(false);
    expect(sameOrigin("ws://camp.example.org", "camp.example.org")).toBe(false);
  });
});

describe("clientAddress (Socket.IO handshakes)", () => {
  const headers = { "x-forwarded-for": "10.9.1.1, 198.51.100.7" };
  it("ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(clientAddress({ headers, remoteAddress: "127.0.0.1" }, () => false)).toBe("127.0.0.1");
  });
  it("takes the entry the trusted proxy appended, not the one the client wrote", () => {
    expect(clientAddress({ headers, remoteAddress: "127.0.0.1" }, (_a, hop) => hop < 1)).toBe("198.51.100.7");
  });
});

describe("the passcode limiter", () => {
  it("counts only wrong guesses, and once they are used up refuses without checking", async () => {
    const limiter = createWriteLimiter({
      perAttendeePerMinute: 100,
      perIpPerMinute: 100,
      wrongGuessesPerIpPerMinute: 3,
    });
    let checks = 0;
    const wrong = () => {
      checks++;
      return false;
    };
    const right = () => {
      checks++;
      return true;
    };
    for (let i = 0; i < 10; i++) expect(await limiter.guess("ip", right)).toBe(true);
    for (let i = 0; i < 2; i++) expect(await limiter.guess("ip", wrong)).toBe(false);
    expect(await limiter.guess("ip", right)).toBe(true);
    expect(await limiter.guess("ip", wrong)).toBe(false);
    expect(checks).toBe(14);
    await expect(limiter.guess("ip", right)).rejects.toThrow(/Slow down: too many wrong passcodes from this network/);
    expect(checks).toBe(14);
    expect(await limiter.guess("other ip", right)).toBe(true);
  });

  it("caps new attendees and new events per IP", async () => {
    const limiter = createWriteLimiter({
      perAttendeePerMinute: 100,
      perIpPerMinute: 100,
      newAttendeesPerIpPerMinute: 2,
      newEventsPerIpPerHour: 1,
    });
    await limiter.consumeNewAttendee("ip");
    await limiter.consumeNewAttendee("ip");
    await expect(limiter.consumeNewAttendee("ip")).rejects.toThrow(/too many people joined from this network/);
    await limiter.consumeNewEvent("ip");
    await expect(limiter.consumeNewEvent("ip")).rejects.toThrow(
      /too many events were created from this network. Try again in \d+ minutes/,
    );
  });
});

describe("the identity cookie", () => {
  const cookie = createCookie("unconf", { secrets: ["s".repeat(32)], httpOnly: true, sameSite: "lax", path: "/" });
  const request = new Request("http://camp.example.org/");
  const id = (n: number, kind: string) => `${kind}${String(n).padStart(3, "0")}${"x".repeat(18)}`;

  it("stays under the browser's limit after joining and organising 80 events, and keeps the newest", async () => {
    let identity = emptyIdentity();
    for (let n = 0; n < 80; n++) {
      identity = withEntry(identity, "a", id(n, "e"), id(n, "a"));
      if (n % 2 === 0) identity = withEntry(identity, "o", id(n, "e"), `${id(n, "k")}keykeykeykey`);
      if (n % 3 === 0) identity = withEntry(identity, "p", id(n, "e"), id(n, "t"));
      const header = await serializeIdentity(cookie, identity, request);
      expect(cookiePairBytes(header)).toBeLessThanOrEqual(MAX_COOKIE_BYTES);
      const back = await readIdentity(cookie, header.split(";")[0]);
      expect(back.a[id(n, "e")], `the join to event ${n}`).toBe(id(n, "a"));
      if (n % 2 === 0) expect(back.o[id(n, "e")]).toBe(`${id(n, "k")}keykeykeykey`);
      identity = back;
    }
  });

  it("forgets the least recently used events first", async () => {
    let identity = emptyIdentity();
    for (let n = 0; n < 28; n++) {
      identity = withEntry(identity, "a", id(n, "e"), id(n, "a"));
      identity = withEntry(identity, "o", id(n, "e"), `${id(n, "k")}keykeykeykey`);
    }
    // Event 0 is used again (its passcode entered): it becomes the most recent.
    identity = withEntry(identity, "p", id(0, "e"), id(0, "t"));
    const header = await serializeIdentity(cookie, identity, request);
    const back = await readIdentity(cookie, header.split(";")[0]);
    expect(Object.keys(back.a).length, "something had to go").toBeLessThan(28);
    expect(back.a[id(0, "e")]).toBe(id(0, "a"));
    expect(back.o[id(0, "e")]).toBe(`${id(0, "k")}keykeykeykey`);
    expect(back.a[id(1, "e")]).toBeUndefined();
    expect(back.a[id(27, "e")]).toBe(id(27, "a"));
  });
});

describe("echoed form values", () => {
  const schema = z.object({
    name: z.string().trim().min(1).max(120),
    note: z.string().max(10).optional(),
    count: z.coerce.number(),
  });

  it("finds a field's max length through wrappers", () => {
    expect(maxLengthOf(schema.shape.name)).toBe(120);
    expect(maxLengthOf(schema.shape.note)).toBe(10);
    expect(maxLengthOf(schema.shape.count)).toBeUndefined();
  });

  it("cuts every echoed value to twice its schema's max, and unknown ones to a fallback", () => {
    const reply = boundedReply(
      {
        status: "error",
        initialValue: {
          name: "n".repeat(50_000),
          note: "x".repeat(50),
          count: "9".repeat(5000),
          extra: ["e".repeat(5000)],
        },
        error: { name: ["m".repeat(5000)] },
        fields: Array.from({ length: 1000 }, (_, i) => `f${i}`),
      },
      schema,
    );
    const value = reply.initialValue as Record<string, unknown>;
    expect((value.name as string).length).toBe(240);
    expect((value.note as string).length).toBe(20);
    expect((value.count as string).length).toBe(1000);
    expect(((value.extra as string[])[0] as string).length).toBe(1000);
    expect(reply.error?.name?.[0]?.length).toBe(500);
    expect(reply.fields).toHaveLength(100);
  });
});

describe("openDatabase on a bad file or folder", () => {
  it("says a file that is not SQLite is not a database, and what to do", () => {
    const dir = mkdtempSync(join(tmpdir(), "unconf-db-"));
    try {
      const path = join(dir, "unconf.sqlite");
      writeFileSync(path, "this is not a database, just some text that is long enough to be a header".repeat(100));
      expect(() => openDatabase(path)).toThrow(DatabaseStartError);
      expect(() => openDatabase(path)).toThrow(
        new RegExp(
          `^Unconf cannot start: ${path} is not a SQLite database or is damaged \\(.*\\)\\. Restore it from a backup`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says the data folder cannot be created", () => {
    expect(() => openDatabase("/dev/null/unconf/unconf.sqlite")).toThrow(
      /^Unconf cannot start: the data folder \/dev\/null\/unconf cannot be created \(.*\)\. Create it, or set DATABASE_URL/,
    );
  });
});
