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
        const link: Element = {
          type: "element",
          tagName: "a",
          properties: { href: src },
          children: [{ type: "text", value: alt }],
        };
        nodes[i] = link;
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
