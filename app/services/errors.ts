/**
 * The one way a service says no. Routes turn it into a 400/403/404/409/429
 * answer with the message, socket handlers into `{ ok: false, error }`.
 */
export type ServiceErrorKind = "invalid" | "forbidden" | "not_found" | "conflict" | "rate_limited";

/**
 * A brand instead of `instanceof`: server.ts and the Remix build each load
 * their own copy of this module, so an error made by one copy must still be
 * recognised by the other.
 */
const brand = Symbol.for("unconf.ServiceError");

export class ServiceError extends Error {
  readonly [brand] = true;
  readonly kind: ServiceErrorKind;
  /** Messages for form fields by name, so a form can show them beside the field. */
  readonly fieldErrors: Record<string, string[]>;

  constructor(kind: ServiceErrorKind, message: string, fieldErrors: Record<string, string[]> = {}) {
    super(message);
    this.name = "ServiceError";
    this.kind = kind;
    this.fieldErrors = fieldErrors;
  }
}

export const statusOf: Record<ServiceErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

export function isServiceError(error: unknown): error is ServiceError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[brand] === true;
}
