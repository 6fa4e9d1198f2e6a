import { z } from "zod";
import { idSchema } from "./event";

/** Co-hosts, "I'm going" and calendar links: the people side of a schedule. */

const flag = z.preprocess(
  (v) => (v === "true" || v === "on" ? true : v === "false" ? false : v),
  z.boolean({ invalid_type_error: "Say yes or no." }),
);

export const coHostSchema = z.object({
  pitchId: idSchema,
  attendeeId: z
    .string({ required_error: "Pick a person from the suggestions: someone who joined this event." })
    .min(1, "Pick a person from the suggestions: someone who joined this event.")
    .max(64, "Pick a person from the suggestions: someone who joined this event."),
});

export const respondCoHostSchema = z.object({
  pitchId: idSchema,
  choice: z.enum(["accept", "decline"], { message: "Choose Accept or Decline." }),
});

export const goingSchema = z.object({ pitchId: idSchema, going: flag });

/** Empty means no cap. */
export const goingCapSchema = z.object({
  pitchId: idSchema,
  cap: z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? null : typeof v === "string" ? Number(v) : v),
    z
      .number({ invalid_type_error: "A cap is a whole number of people, or empty for no cap." })
      .int("A cap is a whole number of people, or empty for no cap.")
      .min(1, "A cap is at least 1 person, or empty for no cap.")
      .max(100_000, "A cap can be at most 100,000.")
      .nullable(),
  ),
});

export const calendarScopeSchema = z.object({
  scope: z.enum(["mine", "event"], { message: "Choose which calendar: my sessions or the whole schedule." }),
});
