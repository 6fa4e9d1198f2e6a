import type { AppLoadContext } from "@remix-run/node";
import { isServiceError, statusOf } from "./errors";
import { type Identity, readIdentity, serializeIdentity, withEntry } from "./identity.server";
import { type Viewer, viewerForSlug } from "./viewer.server";

/** Glue between Remix requests and services: identity from the cookie, errors to responses. */

export function identityOf(context: AppLoadContext, request: Request): Promise<Identity> {
  return readIdentity(context.identityCookie, request.headers.get("Cookie"));
}

/** Turns a service refusal into the Response Remix shows as a 403/404 page. */
export function asResponse(error: unknown): unknown {
  if (isServiceError(error)) return new Response(error.message, { status: statusOf[error.kind] });
  return error;
}

/** The viewer for an event page; a missing event throws a 404 page. */
export async function loadViewer(context: AppLoadContext, request: Request, slug: string | undefined): Promise<Viewer> {
  try {
    return viewerForSlug(context, slug ?? "", await identityOf(context, request), context.clientIp);
  } catch (error) {
    throw asResponse(error);
  }
}

/** Like loadViewer, but a private event without its passcode throws the 403 that shows the passcode form. */
export async function requireViewer(
  context: AppLoadContext,
  request: Request,
  slug: string | undefined,
): Promise<Viewer> {
  const viewer = await loadViewer(context, request, slug);
  if (!viewer.hasAccess) {
    throw new Response("passcode", { status: 403, statusText: "Passcode needed" });
  }
  return viewer;
}

export async function setIdentityEntry(
  context: AppLoadContext,
  request: Request,
  part: keyof Identity,
  eventId: string,
  value: string,
): Promise<string> {
  const identity = withEntry(await identityOf(context, request), part, eventId, value);
  return serializeIdentity(context.identityCookie, identity, request);
}

/** The origin people should use in shared links. */
export function publicOrigin(context: AppLoadContext, request: Request): string {
  return context.publicUrl?.replace(/\/+$/, "") ?? new URL(request.url).origin;
}
