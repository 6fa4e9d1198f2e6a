/**
 * Stored, sanitised HTML fragments (what renderMarkdown wrote when a note was
 * captured) assembled into one export document without rendering Markdown
 * again. The fragments come from one serialiser (rehype-stringify after
 * rehype-sanitize), whose output is regular: text never holds a raw "<"
 * (it is written &#x3C;), attribute values are double-quoted and never hold a
 * raw '"', every element but the void ones is closed, and there are no
 * comments. So a small scanner reads it into a tree exactly; the tree keeps
 * text and attributes as the serialiser wrote them and prints back byte for
 * byte. Only what the document needs is changed: heading levels, footnote ids
 * and numbers (each note's footnotes join one list at the end), a label or a
 * speaker's name added as escaped text.
 */

export interface FragmentElement {
  tag: string;
  /** The attributes exactly as serialised, with their leading space: ` href="#x" id="y"`. */
  attrs: string;
  children: FragmentNode[];
}

/** Text is kept serialised (entities as written), so printing needs no escaping. */
export type FragmentNode = FragmentElement | string;

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

/** The end of the tag that opens at `from` ("<"), skipping quoted attribute values that may hold ">". */
function tagEnd(html: string, from: number): number {
  let quote = "";
  for (let i = from + 1; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ">") {
      return i;
    }
  }
  throw new Error("Stored HTML ends inside a tag");
}

/** Reads serialiser output into a tree. Throws on anything the serialiser would not write. */
export function parseFragment(html: string): FragmentNode[] {
  const root: FragmentElement = { tag: "", attrs: "", children: [] };
  const stack: FragmentElement[] = [root];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    const top = stack[stack.length - 1] as FragmentElement;
    if (lt < 0) {
      top.children.push(html.slice(i));
      break;
    }
    if (lt > i) top.children.push(html.slice(i, lt));
    const end = tagEnd(html, lt);
    const inner = html.slice(lt + 1, end);
    if (inner.startsWith("/")) {
      const tag = inner.slice(1).trim().toLowerCase();
      if (top.tag !== tag) throw new Error(`Stored HTML closes <${tag}> inside <${top.tag || "root"}>`);
      stack.pop();
    } else {
      const match = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(inner);
      if (!match?.[1]) throw new Error("Stored HTML has a tag without a name");
      const tag = match[1].toLowerCase();
      const selfClosing = inner.endsWith("/");
      const attrs = inner.slice(match[1].length, selfClosing ? -1 : undefined);
      const element: FragmentElement = { tag, attrs, children: [] };
      top.children.push(element);
      if (!VOID.has(tag) && !selfClosing) stack.push(element);
    }
    i = end + 1;
  }
  if (stack.length !== 1) throw new Error(`Stored HTML leaves <${stack[stack.length - 1]?.tag}> open`);
  return root.children;
}

export function printFragment(nodes: readonly FragmentNode[]): string {
  let out = "";
  for (const node of nodes) {
    if (typeof node === "string") {
      out += node;
    } else {
      out += `<${node.tag}${node.attrs}>`;
      if (!VOID.has(node.tag)) out += `${printFragment(node.children)}</${node.tag}>`;
    }
  }
  return out;
}

/** Escapes text for HTML content: the same characters hast-util-to-html escapes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&#x26;").replace(/</g, "&#x3C;");
}

export function element(tag: string, children: FragmentNode[] = [], attrs = ""): FragmentElement {
  return { tag, attrs, children };
}

export function isElement(node: FragmentNode | undefined, tag?: string): node is FragmentElement {
  return typeof node === "object" && (tag === undefined || node.tag === tag);
}

/** A serialised attribute's value (as written, entities and all), or undefined. */
export function attrValue(node: FragmentElement, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name}(?:="([^"]*)")?(?=\\s|$)`).exec(node.attrs);
  if (!match) return undefined;
  return match[1] ?? "";
}

function setAttr(node: FragmentElement, name: string, value: string): void {
  node.attrs = node.attrs.replace(new RegExp(`(^|\\s)${name}="[^"]*"`), `$1${name}="${value}"`);
}

function walk(nodes: readonly FragmentNode[], visit: (node: FragmentElement) => void): void {
  for (const node of nodes) {
    if (typeof node === "string") continue;
    visit(node);
    walk(node.children, visit);
  }
}

/** h1 becomes h(1 + by), at most h6: a note's own headings sit below the section they are in. */
export function shiftHeadings(nodes: readonly FragmentNode[], by: number): void {
  if (by === 0) return;
  walk(nodes, (node) => {
    const level = /^h([1-6])$/.exec(node.tag)?.[1];
    if (level) node.tag = `h${Math.min(6, Math.max(1, Number(level) + by))}`;
  });
}

/**
 * Footnote ids are unique within one fragment only ("user-content-fn-1");
 * `prefix` keeps each fragment's apart in a document ("user-content-fn-n3-1",
 * the ids the Markdown exports' labels give).
 */
export function prefixIds(nodes: readonly FragmentNode[], prefix: string): void {
  walk(nodes, (node) => {
    for (const name of ["id", "href"]) {
      const value = attrValue(node, name);
      if (value?.includes("user-content-")) {
        setAttr(node, name, value.replace(/^(#?user-content-(?:fnref-|fn-)?)/, `$1${prefix}`));
      }
    }
  });
}

/**
 * The document's footnotes: each fragment's footnote section is taken out
 * and its items join one list, renumbered in document order (the references'
 * visible numbers and the back links' labels follow).
 */
export class Footnotes {
  readonly items: FragmentElement[] = [];

  /** Removes the fragment's footnote section (a top-level <section data-footnotes>) and keeps its items. */
  take(nodes: FragmentNode[]): FragmentNode[] {
    const base = this.items.length;
    const kept: FragmentNode[] = [];
    let taken = 0;
    for (const node of nodes) {
      if (isElement(node, "section") && attrValue(node, "data-footnotes") !== undefined) {
        const list = node.children.find((c): c is FragmentElement => isElement(c, "ol"));
        for (const li of list?.children ?? []) {
          if (!isElement(li, "li")) continue;
          this.items.push(li);
          taken++;
        }
        continue;
      }
      kept.push(node);
    }
    if (taken === 0 || base === 0) return kept;
    const renumber = (n: string) => String(Number(n) + base);
    walk(kept, (node) => {
      if (node.tag === "a" && attrValue(node, "data-footnote-ref") !== undefined) {
        node.children = node.children.map((c) => (typeof c === "string" && /^\d+$/.test(c) ? renumber(c) : c));
      }
    });
    walk(this.items.slice(base), (node) => {
      const label = attrValue(node, "aria-label");
      if (node.tag === "a" && label?.startsWith("Back to reference ")) {
        setAttr(
          node,
          "aria-label",
          label.replace(/^Back to reference (\d+)/, (_, n: string) => `Back to reference ${renumber(n)}`),
        );
      }
    });
    return kept;
  }

  /** The one footnote section of the document, as renderMarkdown writes it; nothing when there are none. */
  section(): FragmentNode[] {
    if (this.items.length === 0) return [];
    const list: FragmentNode[] = ["\n"];
    for (const li of this.items) list.push(li, "\n");
    return [
      element(
        "section",
        [element("h2", ["Footnotes"], ' class="sr-only" id="footnote-label"'), "\n", element("ol", list), "\n"],
        ' data-footnotes class="footnotes"',
      ),
    ];
  }
}

/** The top-level blocks of a fragment, without the newlines the serialiser puts between them. */
export function blocksOf(nodes: readonly FragmentNode[]): FragmentNode[] {
  return nodes.filter((node) => typeof node !== "string" || node.trim() !== "");
}

/** "<strong>Label</strong> first paragraph", or the label as its own paragraph before other blocks. */
export function labelled(label: string, blocks: FragmentNode[]): FragmentNode[] {
  if (blocks.length === 0) return [];
  const strong = element("strong", [escapeHtml(label)]);
  const [first, ...rest] = blocks;
  if (isElement(first, "p")) return [element("p", [strong, " ", ...first.children], first.attrs), ...rest];
  return [element("p", [strong]), ...blocks];
}

/** Appends " — Name" to the last paragraph, or adds it as its own paragraph. */
export function attributed(blocks: FragmentNode[], name: string | null): FragmentNode[] {
  if (!name) return blocks;
  const last = blocks.at(-1);
  if (isElement(last, "p")) {
    return [...blocks.slice(0, -1), element("p", [...last.children, escapeHtml(` — ${name}`)], last.attrs)];
  }
  return [...blocks, element("p", [escapeHtml(`— ${name}`)])];
}

/** Blocks joined one per line, as the serialiser writes them. */
export function joinBlocks(blocks: readonly FragmentNode[]): FragmentNode[] {
  const out: FragmentNode[] = [];
  blocks.forEach((block, i) => {
    if (i > 0) out.push("\n");
    out.push(block);
  });
  return out;
}
