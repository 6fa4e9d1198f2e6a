import type { z } from "zod";
import { ServiceError } from "./errors";

/** Parses service input; a failure becomes an "invalid" ServiceError with field messages. */
export function validate<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join(".") || "";
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  throw new ServiceError("invalid", parsed.error.issues[0]?.message ?? "That input is not valid.", fieldErrors);
}
