import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { SanitisedHtml } from "../components/SanitisedHtml";
import { CaptureForm } from "../components/capture/CaptureForm";
import { GoingButton } from "../components/pitches/GoingButton";
import { goingText } from "../domain/going";
import { hostsLine } from "../domain/hosts";
import { Feedback } from "../components/capture/Feedback";
import { ItemList } from "../components/capture/ItemList";
import { Photos } from "../components/capture/Photos";
import { LockedDraft } from "../components/capture/LockedDraft";
import { featureLabel } from "../domain/features";
import { lastSlotId } from "../domain/spans";
import { formatRange, placeLabel } from "../domain/timeSlots";
import { useLiveEvent } from "../realtime/LiveChannel";
import { type LiveEvent, goingOf } from "../realtime/eventState";
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
import { setGoing, setGoingCap } from "../services/going.server";
import { isServiceError, statusOf } from "../services/errors";
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

/** An "I'm going" answer carries all it changes (counts travel as pushes): the notes are not reloaded for it. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "going" ? false : defaultShouldRevalidate;

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
    case "going":
      try {
        return { intent, error: undefined, ...(await setGoing(context, viewer, { pitchId, going: form.going })) };
      } catch (error) {
        if (!isServiceError(error)) throw error;
        return data({ intent, error: error.message }, { status: statusOf[error.kind] });
      }
    case "going-cap":
      return handleCommand(intent, () => setGoingCap(context, viewer, { pitchId, cap: form.cap }));
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
  const last =
    placement && slot
      ? live.facts.slots.find((s) => s.id === lastSlotId(live.facts.slots, slot.id, placement.span))
      : undefined;
  return {
    remoteUrl: pitch.remoteUrl ?? (slot?.kind === "plenary" ? null : room?.remoteUrl) ?? null,
    roomFeatures: slot?.kind === "plenary" ? [] : (room?.features ?? []),
    span: pitch.span,
    title: pitch.title,
    pitcherName: pitch.pitcherName,
    coHostNames: pitch.coHostNames,
    goingCap: pitch.goingCap,
    descriptionHtml: pitch.descriptionHtml,
    mergedIntoId: pitch.mergedIntoId,
    where:
      slot && room
        ? {
            room: room.name,
            localStart: slot.localStart,
            localEnd: (last ?? slot).localEnd,
            kind: slot.kind,
            label: slot.label,
          }
        : null,
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
  const live = useLiveEvent();
  const session = {
    coHostNames: [] as string[],
    goingCap: null as number | null,
    ...page.session,
    ...liveFacts(live, page.session),
  };
  const myGoing = live.personal.myGoing.find((m) => m.pitchId === session.id)?.status ?? null;
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
            ? `${formatRange(session.where)}, ${placeLabel(session.where, session.where.room)}`
            : "Not scheduled yet"}
          {" · "}
          {hostsLine(session.pitcherName, session.coHostNames)}
          {viewers !== null ? ` · ${viewers} ${viewers === 1 ? "person" : "people"} viewing` : ""}
        </p>
        {session.remoteUrl ? (
          <p className="remote-link">
            <a href={session.remoteUrl} rel="noopener noreferrer nofollow" target="_blank">
              Join remotely
            </a>{" "}
            <span className="muted">(video call, stream or chat: {new URL(session.remoteUrl).host})</span>
          </p>
        ) : null}
        {session.roomFeatures?.length ? (
          <p className="muted">
            {session.where?.room}: {session.roomFeatures.map(featureLabel).join(" · ")}
          </p>
        ) : null}
        {session.descriptionHtml ? <SanitisedHtml className="prose card" html={session.descriptionHtml} /> : null}
        {session.mergedIntoId ? (
          <p className="notice">
            This session was merged into <Link to={`/e/${slug}/s/${session.mergedIntoId}`}>another session</Link>.
          </p>
        ) : null}
      </article>

      {session.where && !session.mergedIntoId ? (
        <section className="going-bar" id="going" aria-label="I'm going">
          {joined ? (
            <GoingButton
              slug={slug}
              pitchId={session.id}
              title={session.title}
              status={myGoing}
              counts={goingOf(live, session.id)}
              cap={session.goingCap}
            />
          ) : (
            <span className="going-count">{goingText(goingOf(live, session.id), session.goingCap)}</span>
          )}
          {live.personal.isOrganiser ? (
            <Form method="post" className="inline-form going-cap">
              <input type="hidden" name="intent" value="going-cap" />
              <label htmlFor="going-cap">Going cap</label>
              <input
                id="going-cap"
                name="cap"
                type="number"
                min={1}
                inputMode="numeric"
                defaultValue={session.goingCap ?? ""}
                key={session.goingCap ?? "none"}
                aria-describedby="going-cap-hint"
              />
              <button type="submit" className="small secondary">
                Set cap
              </button>
              <span className="hint" id="going-cap-hint">
                Empty for no cap. Later marks join a waiting list that moves up by itself.
              </span>
            </Form>
          ) : null}
        </section>
      ) : null}

      {actionData?.notice ? (
        <p className="notice" role="status">
          {actionData.notice}
        </p>
      ) : null}
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
