import type { z } from "zod";
import { ServiceError } from "./errors";

const PROTO_KEY = "That request is not valid: a field may not be called __proto__.";

/**
 * Lone UTF-16 surrogates (possible in JSON from a socket or an imported file)
 * become U+FFFD before any length is checked: SQLite would store each as
 * three, and text could then exceed its limit once read back.
 *
 * A "__proto__" key (JSON.parse and Object.fromEntries keep it as an own key)
 * is refused: copied by assignment it became the copy's prototype, and a
 * schema then read fields hidden in it (a socket payload
 * `{"__proto__": {"pitchId": ...}}` passed as one with a pitchId). No form or
 * payload of this app has such a field.
 */
function wellFormed(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return (value as string & { toWellFormed(): string }).toWellFormed();
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => wellFormed(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "__proto__") throw new ServiceError("invalid", PROTO_KEY, { "": [PROTO_KEY] });
    out[key] = wellFormed(v, depth + 1);
  }
  return out;
}

/** Parses service input; a failure becomes an "invalid" ServiceError with field messages. */
export function validate<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(wellFormed(input));
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join(".") || "";
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  throw new ServiceError("invalid", parsed.error.issues[0]?.message ?? "That input is not valid.", fieldErrors);
}
