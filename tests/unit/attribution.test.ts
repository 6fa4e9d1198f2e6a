import { describe, expect, it } from "vitest";
import { displayName, exportName, speakerBasis, speakerName } from "../../app/domain/attribution";

const open = { chathamHouse: false };
const chatham = { chathamHouse: true };

describe("speakerName: a captured item's 'Said by'", () => {
  it.each([
    // saidBy, consent, chatham house, shown
    ["Priya", true, false, "Priya"],
    ["Priya", false, false, null],
    ["Priya", true, true, null],
    ["Priya", false, true, null],
    [null, true, false, null],
    ["", true, false, null],
    ["   ", true, false, null],
  ] as const)("said by %j, consent %s, Chatham House %s -> %j", (saidBy, saidByConsent, chathamHouse, shown) => {
    expect(speakerName({ saidBy, saidByConsent }, { chathamHouse })).toBe(shown);
  });

  it("trims the name it shows", () => {
    expect(speakerName({ saidBy: "  Sam  ", saidByConsent: true }, open)).toBe("Sam");
  });
});

describe("speakerName and speakerBasis: a 'Said by' linked to someone who joined", () => {
  const linked = (mentionConsent: "asked" | "named" | "anonymous", saidByConsent = true) => ({
    saidBy: "Jo",
    saidByConsent,
    mentionId: "attendee-jo",
    mentionConsent,
  });

  it("names the person only once they chose Name me, whatever the note-taker ticked", () => {
    expect(speakerName(linked("asked"), open)).toBeNull();
    expect(speakerName(linked("anonymous"), open)).toBeNull();
    expect(speakerName(linked("named", false), open)).toBe("Jo");
    expect(speakerBasis(linked("named", false), open)).toBe("confirmed by the person");
  });

  it("keeps the note-taker's tick as the basis for someone not on Unconf", () => {
    expect(speakerBasis({ saidBy: "Sam", saidByConsent: true }, open)).toBe("ticked by the note-taker");
    expect(speakerBasis({ saidBy: "Sam", saidByConsent: false }, open)).toBeNull();
  });

  it("lets Chatham House override even the person's own choice", () => {
    expect(speakerName(linked("named"), chatham)).toBeNull();
    expect(speakerBasis(linked("named"), chatham)).toBeNull();
  });
});

describe("displayName: inside the event", () => {
  it("shows the name a person joined with, whatever their write-up choice", () => {
    expect(displayName({ name: "Asha", nameInWriteups: false })).toBe("Asha");
    expect(displayName({ name: " Asha ", nameInWriteups: true })).toBe("Asha");
  });

  it("has no name for anonymous or unknown people", () => {
    expect(displayName({ name: "", nameInWriteups: true })).toBeNull();
    expect(displayName({ name: "  ", nameInWriteups: true })).toBeNull();
    expect(displayName(null)).toBeNull();
    expect(displayName(undefined)).toBeNull();
  });
});

describe("exportName: pitchers and note-takers in exports", () => {
  it.each([
    // name, opted in, Chatham House, exported
    ["Ben", true, false, "Ben"],
    ["Ben", false, false, null],
    ["Ben", true, true, null],
    ["Ben", false, true, null],
    ["", true, false, null],
    ["  ", true, false, null],
  ] as const)("name %j, opted in %s, Chatham House %s -> %j", (name, nameInWriteups, chathamHouse, exported) => {
    expect(exportName({ name, nameInWriteups }, { chathamHouse })).toBe(exported);
  });

  it("exports no name for a missing person", () => {
    expect(exportName(null, open)).toBeNull();
    expect(exportName(undefined, open)).toBeNull();
    expect(exportName(null, chatham)).toBeNull();
  });
});
