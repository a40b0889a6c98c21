/** An error whose message is meant for the operator, with the HTTP status a route answers with. */
export class UserFacingError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = new.target.name;
    this.status = status;
  }
}

export class NotFoundError extends UserFacingError {
  constructor(what: string, id: number | string) {
    super(`${what} ${id} does not exist`, 404);
  }
}

/** The request collides with existing data (a duplicate name or namespace). */
export class ConflictError extends UserFacingError {
  constructor(message: string) {
    super(message, 409);
  }
}

/** The request is well-formed but a domain rule forbids it in the current state. */
export class RuleError extends UserFacingError {
  constructor(message: string) {
    super(message, 422);
  }
}

export class InvalidInputError extends UserFacingError {
  constructor(message: string) {
    super(message, 400);
  }
}
