import { ApiParam, ApiQuery } from '@nestjs/swagger';
import { PointInTime } from '@newsledger/domain';
import { ApiErrorResponse } from '@newsledger/http';
import { INSTANT_FORMAT, instantParam, validAtParam } from './query-params';

// What the read routes of one subject (view, explanation, history) share: its id, its point in time, its refusals.

/** The `:id` of a subject route. */
export const ID_PARAM = ApiParam({ name: 'id', description: 'The subject id without its kind, e.g. `ua-ru-2025-05-1000`', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,79}$' } });
export const BAD_QUERY = ApiErrorResponse(400, 'A bad parameter (`invalid_query`, details name it)');
export const NOT_FOUND = ApiErrorResponse(404, 'No report mentions this subject (at that point in time) (`not_found`)');

/** The time-travel parameters of a view. */
export function PointInTimeQueries(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiQuery({
      name: 'asOf', required: false, schema: { type: 'string', format: 'date-time' },
      description: `The view from the events *recorded* by then ("what did we know"): ${INSTANT_FORMAT}`,
    })(target, key, descriptor);
    ApiQuery({ name: 'validAt', required: false, description: '`YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an instant with offset: from the reports that *occurred* by then' })(target, key, descriptor);
  };
}

/**
 * The point in time of `?asOf` and `?validAt`.
 * @throws QueryError `invalid_query` for a malformed one
 */
export function pointInTime(asOf: unknown, validAt: unknown): PointInTime {
  const at: PointInTime = {};
  const instant = instantParam('asOf', asOf);
  const date = validAtParam(validAt);
  if (instant !== undefined) at.asOf = instant;
  if (date !== undefined) at.validAt = date;
  return at;
}
