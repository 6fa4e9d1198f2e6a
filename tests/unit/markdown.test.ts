import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../app/domain/markdown.server";

describe("renderMarkdown (pages)", () => {
  it("keeps formatting and drops raw HTML, scripts, handlers and javascript: links", () => {
    const html = renderMarkdown(
      "**bold** <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
    );
    expect(html).toContain("<strong>bold</strong>");
    expect(html).not.toMatch(/<script|onerror|javascript:/);
  });

  it("turns images into links, so a page loads nothing from elsewhere", () => {
    const html = renderMarkdown("![a cat](https://images.example/cat.png)");
    expect(html).not.toContain("<img");
    expect(html).toContain('<a href="https://images.example/cat.png">a cat</a>');
  });

  it("makes footnote links that reach their footnotes", () => {
    const html = renderMarkdown("Claim[^1]\n\n[^1]: Source");
    const href = html.match(/href="#([^"]+)"[^>]*data-footnote-ref/)?.[1];
    expect(href).toBeTruthy();
    expect(html).toContain(`id="${href}"`);
  });

  it("renders nothing for blank text", () => {
    expect(renderMarkdown("  \n ")).toBe("");
  });
});
