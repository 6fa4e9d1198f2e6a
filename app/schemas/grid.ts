import { z } from "zod";
import { idSchema } from "./event";

const flag = z.preprocess((v) => (v === "true" || v === "on" ? true : v === "false" ? false : v), z.boolean());

export const placeSchema = z.object({
  pitchId: idSchema,
  roomId: idSchema,
  slotId: idSchema,
  /** When the target cell is taken by a placed session, swap the two instead of refusing. */
  swap: flag.default(false),
  /** Whether a session placed afresh starts pinned ("Undo" after Unschedule puts the pin back too). */
  pinned: flag.default(false),
});

export const unplaceSchema = z.object({ pitchId: idSchema });

export const pinSchema = z.object({ pitchId: idSchema, pinned: flag });

export const applySuggestionSchema = z.object({
  /** The grid version the suggestion was made from: a changed grid refuses it. */
  version: z.string().min(1).max(128),
  cells: z.preprocess(
    (v) => {
      if (typeof v !== "string") return v;
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    },
    z
      .array(z.object({ pitchId: idSchema, roomId: idSchema, slotId: idSchema }), {
        invalid_type_error: "The suggestion was damaged on the way. Suggest a grid again.",
      })
      .max(2000),
  ),
});
