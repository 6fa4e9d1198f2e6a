import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { useLive } from "../realtime/LiveChannel";
import QRCode from "qrcode";
import { z } from "zod";
import { AnnouncementPanel } from "../components/admin/AnnouncementPanel";
import { BurstsPanel } from "../components/admin/BurstsPanel";
import { Checklist, DayPanel } from "../components/admin/DayPanel";
import { EventDetailsPanel } from "../components/admin/EventDetailsPanel";
import { FeedbackPanel } from "../components/admin/FeedbackPanel";
import { feedbackSettingSchema } from "../schemas/photo";
import { eventFeedback } from "../services/feedback.server";
import { timeZoneList } from "../domain/timeZones";
import { LinksPanel } from "../components/admin/LinksPanel";
import { ModerationPanel } from "../components/admin/ModerationPanel";
import { PasscodePanel } from "../components/admin/PasscodePanel";
import { RoomsPanel } from "../components/admin/RoomsPanel";
import { SlotsPanel } from "../components/admin/SlotsPanel";
import { VotingPanel } from "../components/admin/VotingPanel";
import {
  announcementSchema,
  burstSchema,
  editRoomFormSchema,
  editSlotSchema,
  eventDetailsSchema,
  passcodeSettingSchema,
  removeRoomSchema,
  removeSlotSchema,
  roomSchema,
  timeSlotSchema,
  votingSettingsSchema,
} from "../schemas/event";
import { hidePitchSchema, mergePitchesSchema, pitchIdSchema } from "../schemas/pitch";
import { hidePitch, mergePitches, moderationList, unhidePitch } from "../services/pitches.server";
import { removeBurstVotes, voteBursts } from "../services/bursts.server";
import {
  announce,
  claimOrganiser,
  clearAnnouncement,
  editEventDetails,
  setFeedbackOn,
  setPasscode,
  setPitchingOpen,
  setVotingOpen,
  updateVotingSettings,
} from "../services/events.server";
import { asResponse, loadViewer, publicOrigin, requireViewer, setIdentityEntry } from "../services/request.server";
import {
  addRoom,
  addTimeSlot,
  editRoom,
  editTimeSlot,
  listRooms,
  listTimeSlots,
  placementCounts,
  removeRoom,
  removeTimeSlot,
} from "../services/venue.server";
import { requireOrganiser } from "../services/viewer.server";
import { replyFor } from "../utils/forms";
import { handleForm } from "../utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Organiser console · Unconf" }];

const NOT_ORGANISER =
  "This is the organiser console. Open the organiser link you were given when the event was created (or ask a co-organiser for it).";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const key = url.searchParams.get("key");
  if (key !== null) {
    // An organiser link: remember the key in the cookie, then drop it from the address bar.
    let event: ReturnType<typeof claimOrganiser>;
    try {
      event = claimOrganiser(context, params.slug ?? "", key);
    } catch (error) {
      throw asResponse(error);
    }
    const cookie = await setIdentityEntry(context, request, "o", event.id, key);
    url.searchParams.delete("key");
    throw redirect(`${url.pathname}${url.search}`, { headers: { "Set-Cookie": cookie } });
  }
  const viewer = await loadViewer(context, request, params.slug);
  if (!viewer.isOrganiser) throw new Response(NOT_ORGANISER, { status: 403 });
  const { event } = viewer;
  const origin = publicOrigin(context, request);
  const attendeeLink = `${origin}/e/${event.slug}`;
  const qrSvg = await QRCode.toString(attendeeLink, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  const counts = placementCounts(context, event.id);
  return {
    event: {
      name: event.name,
      date: event.date,
      timeZone: event.timeZone,
      hasPasscode: Boolean(event.passcodeHash),
      votingOpen: event.votingOpen,
      pitchingOpen: event.pitchingOpen,
      votesPerAttendee: event.votesPerAttendee,
      blindVoting: event.blindVoting,
      shufflePitches: event.shufflePitches,
      announcement: event.announcement,
      feedbackOn: event.feedbackOn,
    },
    feedback: eventFeedback(context, event.id),
    slug: event.slug,
    timeZones: timeZoneList(Intl.supportedValuesOf("timeZone")),
    attendeeLink,
    organiserLink: viewer.organiserKey ? `${origin}/e/${event.slug}/admin?key=${viewer.organiserKey}` : null,
    qrDataUri: `data:image/svg+xml;base64,${Buffer.from(qrSvg).toString("base64")}`,
    rooms: listRooms(context, event.id).map(({ id, name, capacity, features, remoteUrl }) => ({
      id,
      name,
      capacity,
      features,
      remoteUrl,
    })),
    slots: listTimeSlots(context, event.id).map(({ id, localStart, localEnd, kind, label }) => ({
      id,
      localStart,
      localEnd,
      kind,
      label,
    })),
    placed: counts,
    moderation: moderationList(context, viewer),
    bursts: voteBursts(context, viewer),
  };
}

const noFields = z.object({});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  try {
    requireOrganiser(viewer);
  } catch (error) {
    throw asResponse(error);
  }
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  switch (intent) {
    case "add-room":
      return handleForm(formData, intent, roomSchema, (v) => addRoom(context, viewer, v));
    case "remove-room":
      return handleForm(formData, intent, removeRoomSchema, async (v) => {
        const { unscheduled } = await removeRoom(context, viewer, v.roomId);
        return unscheduled ? `${unscheduled} session(s) moved back to “Not scheduled yet”.` : undefined;
      });
    case "add-slot":
      return handleForm(formData, intent, timeSlotSchema, (v) => addTimeSlot(context, viewer, v));
    case "remove-slot":
      return handleForm(formData, intent, removeSlotSchema, async (v) => {
        const { unscheduled } = await removeTimeSlot(context, viewer, v.slotId);
        return unscheduled ? `${unscheduled} session(s) moved back to “Not scheduled yet”.` : undefined;
      });
    case "voting-settings":
      return handleForm(formData, intent, votingSettingsSchema, async (v) => {
        await updateVotingSettings(context, viewer, v);
        return "Voting settings saved.";
      });
    case "open-voting":
    case "close-voting":
      return handleForm(formData, intent, noFields, () => setVotingOpen(context, viewer, intent === "open-voting"));
    case "open-pitching":
    case "close-pitching":
      return handleForm(formData, intent, noFields, () => setPitchingOpen(context, viewer, intent === "open-pitching"));
    case "set-passcode":
      return handleForm(formData, intent, passcodeSettingSchema, async (v) => {
        await setPasscode(context, viewer, v);
        return v.passcode ? "Passcode set." : "Passcode removed: the event is public.";
      });
    case "announce":
      return handleForm(formData, intent, announcementSchema, async (v) => {
        await announce(context, viewer, v);
        return "Announced on every open page.";
      });
    case "clear-announcement":
      return handleForm(formData, intent, noFields, async () => {
        await clearAnnouncement(context, viewer);
        return "Announcement cleared.";
      });
    case "feedback-setting":
      return handleForm(formData, intent, feedbackSettingSchema, async (v) => {
        await setFeedbackOn(context, viewer, v);
        return v.on ? "Feedback is on: sessions ask for it from their start." : "Feedback is off.";
      });
    case "edit-event":
      return handleForm(formData, intent, eventDetailsSchema, async (v) => {
        await editEventDetails(context, viewer, v);
        return "Event details saved.";
      });
    case "edit-room":
      return handleForm(formData, intent, editRoomFormSchema, async (v) => {
        await editRoom(context, viewer, v);
        return `Room “${v.name}” saved.`;
      });
    case "edit-slot":
      return handleForm(formData, intent, editSlotSchema, async (v) => {
        await editTimeSlot(context, viewer, v);
        return "Time slot saved.";
      });
    case "hide-pitch":
      return handleForm(formData, intent, hidePitchSchema, async (v) => {
        await hidePitch(context, viewer, v);
        return "The pitch is hidden.";
      });
    case "unhide-pitch":
      return handleForm(formData, intent, pitchIdSchema, (v) => unhidePitch(context, viewer, v));
    case "merge-pitches":
      return handleForm(formData, intent, mergePitchesSchema, async (v) => {
        const { votes } = await mergePitches(context, viewer, v);
        return `Merged. The kept pitch now has ${votes} vote${votes === 1 ? "" : "s"}.`;
      });
    case "remove-burst":
      return handleForm(formData, intent, burstSchema, async (v) => {
        const { votes, attendees } = await removeBurstVotes(context, viewer, v);
        return `Removed ${votes} vote${votes === 1 ? "" : "s"} of ${attendees} attendee${attendees === 1 ? "" : "s"}.`;
      });
    default:
      throw new Response("Unknown action.", { status: 400 });
  }
}

export default function Admin() {
  const data = useLoaderData<typeof loader>();
  useReloadOnChange();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const notice = actionData && "notice" in actionData ? actionData.notice : undefined;
  // Edit-in-place forms are small: their refusals show here, with what to do.
  const editReply = ["edit-room", "edit-slot"].map((i) => replyFor(actionData, i)).find(Boolean);
  const editError = editReply
    ? [...(editReply.result.error?.[""] ?? []), ...Object.values(editReply.result.error ?? {}).flat()].find(Boolean)
    : undefined;
  const eventReply = replyFor(actionData, "edit-event");
  const eventError = eventReply
    ? Object.values(eventReply.result.error ?? {})
        .flat()
        .find(Boolean)
    : undefined;
  return (
    <main id="main" className="page">
      <h1>Organiser console</h1>
      {searchParams.get("created") ? (
        <>
          <p className="notice">
            Your event is ready. Keep the organiser link safe: it is the only way back in here from another device.
          </p>
          <Checklist rooms={data.rooms.length} slots={data.slots.length} votingOpen={data.event.votingOpen} />
        </>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {editError ? (
        <p className="form-error" role="alert">
          {editError}
        </p>
      ) : null}
      <div className="grid-2">
        <AnnouncementPanel current={data.event.announcement} reply={replyFor(actionData, "announce")} />
        <DayPanel slug={data.slug} />
        <EventDetailsPanel
          name={data.event.name}
          date={data.event.date}
          timeZone={data.event.timeZone}
          timeZones={data.timeZones}
          error={eventError ?? undefined}
        />
        <LinksPanel attendeeLink={data.attendeeLink} organiserLink={data.organiserLink} qrDataUri={data.qrDataUri} />
        <VotingPanel settings={data.event} reply={replyFor(actionData, "voting-settings")} />
        <RoomsPanel
          rooms={data.rooms}
          placed={data.placed.byRoom}
          addReply={replyFor(actionData, "add-room")}
          removeReply={replyFor(actionData, "remove-room")}
        />
        <SlotsPanel
          slots={data.slots}
          eventDate={data.event.date}
          placed={data.placed.bySlot}
          addReply={replyFor(actionData, "add-slot")}
          removeReply={replyFor(actionData, "remove-slot")}
        />
        <ModerationPanel
          pitches={data.moderation}
          hideReply={replyFor(actionData, "hide-pitch")}
          mergeReply={replyFor(actionData, "merge-pitches")}
        />
        <BurstsPanel bursts={data.bursts} timeZone={data.event.timeZone} reply={replyFor(actionData, "remove-burst")} />
        <FeedbackPanel on={data.event.feedbackOn} sessions={data.feedback} />
        <PasscodePanel hasPasscode={data.event.hasPasscode} reply={replyFor(actionData, "set-passcode")} />
      </div>
    </main>
  );
}

/**
 * The console shows organiser-only data (moderation, audit counts) that no
 * push carries, so it reloads after a change: organisers are a handful, never
 * the hall. Changes within a short moment are reloaded once.
 */
function useReloadOnChange() {
  const { onPatch } = useLive();
  const { revalidate } = useRevalidator();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = onPatch(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // A navigation that starts meanwhile cancels the reload and loads fresh data itself.
        new Promise<void>((resolve) => resolve(revalidate())).catch(() => {});
      }, 150);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [onPatch, revalidate]);
}
