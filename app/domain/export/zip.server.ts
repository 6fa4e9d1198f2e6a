import { strToU8, zipSync } from "fflate";
import { sessionMarkdown } from "./markdown.server";
import type { EventExport } from "./model";
import { postFileNames } from "./names";

/**
 * A zip of posts ready for a static site: content/posts/YYYY-MM-DD-slug.md,
 * one per session, each with YAML front matter. A session with photos is a
 * Hugo page bundle instead, content/posts/YYYY-MM-DD-slug/index.md with its
 * photos beside it (photo-1.jpg, ...), linked relatively, so Hugo publishes
 * them next to the page. Unzipped at the root of a Hugo site the posts are
 * content; for Jekyll, move them to _posts/ (the file names already follow
 * its pattern). An event with no sessions still gives a valid zip with a README.
 */
export function postsZip(model: EventExport): Uint8Array {
  // A fixed time, so the same event gives the same bytes.
  const mtime = new Date(model.generatedAt);
  const files: Record<string, Uint8Array> = {};
  const names = postFileNames(model);
  for (const session of model.sessions) {
    const name = names.get(session.id) as string;
    const withPhotos = session.photos.filter((photo) => photo.data);
    if (withPhotos.length === 0) {
      files[`content/posts/${name}`] = strToU8(sessionMarkdown(model, session));
      continue;
    }
    const bundle = `content/posts/${name.replace(/\.md$/, "")}`;
    files[`${bundle}/index.md`] = strToU8(
      sessionMarkdown(model, { ...session, photos: withPhotos }, (photo) => photo.fileName),
    );
    for (const photo of withPhotos) files[`${bundle}/${photo.fileName}`] = photo.data as Uint8Array;
  }
  files["README.txt"] = strToU8(
    [
      `Write-ups from ${model.event.name} (${model.event.url}), exported by Unconf.`,
      "",
      "Hugo: unzip at the root of your site; the posts land in content/posts/.",
      "Jekyll: move content/posts/*.md into _posts/ (the names already follow YYYY-MM-DD-title.md).",
      "Sessions with photos are folders (Hugo page bundles): index.md links its photos beside it. For Jekyll,",
      "rename index.md to the folder's name + .md in _posts/ and put the photos where its permalink can reach them.",
      "Hugo leaves out posts dated in the future unless you build with --buildFuture.",
      "",
    ].join("\n"),
  );
  return zipSync(files, { level: 6, mtime });
}
