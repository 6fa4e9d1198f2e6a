import { z } from "zod";
import { clientItemId } from "./capture";
import { idSchema } from "./event";
import { limits } from "./limits";

/** Session photos and feedback: what the forms and the upload carry. */

const PHOTO_ALT_MAX = limits.photoAlt;
const FEEDBACK_COMMENT_MAX = limits.feedbackComment;

export const addPhotoSchema = z.object({
  /** Made by the uploader's client, so a retried upload is stored once. */
  id: clientItemId,
  pitchId: idSchema,
  alt: z
    .string({ required_error: "Describe the photo: say what it shows, for people who cannot see it." })
    .trim()
    .min(1, "Describe the photo: say what it shows, for people who cannot see it.")
    .max(PHOTO_ALT_MAX, `A description can be at most ${PHOTO_ALT_MAX} characters.`),
});

export const photoIdSchema = z.object({ id: clientItemId });

/** `<id>.jpg` (web size) or `<id>.thumb.jpg`. */
export const photoFileSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}(\.thumb)?\.jpg$/, "There is no such photo.")
  .transform((file) => ({ id: file.replace(/(\.thumb)?\.jpg$/, ""), thumb: file.endsWith(".thumb.jpg") }));

export const feedbackSchema = z.object({
  pitchId: idSchema,
  rating: z.coerce
    .number({ invalid_type_error: "Choose a rating from 1 to 5." })
    .int("Choose a rating from 1 to 5.")
    .min(1, "Choose a rating from 1 to 5.")
    .max(5, "Choose a rating from 1 to 5."),
  comment: z
    .string()
    .max(FEEDBACK_COMMENT_MAX, `A comment can be at most ${FEEDBACK_COMMENT_MAX} characters.`)
    .optional()
    .transform((v) => v?.trim() ?? ""),
});

export const feedbackSettingSchema = z.object({
  on: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
});
