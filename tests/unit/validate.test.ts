import { describe, expect, it } from "vitest";
import { z } from "zod";
import { watchSessionPayload } from "../../app/realtime/contract";
import { isServiceError } from "../../app/services/errors";
import { validate } from "../../app/services/validate";

/**
 * Issue 10: a "__proto__" key in a socket payload or a form must never set the
 * prototype of what a schema reads. JSON.parse keeps such a key as an own
 * property; copying it with `out[key] = value` made the value the copy's
 * prototype, so a schema read fields the sender had hidden there.
 */
describe("validate and __proto__ keys", () => {
  const schema = z.object({ pitchId: z.string().min(1), isOrganiser: z.boolean().default(false) });

  it("does not read fields from a value sent under __proto__ (socket JSON)", () => {
    const payload = JSON.parse('{"__proto__": {"pitchId": "p1", "isOrganiser": true}}');
    expect(() => validate(schema, payload)).toThrow();
    expect(() => validate(watchSessionPayload, payload)).toThrow();
  });

  it("refuses __proto__ next to valid fields, with a clear message, and pollutes nothing", () => {
    const payload = JSON.parse('{"pitchId": "p1", "__proto__": {"isOrganiser": true, "polluted": true}}');
    let error: unknown;
    try {
      validate(schema, payload);
    } catch (caught) {
      error = caught;
    }
    expect(isServiceError(error) && error.message).toBe(
      "That request is not valid: a field may not be called __proto__.",
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("refuses a nested __proto__ too, and a form's __proto__ field", () => {
    const nested = z.object({ a: z.object({ b: z.string().optional() }) });
    expect(() => validate(nested, JSON.parse('{"a": {"__proto__": {"b": "x"}}}'))).toThrow(/__proto__/);
    const form = new FormData();
    form.append("pitchId", "p1");
    form.append("__proto__", "x");
    expect(() => validate(schema, Object.fromEntries(form))).toThrow(/__proto__/);
  });

  it("keeps constructor and prototype as plain keys, and plain input as it was", () => {
    const value = validate(
      z.object({ constructor: z.string(), prototype: z.string(), pitchId: z.string() }),
      JSON.parse('{"constructor": "c", "prototype": "p", "pitchId": "p1"}'),
    );
    expect(value).toEqual({ constructor: "c", prototype: "p", pitchId: "p1" });
    expect(Object.getPrototypeOf(validate(schema, { pitchId: "p1" }))).toBe(Object.prototype);
  });
});
