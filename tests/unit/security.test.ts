import { describe, expect, it } from "vitest";
import { redactUrl, sameOrigin } from "../../app/security.server";

describe("redactUrl", () => {
  it("hides the organiser key", () => {
    expect(redactUrl("/e/camp/admin?key=s3cr3t-KEY_value")).toBe("/e/camp/admin?key=[redacted]");
  });

  it("hides a passcode", () => {
    expect(redactUrl("/e/camp/passcode?passcode=hunter2")).toBe("/e/camp/passcode?passcode=[redacted]");
  });

  it("hides secrets among other parameters and keeps the rest", () => {
    expect(redactUrl("/e/camp/admin?created=1&key=abc&tab=rooms")).toBe(
      "/e/camp/admin?created=1&key=[redacted]&tab=rooms",
    );
    expect(redactUrl("/x?key=a&passcode=b")).toBe("/x?key=[redacted]&passcode=[redacted]");
  });

  it("stops at a fragment", () => {
    expect(redactUrl("/e/camp/admin?key=abc#links")).toBe("/e/camp/admin?key=[redacted]#links");
  });

  it("does not care about the parameter's case", () => {
    expect(redactUrl("/e/camp/admin?KEY=abc")).toBe("/e/camp/admin?KEY=[redacted]");
    expect(redactUrl("/e/camp/admin?Passcode=abc")).toBe("/e/camp/admin?Passcode=[redacted]");
  });

  it("leaves parameters that merely end in 'key' and URLs without secrets alone", () => {
    expect(redactUrl("/e/camp?monkey=1")).toBe("/e/camp?monkey=1");
    expect(redactUrl("/e/camp?apikey=1")).toBe("/e/camp?apikey=1");
    expect(redactUrl("/e/key=1/admin")).toBe("/e/key=1/admin");
    expect(redactUrl("/healthz")).toBe("/healthz");
  });

  it("redacts an empty key too, so nothing about it leaks", () => {
    expect(redactUrl("/e/camp/admin?key=")).toBe("/e/camp/admin?key=[redacted]");
  });
});

describe("sameOrigin", () => {
  it("accepts an Origin naming the host the request was sent to", () => {
    expect(sameOrigin("http://localhost:3000", "localhost:3000")).toBe(true);
    expect(sameOrigin("https://camp.example.org", "camp.example.org")).toBe(true);
    expect(sameOrigin("http://127.0.0.1:5173", "127.0.0.1:5173")).toBe(true);
  });

  it("refuses another site, another port or a look-alike host", () => {
    expect(sameOrigin("http://evil.example", "localhost:3000")).toBe(false);
    expect(sameOrigin("http://localhost:3001", "localhost:3000")).toBe(false);
    expect(sameOrigin("http://camp.example.org.evil.example", "camp.example.org")).toBe(false);
    expect(sameOrigin("http://localhost", "localhost:3000")).toBe(false);
  });

  it("treats a default port as no port", () => {
    expect(sameOrigin("https://camp.example.org:443", "camp.example.org")).toBe(true);
    expect(sameOrigin("http://camp.example.org:80", "camp.example.org")).toBe(true);
  });

  it("refuses malformed origins and a missing host", () => {
    expect(sameOrigin("null", "localhost:3000")).toBe(false);
    expect(sameOrigin("", "localhost:3000")).toBe(false);
    expect(sameOrigin("not a url", "localhost:3000")).toBe(false);
    expect(sameOrigin("http://localhost:3000", undefined)).toBe(false);
  });
});
