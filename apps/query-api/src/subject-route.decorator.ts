import { applyDecorators, Controller } from '@nestjs/common';
import { ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { PointInTime } from '@newsledger/domain';
import { ApiErrorResponse } from '@newsledger/http';
import { FastifyReply } from 'fastify';
import { asOfParam, INSTANT_FORMAT, validAtParam } from './query-params';

// What the read routes of one subject (view, explanation, history) share: its id, its point in time, its refusals.

/** The `:id` of a subject route. */
const ID_PARAM = ApiParam({ name: 'id', description: 'The subject id without its kind, e.g. `ua-ru-2025-05-1000`', schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,79}$' } });
export const BAD_QUERY = ApiErrorResponse(400, 'A bad parameter (`invalid_query`, details name it)');
const NOT_FOUND = ApiErrorResponse(404, 'No report mentions this subject (at that point in time) (`not_found`)');

/** A controller of views under `/v1`, for keys with the `read` scope. */
export function ViewsController(): ClassDecorator {
  return applyDecorators(ApiTags('views'), Controller('v1'), RequireScope('read'));
}

/** A read route of one subject: its `:id`, and its refusals (a bad parameter, nothing recorded). */
export function SubjectRoute(): MethodDecorator {
  return applyDecorators(ID_PARAM, BAD_QUERY, NOT_FOUND);
}

/** A read route of one subject that can travel in time: {@link SubjectRoute} with `asOf` and `validAt`. */
export function SubjectRouteAt(): MethodDecorator {
  return applyDecorators(ID_PARAM, PointInTimeQueries(), BAD_QUERY, NOT_FOUND);
}

/** The time-travel parameters of a view. */
function PointInTimeQueries(): MethodDecorator {
  return (target, key, descriptor) => {
    ApiQuery({
      name: 'asOf', required: false, schema: { type: 'string', format: 'date-time' },
      description: `The view from the events *recorded* by then ("what did we know"): ${INSTANT_FORMAT}; or a date \`YYYY-MM-DD\`, meaning the end of that day (UTC). The answer's \`X-As-Of\` header is the instant used, and \`X-Time-Note\` says how a date was read.`,
    })(target, key, descriptor);
    ApiQuery({ name: 'validAt', required: false, description: '`YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an instant with offset: from the reports that *occurred* by then' })(target, key, descriptor);
  };
}

/**
 * The point in time of `?asOf` and `?validAt`. The answer says how it was read: `X-As-Of` is the
 * instant it is as of, and `X-Time-Note` says in words how a plain date was taken (set before the
 * query runs, so a 404 carries them too).
 * @throws QueryError `invalid_query` for a malformed one
 */
export function pointInTime(asOf: unknown, validAt: unknown, reply: FastifyReply): PointInTime {
  const at: PointInTime = {};
  const moment = asOfParam(asOf);
  const date = validAtParam(validAt);
  const notes: string[] = [];
  if (moment !== undefined) {
    at.asOf = moment.instant;
    reply.header('x-as-of', moment.instant);
    if (moment.date) notes.push(`asOf ${moment.date} is a date: read as the end of that day, ${moment.instant} (UTC)`);
  }
  if (date !== undefined) {
    at.validAt = date;
    if (!date.includes('T')) notes.push(`validAt ${date} is a date: the reports that occurred by the end of it (UTC) count`);
  }
  if (notes.length) reply.header('x-time-note', notes.join('; '));
  return at;
}
