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

/** A CDATA section; "]]>" inside the text is split across two sections, as XML requires. */
export function cdata(element: XMLBuilder, value: string): XMLBuilder {
  const parts = value.split("]]>");
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const chunk = `${i > 0 ? ">" : ""}${part}${last ? "" : "]]"}`;
    if (chunk) element.dat(chunk);
  });
  if (!value) element.txt("");
  return element;
}

export function serialize(doc: XMLBuilder): string {
  return `${doc.end({ prettyPrint: true, indent: "  " })}\n`;
}
