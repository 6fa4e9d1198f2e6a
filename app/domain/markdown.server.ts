import type { Element, Root, RootContent } from "hast";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

/**
 * Images become links to them: the pages' Content-Security-Policy allows no
 * outside images, and loading one would tell a third party who is reading.
 */
function imagesAsLinks() {
  const swap = (nodes: RootContent[]) => {
    nodes.forEach((node, i) => {
      if (node.type !== "element") return;
      if (node.tagName === "img") {
        const src = String(node.properties.src ?? "");
        const alt = String(node.properties.alt ?? "") || src;
        // The sanitiser removed a src it does not allow (javascript:): the alt text stays, as text, not as a link to "".
        nodes[i] = src
          ? ({
              type: "element",
              tagName: "a",
              properties: { href: src },
              children: [{ type: "text", value: alt }],
            } as Element)
          : { type: "text", value: alt };
        return;
      }
      swap(node.children);
    });
  };
  return (tree: Root) => swap(tree.children);
}

/**
 * Markdown typed by people becomes HTML that is safe to put in a page: raw
 * HTML in the source is dropped (remark-rehype keeps none) and the result is
 * sanitised with GitHub's rules (no scripts, no event handlers, no
 * javascript: links). remark-rehype already prefixes footnote ids with
 * "user-content-", so the sanitiser adds no second prefix (which would break
 * the footnote links). Server-only, so unified never reaches the browser.
 */
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(rehypeSanitize, { ...defaultSchema, clobberPrefix: "" })
  .use(imagesAsLinks)
  .use(rehypeStringify)
  .freeze();

export function renderMarkdown(source: string): string {
  if (!source.trim()) return "";
  return String(processor.processSync(source));
}

/** The HTML stored beside a captured item's Markdown (`captured_items.html`): empty strings for absent fields. */
export interface ItemHtml {
  text: string;
  blocker: string;
  impact: string;
  helped: string;
}

export const NO_ITEM_HTML: ItemHtml = { text: "", blocker: "", impact: "", helped: "" };

/**
 * Renders an item's Markdown fields once, when the item is written, so that
 * pages, pushes and exports read the stored HTML instead of running unified
 * on every view.
 */
export function renderItemHtml(item: {
  text: string;
  blocker?: string | null;
  impact?: string | null;
  helped?: string | null;
}): ItemHtml {
  return {
    text: renderMarkdown(item.text),
    blocker: renderMarkdown(item.blocker ?? ""),
    impact: renderMarkdown(item.impact ?? ""),
    helped: renderMarkdown(item.helped ?? ""),
  };
}

/** `pitches.description_html`, written with the description. */
export function renderPitchHtml(description: string): string {
  return renderMarkdown(description);
}

/**
 * The stored HTML of a Markdown field, or, for a row written before the HTML
 * columns existed and not yet reached by the start-up backfill, the HTML
 * rendered now. Text that renders to nothing stores "", so blank text costs
 * nothing here either.
 */
export function storedHtml(markdown: string | null | undefined, stored: string | null | undefined): string {
  if (stored) return stored;
  return markdown?.trim() ? renderMarkdown(markdown) : "";
}
