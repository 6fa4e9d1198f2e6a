/** Text limits, shared by zod schemas (the rule) and form attributes (the hint to the browser). */
export const limits = {
  eventName: 120,
  attendeeName: 60,
  roomName: 60,
  slotLabel: 60,
  passcode: 64,
  pitchTitle: 120,
  pitchDescription: 2000,
  itemText: 4000,
  /** A photo's description ("Describe the photo", its alt text). */
  photoAlt: 300,
  feedbackComment: 1000,
} as const;
