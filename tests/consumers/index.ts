import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import draft06 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import { unzipSync } from "fflate";
import ICAL from "ical.js";
import { parse as parseYaml } from "yaml";

/**
 * The real consumers the export tests validate with (not string matching):
 * xmllint (libxml2) against the c3voc XSD, ajv against the c3voc JSON Schema,
 * ical.js (Mozilla's iCalendar parser), xmldom for namespaces, Hugo building
 * the zipped posts into a site, and the `yaml` parser for front matter.
 * A missing command-line consumer fails the test with how to install it:
 * these tests never skip.
 */

const root = resolve(import.meta.dirname, "../..");
export const XSD_PATH = join(root, "tests/fixtures/schedule.xml.xsd");
export const JSON_SCHEMA_PATH = join(root, "tests/fixtures/schedule.schema.json");

const tools: Record<string, string> = { xmllint: "libxml2-utils", hugo: "hugo" };

/** Fails loudly when a command-line consumer is not installed. */
export function requireTool(name: "xmllint" | "hugo"): void {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  if (found.status !== 0) {
    throw new Error(
      `${name} is not installed, so this export cannot be checked by its real consumer. ` +
        `Install it with: apt-get install -y ${tools[name]} (Debian), or run .ci/run, which installs it. ` +
        "The export tests never skip a consumer.",
    );
  }
}

function tempDir(prefix: string): string {
  const base = join(root, "tests/.tmp");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

export interface ToolResult {
  ok: boolean;
  output: string;
}

function runXmllint(args: string[], xml: string): ToolResult {
  requireTool("xmllint");
  const dir = tempDir("xml-");
  try {
    const file = join(dir, "doc.xml");
    writeFileSync(file, xml);
    const run = spawnSync("xmllint", [...args, file], { encoding: "utf8" });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** xmllint --noout --schema tests/fixtures/schedule.xml.xsd. */
export function validateScheduleXml(xml: string): ToolResult {
  return runXmllint(["--noout", "--schema", XSD_PATH], xml);
}

/** xmllint --noout: well-formed XML. */
export function wellFormedXml(xml: string): ToolResult {
  return runXmllint(["--noout"], xml);
}

/** A namespace-aware DOM of an XML document (xmldom), throwing on any parse error. */
export function parseXml(xml: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level: string, message: string) => {
      if (level !== "warning") problems.push(`${level}: ${message}`);
    },
  }).parseFromString(xml, "text/xml");
  if (problems.length) throw new Error(`XML did not parse:\n${problems.join("\n")}`);
  return doc as unknown as Document;
}

let validator: ReturnType<Ajv["compile"]> | undefined;

/** Validates against the c3voc schedule.json JSON Schema (draft-06) with ajv and ajv-formats. */
export function validateScheduleJson(value: unknown): { ok: boolean; errors: string } {
  if (!validator) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(draft06);
    addFormats(ajv);
    // The schema uses a "color" format that ajv-formats does not define: a hex colour.
    ajv.addFormat("color", /^#[0-9a-fA-F]{6}$/);
    validator = ajv.compile(JSON.parse(readFileSync(JSON_SCHEMA_PATH, "utf8")));
  }
  const ok = validator(value) as boolean;
  return { ok, errors: JSON.stringify(validator.errors ?? [], null, 2) };
}

export interface ParsedEvent {
  uid: string;
  summary: string;
  location: string;
  description: string | null;
  url: string | null;
  start: Date;
  end: Date;
  startTzid: string | null;
  dtstamp: string;
}

/** Parses an iCalendar file with ical.js, registering its VTIMEZONEs so times convert as a calendar app would. */
export function parseCalendar(text: string): { calendar: ICAL.Component; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }
  const events = calendar.getAllSubcomponents("vevent").map((vevent): ParsedEvent => {
    const event = new ICAL.Event(vevent);
    const dtstart = vevent.getFirstProperty("dtstart");
    const dtstamp = vevent.getFirstPropertyValue("dtstamp") as ICAL.Time | null;
    return {
      uid: event.uid,
      summary: event.summary,
      location: event.location,
      description: event.description ?? null,
      url: (vevent.getFirstPropertyValue("url") as string | null) ?? null,
      start: event.startDate.toJSDate(),
      end: event.endDate.toJSDate(),
      startTzid: (dtstart?.getParameter("tzid") as string | undefined) ?? null,
      dtstamp: dtstamp?.toICALString() ?? "",
    };
  });
  return { calendar, events };
}

/** RFC 5545 lines end in CRLF and are at most 75 octets. */
export function calendarLineProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith("\r\n") && !text.endsWith("END:VCALENDAR")) problems.push("does not end with CRLF");
  const lines = text.split("\r\n");
  lines.forEach((line, i) => {
    if (line.includes("\n")) problems.push(`line ${i + 1} has a bare LF`);
    const octets = Buffer.byteLength(line, "utf8");
    if (octets > 75) problems.push(`line ${i + 1} is ${octets} octets: ${line.slice(0, 40)}…`);
  });
  return problems;
}

/** Splits "---\nYAML---\nbody" and parses the YAML with the `yaml` library. */
export function frontMatterOf(markdown: string): { data: Record<string, unknown>; body: string } {
  const match = markdown.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/);
  if (!match) throw new Error(`no front matter at the start of:\n${markdown.slice(0, 200)}`);
  return { data: parseYaml(match[1] ?? "") as Record<string, unknown>, body: match[2] ?? "" };
}

export function unzip(bytes: Uint8Array): Record<string, string> {
  const files = unzipSync(bytes);
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, new TextDecoder().decode(data)]));
}

export interface HugoSite {
  ok: boolean;
  output: string;
  /** Every page Hugo built: path under public/ → HTML. */
  pages: Record<string, string>;
  /** Every other file Hugo published (images of page bundles): path under public/ → size in bytes. */
  assets: Record<string, number>;
  /** Each post's front matter as Hugo read it (a JSON output format of our own). */
  posts: {
    title: string;
    date: string;
    tags: string[] | null;
    authors: string[] | null;
    room: string | null;
    file: string;
  }[];
}

const HUGO_CONFIG = `
baseURL = "http://example.org/"
title = "Export test"
languageCode = "en"
buildFuture = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]

[outputs]
  page = ["HTML", "JSON"]

[markup.goldmark.renderer]
  unsafe = false
`;

const LAYOUTS: Record<string, string> = {
  "layouts/_default/single.html":
    '<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><article><h1>{{ .Title }}</h1><p class="date">{{ .Date.Format "2006-01-02T15:04:05-07:00" }}</p>{{ with .Params.authors }}<p class="authors">{{ delimit . ", " }}</p>{{ end }}{{ .Content }}</article></body></html>\n',
  "layouts/_default/single.json":
    '{{ dict "title" .Title "date" (.Date.Format "2006-01-02T15:04:05-07:00") "tags" .Params.tags "authors" .Params.authors "room" .Params.room "file" .File.LogicalName | jsonify }}\n',
  "layouts/_default/list.html":
    "<!doctype html><html><body><ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul></body></html>\n",
  "layouts/index.html":
    "<!doctype html><html><body><ul>{{ range .Site.RegularPages }}<li>{{ .Title }}</li>{{ end }}</ul></body></html>\n",
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Unzips the posts into a fresh Hugo site with minimal layouts and runs `hugo` on it. */
export function buildWithHugo(zip: Uint8Array): HugoSite {
  requireTool("hugo");
  const dir = tempDir("hugo-");
  try {
    writeFileSync(join(dir, "hugo.toml"), HUGO_CONFIG);
    for (const [path, body] of Object.entries(LAYOUTS)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), body);
    }
    for (const [name, data] of Object.entries(unzipSync(zip))) {
      if (name.endsWith("/")) continue;
      const target = resolve(dir, name);
      if (!target.startsWith(`${dir}/`)) throw new Error(`zip entry escapes the site: ${name}`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    mkdirSync(join(dir, "content"), { recursive: true });
    const run = spawnSync("hugo", ["--source", dir, "--destination", join(dir, "public"), "--noBuildLock"], {
      encoding: "utf8",
      env: { ...process.env, HUGO_CACHEDIR: join(dir, ".cache") },
      timeout: 60_000,
    });
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    const publicDir = join(dir, "public");
    const files = run.status === 0 ? walk(publicDir) : [];
    const pages = Object.fromEntries(
      files.filter((f) => f.endsWith(".html")).map((f) => [relative(publicDir, f), readFileSync(f, "utf8")]),
    );
    const posts = files
      .filter((f) => f.endsWith("index.json"))
      .map((f) => JSON.parse(readFileSync(f, "utf8")) as HugoSite["posts"][number]);
    const assets = Object.fromEntries(
      files.filter((f) => !/\.(html|json|xml)$/.test(f)).map((f) => [relative(publicDir, f), statSync(f).size]),
    );
    return { ok: run.status === 0, output, pages, assets, posts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Text of HTML as a reader sees it: tags dropped, entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&")
    .replace(/\s+/g, " ");
}
