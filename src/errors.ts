/** Named errors with stable ids. One handler in app.ts renders them as HTML or JSON. */

export interface FieldError {
  readonly field: string
  readonly message: string
}

export abstract class AppError extends Error {
  abstract readonly id: string
  abstract readonly status: number
}

export class NotFound extends AppError {
  readonly id = 'not_found'
  readonly status = 404
  constructor(message = 'Page not found') {
    super(message)
  }
}

export class Unauthenticated extends AppError {
  readonly id = 'unauthenticated'
  readonly status = 401
  constructor(message = 'Sign in to continue') {
    super(message)
  }
}

export class Forbidden extends AppError {
  readonly id = 'forbidden'
  readonly status = 403
  constructor(message = 'You do not have permission to do that') {
    super(message)
  }
}

export class Conflict extends AppError {
  readonly id = 'conflict'
  readonly status = 409
}

export class TooManyRequests extends AppError {
  readonly id = 'too_many_requests'
  readonly status = 429
}

/** Input that breaks a rule; `fields` feed the GOV.UK error summary and the API's details. */
export class Invalid extends AppError {
  readonly id = 'invalid'
  readonly status = 400
  readonly fields: readonly FieldError[]
  constructor(fields: readonly FieldError[] | string) {
    const list = typeof fields === 'string' ? [{ field: '', message: fields }] : fields
    super(list.map((f) => f.message).join('; ') || 'The request was not valid')
    this.fields = list
  }

  static field(field: string, message: string): Invalid {
    return new Invalid([{ field, message }])
  }
}
