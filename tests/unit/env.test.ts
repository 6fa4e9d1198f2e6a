import { describe, expect, it } from "vitest";
import { readEnv, sessionSecret } from "../../app/env.server";

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
      TRUST_PROXY: "false",
      WRITES_PER_MINUTE_PER_ATTENDEE: 120,
      WRITES_PER_MINUTE_PER_IP: 3000,
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
      TRUST_PROXY: "true",
      WRITES_PER_MINUTE_PER_ATTENDEE: 120,
      WRITES_PER_MINUTE_PER_IP: 3000,
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
