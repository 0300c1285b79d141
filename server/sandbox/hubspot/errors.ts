import { randomUUID } from 'node:crypto';

/**
 * HubSpot's error envelope (https://developers.hubspot.com/docs/api-reference/error-handling): `status`,
 * `message`, `correlationId`, then `errors`, `context` and `category` when present. Clients must treat every
 * field as optional, and so do the sandbox's own tests.
 */
export interface HubSpotErrorBody {
  readonly status: 'error';
  readonly message: string;
  readonly correlationId: string;
  readonly errors?: readonly { message: string; code?: string; context?: Record<string, string[]> }[];
  readonly context?: Record<string, string[]>;
  readonly category?: string;
  readonly subCategory?: string;
}

/** The statuses the sandbox answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 429 | 500 | 502 | 503 | 504;

/** An error the sandbox answers with HubSpot's envelope; thrown from handlers, mapped by `app.onError`. */
export class HubSpotError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly category: string | undefined,
    message: string,
    readonly extra: {
      readonly context?: Record<string, string[]>;
      readonly errors?: HubSpotErrorBody['errors'];
      readonly subCategory?: string;
    } = {},
  ) {
    super(message);
  }

  body(correlationId = randomUUID()): HubSpotErrorBody {
    return {
      status: 'error',
      message: this.message,
      correlationId,
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
      ...(this.extra.context ? { context: this.extra.context } : {}),
      ...(this.category ? { category: this.category } : {}),
      ...(this.extra.subCategory ? { subCategory: this.extra.subCategory } : {}),
    };
  }

  /** The per-input form inside a batch answer's `errors` (SDK model `StandardError`). */
  batchError(context: Record<string, string[]> = {}): BatchError {
    return {
      status: 'error',
      category: this.category ?? 'VALIDATION_ERROR',
      message: this.message,
      context: { ...this.extra.context, ...context },
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
      ...(this.extra.subCategory ? { subCategory: this.extra.subCategory } : {}),
    };
  }
}

/** One entry of a 207 answer's `errors`. */
export interface BatchError {
  readonly status: 'error';
  readonly category: string;
  readonly message: string;
  readonly context: Record<string, string[]>;
  readonly errors?: HubSpotErrorBody['errors'];
  readonly subCategory?: string;
}

/** One invalid property value, as HubSpot lists them inside "Property values were not valid: [...]". */
export interface PropertyProblem {
  readonly name: string;
  readonly error: string;
  readonly message: string;
}

/** 400 VALIDATION_ERROR whose message embeds the JSON list of invalid properties, as HubSpot's does. */
export function propertyValuesError(problems: readonly PropertyProblem[]): HubSpotError {
  const list = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name }));
  return new HubSpotError(
    400,
    'VALIDATION_ERROR',
    `Property values were not valid: ${JSON.stringify(list)}`,
    {
      errors: problems.map((p) => ({
        message: p.message,
        code: p.error,
        context: { propertyName: [p.name] },
      })),
    },
  );
}

/** 400 VALIDATION_ERROR for a request whose shape is wrong (HubSpot prefixes these "Invalid input JSON"). */
export function invalidInput(reason: string): HubSpotError {
  return new HubSpotError(400, 'VALIDATION_ERROR', `Invalid input JSON: ${reason}`);
}

/**
 * A missing record. HubSpot answers a numeric id that does not exist with a bare "resource not found" and
 * a non-numeric one with "Object not found.  objectId are usually numeric." (two spaces, as sent).
 */
export function objectNotFound(id: string): HubSpotError {
  if (/^\d+$/.test(id)) return new HubSpotError(404, undefined, 'resource not found');
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', {
    context: { id: [id] },
  });
}
