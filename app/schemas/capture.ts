import { z } from "zod";
import { idSchema } from "./event";
import { type ItemKind, itemKinds } from "./kinds";
import { SINGLE_LINE, SINGLE_LINE_MESSAGE, limits } from "./limits";

export { type ItemKind, itemKinds, kindLabels } from "./kinds";

const flag = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
const optionalText = (max: number, label: string, singleLine = false) => {
  const text = z.string().max(max, `${label} can be at most ${max} characters.`);
  return (singleLine ? text.regex(SINGLE_LINE, SINGLE_LINE_MESSAGE) : text)
    .optional()
    .transform((v) => v?.trim() ?? "");
};

/** The fields a note-taker types; shared by adding and editing. */
const itemFields = z.object({
  kind: z.enum(itemKinds, {
    errorMap: () => ({ message: "Choose a kind: Note, Tip, Blocker story, Quote or Action." }),
  }),
  text: optionalText(limits.itemText, "Text"),
  blocker: optionalText(2000, "Blocker"),
  impact: optionalText(2000, "Impact"),
  helped: optionalText(2000, "What helped"),
  saidBy: optionalText(80, "Said by", true),
  saidByConsent: flag.default(false),
  /** The attendee picked from the "Said by" suggestions, if any. */
  mentionId: z
    .string()
    .max(64, "That person is not part of this event.")
    .optional()
    .transform((v) => v?.trim() || null),
});

function requireContent<T extends { kind: ItemKind; text: string; blocker: string }>(value: T, ctx: z.RefinementCtx) {
  if (value.kind === "blocker" && !value.blocker) {
    ctx.addIssue({ code: "custom", path: ["blocker"], message: "Say what the blocker was." });
  }
  if (value.kind !== "blocker" && !value.text) {
    ctx.addIssue({ code: "custom", path: ["text"], message: "Type the text first." });
  }
}

/** A client-made id: random, URL-safe, so a retried write is recognised. */
export const clientItemId = z
  .string({ required_error: "The item has no id." })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "The item id is not valid.");

export const addItemSchema = itemFields.extend({ id: clientItemId, pitchId: idSchema }).superRefine(requireContent);
export type AddItemInput = z.input<typeof addItemSchema>;

export const editItemSchema = itemFields.extend({ id: clientItemId }).superRefine(requireContent);

export const itemIdSchema = z.object({ id: clientItemId });

/** The mentioned person's own choice. */
export const mentionConsentSchema = z.object({ id: clientItemId, choice: z.enum(["named", "anonymous"]) });

export const chathamSchema = z.object({ pitchId: idSchema, on: flag });
export const lockSchema = z.object({ pitchId: idSchema, locked: flag });
