import { randomBytes } from "node:crypto";

/** Random URL-safe ids for rows; 16 bytes keeps them unguessable. */
export function newId(): string {
  return randomBytes(16).toString("base64url");
}

/** An organiser key: long enough that a link cannot be guessed. */
export function newSecretKey(): string {
  return randomBytes(24).toString("base64url");
}
