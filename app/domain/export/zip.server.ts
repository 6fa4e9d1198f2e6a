import { strToU8, zipSync } from "fflate";
import { sessionMarkdown } from "./markdown.server";
import type { EventExport } from "./model";
import { postFileNames } from "./names";

/**
 * A zip of posts ready for a static site: content/posts/YYYY-MM-DD-slug.md,
 * one per session, each with YAML front matter. Unzipped at the root of a
 * Hugo site the posts are content; for Jekyll, move them to _posts/ (the file
 * names already follow its pattern). An event with no sessions still gives a
 * valid zip with a README.
 */
export function postsZip(model: EventExport): Uint8Array {
  // A fixed time, so the same event gives the same bytes.
  const mtime = new Date(model.generatedAt);
  const files: Record<string, Uint8Array> = {};
  const names = postFileNames(model);
  for (const session of model.sessions) {
    files[`content/posts/${names.get(session.id)}`] = strToU8(sessionMarkdown(model, session));
  }
  files["README.txt"] = strToU8(
    [
      `Write-ups from ${model.event.name} (${model.event.url}), exported by Unconf.`,
      "",
      "Hugo: unzip at the root of your site; the posts land in content/posts/.",
      "Jekyll: move content/posts/*.md into _posts/ (the names already follow YYYY-MM-DD-title.md).",
      "Hugo leaves out posts dated in the future unless you build with --buildFuture.",
      "",
    ].join("\n"),
  );
  return zipSync(files, { level: 6, mtime });
}
