/** Strips secrets (the organiser key in organiser links) from URLs before they are logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:key|passcode)=)[^&#]*/gi, "$1[redacted]");
}

/**
 * True when a browser's Origin header names the host the request was sent to,
 * over http or https, and over `protocol` when it is given ("http" or "https").
 * `null`, another scheme (`ftp:`, `file:`, ...) or another host is false.
 */
export function sameOrigin(origin: string, host: string | undefined, protocol?: string): boolean {
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    if (protocol && url.protocol !== `${protocol}:`) return false;
    return url.host === host;
  } catch {
    return false;
  }
}
