import { EVENT_FILE_FORMAT, EVENT_FILE_VERSION, type EventFileInput } from "../../schemas/eventFile";
import type { EventExport } from "./model";

/**
 * The whole event as JSON (backup and moving to another install). Sessions
 * keep the export order; ballots refer to sessions by index, each sorted, and
 * the list sorted, so nothing tells who voted or in which order people came.
 */
export function eventFile(model: EventExport): EventFileInput {
  const index = new Map(model.sessions.map((s, i) => [s.id, i]));
  const ballots = (model.ballots ?? [])
    .map((ballot) =>
      ballot
        .map((id) => index.get(id))
        .filter((i): i is number => i !== undefined)
        .sort((a, b) => a - b),
    )
    .filter((ballot) => ballot.length > 0)
    .sort((a, b) => {
      for (let k = 0; k < Math.min(a.length, b.length); k++) {
        const d = (a[k] as number) - (b[k] as number);
        if (d !== 0) return d;
      }
      return a.length - b.length;
    });
  const votes = new Array<number>(model.sessions.length).fill(0);
  for (const ballot of ballots) for (const i of ballot) votes[i] = (votes[i] ?? 0) + 1;
  const { event } = model;
  return {
    format: EVENT_FILE_FORMAT,
    version: EVENT_FILE_VERSION,
    exportedAt: model.generatedAt,
    source: event.url,
    event: {
      name: event.name,
      date: event.date,
      timeZone: event.timeZone,
      private: event.private,
      pitchingOpen: event.pitchingOpen,
      votingOpen: event.votingOpen,
      votesPerAttendee: event.votesPerAttendee,
      blindVoting: event.blindVoting,
      shufflePitches: event.shufflePitches,
    },
    rooms: model.rooms.map((room) => ({
      name: room.name,
      capacity: room.capacity,
      ...(room.features?.length ? { features: room.features } : {}),
      ...(room.remoteUrl ? { remoteUrl: room.remoteUrl } : {}),
    })),
    timeSlots: model.slots.map((slot) => ({
      start: slot.localStart,
      end: slot.localEnd,
      kind: slot.kind,
      label: slot.label,
    })),
    sessions: model.sessions.map((session, i) => ({
      title: session.title,
      description: session.description,
      tags: session.tags,
      chathamHouse: session.chathamHouse,
      notesLocked: session.notesLocked,
      pitcher: session.pitcher,
      createdAt: session.createdAt,
      votes: votes[i] ?? 0,
      ...(session.span && session.span > 1 ? { slots: session.span } : {}),
      ...(session.needs?.length ? { needs: session.needs } : {}),
      ...(session.ownRemoteUrl ? { remoteUrl: session.ownRemoteUrl } : {}),
      placement: session.placement
        ? { room: session.placement.room, start: session.placement.localStart, pinned: session.placement.pinned }
        : null,
      notes: session.items.map((item) => ({
        kind: item.kind,
        text: item.text,
        blocker: item.blocker,
        impact: item.impact,
        helped: item.helped,
        saidBy: item.saidBy,
        author: item.author,
        createdAt: item.createdAt,
      })),
      ...(session.photos.some((photo) => photo.data)
        ? {
            photos: session.photos.flatMap((photo) =>
              photo.data
                ? [{ alt: photo.alt, createdAt: photo.createdAt, jpeg: Buffer.from(photo.data).toString("base64") }]
                : [],
            ),
          }
        : {}),
      ...(session.feedback ? { feedback: session.feedback } : {}),
    })),
    ballots,
  };
}

export function eventJson(model: EventExport): string {
  return `${JSON.stringify(eventFile(model), null, 2)}\n`;
}
