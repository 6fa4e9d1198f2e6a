import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

/**
 * Markdown typed by people becomes HTML that is safe to put in a page: raw
 * HTML in the source is dropped (remark-rehype keeps none) and the result is
 * sanitised with GitHub's rules (no scripts, no event handlers, no
 * javascript: links). Server-only, so unified never reaches the browser.
 */
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(rehypeSanitize)
  .use(rehypeStringify)
  .freeze();

export function renderMarkdown(source: string): string {
  if (!source.trim()) return "";
  return String(processor.processSync(source));
}
