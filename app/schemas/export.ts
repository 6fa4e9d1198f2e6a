import { z } from "zod";
import { SINGLE_LINE, SINGLE_LINE_MESSAGE } from "./limits";

/** The preview page's edits: what a blogger may change before downloading a post. */
export const postEditsSchema = z.object({
  title: z
    .string({ required_error: "Give the post a title." })
    .trim()
    .min(1, "Give the post a title.")
    .max(200, "A title can be at most 200 characters.")
    .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE),
  introduction: z
    .string()
    .max(10_000, "The introduction can be at most 10000 characters.")
    .optional()
    .transform((v) => v?.trim() ?? ""),
});
export type PostEditsInput = z.input<typeof postEditsSchema>;

/** The import form: the file (uploaded or pasted) and, for a private event, a new passcode. */
export const importFormSchema = z.object({
  passcode: z
    .string()
    .trim()
    .min(4, "A passcode needs at least 4 characters.")
    .max(64, "A passcode can be at most 64 characters.")
    .optional(),
  json: z.string().max(20_000_000, "That is too large to import (20 MB at most).").optional(),
});
