import type { Root } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { visit } from "unist-util-visit";
import { describe, expect, it } from "vitest";
import { eventMarkdown, sessionMarkdown } from "../../app/domain/export/markdown.server";
import { applyEdits } from "../../app/domain/export/model";
import { frontMatterOf } from "../consumers";
import { NASTY_TITLE, item, model, richSession, session } from "./exportFixture";

/** Parses Markdown the way a CommonMark + GFM blog engine would. */
function parse(markdown: string): Root {
  const processor = unified().use(remarkParse).use(remarkGfm);
  return processor.runSync(processor.parse(markdown)) as Root;
}

function nodesOf(tree: Root, type: string) {
  const found: Array<{ type: string; value?: string; url?: string; depth?: number; children?: unknown[] }> = [];
  visit(tree, (node) => {
    if (node.type === type) found.push(node as never);
  });
  return found;
}

function textOf(node: unknown): string {
  let out = "";
  visit(node as Root, (n) => {
    if ((n.type === "text" || n.type === "inlineCode") && "value" in n) out += n.value;
  });
  return out;
}

describe("sessionMarkdown: front matter", () => {
  it("is YAML that parses back to the exact title, tags, event, room, time and authors", () => {
    const m = model([richSession()]);
    const { data } = frontMatterOf(sessionMarkdown(m, m.sessions[0] as never));
    expect(data).toEqual({
      title: NASTY_TITLE,
      date: "2026-12-01T10:00:00+01:00",
      tags: ["rust", "מבחן", "emoji 🎉"],
      event: "Camp & Co",
      room: "Room A",
      time: "10:00–11:00",
      authors: ["Ada"],
    });
  });

  it.each([
    "yes",
    "No",
    "on",
    "null",
    "~",
    "2026-12-01",
    "12:30",
    "0x1F",
    "1e3",
    "- a list?",
    "#hashtag",
    "a: b",
    "---",
    "[1, 2]",
    "{a: 1}",
    "'single' \"double\" \\ back",
    "@at *star &anchor !tag |pipe >fold %pct `tick`",
    "line\u0007bell",
  ])("quotes the title %j so YAML 1.1 and 1.2 parsers read a string", (title) => {
    const m = model([session({ title })]);
    const markdown = sessionMarkdown(m, m.sessions[0] as never);
    const { data } = frontMatterOf(markdown);
    expect(data.title).toBe(title);
    // Every value is double-quoted, so YAML 1.1 readers (Jekyll, go-yaml) cannot take it for a boolean or a date.
    expect(markdown).toMatch(/^title: "/m);
  });

  it("leaves room and time out for an unscheduled session, and dates it on the event's first day", () => {
    const m = model([session({ placement: null })]);
    const { data } = frontMatterOf(sessionMarkdown(m, m.sessions[0] as never));
    expect(data).toEqual({
      title: "Rust in production",
      date: "2026-12-01",
      tags: ["rust", "ops"],
      event: "Camp & Co",
      authors: ["Ada"],
    });
  });

  it("writes an empty author list when nobody may be named", () => {
    const m = model([session({ authors: [], pitcher: null })]);
    expect(frontMatterOf(sessionMarkdown(m, m.sessions[0] as never)).data.authors).toEqual([]);
  });

  it("keeps the preview page's edits", () => {
    const m = model([session()]);
    const edited = applyEdits(m.sessions[0] as never, { title: "A better title: yes", introduction: "New *intro*." });
    const { data, body } = frontMatterOf(sessionMarkdown(m, edited));
    expect(data.title).toBe("A better title: yes");
    expect(body.trimStart().startsWith("New _intro_.")).toBe(true);
  });
});

describe("sessionMarkdown: body", () => {
  const m = model([richSession()]);
  const markdown = sessionMarkdown(m, m.sessions[0] as never);
  const { body } = frontMatterOf(markdown);
  const tree = parse(body);

  it("has the sections in order, each only once", () => {
    const headings = nodesOf(tree, "heading")
      .filter((h) => h.depth === 2)
      .map((h) => textOf(h));
    expect(headings).toEqual(["Intro heading", "Notes", "Tips", "Blocker stories", "Quotes", "Actions"]);
  });

  it("opens with the description as the introduction", () => {
    expect(body.trimStart().startsWith("## Intro heading\n\nWe talked about")).toBe(true);
  });

  it("writes tips and actions as lists", () => {
    const lists = nodesOf(tree, "list").map((l) => (l.children ?? []).map((li) => textOf(li)));
    expect(lists).toContainEqual(["Use cargo clippy & read the output — Linus", "שלום: right-to-left tip"]);
    expect(lists).toContainEqual(["Write the RFC ✍️", "x".repeat(300)]);
  });

  it("writes each blocker story as the blocker, its impact and what helped", () => {
    const paragraphs = nodesOf(tree, "paragraph").map((p) => textOf(p));
    expect(paragraphs).toContain("The blocker: Builds took 40 minutes");
    expect(paragraphs).toContain("Its impact: Nobody ran the tests");
    expect(paragraphs).toContain("What helped: sccache <img src=x onerror=alert(1)>");
    expect(paragraphs).toContain("The blocker: Flaky CI");
    // An empty impact is left out rather than written as an empty label.
    expect(paragraphs.filter((p) => p.startsWith("Its impact:"))).toHaveLength(1);
  });

  it("writes quotes as block quotes, with the speaker only when named", () => {
    const quotes = nodesOf(tree, "blockquote").map((q) => textOf(q));
    expect(quotes).toEqual(['Ship it "when it\'s ready" ]]> & <done> — Margaret', "An anonymous quote"]);
  });

  it("never passes raw HTML through: it reads as the text people typed", () => {
    expect(nodesOf(tree, "html")).toEqual([]);
    // Each "<" of typed HTML is backslash-escaped, so no engine reads a tag.
    expect(body).not.toMatch(/(?<!\\)<\/?(script|img|b|done)\b/);
    expect(textOf(tree)).toContain("We talked about <b>HTML</b> & a link");
  });

  it("drops javascript: links and images but keeps http ones", () => {
    const urls = [...nodesOf(tree, "link"), ...nodesOf(tree, "image")].map((n) => n.url);
    expect(urls).toEqual(["https://example.org/?a=1&b=2", "https://tracker.example.com/pixel.png"]);
    expect(body).not.toContain("javascript:");
  });

  it("keeps each note's footnotes apart", () => {
    const definitions = nodesOf(tree, "footnoteDefinition").map((d) => textOf(d));
    expect(definitions).toEqual(["The footnote.", "Another footnote."]);
  });

  it("keeps right-to-left text, emoji and a 300-character word whole", () => {
    expect(body).toContain("שלום: right-to-left tip");
    expect(body).toContain("Write the RFC ✍️");
    expect(body).toContain("x".repeat(300));
  });

  it("leaves out the sections a session has nothing for", () => {
    const only = model([session({ items: [item("tip", "Only a tip")] })]);
    const text = frontMatterOf(sessionMarkdown(only, only.sessions[0] as never)).body;
    expect(text).toContain("## Tips");
    expect(text).not.toMatch(/## (Notes|Blocker stories|Quotes|Actions)/);
  });

  it("still gives a valid post for a session with no description and no notes", () => {
    const empty = model([session({ description: "", items: [] })]);
    const markdown = sessionMarkdown(empty, empty.sessions[0] as never);
    const { data, body: text } = frontMatterOf(markdown);
    expect(data.title).toBe("Rust in production");
    expect(text.trim()).toBe("_No notes were captured in this session._");
  });
});

describe("eventMarkdown", () => {
  it("covers every session under its own heading, titles escaped as text", () => {
    const m = model([
      richSession(),
      session({ id: "p2", number: 2, title: "# Not a heading & <i>not</i> italic", placement: null }),
    ]);
    const { data, body } = frontMatterOf(eventMarkdown(m));
    expect(data.title).toBe("Camp & Co");
    const tree = parse(body);
    const titles = nodesOf(tree, "heading")
      .filter((h) => h.depth === 2)
      .map((h) => textOf(h));
    expect(titles).toEqual([NASTY_TITLE, "# Not a heading & <i>not</i> italic"]);
    // Sections sit one level below the session.
    expect(
      nodesOf(tree, "heading")
        .filter((h) => h.depth === 3)
        .map((h) => textOf(h)),
    ).toContain("Blocker stories");
    expect(nodesOf(tree, "html")).toEqual([]);
  });

  it("is a valid post for an event with no sessions", () => {
    const { data, body } = frontMatterOf(eventMarkdown(model([])));
    expect(data).toMatchObject({ title: "Camp & Co", date: "2026-12-01", tags: [], authors: [] });
    expect(body).toContain("No sessions to write up");
  });
});
