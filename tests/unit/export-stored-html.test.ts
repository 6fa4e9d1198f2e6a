import type { Root } from "mdast";
import { describe, expect, it } from "vitest";
import { exportFieldHtml, sessionBodyHtml } from "../../app/domain/export/html.server";
import {
  Footnotes,
  attributed,
  blocksOf,
  labelled,
  parseFragment,
  prefixIds,
  printFragment,
  shiftHeadings,
} from "../../app/domain/export/htmlFragment";
import {
  isPlainMarkdown,
  plainBlocks,
  printMarkdown,
  sessionBody,
  userMarkdown,
} from "../../app/domain/export/markdown.server";
import { type ExportItem, type ExportSession, applyEdits } from "../../app/domain/export/model";
import { renderItemHtml, renderMarkdown } from "../../app/domain/markdown.server";
import { seededRandom } from "../helpers/generateEvent";
import { noteMarkdown } from "../helpers/largeEvent";
import { item, richSession, session } from "./exportFixture";

/**
 * Exports made from the HTML stored when each note was written, and plain
 * notes put into Markdown posts as typed: both must read exactly as the
 * Markdown pipeline they replace (render every note again, print the post,
 * parse it again), for any text.
 */

const AWKWARD = [
  "plain words",
  "# Heading\n\n## Sub\n\n###### six",
  'A [link](https://example.org/a?b=1&c=2 "title <h1> with > and &") and ![img](https://x.example/p.png "t")',
  "Claim[^1] and again[^1], other[^b]\n\n[^1]: First.\n[^b]: Second.",
  "- [ ] task\n- [x] done\n\n1. one\n2. two",
  "| a | b |\n| --- | :-: |\n| `x<y` | **z** |",
  "```js\nif (a < b && c > d) {}\n```\n\n    indented <code>",
  "> quoted\n> > nested",
  "Entities &amp; &lt;b&gt; &copy; 😀 שלום עולם",
  "line  \nbreak\\\nand more",
  "<b>raw</b> <script>x</script> & <img src=x onerror=alert(1)>",
  "[bad](javascript:alert(1)) ![bad](javascript:alert(2))",
];

describe("parseFragment and printFragment", () => {
  const random = seededRandom(7);
  const samples = [...AWKWARD, ...Array.from({ length: 200 }, (_, i) => noteMarkdown(random, i))];

  it("read back exactly what the page renderer stored, for any note", { timeout: 30_000 }, () => {
    for (const source of samples) {
      const html = renderMarkdown(source);
      expect(printFragment(parseFragment(html)), source).toBe(html);
    }
  });

  it("refuse what the serialiser never writes", () => {
    expect(() => parseFragment("<p>open")).toThrow(/open/);
    expect(() => parseFragment("<p>a</em>")).toThrow(/closes/);
    expect(() => parseFragment('<a href="x>')).toThrow(/inside a tag/);
  });

  it("move headings down, never past h6, and leave text and attributes that only look like headings alone", () => {
    const nodes = parseFragment(renderMarkdown('# One\n\n##### Five\n\n[x](https://a.example "<h1>") &lt;h2&gt;'));
    shiftHeadings(nodes, 2);
    expect(printFragment(nodes)).toBe(
      '<h3>One</h3>\n<h6>Five</h6>\n<p><a href="https://a.example" title="<h1>">x</a> &#x3C;h2></p>',
    );
  });

  it("keep the footnotes of separate notes apart and number them through the document", () => {
    const footnotes = new Footnotes();
    const blocks = [AWKWARD[3] as string, "Another[^1]\n\n[^1]: Third."].flatMap((source, i) => {
      const nodes = parseFragment(renderMarkdown(source));
      prefixIds(nodes, `n${i + 1}-`);
      return blocksOf(footnotes.take(nodes));
    });
    const html = printFragment([...blocks, ...footnotes.section()]);
    expect(html.match(/data-footnote-ref[^>]*>(\d+)</g)?.map((m) => m.replace(/\D/g, ""))).toEqual([
      "1",
      "1",
      "2",
      "3",
    ]);
    expect(html.match(/<section data-footnotes/g)).toHaveLength(1);
    expect(html).toContain('<li id="user-content-fn-n2-1">');
    expect(html).toContain('href="#user-content-fnref-n2-1" data-footnote-backref="" aria-label="Back to reference 3"');
    // Every link reaches an id in the document.
    for (const [, target] of html.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${target}"`);
  });

  it("add labels and speakers as text, not markup", () => {
    const blocks = blocksOf(parseFragment(renderMarkdown("Builds *slow*")));
    expect(printFragment(labelled("The <blocker>:", blocks))).toBe(
      "<p><strong>The &#x3C;blocker>:</strong> Builds <em>slow</em></p>",
    );
    expect(printFragment(attributed(blocks, "Ada & <Bob>"))).toBe(
      "<p>Builds <em>slow</em> — Ada &#x26; &#x3C;Bob></p>",
    );
    const list = blocksOf(parseFragment(renderMarkdown("- a")));
    expect(printFragment(attributed(list, "Eve"))).toBe("<ul>\n<li>a</li>\n</ul><p>— Eve</p>");
  });
});

/** The body the HTML exports had before: every note rendered again through the printed Markdown post. */
function reference(s: ExportSession, depth: 2 | 3 | 4): string {
  return renderMarkdown(printMarkdown(sessionBody(s, { depth, imagesAsLinks: true })));
}

/**
 * Lists are tight or loose by a simpler rule now (tight when every item is one
 * paragraph), and footnote ids are numbered by note rather than by parsed
 * note: compare what is read, not <p> wrapping inside lists or id spelling.
 */
const content = (html: string) =>
  html
    .replace(/user-content-(fn|fnref)-n\d+-/g, "user-content-$1-")
    .replace(/<\/?p>/g, "")
    .replace(/\s+/g, " ")
    .replace(/> </g, "><")
    .replace(/ ?<(\/?)li> ?/g, "<$1li>");

function generatedSession(random: () => number, n: number, withStoredHtml: boolean): ExportSession {
  const kinds = ["note", "tip", "blocker", "quote", "action"] as const;
  const items: ExportItem[] = Array.from({ length: 25 }, (_, i) => {
    const kind = kinds[Math.floor(random() * kinds.length)] as ExportItem["kind"];
    const story =
      kind === "blocker"
        ? { blocker: noteMarkdown(random, i), impact: noteMarkdown(random, i), helped: noteMarkdown(random, i) }
        : {};
    const made = item(kind, kind === "blocker" && random() < 0.5 ? "" : noteMarkdown(random, i), {
      ...story,
      saidBy: random() < 0.3 ? `Speaker ${i} & <co>` : null,
    });
    return withStoredHtml ? { ...made, html: renderItemHtml(made) } : made;
  });
  const description = noteMarkdown(random, n);
  return session({
    id: `s${n}`,
    description,
    descriptionHtml: withStoredHtml ? renderMarkdown(description) : null,
    items,
  });
}

describe("HTML exports from stored HTML", () => {
  it("read as the Markdown pipeline's rendering, for generated sessions at every depth", {
    timeout: 180_000,
  }, async () => {
    const random = seededRandom(11);
    for (let n = 0; n < 20; n++) {
      const s = generatedSession(random, n, true);
      for (const depth of [2, 3, 4] as const)
        expect(content(sessionBodyHtml(s, depth)), `session ${n}`).toBe(content(reference(s, depth)));
      // Seconds of synchronous work on a loaded machine: let the worker answer vitest's RPC in between,
      // or vitest reports "Timeout calling onTaskUpdate" although every check passed.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  it("match it byte for byte for the awkward fixture (footnotes, quotes, typed HTML, images)", () => {
    const s = richSession();
    const stored = { ...s, items: s.items.map((i) => ({ ...i, html: renderItemHtml(i) })) };
    expect(sessionBodyHtml(stored)).toBe(reference(s, 2));
  });

  it("are the same whether the HTML was stored or not (rows waiting for the backfill)", () => {
    const random = seededRandom(12);
    const stored = generatedSession(random, 1, true);
    const bare = { ...stored, descriptionHtml: null, items: stored.items.map(({ html, ...rest }) => rest) };
    expect(sessionBodyHtml(bare)).toBe(sessionBodyHtml(stored));
  });

  it("use the stored HTML as it is, and render a field only when it holds typed HTML", () => {
    expect(exportFieldHtml("plain *words*", "<p>as stored</p>")).toBe("<p>as stored</p>");
    expect(exportFieldHtml("plain *words*", "")).toBe("<p>plain <em>words</em></p>");
    // Pages drop typed HTML; exports show it as the text that was typed.
    expect(exportFieldHtml("<b>bold</b> & <img src=x>", "<p> &#x26; </p>")).toBe(
      "<p>&#x3C;b>bold&#x3C;/b> &#x26; &#x3C;img src=x></p>",
    );
    expect(exportFieldHtml("  ", "<p>stale</p>")).toBe("");
  });

  it("render an edited introduction, not the stored one", () => {
    const s = session({ description: "Old intro", descriptionHtml: "<p>Old intro</p>" });
    const edited = applyEdits(s, { introduction: "New *intro*" });
    expect(sessionBodyHtml(edited)).toContain("<p>New <em>intro</em></p>");
    expect(sessionBodyHtml(applyEdits(s, { title: "Only the title" }))).toContain("<p>Old intro</p>");
  });
});

describe("plain notes in Markdown posts", () => {
  it.each([
    ["Just words, with **bold**, _em_, `code` and https://example.org.", true],
    ["Two paragraphs.\n\nThe second one.", true],
    ["2024 was the year; 1.5 million users", true],
    ["A [link](https://x.example)", false],
    ["Footnote[^1]", false],
    ["<b>typed html</b>", false],
    ["# heading", false],
    ["- list", false],
    ["1. ordered", false],
    ["> quote", false],
    ["text\n===", false],
    ["text\n---", false],
    ["```\nfence", false],
    ["    indented", false],
    ["a | b", false],
    ["___", false],
    ["tab\there", false],
  ])("%j is plain: %s", (source, plain) => {
    expect(isPlainMarkdown(source)).toBe(plain);
  });

  it("print as the parsed note would, on their own, in a list item and in a quote", () => {
    const random = seededRandom(5);
    const sources = Array.from({ length: 160 }, (_, i) => noteMarkdown(random, i)).filter(isPlainMarkdown);
    expect(sources.length).toBeGreaterThan(50);
    const wrap = (blocks: Root["children"], where: number): Root["children"] => {
      if (where === 1)
        return [
          { type: "list", spread: false, children: [{ type: "listItem", spread: false, children: blocks as never }] },
        ];
      if (where === 2) return [{ type: "blockquote", children: blocks as never }];
      return blocks;
    };
    for (const source of sources) {
      for (const where of [0, 1, 2]) {
        const parsed = userMarkdown(source, { depth: 2, headingShift: 3 });
        const expected = renderMarkdown(printMarkdown(wrap(parsed, where)));
        expect(renderMarkdown(printMarkdown(wrap(plainBlocks(source), where))), source).toBe(expected);
      }
    }
  }, 60_000);
});
