/** The kinds of captured item and their names: zod-free, so the browser bundle stays light. */
export const itemKinds = ["note", "tip", "blocker", "quote", "action"] as const;
export type ItemKind = (typeof itemKinds)[number];

export const kindLabels: Record<ItemKind, string> = {
  note: "Note",
  tip: "Tip",
  blocker: "Blocker story",
  quote: "Quote",
  action: "Action",
};
