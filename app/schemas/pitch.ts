import { z } from "zod";
import { SINGLE_LINE, SINGLE_LINE_MESSAGE, limits } from "./limits";
import { SPAN_MAX } from "../domain/spans";
import { featureListSchema, idSchema, remoteUrlSchema } from "./event";

/**
 * Tags arrive as "a, b, c" from a form or as an array from a service caller
 * (the same schema validates both, so parsing twice gives the same result).
 */
const tags = z.preprocess(
  (value) => {
    const list = typeof value === "string" ? value.split(",") : Array.isArray(value) ? value : [];
    return [...new Set(list.map((t) => (typeof t === "string" ? t.trim().toLowerCase() : t)).filter((t) => t !== ""))];
  },
  z
    .array(z.string().max(30, "Each tag can be at most 30 characters.").regex(SINGLE_LINE, SINGLE_LINE_MESSAGE), {
      invalid_type_error: "Separate tags with commas.",
    })
    .max(5, "At most 5 tags."),
);

export const pitchSchema = z.object({
  title: z
    .string({ required_error: "Give your session a title." })
    .trim()
    .min(1, "Give your session a title.")
    .max(limits.pitchTitle, `A title can be at most ${limits.pitchTitle} characters.`)
    .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE),
  description: z
    .string()
    .max(limits.pitchDescription, `A description can be at most ${limits.pitchDescription} characters.`)
    .optional()
    .transform((v) => v?.trim() ?? ""),
  tags,
  /** Consecutive slots the session takes (a workshop: 2 or more). */
  span: z.preprocess(
    (v) => (v === undefined || v === "" || v === null ? 1 : typeof v === "string" ? Number(v) : v),
    z
      .number({ invalid_type_error: `Enter how many slots, 1 to ${SPAN_MAX}.` })
      .int(`Enter how many slots, 1 to ${SPAN_MAX}.`)
      .min(1, "A session takes at least 1 slot.")
      .max(SPAN_MAX, `A session can take at most ${SPAN_MAX} slots.`),
  ),
  /** Room features the session needs (the vocabulary the event's rooms use). */
  needs: featureListSchema,
  /** The session's own video call, stream or chat. */
  remoteUrl: remoteUrlSchema,
  /** Made when the form was shown, so a resubmitted form does not pitch twice. */
  clientId: z.string().min(8).max(64).optional(),
});
export type PitchInput = z.input<typeof pitchSchema>;

export const editPitchSchema = pitchSchema.omit({ clientId: true }).extend({ pitchId: idSchema });

export const voteSchema = z.object({
  pitchId: idSchema,
  /** The state wanted, not a toggle, so a retried request changes nothing more. */
  vote: z.preprocess(
    (v) => (v === "true" ? true : v === "false" ? false : v),
    z.boolean({ invalid_type_error: "Say whether to vote or take the vote back." }),
  ),
});

export const pitchIdSchema = z.object({ pitchId: idSchema });

export const hidePitchSchema = z.object({
  pitchId: idSchema,
  reason: z
    .string({ required_error: "Say why the pitch is hidden (kept in the audit log)." })
    .trim()
    .min(1, "Say why the pitch is hidden (kept in the audit log).")
    .max(200, "A reason can be at most 200 characters."),
});

export const mergePitchesSchema = z
  .object({ fromId: idSchema, intoId: idSchema })
  .refine((v) => v.fromId !== v.intoId, { message: "Choose two different pitches to merge.", path: ["intoId"] });
