import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces";

/**
 * XML documents are built with xmlbuilder2, which escapes text and
 * attributes. Characters XML 1.0 cannot carry at all (most control
 * characters, lone surrogates, U+FFFE/U+FFFF) are dropped by the builder.
 */
export function xmlDocument(): XMLBuilder {
  return create({ version: "1.0", encoding: "UTF-8", invalidCharReplacement: "" });
}

/**
 * Text as a CDATA section, as WordPress writes its exports. Text that itself
 * contains "]]>" is written as escaped text instead (one text node, so pretty
 * printing cannot put whitespace inside it); XML parsers read both the same.
 */
export function cdata(element: XMLBuilder, value: string): XMLBuilder {
  if (!value || value.includes("]]>")) return element.txt(value);
  return element.dat(value);
}

export function serialize(doc: XMLBuilder): string {
  return `${doc.end({ prettyPrint: true, indent: "  " })}\n`;
}
