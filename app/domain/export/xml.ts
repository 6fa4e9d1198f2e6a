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
 * Text (or an attribute value) for the builder, read back exactly as typed.
 * xmlbuilder2 escapes "&" only when it does not already start something that
 * looks like an entity, so `Q&A tools&nbsp;and tips` came out with `&nbsp;`
 * (undefined in XML: the file did not parse) and a typed `&lt;script&gt;`
 * reached readers as `<script>` (issue 10, hole 6). Every "&" is escaped
 * here first; the builder then leaves the resulting `&amp;` alone.
 */
export function xmlText(value: string): string {
  return value.replaceAll("&", "&amp;");
}

/**
 * Text as a CDATA section, as WordPress writes its exports. Text that itself
 * contains "]]>" is written as escaped text instead (one text node, so pretty
 * printing cannot put whitespace inside it); XML parsers read both the same.
 */
export function cdata(element: XMLBuilder, value: string): XMLBuilder {
  if (!value || value.includes("]]>")) return element.txt(xmlText(value));
  return element.dat(value);
}

export function serialize(doc: XMLBuilder): string {
  return `${doc.end({ prettyPrint: true, indent: "  " })}\n`;
}
