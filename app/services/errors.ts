/**
 * The one way a service says no. Routes turn it into a 400/403/404/409/429
 * answer with the message, socket handlers into `{ ok: false, error }`.
 */
export type ServiceErrorKind = "invalid" | "forbidden" | "not_found" | "conflict" | "rate_limited";

export class ServiceError extends Error {
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
  return error instanceof ServiceError;
}
