import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeBytes, readEnv, sessionSecret, trustFunction } from "../../app/env.server";

const secret = "x".repeat(32);

describe("readEnv", () => {
  it("fills in defaults for an empty environment", () => {
    expect(readEnv({})).toEqual({
      NODE_ENV: "development",
      PORT: 3000,
      HOST: "0.0.0.0",
      DATABASE_URL: "data/unconf.sqlite",
      LOG_LEVEL: "info",
      DEMO: "on",
      TRUST_PROXY: { hops: 0 },
      WRITES_PER_MINUTE_PER_ATTENDEE: 120,
      WRITES_PER_MINUTE_PER_IP: 3000,
      NEW_ATTENDEES_PER_MINUTE_PER_IP: 60,
      NEW_EVENTS_PER_HOUR_PER_IP: 30,
      PASSCODE_GUESSES_PER_MINUTE_PER_IP: 30,
      MAX_FORM_SIZE: 256 * 1024,
      MAX_IMPORT_SIZE: 20 * 1024 * 1024,
      MAX_PHOTO_SIZE: 15 * 1024 * 1024,
    });
  });

  it("reads and converts what is set", () => {
    const env = readEnv({
      NODE_ENV: "production",
      PORT: "8080",
      HOST: "127.0.0.1",
      DATABASE_URL: "file:/var/lib/unconf/db.sqlite",
      SESSION_SECRET: secret,
      PUBLIC_URL: "https://camp.example.org",
      LOG_LEVEL: "warn",
      DEMO: "off",
      TRUST_PROXY: "true",
    });
    expect(env).toEqual({
      NODE_ENV: "production",
      PORT: 8080,
      HOST: "127.0.0.1",
      DATABASE_URL: "file:/var/lib/unconf/db.sqlite",
      SESSION_SECRET: secret,
      PUBLIC_URL: "https://camp.example.org",
      LOG_LEVEL: "warn",
      DEMO: "off",
      TRUST_PROXY: { hops: 1 },
      WRITES_PER_MINUTE_PER_ATTENDEE: 120,
      WRITES_PER_MINUTE_PER_IP: 3000,
      NEW_ATTENDEES_PER_MINUTE_PER_IP: 60,
      NEW_EVENTS_PER_HOUR_PER_IP: 30,
      PASSCODE_GUESSES_PER_MINUTE_PER_IP: 30,
      MAX_FORM_SIZE: 256 * 1024,
      MAX_IMPORT_SIZE: 20 * 1024 * 1024,
      MAX_PHOTO_SIZE: 15 * 1024 * 1024,
    });
  });

  it("reads the write limits and refuses ones that are not whole numbers above 0", () => {
    expect(readEnv({ WRITES_PER_MINUTE_PER_IP: "5" }).WRITES_PER_MINUTE_PER_IP).toBe(5);
    expect(() => readEnv({ WRITES_PER_MINUTE_PER_ATTENDEE: "abc" })).toThrow(/WRITES_PER_MINUTE_PER_ATTENDEE/);
    expect(() => readEnv({ WRITES_PER_MINUTE_PER_IP: "0" })).toThrow(/WRITES_PER_MINUTE_PER_IP/);
  });

  it("takes PUBLIC_URL as an origin, without a trailing slash, and refuses a path", () => {
    expect(readEnv({ PUBLIC_URL: "https://camp.example.org/" }).PUBLIC_URL).toBe("https://camp.example.org");
    expect(() => readEnv({ PUBLIC_URL: "https://camp.example.org/unconf" })).toThrow(/PUBLIC_URL must be an origin/);
  });

  it("accepts port 0 (any free port), as the tests use", () => {
    expect(readEnv({ PORT: "0" }).PORT).toBe(0);
  });

  it("ignores variables it does not know", () => {
    expect(readEnv({ HOME: "/root", PATH: "/bin" } as unknown as NodeJS.ProcessEnv)).not.toHaveProperty("HOME");
  });

  it.each(["abc", "70000", "-1", "80.5"])("refuses PORT=%s and names the variable", (port) => {
    expect(() => readEnv({ PORT: port })).toThrow(/^Unconf cannot start: the environment is wrong\.\n {2}PORT: /);
  });

  it("explains a short SESSION_SECRET and how to fix it", () => {
    expect(() => readEnv({ SESSION_SECRET: "short" })).toThrow(
      "SESSION_SECRET: SESSION_SECRET must be at least 32 characters; leave it unset to have one generated",
    );
  });

  it("accepts a SESSION_SECRET of exactly 32 characters", () => {
    expect(readEnv({ SESSION_SECRET: secret }).SESSION_SECRET).toBe(secret);
  });

  it("names every wrong variable at once, one per line", () => {
    let message = "";
    try {
      readEnv({ PORT: "x", NODE_ENV: "staging", DEMO: "yes", PUBLIC_URL: "not a url", LOG_LEVEL: "loud" });
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split("\n");
    expect(lines[0]).toBe("Unconf cannot start: the environment is wrong.");
    for (const name of ["PORT", "NODE_ENV", "DEMO", "PUBLIC_URL", "LOG_LEVEL"]) {
      expect(lines.some((line) => line.startsWith(`  ${name}: `))).toBe(true);
    }
    expect(lines).toHaveLength(6);
  });

  it.each([
    ["TRUST_PROXY", "yes"],
    ["TRUST_PROXY", "11"],
    ["TRUST_PROXY", "10.0.0.0/33"],
    ["TRUST_PROXY", "-1"],
    ["MAX_FORM_SIZE", "big"],
    ["MAX_FORM_SIZE", "10"],
    ["MAX_IMPORT_SIZE", "2gb"],
    ["NEW_ATTENDEES_PER_MINUTE_PER_IP", "0"],
    ["NEW_EVENTS_PER_HOUR_PER_IP", "1.5"],
    ["PASSCODE_GUESSES_PER_MINUTE_PER_IP", "many"],
    ["DEMO", "true"],
    ["HOST", ""],
    ["DATABASE_URL", ""],
  ])("refuses %s=%j", (name, value) => {
    expect(() => readEnv({ [name]: value })).toThrow(new RegExp(`\\n {2}${name}: `));
  });
});

describe("sessionSecret", () => {
  it("uses SESSION_SECRET when it is set, without touching the disk", () => {
    const env = readEnv({ SESSION_SECRET: secret, DATABASE_URL: "/nonexistent/dir/never-created/db.sqlite" });
    expect(sessionSecret(env)).toBe(secret);
  });

  it("makes a fresh random secret for an in-memory database", () => {
    const env = readEnv({ DATABASE_URL: ":memory:" });
    const a = sessionSecret(env);
    const b = sessionSecret(env);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });
});

describe("TRUST_PROXY", () => {
  it.each([
    ["false", { hops: 0 }],
    ["true", { hops: 1 }],
    ["TRUE", { hops: 1 }],
    ["0", { hops: 0 }],
    ["1", { hops: 1 }],
    ["2", { hops: 2 }],
    [" 3 ", { hops: 3 }],
    ["loopback", { addresses: ["loopback"] }],
    ["loopback, 10.0.0.0/8", { addresses: ["loopback", "10.0.0.0/8"] }],
    ["192.0.2.7,::1,uniquelocal", { addresses: ["192.0.2.7", "::1", "uniquelocal"] }],
  ])("reads %j as %j", (value, expected) => {
    expect(readEnv({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it("explains what it takes", () => {
    expect(() => readEnv({ TRUST_PROXY: "all" })).toThrow(
      /TRUST_PROXY: TRUST_PROXY must be false, true \(one proxy\), a number of proxies from 0 to 10, or a comma-separated list/,
    );
  });

  // Addresses as proxy-addr walks them: hop 0 is the TCP peer, then X-Forwarded-For from the right.
  const walk = (value: string, addresses: string[]) => {
    const trust = trustFunction(readEnv({ TRUST_PROXY: value }).TRUST_PROXY);
    let i = 0;
    while (i < addresses.length - 1 && trust(addresses[i] as string, i)) i++;
    return addresses[i];
  };
  const request = ["127.0.0.1", "198.51.100.7", "203.0.113.9"]; // peer, then what the proxy appended, then what the client claimed

  it("false and 0 take the TCP peer and ignore X-Forwarded-For", () => {
    expect(walk("false", request)).toBe("127.0.0.1");
    expect(walk("0", request)).toBe("127.0.0.1");
  });

  it("true and 1 take the entry the one proxy appended, never one the client wrote", () => {
    expect(walk("true", request)).toBe("198.51.100.7");
    expect(walk("1", request)).toBe("198.51.100.7");
  });

  it("a hop count trusts that many proxies", () => {
    expect(walk("2", request)).toBe("203.0.113.9");
  });

  it("an address list trusts only those proxies", () => {
    expect(walk("loopback", request)).toBe("198.51.100.7");
    expect(walk("loopback,198.51.100.0/24", request)).toBe("203.0.113.9");
    expect(walk("192.0.2.1", request)).toBe("127.0.0.1");
  });
});

describe("sizes and creation limits", () => {
  it.each([
    ["1024", 1024],
    ["64kb", 64 * 1024],
    ["64KB", 64 * 1024],
    ["1.5mb", 1.5 * 1024 * 1024],
    ["2 mb", 2 * 1024 * 1024],
  ])("reads MAX_FORM_SIZE=%j as %d bytes", (value, bytes) => {
    expect(readEnv({ MAX_FORM_SIZE: value }).MAX_FORM_SIZE).toBe(bytes);
  });

  it("explains a wrong size", () => {
    expect(() => readEnv({ MAX_FORM_SIZE: "huge" })).toThrow(
      "MAX_FORM_SIZE: MAX_FORM_SIZE must be a size such as 256kb or 2mb, from 1 KB to 64 MB",
    );
  });

  it("reads the creation and guessing limits", () => {
    const env = readEnv({
      NEW_ATTENDEES_PER_MINUTE_PER_IP: "5",
      NEW_EVENTS_PER_HOUR_PER_IP: "3",
      PASSCODE_GUESSES_PER_MINUTE_PER_IP: "12",
    });
    expect([
      env.NEW_ATTENDEES_PER_MINUTE_PER_IP,
      env.NEW_EVENTS_PER_HOUR_PER_IP,
      env.PASSCODE_GUESSES_PER_MINUTE_PER_IP,
    ]).toEqual([5, 3, 12]);
  });

  it("describes sizes for people", () => {
    expect(describeBytes(256 * 1024)).toBe("256 KB");
    expect(describeBytes(20 * 1024 * 1024)).toBe("20 MB");
    expect(describeBytes(1.5 * 1024 * 1024)).toBe("1.5 MB");
    expect(describeBytes(100)).toBe("100 bytes");
  });
});

describe("sessionSecret on a bad data folder", () => {
  it("refuses a kept secret that is too short, saying which file and what to do", () => {
    const dir = mkdtempSync(join(tmpdir(), "unconf-env-"));
    try {
      writeFileSync(join(dir, "session-secret"), "short\n");
      const env = readEnv({ DATABASE_URL: join(dir, "unconf.sqlite") });
      expect(() => sessionSecret(env)).toThrow(
        `Unconf cannot start: the cookie-signing secret ${join(dir, "session-secret")} cannot be read or written (it holds fewer than 32 characters). Fix the file or its folder's permissions, or set SESSION_SECRET.`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says so when the folder cannot be made", () => {
    const env = readEnv({ DATABASE_URL: "/dev/null/unconf/unconf.sqlite" });
    expect(() => sessionSecret(env)).toThrow(
      /^Unconf cannot start: the cookie-signing secret \/dev\/null\/unconf\/session-secret cannot be read or written \(/,
    );
  });
});
