import { stringify } from "yaml";

/**
 * YAML front matter for Hugo, Jekyll and friends. Every string is written
 * double-quoted by the `yaml` library, so titles such as `yes`, `on`,
 * `2026-12-01`, `#hash`, `a: b` or `---` stay strings in YAML 1.1 parsers
 * (Jekyll's Psych, go-yaml) as well as in YAML 1.2 ones; quotes, backslashes
 * and control characters are escaped by the library. No line folding, so a
 * very long word stays on one line.
 */
export function frontMatter(data: Record<string, unknown>): string {
  const body = stringify(data, {
    defaultStringType: "QUOTE_DOUBLE",
    defaultKeyType: "PLAIN",
    lineWidth: 0,
    minContentWidth: 0,
    // "authors: []" rather than a dangling key.
    flowCollectionPadding: false,
  });
  return `---\n${body}---\n`;
}
