import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Link, type ShouldRevalidateFunction, useActionData, useLoaderData } from "@remix-run/react";
import { Suspense, lazy, useEffect, useState } from "react";
import { GridBoard } from "../components/grid/GridBoard";
import { noJsMenus } from "../components/grid/SessionMenu";
import { SuggestionPanel, type SuggestionView } from "../components/grid/SuggestionPanel";
import { localNow, nowAndNext } from "../domain/clock";
import { lastSlotId } from "../domain/spans";
import { formatRange, placeLabel } from "../domain/timeSlots";
import { useLiveEvent } from "../realtime/LiveChannel";
import { gridViewOf, mySessionsOf } from "../realtime/eventState";
import { applySuggestion, placePitch, setPinned, suggestionFor, unplacePitch } from "../services/grid.server";
import { isServiceError, statusOf } from "../services/errors";
import { asResponse, requireViewer } from "../services/request.server";
import { handleCommand } from "../utils/forms.server";

const DndBoard = lazy(() => import("../components/grid/DndBoard"));
/** Where the organiser's grid offers drag and drop: a mouse or pen, or a screen as wide as the table layout. */
const DRAG_AND_DROP_MEDIA = "(pointer: fine), (min-width: 600px)";

export const meta: MetaFunction = () => [{ title: "Schedule · Unconf" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  return {
    slug: viewer.event.slug,
    timeZone: viewer.event.timeZone,
    now: localNow(viewer.event.timeZone),
  };
}

/** The grid follows pushes; a vote or an "I'm going" elsewhere never reloads it. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "vote" || formData?.get("intent") === "going" ? false : defaultShouldRevalidate;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  switch (intent) {
    case "place":
      return handleCommand(intent, () => placePitch(context, viewer, form));
    case "unplace":
      return handleCommand(intent, () => unplacePitch(context, viewer, form));
    case "pin":
      return handleCommand(intent, () => setPinned(context, viewer, form));
    case "apply":
      return handleCommand(intent, async () => {
        const { placed } = await applySuggestion(context, viewer, form);
        return `Suggestion applied: ${placed} session${placed === 1 ? "" : "s"} placed.`;
      });
    case "suggest":
      try {
        return { intent, suggestion: await suggestionFor(context, viewer) };
      } catch (error) {
        if (isServiceError(error)) return data({ intent, error: error.message }, { status: statusOf[error.kind] });
        throw error;
      }
    default:
      throw asResponse(new Response("Unknown action.", { status: 400 }));
  }
}

/** The wall clock in the event's time zone, ticking so Now and Next move on their own. */
function useEventClock(timeZone: string, initial: string) {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    const timer = setInterval(() => setNow(localNow(timeZone)), 30_000);
    return () => clearInterval(timer);
  }, [timeZone]);
  return now;
}

export default function GridPage() {
  const { now: initialNow } = useLoaderData<typeof loader>();
  const live = useLiveEvent();
  const { slug, timeZone, name: eventName } = live.facts.settings;
  const isOrganiser = live.personal.isOrganiser;
  const joined = live.personal.attendee !== null;
  const grid = gridViewOf(live);
  const actionData = useActionData<typeof action>() as
    | { intent: string; error?: string; notice?: string; suggestion?: SuggestionView }
    | undefined;
  const now = useEventClock(timeZone, initialNow);
  const { now: nowSlot, next: nextSlot } = nowAndNext(grid.slots, now);
  // Drag and drop (dnd-kit, about 15 KB gzipped) is loaded only where it is used: a fine pointer or a wide screen.
  // Organiser phones place sessions with the Schedule dialog and never download it (issue 9: page weight).
  const [dragAndDrop, setDragAndDrop] = useState(false);
  useEffect(() => {
    const query = window.matchMedia(DRAG_AND_DROP_MEDIA);
    const update = () => setDragAndDrop(query.matches);
    update();
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, []);
  const boardProps = {
    slug,
    eventName,
    rooms: grid.rooms,
    slots: grid.slots,
    cells: grid.cells,
    unplaced: grid.unplaced,
    conflicts: grid.conflicts,
    isOrganiser,
    nowSlotId: nowSlot?.id ?? null,
    nextSlotId: nextSlot?.id ?? null,
    needsOf: Object.fromEntries(live.facts.pitches.map((p) => [p.id, p.needs])),
  };
  const titles = Object.fromEntries([
    ...grid.cells.map((c) => [c.pitchId, c.title]),
    ...grid.unplaced.map((p) => [p.id, p.title]),
  ]);
  const { cells: mine, basis: mineBasis } = mySessionsOf(grid.cells);
  const slotById = new Map(grid.slots.map((s) => [s.id, s]));
  const roomById = new Map(grid.rooms.map((r) => [r.id, r]));
  const suggestion = actionData?.intent === "suggest" && actionData.suggestion ? actionData.suggestion : null;

  return (
    <main id="main" className="page wide">
      <h1>Schedule</h1>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant style sheet for browsers without JavaScript */}
      {isOrganiser ? <noscript dangerouslySetInnerHTML={{ __html: `<style>${noJsMenus}</style>` }} /> : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {actionData?.notice ? (
        <p className="notice" role="status">
          {actionData.notice}
        </p>
      ) : null}
      {grid.rooms.length === 0 || grid.slots.length === 0 ? (
        <p className="muted">
          The grid appears once the organisers have added rooms and time slots.
          {isOrganiser ? (
            <>
              {" "}
              <Link to={`/e/${slug}/admin`}>Add them in the organiser console.</Link>
            </>
          ) : null}
        </p>
      ) : isOrganiser && dragAndDrop ? (
        <Suspense fallback={<GridBoard {...boardProps} />}>
          <DndBoard {...boardProps} />
        </Suspense>
      ) : (
        <GridBoard {...boardProps} />
      )}

      {grid.conflicts.length ? (
        <section className="card conflicts" aria-labelledby="conflicts-heading">
          <h2 id="conflicts-heading">Conflicts ({grid.conflicts.length})</h2>
          <ul>
            {grid.conflicts.map((c) => (
              <li key={`${c.kind}-${c.slotId}-${c.pitchIds.join("-")}`}>
                <strong>{formatRange(slotById.get(c.slotId) ?? { localStart: "", localEnd: "" })}</strong>: {c.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {joined ? (
        <section className="card" aria-labelledby="mine-heading">
          <h2 id="mine-heading">My sessions</h2>
          <p className="muted">
            {mineBasis === "going"
              ? "The sessions you marked “I'm going”."
              : "The sessions you voted for, until you mark “I'm going” on any."}
          </p>
          {mine.length === 0 ? (
            <p className="muted">None of the sessions you voted for is scheduled yet.</p>
          ) : (
            <ul className="plain-list">
              {mine
                .sort((a, b) =>
                  (slotById.get(a.slotId)?.localStart ?? "").localeCompare(slotById.get(b.slotId)?.localStart ?? ""),
                )
                .map((c) => {
                  const slot = slotById.get(c.slotId);
                  const last = slotById.get(lastSlotId(grid.slots, c.slotId, c.span));
                  return (
                    <li key={c.pitchId}>
                      <Link to={`/e/${slug}/s/${c.pitchId}`} discover="none">
                        {c.title}
                      </Link>
                      <span className="muted">
                        {slot
                          ? formatRange({ localStart: slot.localStart, localEnd: last?.localEnd ?? slot.localEnd })
                          : ""}
                        , {slot ? placeLabel(slot, roomById.get(c.roomId)?.name ?? "") : ""}
                        {c.myGoing === "waiting" ? " (waiting list)" : ""}
                      </span>
                    </li>
                  );
                })}
            </ul>
          )}
          <p>
            <a href={`/e/${slug}/my-sessions.ics`}>Add my sessions to my calendar (.ics)</a>
          </p>
          <p>
            <Link to={`/e/${slug}/calendar`}>Subscribe</Link>{" "}
            <span className="muted">(a private link your phone's calendar follows as sessions change)</span>
          </p>
        </section>
      ) : null}

      {isOrganiser ? (
        <SuggestionPanel suggestion={suggestion} rooms={grid.rooms} slots={grid.slots} titles={titles} />
      ) : null}
    </main>
  );
}
