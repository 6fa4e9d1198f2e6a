import type { Db } from "../../db/client";
import type { ItemHtml } from "../domain/markdown.server";
import type { HeavyWork } from "./heavyWork.server";

/**
 * Fills the stored HTML of rows written before the HTML columns existed
 * (migration 0001): captured items whose `html` is still the empty default,
 * pitches with a description and no `description_html`. Started once after
 * the database opens and left to run: rows are read and written in small
 * batches on the one writing connection (a few milliseconds each), and the
 * rendering happens in a worker thread, so requests go on being answered.
 * Until a row is reached, readers render it themselves (storedHtml), so
 * nothing shows empty meanwhile.
 */

const EMPTY_ITEM_HTML = JSON.stringify({ text: "", blocker: "", impact: "", helped: "" } satisfies ItemHtml);

interface ItemRow {
  rowid: number;
  text: string;
  blocker: string | null;
  impact: string | null;
  helped: string | null;
}

interface PitchRow {
  rowid: number;
  description: string;
}

export interface BackfillResult {
  items: number;
  pitches: number;
}

export async function backfillStoredHtml(
  db: Db,
  heavy: Pick<HeavyWork, "run">,
  options: { batch?: number } = {},
): Promise<BackfillResult> {
  const batch = options.batch ?? 100;
  const sqlite = db.$client;
  // Walked by rowid, so each row is visited once even if it renders to nothing.
  const nextItems = sqlite.prepare<[string, number, number], ItemRow>(
    `select rowid, text, blocker, impact, helped from captured_items
     where html = ? and rowid > ? and (trim(text) != '' or blocker is not null)
     order by rowid limit ?`,
  );
  // Only if the row is unchanged since it was read: an edit meanwhile stored its own HTML.
  const setItem = sqlite.prepare(
    `update captured_items set html = ?
     where rowid = ? and html = ? and text = ? and blocker is ? and impact is ? and helped is ?`,
  );
  const nextPitches = sqlite.prepare<[number, number], PitchRow>(
    `select rowid, description from pitches
     where description_html = '' and trim(description) != '' and rowid > ?
     order by rowid limit ?`,
  );
  const setPitch = sqlite.prepare(
    "update pitches set description_html = ? where rowid = ? and description_html = '' and description = ?",
  );

  const result: BackfillResult = { items: 0, pitches: 0 };
  // Between batches the event loop answers whatever came in, even when rendering is in-process.
  const breathe = () => new Promise((resolve) => setImmediate(resolve));
  let after = 0;
  for (;;) {
    const rows = nextItems.all(EMPTY_ITEM_HTML, after, batch);
    if (rows.length === 0) break;
    after = (rows.at(-1) as ItemRow).rowid;
    const sources = rows.flatMap((r) => [r.text, r.blocker ?? "", r.impact ?? "", r.helped ?? ""]);
    const html = await heavy.run({ kind: "render", sources });
    sqlite.transaction(() => {
      rows.forEach((r, i) => {
        const [text = "", blocker = "", impact = "", helped = ""] = html.slice(i * 4, i * 4 + 4);
        const json = JSON.stringify({ text, blocker, impact, helped } satisfies ItemHtml);
        result.items += setItem.run(json, r.rowid, EMPTY_ITEM_HTML, r.text, r.blocker, r.impact, r.helped).changes;
      });
    })();
    await breathe();
  }
  after = 0;
  for (;;) {
    const rows = nextPitches.all(after, batch);
    if (rows.length === 0) break;
    after = (rows.at(-1) as PitchRow).rowid;
    const html = await heavy.run({ kind: "render", sources: rows.map((r) => r.description) });
    sqlite.transaction(() => {
      rows.forEach((r, i) => {
        result.pitches += setPitch.run(html[i] ?? "", r.rowid, r.description).changes;
      });
    })();
    await breathe();
  }
  return result;
}
