import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { SanitisedHtml } from "../components/SanitisedHtml";
import { CaptureForm } from "../components/capture/CaptureForm";
import { Feedback } from "../components/capture/Feedback";
import { ItemList } from "../components/capture/ItemList";
import { Photos } from "../components/capture/Photos";
import { LockedDraft } from "../components/capture/LockedDraft";
import { formatRange } from "../domain/timeSlots";
import { useLiveEvent } from "../realtime/LiveChannel";
import type { LiveEvent } from "../realtime/eventState";
import { useCapture } from "../realtime/useCapture";
import { usePhotos } from "../realtime/usePhotos";
import {
  addItem,
  deleteItem,
  editItem,
  hideItem,
  sessionPage,
  setChathamHouse,
  setNotesLocked,
} from "../services/capture.server";
import { giveFeedback } from "../services/feedback.server";
import { newId } from "../services/ids.server";
import { asResponse, requireViewer } from "../services/request.server";
import { handleCommand } from "../utils/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.page.session.title} · Unconf` : "Session · Unconf" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  try {
    return {
      slug: viewer.event.slug,
      joined: viewer.attendee !== null,
      page: sessionPage(context, viewer, params.sessionId),
      // For a form posted without JavaScript; the outbox makes its own ids.
      fallbackId: newId(),
    };
  } catch (error) {
    throw asResponse(error);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  const pitchId = params.sessionId ?? "";
  switch (intent) {
    case "add": {
      // Posted without JavaScript: a refusal sends back what was typed, so nothing is lost.
      const reply = await handleCommand(intent, async () => {
        await addItem(context, viewer, { ...form, pitchId });
        return "Added.";
      });
      if ("init" in reply) return data({ ...reply.data, values: form }, reply.init ?? undefined);
      return reply;
    }
    case "edit":
      return handleCommand(intent, () => editItem(context, viewer, form));
    case "delete":
      return handleCommand(intent, () => deleteItem(context, viewer, form));
    case "hide":
      return handleCommand(intent, () => hideItem(context, viewer, form));
    case "chatham":
      return handleCommand(intent, () => setChathamHouse(context, viewer, { pitchId, on: form.on ?? "false" }));
    case "feedback":
      return handleCommand(intent, () => giveFeedback(context, viewer, { ...form, pitchId }));
    case "lock":
    case "unlock":
      return handleCommand(intent, () => setNotesLocked(context, viewer, { pitchId, locked: intent === "lock" }));
    default:
      return data({ intent, error: "Unknown action.", notice: undefined }, { status: 400 });
  }
}

function ChathamToggle({ on }: { on: boolean }) {
  const fetcher = useFetcher<{ error?: string }>();
  const pending = fetcher.formData?.get("on");
  const checked = pending === undefined || pending === null ? on : pending === "true";
  return (
    <fetcher.Form method="post" className="chatham">
      <input type="hidden" name="intent" value="chatham" />
      <input type="hidden" name="on" value={String(!checked)} />
      <label className="check">
        <input
          type="checkbox"
          checked={checked}
          onChange={(event) => event.currentTarget.form?.requestSubmit()}
          aria-describedby="chatham-hint"
        />
        Chatham House rule
      </label>
      <p className="hint" id="chatham-hint">
        When on, no one is named in this session's notes or exports.
      </p>
      <noscript>
        <button type="submit" className="small secondary">
          Apply
        </button>
      </noscript>
      {fetcher.state === "idle" && fetcher.data?.error ? (
        <p className="form-error" role="alert">
          {fetcher.data.error}
        </p>
      ) : null}
    </fetcher.Form>
  );
}

/** The session's title, pitcher, description and place as pushed since the page loaded. */
function liveFacts(live: LiveEvent, loaded: { id: string }) {
  const pitch = live.facts.pitches.find((p) => p.id === loaded.id);
  if (!pitch) return {};
  const placement = live.facts.placements.find((p) => p.pitchId === pitch.id);
  const slot = placement ? live.facts.slots.find((s) => s.id === placement.slotId) : undefined;
  const room = placement ? live.facts.rooms.find((r) => r.id === placement.roomId) : undefined;
  return {
    title: pitch.title,
    pitcherName: pitch.pitcherName,
    descriptionHtml: pitch.descriptionHtml,
    mergedIntoId: pitch.mergedIntoId,
    where:
      slot && room ? { room: room.name, localStart: slot.localStart, localEnd: slot.localEnd, kind: slot.kind } : null,
  };
}

export default function SessionPage() {
  const { slug, joined, page, fallbackId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as
    | { error?: string; notice?: string; values?: Record<string, string> }
    | undefined;
  const photos = usePhotos(page.session.id, page.photos);
  const { items, pending, viewers, enqueue, discard, editPending, pushedState } = useCapture(
    slug,
    page.session.id,
    page.items,
    photos.stamp,
  );
  const session = { ...page.session, ...liveFacts(useLiveEvent(), page.session) };
  const chathamHouse = pushedState?.chathamHouse ?? session.chathamHouse;
  const notesLocked = pushedState?.notesLocked ?? session.notesLocked;
  const canCapture = joined && !notesLocked && !session.mergedIntoId;
  const base = `/e/${slug}/s/${session.id}`;
  return (
    <main id="main" className="page">
      <article className="session" aria-labelledby="session-title">
        <h1 id="session-title">{session.title}</h1>
        <p className="muted">
          {session.where
            ? `${formatRange(session.where)}, ${session.where.kind === "plenary" ? "all rooms" : session.where.room}`
            : "Not scheduled yet"}
          {" · "}
          {session.pitcherName ? `Pitched by ${session.pitcherName}` : "Pitched anonymously"}
          {viewers !== null ? ` · ${viewers} ${viewers === 1 ? "person" : "people"} viewing` : ""}
        </p>
        {session.descriptionHtml ? <SanitisedHtml className="prose card" html={session.descriptionHtml} /> : null}
        {session.mergedIntoId ? (
          <p className="notice">
            This session was merged into <Link to={`/e/${slug}/s/${session.mergedIntoId}`}>another session</Link>.
          </p>
        ) : null}
      </article>

      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}

      <div className="session-tools">
        {page.canSetChatham ? (
          <ChathamToggle on={chathamHouse} />
        ) : chathamHouse ? (
          <p className="badge">Chatham House rule: no names</p>
        ) : null}
        {page.canModerate ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value={notesLocked ? "unlock" : "lock"} />
            <button type="submit" className="secondary">
              {notesLocked ? "Unlock notes" : "Lock notes"}
            </button>
          </Form>
        ) : null}
        <nav aria-label="Export" className="export-links">
          <a href={`${base}/export.md`}>Export as Markdown</a>
          <a href={`${base}/export.html`}>Export as HTML</a>
          <Link to={`${base}/export`}>Preview and edit before export</Link>
        </nav>
      </div>

      <div className="capture-layout">
        {notesLocked ? (
          <LockedDraft slug={slug} pitchId={session.id} />
        ) : canCapture ? (
          <CaptureForm
            slug={slug}
            pitchId={session.id}
            fallbackId={fallbackId}
            onAdd={enqueue}
            initial={actionData?.values}
          />
        ) : !joined ? (
          <p className="card">
            <Link to={`/e/${slug}`}>Join the event</Link> to take notes in this session.
          </p>
        ) : null}
        <ItemList
          items={items}
          pending={pending}
          canModerate={page.canModerate}
          locked={notesLocked}
          onDiscard={discard}
          onEditPending={editPending}
        />
      </div>

      <Photos
        slug={slug}
        pitchId={session.id}
        photos={photos.photos}
        canAdd={canCapture}
        canModerate={page.canModerate}
        lockedNote={notesLocked ? "This session is locked: no new photos." : null}
        fallbackId={fallbackId}
        onRemoved={photos.forget}
      />
      <Feedback pitchId={session.id} feedback={page.feedback} />
    </main>
  );
}
