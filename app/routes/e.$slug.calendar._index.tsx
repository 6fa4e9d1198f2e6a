import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { type CalendarLinkView, calendarLinksOf, makeCalendarLink } from "../services/calendarLinks.server";
import { asResponse, publicOrigin, requireViewer } from "../services/request.server";
import { handleCommand } from "../utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Subscribe to the calendar · Unconf" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  try {
    return {
      slug: viewer.event.slug,
      isPrivate: viewer.event.passcodeHash !== null,
      links: viewer.attendee ? calendarLinksOf(context, viewer, publicOrigin(context, request)) : null,
    };
  } catch (error) {
    throw asResponse(error);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  return handleCommand(intent, () => makeCalendarLink(context, viewer, form, { renew: intent === "renew" }));
}

function Feed({
  scope,
  heading,
  what,
  link,
}: {
  scope: "mine" | "event";
  heading: string;
  what: string;
  link: CalendarLinkView | null;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const id = `feed-${scope}`;
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <p className="muted">{what}</p>
      {link ? (
        <>
          <p>
            <a className="button" href={link.webcal}>
              Subscribe on this device
            </a>
          </p>
          <div className="field">
            <label htmlFor={`${id}-url`}>Link to paste ({heading.toLowerCase()})</label>
            <input
              id={`${id}-url`}
              type="url"
              readOnly
              value={link.https}
              onFocus={(event) => event.currentTarget.select()}
            />
          </div>
          <Form method="post" className="inline-form">
            <input type="hidden" name="scope" value={scope} />
            <input type="hidden" name="intent" value="renew" />
            <button
              type="submit"
              className="secondary"
              disabled={busy}
              aria-label={`Renew link for ${heading.toLowerCase()}`}
            >
              Renew link
            </button>
          </Form>
          <p className="hint">
            Renew it if the link got out: the old one stops working at once, and your calendar needs the new one.
          </p>
        </>
      ) : (
        <Form method="post">
          <input type="hidden" name="scope" value={scope} />
          <input type="hidden" name="intent" value="make" />
          <button type="submit" disabled={busy} aria-label={`Make a link for ${heading.toLowerCase()}`}>
            Make a link
          </button>
        </Form>
      )}
    </section>
  );
}

export default function Subscribe() {
  const { slug, isPrivate, links } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as { error?: string; notice?: string } | undefined;
  return (
    <main id="main" className="page narrow">
      <h1>Subscribe to the calendar</h1>
      <p>
        A private link your phone's calendar checks by itself, so moved sessions, new rooms and your own choices show up
        without downloading anything again. Keep it to yourself: anyone with the link sees what it shows.
      </p>
      {answer?.error ? (
        <p className="form-error" role="alert">
          {answer.error}
        </p>
      ) : null}
      {answer?.notice ? (
        <p className="notice" role="status">
          {answer.notice}
        </p>
      ) : null}
      {links === null ? (
        <p className="card">
          <Link to={`/e/${slug}`}>Join the event</Link> to get your private calendar links.
        </p>
      ) : (
        <>
          <Feed
            scope="mine"
            heading="My sessions"
            what="The sessions you marked “I'm going” (until you mark any: the ones you voted for)."
            link={links.mine}
          />
          <Feed
            scope="event"
            heading="The whole schedule"
            what={`Every scheduled session${isPrivate ? ". This event is private: the link works without the passcode, so share it with care" : ""}.`}
            link={links.event}
          />
        </>
      )}
      <section className="card" aria-labelledby="how-heading">
        <h2 id="how-heading">How to subscribe</h2>
        <ul>
          <li>
            <strong>iPhone or iPad:</strong> tap “Subscribe on this device”, then Subscribe. Or in Settings → Calendar →
            Accounts → Add Account → Other → Add Subscribed Calendar, paste the link.
          </li>
          <li>
            <strong>Android and Google Calendar:</strong> on a computer, open Google Calendar, choose “+” beside “Other
            calendars” → From URL, and paste the link. It then shows on your phone too. Google checks for changes every
            few hours.
          </li>
          <li>
            <strong>Outlook, Thunderbird and others:</strong> add a calendar “from the internet” or “on the network” and
            paste the link.
          </li>
        </ul>
      </section>
      <p>
        <Link to={`/e/${slug}/grid`}>Back to the schedule</Link>
      </p>
    </main>
  );
}
