import { z } from "zod";
import { SINGLE_LINE, SINGLE_LINE_MESSAGE } from "./limits";

export const joinSchema = z.object({
  /** May be left blank: the attendee is then anonymous. */
  name: z
    .string()
    .trim()
    .max(60, "A name can be at most 60 characters.")
    .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE)
    .default(""),
  nameInWriteups: z.boolean().default(false),
});
export type JoinInput = z.infer<typeof joinSchema>;
