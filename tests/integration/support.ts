/**
 * Small helpers shared by the integration tests (not a test file itself).
 */

/**
 * An HTML answer with React's entity escapes and text separators (`<!-- -->`)
 * undone, so messages can be matched as people read them.
 */
export function decodeHtml(html: string): string {
  return html
    .replaceAll("<!-- -->", "")
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** Reads a response body as decoded HTML text. */
export async function htmlOf(response: Response): Promise<string> {
  return decodeHtml(await response.text());
}

/** The value of the `unconf` identity cookie a response sets, or undefined. */
export function identityCookieSet(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith("unconf="));
}
