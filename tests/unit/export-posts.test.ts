import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import { STANDALONE_CSP, sessionHtml } from "../../app/domain/export/html.server";
import { WXR_NAMESPACES, wxr } from "../../app/domain/export/wxr.server";
import { postsZip } from "../../app/domain/export/zip.server";
import { frontMatterOf, htmlText, parseXml, unzip, wellFormedXml } from "../consumers";
import { NASTY_TITLE, model, richSession, session } from "./exportFixture";

/** The standalone HTML page, the static-site zip and the WordPress file, read by real parsers. */

interface Node5 {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node5[];
  value?: string;
}

function elements(node: Node5, out: Node5[] = []): Node5[] {
  if (node.tagName) out.push(node);
  for (const child of node.childNodes ?? []) elements(child, out);
  // <template> contents are not used here.
  return out;
}

function textContent(node: Node5): string {
  if (node.nodeName === "#text") return node.value ?? "";
  return (node.childNodes ?? []).map(textContent).join("");
}

const attr = (node: Node5, name: string) => node.attrs?.find((a) => a.name === name)?.value;

describe("sessionHtml: a standalone page", () => {
  const m = model([richSession()]);
  const html = sessionHtml(m, m.sessions[0] as never);
  const all = elements(parse(html) as unknown as Node5);

  it("parses as HTML5 with the exact title in <title> and <h1>", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    const title = all.find((e) => e.tagName === "title") as Node5;
    expect(textContent(title)).toBe(`${NASTY_TITLE} · Camp & Co`);
    const h1 = all.filter((e) => e.tagName === "h1");
    expect(h1.map(textContent)).toEqual([NASTY_TITLE]);
    expect(attr(h1[0] as Node5, "dir")).toBe("auto");
  });

  it("runs no script and makes no request of its own", () => {
    expect(all.filter((e) => e.tagName === "script")).toEqual([]);
    for (const e of all) {
      for (const a of e.attrs ?? []) {
        expect(a.name.startsWith("on"), `${e.tagName} ${a.name}`).toBe(false);
        if (a.name === "href") expect(a.value).not.toMatch(/^\s*javascript:/i);
      }
      // Nothing that loads: no src, no stylesheet link, no srcset, no poster.
      expect(attr(e, "src"), e.tagName).toBeUndefined();
      expect(attr(e, "srcset"), e.tagName).toBeUndefined();
      if (e.tagName === "link") expect(attr(e, "rel")).not.toBe("stylesheet");
    }
    const style = all
      .filter((e) => e.tagName === "style")
      .map(textContent)
      .join("");
    expect(style).not.toMatch(/@import|url\(/);
    const csp = all.find((e) => attr(e, "http-equiv") === "Content-Security-Policy");
    expect(csp && attr(csp, "content")).toBe(STANDALONE_CSP);
  });

  it("shows images from notes as links instead of loading them", () => {
    const links = all.filter((e) => e.tagName === "a").map((a) => attr(a, "href"));
    expect(links).toContain("https://tracker.example.com/pixel.png");
    expect(all.filter((e) => e.tagName === "img")).toEqual([]);
  });

  it("has the sections, lists and quotes of the post", () => {
    expect(all.filter((e) => e.tagName === "h2").map(textContent)).toEqual([
      "Intro heading",
      "Notes",
      "Tips",
      "Blocker stories",
      "Quotes",
      "Actions",
      "Footnotes",
    ]);
    expect(all.filter((e) => e.tagName === "blockquote").map((q) => textContent(q).trim())).toEqual([
      'Ship it "when it\'s ready" ]]> & <done> — Margaret',
      "An anonymous quote",
    ]);
    expect(htmlText(html)).toContain("What helped: sccache <img src=x onerror=alert(1)>");
    expect(htmlText(html)).toContain("By Ada");
  });

  it("is a whole page for a session with no notes", () => {
    const empty = model([session({ description: "", items: [], tags: [], authors: [], pitcher: null })]);
    const page = sessionHtml(empty, empty.sessions[0] as never);
    const nodes = elements(parse(page) as unknown as Node5);
    expect(nodes.filter((e) => e.tagName === "h1").map(textContent)).toEqual(["Rust in production"]);
    expect(htmlText(page)).toContain("No notes were captured in this session.");
    expect(htmlText(page)).not.toContain("By ");
  });
});

describe("postsZip: posts for a static site", () => {
  it("holds one content/posts/YYYY-MM-DD-slug.md per session, unique even for equal or non-Latin titles", () => {
    const m = model([
      richSession(),
      session({ id: "b", number: 2, title: "Rust in production" }),
      session({ id: "c", number: 3, title: "Rust in production" }),
      session({ id: "d", number: 4, title: "🎉🎉", placement: null }),
      session({ id: "e", number: 5, title: "שלום עולם", placement: null }),
    ]);
    const files = unzip(postsZip(m));
    const posts = Object.keys(files)
      .filter((n) => n.startsWith("content/posts/"))
      .sort();
    expect(posts).toEqual([
      "content/posts/2026-12-01-bold-script-alert-x-script-quotes-single-supercali.md",
      "content/posts/2026-12-01-rust-in-production-2.md",
      "content/posts/2026-12-01-rust-in-production.md",
      "content/posts/2026-12-01-session-4.md",
      "content/posts/2026-12-01-session-5.md",
    ]);
    for (const name of posts) {
      expect(name).toMatch(/^content\/posts\/\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.md$/);
      expect(frontMatterOf(files[name] as string).data.title).toBeTypeOf("string");
    }
    expect(files["README.txt"]).toContain("Jekyll");
  });

  it("is a valid zip for an event with no sessions", () => {
    expect(Object.keys(unzip(postsZip(model([]))))).toEqual(["README.txt"]);
  });
});

describe("wxr: the WordPress import file", () => {
  const m = model([richSession(), session({ id: "p2", number: 2, title: "Second ]]> session", placement: null })]);
  const xml = wxr(m);

  it("is well-formed XML (xmllint)", () => {
    const result = wellFormedXml(xml);
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it("declares the WordPress namespaces and is WXR 1.2", () => {
    const doc = parseXml(xml);
    const rss = doc.documentElement;
    expect(rss.tagName).toBe("rss");
    for (const [prefix, uri] of Object.entries(WXR_NAMESPACES)) {
      expect(rss.getAttribute(`xmlns:${prefix}`)).toBe(uri);
    }
    expect(doc.getElementsByTagNameNS(WXR_NAMESPACES.wp, "wxr_version")[0]?.textContent).toBe("1.2");
  });

  it("has one post per session with its exact title, HTML content and tags", () => {
    const doc = parseXml(xml);
    const items = Array.from(doc.getElementsByTagName("item"));
    expect(items.map((i) => i.getElementsByTagName("title")[0]?.textContent)).toEqual([
      NASTY_TITLE,
      "Second ]]> session",
    ]);
    const first = items[0] as Element;
    const content = first.getElementsByTagNameNS(WXR_NAMESPACES.content, "encoded")[0]?.textContent ?? "";
    expect(content).toContain("<h2>Quotes</h2>");
    expect(content).toContain("]]>");
    expect(htmlText(content)).toContain('Ship it "when it\'s ready" ]]> & <done> — Margaret');
    expect(content).not.toMatch(/<script|<img/);
    const ns = (name: string) => first.getElementsByTagNameNS(WXR_NAMESPACES.wp, name)[0]?.textContent;
    expect(ns("post_type")).toBe("post");
    expect(ns("status")).toBe("draft");
    expect(ns("post_date")).toBe("2026-12-01 10:00:00");
    expect(ns("post_date_gmt")).toBe("2026-12-01 09:00:00");
    const tags = Array.from(first.getElementsByTagName("category"))
      .filter((c) => c.getAttribute("domain") === "post_tag")
      .map((c) => c.textContent);
    expect(tags).toEqual(["rust", "מבחן", "emoji 🎉"]);
  });

  it("is valid for an event with no sessions", () => {
    const empty = wxr(model([]));
    expect(wellFormedXml(empty).ok).toBe(true);
    expect(parseXml(empty).getElementsByTagName("item")).toHaveLength(0);
  });
});
