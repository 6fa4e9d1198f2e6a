import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import {
  NavLink,
  Outlet,
  isRouteErrorResponse,
  useLoaderData,
  useMatches,
  useParams,
  useRouteError,
} from "@remix-run/react";
import { Announcement } from "../components/Announcement";
import { PasscodeForm } from "../components/PasscodeForm";
import { InvitationsLink, LiveChannel, LiveIndicator, MentionsLink, UnsentNotes } from "../realtime/LiveChannel";
import { eventSnapshot } from "../services/facts.server";
import { requireViewer } from "../services/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  return {
    event: { id: viewer.event.id, slug: viewer.event.slug, name: viewer.event.name },
    isOrganiser: viewer.isOrganiser,
    attendeeId: viewer.attendee?.id ?? null,
    // The live pages start from this; pushes keep it current (app/realtime/LiveChannel.tsx).
    snapshot: eventSnapshot(context, viewer),
  };
}

/** A vote's (or an "I'm going") answer carries all it changes for the voter; nobody reloads the event for it. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "vote" || formData?.get("intent") === "going" ? false : defaultShouldRevalidate;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.event.name} · Unconf` : "Unconf" },
];

export default function EventLayout() {
  const { event, isOrganiser, attendeeId, snapshot } = useLoaderData<typeof loader>();
  const base = `/e/${event.slug}`;
  // A page for a wall (the projector view) has no menu.
  const bare = useMatches().some((match) => (match.handle as { bare?: boolean } | undefined)?.bare);
  if (bare) {
    return (
      <LiveChannel slug={event.slug} identityKey={`${attendeeId ?? ""}:${isOrganiser}`} snapshot={snapshot}>
        <Outlet />
      </LiveChannel>
    );
  }
  return (
    <LiveChannel slug={event.slug} identityKey={`${attendeeId ?? ""}:${isOrganiser}`} snapshot={snapshot}>
      <header className="site-header">
        <div className="bar">
          <a className="event-name" href={base}>
            {event.name}
          </a>
          <LiveIndicator />
          <UnsentNotes slug={event.slug} />
          <MentionsLink slug={event.slug} />
          <InvitationsLink slug={event.slug} />
          <nav className="site-nav" aria-label="Event">
            <ul>
              <li>
                <NavLink to={base} end>
                  Pitches
                </NavLink>
              </li>
              <li>
                <NavLink to={`${base}/grid`}>Grid</NavLink>
              </li>
              <li>
                <NavLink to={`${base}/stories`}>Tips &amp; blockers</NavLink>
              </li>
              {isOrganiser ? (
                <li>
                  <NavLink to={`${base}/admin`}>Admin</NavLink>
                </li>
              ) : null}
            </ul>
          </nav>
        </div>
      </header>
      <Announcement slug={event.slug} />
      <Outlet />
    </LiveChannel>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { slug = "" } = useParams();
  if (isRouteErrorResponse(error) && error.status === 403 && error.data === "passcode") {
    return <PasscodeForm slug={slug} />;
  }
  throw error;
}
