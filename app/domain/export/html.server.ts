import type { ElementContent, Root } from "hast";
import { toHtml } from "hast-util-to-html";
import { h } from "hastscript";
import { renderMarkdown, storedHtml } from "../markdown.server";
import {
  type FragmentNode,
  Footnotes,
  attributed,
  blocksOf,
  element,
  escapeHtml,
  isElement,
  joinBlocks,
  labelled,
  parseFragment,
  prefixIds,
  printFragment,
  shiftHeadings,
} from "./htmlFragment";
import { listOfNames, printMarkdown, sectionOrder, sectionTitles, userMarkdown, whereAndWhen } from "./markdown.server";
import type { EventExport, ExportItem, ExportPhoto, ExportSession } from "./model";

/**
 * One session as a standalone HTML page: the same sections as the Markdown
 * post, made of the HTML each note stored when it was written (sanitised by
 * the page's renderer, app/domain/markdown.server.ts), inside a document
 * built as a syntax tree (hastscript) and printed by hast-util-to-html,
 * which escapes every title, name and tag. Readable typography comes from a
 * small inline style sheet with system fonts; images in notes are links, the
 * session's photos are embedded as data: URIs, and
 * a Content-Security-Policy forbids every request, so opening the file
 * fetches nothing.
 */

export const STANDALONE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'";

const CSS = `
:root { color-scheme: light; }
html { font-size: 112.5%; }
body { margin: 0; padding: 2rem 1.25rem 4rem; background: #fdfcf9; color: #1f2328;
  font-family: Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif; line-height: 1.65; }
article { max-width: 38rem; margin: 0 auto; overflow-wrap: anywhere; }
h1, h2, h3, h4, h5, h6 { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.25; margin: 2rem 0 0.75rem; }
h1 { font-size: 2.1rem; margin-top: 0.5rem; }
h2 { font-size: 1.45rem; border-bottom: 1px solid #e4e1d8; padding-bottom: 0.25rem; }
h3 { font-size: 1.2rem; }
p, li, blockquote, h1, h2, h3, h4, h5, h6, td, th, dd, dt { unicode-bidi: plaintext; }
a { color: #0b5cad; }
figure { margin: 1.5rem 0; } figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: #5b5f66; font-size: 0.9rem; margin-top: 0.35rem; }
blockquote { margin: 1.25rem 0; padding: 0.25rem 1.25rem; border-inline-start: 4px solid #c9b88a; background: #f6f1e3; font-style: italic; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
code { background: #f0eee8; padding: 0.1em 0.3em; border-radius: 3px; }
pre { background: #f0eee8; padding: 0.75rem 1rem; overflow-x: auto; border-radius: 4px; }
pre code { background: none; padding: 0; }
hr { border: 0; border-top: 1px solid #e4e1d8; margin: 2rem 0; }
table { border-collapse: collapse; } td, th { border: 1px solid #e4e1d8; padding: 0.25rem 0.5rem; }
header .event { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.8rem; color: #5b5f66; margin: 0; font-family: system-ui, sans-serif; }
header .meta, header .byline { color: #5b5f66; margin: 0.25rem 0; font-family: system-ui, sans-serif; font-size: 0.95rem; }
.tags { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
.tags li { background: #ece7d8; border-radius: 999px; padding: 0.05rem 0.7rem; font-size: 0.85rem; font-family: system-ui, sans-serif; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 3rem; color: #5b5f66; font-size: 0.85rem; border-top: 1px solid #e4e1d8; padding-top: 0.75rem; }
@media print { body { background: #fff; } a { color: inherit; } }
`.trim();

/**
 * The HTML of one Markdown field in an export: the stored HTML, except when
 * the Markdown holds typed HTML ("<"). Pages drop typed HTML; exports show it
 * as the text that was typed, as the Markdown exports do, so such a field is
 * rendered here through the export's Markdown rules (rare: people seldom
 * type "<" in a note).
 */
export function exportFieldHtml(markdown: string | null | undefined, stored: string | null | undefined): string {
  if (!markdown?.trim()) return "";
  if (markdown.includes("<")) {
    return renderMarkdown(printMarkdown(userMarkdown(markdown, { depth: 2, headingShift: 0, imagesAsLinks: true })));
  }
  return storedHtml(markdown, stored);
}

/** One document's body being assembled: numbers fragments so their footnotes stay apart, and collects the footnotes. */
class Body {
  private fragments = 0;
  readonly footnotes = new Footnotes();

  /** A field's top-level blocks, its headings `shift` levels down and its footnotes moved to the document's list. */
  blocks(markdown: string | null | undefined, stored: string | null | undefined, shift: number): FragmentNode[] {
    const html = exportFieldHtml(markdown, stored);
    if (!html) return [];
    const nodes = parseFragment(html);
    this.fragments += 1;
    shiftHeadings(nodes, shift);
    prefixIds(nodes, `n${this.fragments}-`);
    return blocksOf(this.footnotes.take(nodes));
  }
}

function itemBlocks(body: Body, item: ExportItem, depth: number): FragmentNode[] {
  const html = item.html;
  const field = (markdown: string | null, stored: string | undefined) => body.blocks(markdown, stored, depth + 1);
  const text = field(item.text, html?.text);
  if (item.kind !== "blocker") return attributed(text, item.saidBy);
  return attributed(
    [
      ...text,
      ...labelled("The blocker:", field(item.blocker, html?.blocker)),
      ...labelled("Its impact:", field(item.impact, html?.impact)),
      ...labelled("What helped:", field(item.helped, html?.helped)),
    ],
    item.saidBy,
  );
}

/** A list of items; tight (no paragraphs in the items) when every item is one paragraph, as Markdown renders it. */
function list(items: FragmentNode[][]): FragmentNode {
  const tight = items.every((blocks) => blocks.length === 1 && isElement(blocks[0], "p"));
  const children: FragmentNode[] = ["\n"];
  for (const blocks of items) {
    const first = blocks[0];
    if (tight && isElement(first, "p")) children.push(element("li", first.children));
    else children.push(element("li", blocks.length ? ["\n", ...joinBlocks(blocks), "\n"] : []));
    children.push("\n");
  }
  return element("ul", children);
}

/** An attribute value as the fragment printer keeps it: escaped, double-quoted. */
function attribute(name: string, value: string | number): string {
  const escaped = String(value).replaceAll("&", "&#x26;").replaceAll('"', "&#x22;").replaceAll("<", "&#x3C;");
  return ` ${name}="${escaped}"`;
}

/** The session's photos as figures: the image with its description as alt text and caption. */
function photoFigures(
  photos: readonly ExportPhoto[],
  depth: number,
  src: (photo: ExportPhoto) => string,
): FragmentNode[] {
  if (photos.length === 0) return [];
  const out: FragmentNode[] = [element(`h${depth}`, [escapeHtml("Photos")])];
  for (const photo of photos) {
    const img: FragmentNode = {
      tag: "img",
      attrs: `${attribute("src", src(photo))}${attribute("alt", photo.alt)}${attribute("width", photo.width)}${attribute("height", photo.height)}`,
      children: [],
    };
    out.push(element("figure", ["\n", img, "\n", element("figcaption", [escapeHtml(photo.alt)]), "\n"]));
  }
  return out;
}

/** A photo's bytes as a data: URI (a standalone page makes no request); its address when the bytes were not read. */
export function photoDataUri(photo: ExportPhoto): string {
  return photo.data ? `data:image/jpeg;base64,${Buffer.from(photo.data).toString("base64")}` : photo.url;
}

/**
 * The body of a session as sanitised HTML (also shown on the preview page,
 * one heading level down): introduction, then a section per kind of captured
 * item, then the footnotes of all of them.
 */
export function sessionBodyHtml(
  session: ExportSession,
  depth: 2 | 3 | 4 = 2,
  photoSrc: (photo: ExportPhoto) => string = (photo) => photo.url,
): string {
  const body = new Body();
  const out: FragmentNode[] = body.blocks(session.description, session.descriptionHtml, depth - 1);
  if (session.items.length === 0 && !session.description.trim() && !session.photos?.length) {
    out.push(element("p", [element("em", ["No notes were captured in this session."])]));
  }
  for (const kind of sectionOrder) {
    const items = session.items.filter((item) => item.kind === kind);
    if (items.length === 0) continue;
    out.push(element(`h${depth}`, [escapeHtml(sectionTitles[kind])]));
    switch (kind) {
      case "tip":
      case "action":
        out.push(list(items.map((item) => itemBlocks(body, item, depth))));
        break;
      case "quote":
        for (const item of items) {
          out.push(element("blockquote", ["\n", ...joinBlocks(itemBlocks(body, item, depth)), "\n"]));
        }
        break;
      case "blocker":
        items.forEach((item, i) => {
          if (i > 0) out.push(element("hr"));
          out.push(...itemBlocks(body, item, depth));
        });
        break;
      default:
        for (const item of items) out.push(...itemBlocks(body, item, depth));
    }
  }
  out.push(...photoFigures(session.photos ?? [], depth, photoSrc));
  return printFragment(joinBlocks([...out, ...body.footnotes.section()]));
}

export function sessionHtml(model: EventExport, session: ExportSession): string {
  const { event } = model;
  const header: ElementContent[] = [
    h("p.event", event.name),
    h("h1", { dir: "auto" }, session.title),
    h("p.meta", whereAndWhen(session, event)),
  ];
  if (session.authors.length) header.push(h("p.byline", `By ${listOfNames(session.authors)}`));
  if (session.tags.length) {
    header.push(
      h(
        "ul.tags",
        { "aria-label": "Tags" },
        session.tags.map((tag) => h("li", { dir: "auto" }, tag)),
      ),
    );
  }
  const tree: Root = {
    type: "root",
    children: [
      { type: "doctype" },
      h("html", { lang: "en" }, [
        h("head", [
          h("meta", { charSet: "utf-8" }),
          h("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
          h("meta", { httpEquiv: "Content-Security-Policy", content: STANDALONE_CSP }),
          h("meta", { name: "generator", content: "Unconf" }),
          h("title", `${session.title} · ${event.name}`),
          h("style", CSS),
        ]),
        h("body", [
          h("article", [
            h("header", header),
            // Photos embedded as data: URIs: the file still makes no request (the CSP allows data: images only).
            { type: "raw", value: sessionBodyHtml(session, 2, photoDataUri) } as unknown as ElementContent,
            h("footer", [h("p", ["Notes captured at ", h("a", { href: session.url }, event.name), " with Unconf."])]),
          ]),
        ]),
      ]),
    ],
  };
  return `${toHtml(tree, { allowDangerousHtml: true })}\n`;
}
