import type {
  BlockContent,
  DefinitionContent,
  Blockquote,
  Heading,
  List,
  ListItem,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
  Text,
} from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkStringify from "remark-stringify";
import { unified } from "unified";
import { SKIP, visit } from "unist-util-visit";
import { frontMatter } from "./frontMatter";
import type { EventExport, ExportItem, ExportPhoto, ExportSession, ItemKind } from "./model";
import { clockPart, datePart, isoWithOffset, longDate } from "./time";

/**
 * Session write-ups as Markdown. The document is built as a Markdown syntax
 * tree (mdast) and printed by remark-stringify, so titles and names become
 * text nodes that the printer escapes (a title "**Rust** <b>" reads as typed),
 * while descriptions and captured notes, which people write in Markdown, are
 * parsed and kept as Markdown with three safety changes: raw HTML is turned
 * into visible text (never passed through to a blog engine that would run
 * it), links and images with a scheme other than http, https or mailto lose
 * their address, and headings move below the section they sit in.
 */

/** Block-level content a note may hold. */
type Flow = BlockContent | DefinitionContent;

const parser = unified().use(remarkParse).use(remarkGfm).freeze();
const printer = unified()
  .use(remarkGfm)
  .use(remarkStringify, { bullet: "-", emphasis: "_", strong: "*", rule: "-", fences: true, listItemIndent: "one" })
  .freeze();

export interface BodyOptions {
  /** Numbers the notes of one document, so footnote and link-reference labels of different notes stay apart. */
  labels?: { next: number };
  /** Depth of the section headings (Notes, Tips, ...): 2 in a session post, 3 in the event write-up. */
  depth: 2 | 3 | 4;
  /** For HTML output: images become links, so a standalone page makes no request of its own. */
  imagesAsLinks?: boolean;
  /** Where a session photo's image is read from: its address on this site unless a bundle says otherwise. */
  photoSrc?: (photo: ExportPhoto) => string;
}

const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);

export function isSafeUrl(url: string): boolean {
  const scheme = url
    .trim()
    .match(/^([a-z][a-z0-9+.-]*):/i)?.[1]
    ?.toLowerCase();
  return scheme === undefined || SAFE_SCHEMES.has(scheme);
}

function text(value: string): Text {
  return { type: "text", value };
}

function paragraph(...children: PhrasingContent[]): Paragraph {
  return { type: "paragraph", children };
}

function heading(depth: number, value: string): Heading {
  return { type: "heading", depth: Math.min(6, depth) as Heading["depth"], children: [text(value)] };
}

/**
 * Parses Markdown a person typed into block nodes that are safe to print.
 * `prefix` keeps footnote and link-reference labels of different notes apart.
 */
export function userMarkdown(source: string, options: BodyOptions & { headingShift: number }): Flow[] {
  if (!source.trim()) return [];
  const tree = parser.runSync(parser.parse(source)) as Root;
  const labels = options.labels ?? { next: 0 };
  labels.next += 1;
  const prefix = `n${labels.next}-`;
  visit(tree, (node, index, parent) => {
    if ("identifier" in node && typeof node.identifier === "string") {
      node.identifier = `${prefix}${node.identifier}`;
      if ("label" in node && typeof node.label === "string") node.label = `${prefix}${node.label}`;
    }
    if (node.type === "heading") {
      node.depth = Math.min(6, node.depth + options.headingShift) as Heading["depth"];
    }
    if (!parent || index === undefined) return;
    if (node.type === "html") {
      const literal = text(node.value);
      const flow = ["root", "blockquote", "listItem", "footnoteDefinition"].includes(parent.type);
      parent.children.splice(index, 1, (flow ? paragraph(literal) : literal) as never);
      return SKIP;
    }
    if (node.type === "link" && !isSafeUrl(node.url)) {
      parent.children.splice(index, 1, ...(node.children as never[]));
      return index;
    }
    if (node.type === "definition" && !isSafeUrl(node.url)) {
      node.url = "#";
      return;
    }
    if (node.type === "image") {
      if (!isSafeUrl(node.url)) {
        parent.children.splice(index, 1, text(node.alt ?? "") as never);
        return SKIP;
      }
      if (options.imagesAsLinks) {
        parent.children.splice(index, 1, {
          type: "link",
          url: node.url,
          title: node.title ?? null,
          children: [text(node.alt || node.url)],
        } as never);
        return SKIP;
      }
    }
    if (node.type === "imageReference" && options.imagesAsLinks) {
      parent.children.splice(index, 1, text(node.alt ?? "") as never);
      return SKIP;
    }
  });
  return tree.children as Flow[];
}

/**
 * Whether a note's Markdown can go into a post as it was typed, without
 * parsing it: prose in paragraphs, with inline code, emphasis and literal
 * links at most. Nothing in it can be raw HTML, a link or image with an
 * address to check, a footnote or reference ("<" and "]" are absent), a
 * table ("|"), or a block that would change the post's structure: no line
 * starts with whitespace, a heading, quote, list, fence, rule or setext
 * marker. Such text means the same inside a list item or a quote as on its
 * own, so it is kept verbatim (it reads as typed) and only parsed otherwise.
 */
export function isPlainMarkdown(source: string): boolean {
  if (/[<\]|\t\r]/.test(source)) return false;
  // Lines as typed: a leading space on the first line matters as much as on any other (indented code).
  for (const line of source.split("\n")) {
    if (line.trim() === "") continue;
    if (/^(\s|[#>=+*_~`-]|\d{1,9}[.)](\s|$))/.test(line)) return false;
  }
  return true;
}

/** A plain note (see isPlainMarkdown) as paragraphs that print exactly as typed. */
export function plainBlocks(source: string): Paragraph[] {
  return source
    .trim()
    .split(/\n[ ]*\n/)
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => paragraph({ type: "html", value: part }));
}

/** Appends "— Name" to the last paragraph (before any footnotes), or as its own paragraph. */
function attributed(blocks: Flow[], name: string | null): Flow[] {
  if (!name) return blocks;
  const notes = (b: Flow) => b.type === "footnoteDefinition" || b.type === "definition";
  let end = blocks.length;
  while (end > 0 && notes(blocks[end - 1] as Flow)) end--;
  const main = blocks.slice(0, end);
  const tail = blocks.slice(end);
  const last = main.at(-1);
  if (last?.type === "paragraph") {
    return [...main.slice(0, -1), { ...last, children: [...last.children, text(` — ${name}`)] }, ...tail];
  }
  return [...main, paragraph(text(`— ${name}`)), ...tail];
}

/** "**Label** rest of the first paragraph", or the label as its own paragraph before other blocks. */
function labelled(label: string, blocks: Flow[]): Flow[] {
  if (blocks.length === 0) return [];
  const [first, ...rest] = blocks;
  const strong: PhrasingContent = { type: "strong", children: [text(label)] };
  if (first?.type === "paragraph") return [{ ...first, children: [strong, text(" "), ...first.children] }, ...rest];
  return [paragraph(strong), ...blocks];
}

function list(items: Flow[][]): List {
  const children: ListItem[] = items.map((blocks) => ({
    type: "listItem",
    spread: false,
    children: blocks.length ? blocks : [paragraph()],
  }));
  return { type: "list", ordered: false, spread: false, children };
}

export const sectionTitles: Record<ItemKind, string> = {
  note: "Notes",
  tip: "Tips",
  blocker: "Blocker stories",
  quote: "Quotes",
  action: "Actions",
};
export const sectionOrder: ItemKind[] = ["note", "tip", "blocker", "quote", "action"];

function itemBlocks(item: ExportItem, options: BodyOptions): Flow[] {
  // Most notes are plain prose: they skip the parser (the bulk of an export's cost at thousands of notes).
  const md = (source: string | null) =>
    source && isPlainMarkdown(source)
      ? plainBlocks(source)
      : userMarkdown(source ?? "", { ...options, headingShift: options.depth + 1 });
  switch (item.kind) {
    case "blocker":
      return attributed(
        [
          ...md(item.text),
          ...labelled("The blocker:", md(item.blocker)),
          ...labelled("Its impact:", md(item.impact)),
          ...labelled("What helped:", md(item.helped)),
        ],
        item.saidBy,
      );
    default:
      return attributed(md(item.text), item.saidBy);
  }
}

/** The body of one session: introduction, then a section per kind of captured item that has any. */
export function sessionBody(session: ExportSession, bodyOptions: BodyOptions): RootContent[] {
  const options = { ...bodyOptions, labels: bodyOptions.labels ?? { next: 0 } };
  const out: RootContent[] = [...userMarkdown(session.description, { ...options, headingShift: options.depth - 1 })];
  if (session.items.length === 0 && !session.description.trim() && !session.photos?.length) {
    out.push(paragraph({ type: "emphasis", children: [text("No notes were captured in this session.")] }));
  }
  for (const kind of sectionOrder) {
    const items = session.items.filter((item) => item.kind === kind);
    if (items.length === 0) continue;
    out.push(heading(options.depth, sectionTitles[kind]));
    switch (kind) {
      case "tip":
      case "action":
        out.push(list(items.map((item) => itemBlocks(item, options))));
        break;
      case "quote":
        for (const item of items) {
          const quote: Blockquote = { type: "blockquote", children: itemBlocks(item, options) };
          out.push(quote);
        }
        break;
      case "blocker":
        items.forEach((item, i) => {
          if (i > 0) out.push({ type: "thematicBreak" });
          out.push(...itemBlocks(item, options));
        });
        break;
      default:
        for (const item of items) out.push(...itemBlocks(item, options));
    }
  }
  if (session.photos?.length) {
    out.push(heading(options.depth, "Photos"));
    for (const photo of session.photos) {
      const url = options.photoSrc ? options.photoSrc(photo) : photo.url;
      out.push(paragraph({ type: "image", url, alt: photo.alt, title: null }));
    }
  }
  return out;
}

/** Only the captured notes of a session, as Markdown; empty when there are none. */
export function notesMarkdown(session: ExportSession): string {
  if (session.items.length === 0) return "";
  return printMarkdown(sessionBody({ ...session, description: "", photos: [] }, { depth: 2 }));
}

export function printMarkdown(children: RootContent[]): string {
  return printer.stringify({ type: "root", children });
}

/** "A", "A and B", "A, B and C". */
export function listOfNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** Where and when, for people: "Room A, 1 December 2026, 10:00–11:00". */
export function whereAndWhen(session: ExportSession, event: EventExport["event"]): string {
  const p = session.placement;
  if (!p) return `${longDate(event.date)}, not scheduled`;
  const room = p.slotKind === "plenary" ? `${p.room} (plenary)` : p.room;
  return `${room}, ${longDate(datePart(p.localStart))}, ${clockPart(p.localStart)}–${clockPart(p.localEnd)}`;
}

/** The post's date: the session's start with the zone's offset, or the event's first day when unscheduled. */
export function postDate(session: ExportSession, event: EventExport["event"]): string {
  return session.placement ? isoWithOffset(session.placement.localStart, event.timeZone) : event.date;
}

export function sessionFrontMatter(session: ExportSession, event: EventExport["event"]): Record<string, unknown> {
  const data: Record<string, unknown> = {
    title: session.title,
    date: postDate(session, event),
    tags: session.tags,
    event: event.name,
  };
  if (session.placement) {
    data.room = session.placement.room;
    data.time = `${clockPart(session.placement.localStart)}–${clockPart(session.placement.localEnd)}`;
  }
  data.authors = session.authors;
  return data;
}

/** One session as a blog post: YAML front matter and a Markdown body; `photoSrc` for photos inside a bundle. */
export function sessionMarkdown(
  model: EventExport,
  session: ExportSession,
  photoSrc?: (photo: ExportPhoto) => string,
): string {
  return `${frontMatter(sessionFrontMatter(session, model.event))}\n${printMarkdown(sessionBody(session, { depth: 2, photoSrc }))}`;
}

/** The whole event as one write-up post, a section per session. */
export function eventMarkdown(model: EventExport): string {
  const authors = [...new Set(model.sessions.flatMap((s) => s.authors))];
  const tags = [...new Set(model.sessions.flatMap((s) => s.tags))];
  const data = { title: model.event.name, date: model.event.date, tags, event: model.event.name, authors };
  const children: RootContent[] = [];
  const count = model.sessions.length;
  children.push(
    paragraph(
      text(
        count === 0
          ? `No sessions to write up from ${model.event.name} (${longDate(model.event.date)}) yet.`
          : `Write-ups of the ${count === 1 ? "session" : `${count} sessions`} at ${model.event.name}, ${longDate(model.event.date)}.`,
      ),
    ),
  );
  const labels = { next: 0 };
  for (const session of model.sessions) {
    children.push(heading(2, session.title));
    const meta: PhrasingContent[] = [{ type: "emphasis", children: [text(whereAndWhen(session, model.event))] }];
    if (session.authors.length) meta.push(text(`. By ${listOfNames(session.authors)}`));
    if (session.tags.length) meta.push(text(`. Tags: ${session.tags.join(", ")}`));
    children.push(paragraph(...meta));
    children.push(...sessionBody(session, { depth: 3, labels }));
  }
  return `${frontMatter(data)}\n${printMarkdown(children)}`;
}
