/** Strips secrets (the organiser key in organiser links) from URLs before they are logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:key|passcode)=)[^&#]*/gi, "$1[redacted]");
}

/** True when a browser's Origin header names the host the request was sent to. */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
