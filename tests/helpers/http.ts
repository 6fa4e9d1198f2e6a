/**
 * A browser without JavaScript: fetch with a cookie jar, no redirect
 * following, and form posts the way a plain HTML form sends them.
 */
export class HttpClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (pair && eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", this.cookieHeader());
    const response = await fetch(new URL(path, this.base), { ...init, headers, redirect: "manual" });
    this.remember(response);
    return response;
  }

  get(path: string): Promise<Response> {
    return this.request(path);
  }

  /** Posts form fields; follows nothing, so redirects can be asserted. */
  post(
    path: string,
    fields: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    return this.request(path, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    });
  }

  /** A copy with the same cookies: the same person in a second tab. */
  clone(): HttpClient {
    const copy = new HttpClient(this.base);
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }
}

/** Creates an event over HTTP as an organiser; returns the organiser client and the event's slug. */
export async function createEvent(
  base: string,
  fields: Partial<Record<"name" | "date" | "timeZone" | "passcode", string>> = {},
): Promise<{ organiser: HttpClient; slug: string; organiserLink: string }> {
  const organiser = new HttpClient(base);
  const response = await organiser.post("/?index", {
    intent: "create",
    name: "Test Camp",
    date: "2026-12-01",
    timeZone: "Europe/London",
    ...fields,
  });
  if (response.status !== 302) throw new Error(`create event answered ${response.status}: ${await response.text()}`);
  const location = response.headers.get("location") ?? "";
  const slug = location.match(/^\/e\/([^/]+)\/admin/)?.[1];
  if (!slug) throw new Error(`unexpected redirect ${location}`);
  const admin = await (await organiser.get(`/e/${slug}/admin`)).text();
  const organiserLink =
    admin.match(/id="organiser-link"[^>]*value="([^"]+)"/)?.[1] ??
    admin.match(/value="([^"]+)"[^>]*id="organiser-link"/)?.[1];
  if (!organiserLink) throw new Error("organiser link not shown on the admin page");
  return { organiser, slug, organiserLink: organiserLink.replaceAll("&amp;", "&") };
}

/** Joins an event as a new attendee (a fresh cookie jar). */
export async function joinAs(base: string, slug: string, name: string, nameInWriteups = false): Promise<HttpClient> {
  const client = new HttpClient(base);
  const response = await client.post(`/e/${slug}?index`, {
    intent: "join",
    name,
    ...(nameInWriteups ? { nameInWriteups: "on" } : {}),
  });
  if (response.status !== 302) throw new Error(`join answered ${response.status}: ${await response.text()}`);
  return client;
}
